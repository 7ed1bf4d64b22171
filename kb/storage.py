"""Storage: the ONLY module with SQL. SQLAlchemy Core; SQLite by default, a PostgreSQL URL for shared deployments.

SQLite runs in WAL mode with foreign keys on and a busy timeout; write transactions start with
``BEGIN IMMEDIATE`` so two writers queue instead of failing with "database is locked".
Schema changes go through :data:`MIGRATIONS`; the version is kept in the ``meta`` table.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from kb import storage_keys
from kb.dbfiles import create_private_db_file
from kb.errors import NotFoundError, SchemaVersionError, StorageError
from kb.models import Metadata, Submission
from kb.storage_sqlite import set_wal

SCHEMA_VERSION = 6

md = sa.MetaData()

meta_t = sa.Table(
    "meta", md, sa.Column("key", sa.String(64), primary_key=True), sa.Column("value", sa.Text, nullable=False)
)

editions_t = sa.Table(
    "reference_editions",
    md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("list_kind", sa.String(16), nullable=False),  # guide | tasks
    sa.Column("edition", sa.String(16), nullable=False),
    sa.Column("variant", sa.String(32), nullable=False),  # reconstruction | official
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("source", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.UniqueConstraint("list_kind", "edition", "variant"),
)

entries_t = sa.Table(
    "reference_entries",
    md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "edition_id", sa.Integer, sa.ForeignKey("reference_editions.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("code", sa.String(32), nullable=False),
    sa.Column("data", sa.Text, nullable=False),  # JSON of nlp.types.ReferenceEntry
    sa.UniqueConstraint("edition_id", "code"),
)

submissions_t = sa.Table(
    "submissions",
    md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("source_path", sa.Text, nullable=False, default=""),
    sa.Column("fmt", sa.String(16), nullable=False),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("applicant", sa.Text, nullable=False, default=""),
    sa.Column("region", sa.String(64), nullable=False, default=""),
    sa.Column("region_type", sa.String(32), nullable=False, default=""),
    sa.Column("industry", sa.String(64), nullable=False, default=""),
    sa.Column("kind", sa.String(16), nullable=False, default="scenario"),
    sa.Column("claimed", sa.Text, nullable=False, default=""),
    sa.Column("year", sa.Integer, nullable=True),
    sa.Column("recommender", sa.Text, nullable=False, default=""),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("norm_text", sa.Text, nullable=False),
    sa.Column("warnings", sa.Text, nullable=False, default="[]"),
    sa.Column("partial", sa.Boolean, nullable=False, default=False),
    sa.Column("batch_id", sa.String(40), nullable=False, default=""),
    sa.Column("ingested_at", sa.String(32), nullable=False),
    sa.Index("ix_submissions_year_region", "year", "region"),
)

analyses_t = sa.Table(
    "analyses",
    md,
    sa.Column(
        "submission_id", sa.Integer, sa.ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("kind", sa.String(32), primary_key=True),  # check | classify | similarity
    sa.Column("version", sa.String(64), nullable=False),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("summary", sa.Text, nullable=False, default=""),
)

decisions_t = sa.Table(
    "decisions",
    md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "submission_id", sa.Integer, sa.ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("reviewer", sa.String(64), nullable=False),
    sa.Column("status", sa.String(8), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Index("ix_decisions_sub", "submission_id"),
)

labels_t = sa.Table(
    "labels",
    md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "submission_id", sa.Integer, sa.ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("label_kind", sa.String(16), nullable=False),  # scenario | task | link
    sa.Column("code", sa.String(32), nullable=False),
    sa.Column("edition", sa.String(16), nullable=False, default=""),
    sa.Column("reviewer", sa.String(64), nullable=False, default=""),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.UniqueConstraint("submission_id", "label_kind", "code"),
)

users_t = sa.Table(
    "users",
    md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("pw_hash", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.String(32), nullable=False),
)

ingest_log_t = sa.Table(
    "ingest_log",
    md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("batch_id", sa.String(40), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text, nullable=False, default=""),
    sa.Column("submission_id", sa.Integer, nullable=True),
    sa.Column("created_at", sa.String(32), nullable=False),
)

family_reviews_t = sa.Table(
    "family_reviews",
    md,
    sa.Column("family_key", sa.String(64), primary_key=True),
    sa.Column("reviewer", sa.String(64), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.String(32), nullable=False),
)


def _stamped(conn: Connection, table: sa.Table, **values: Any) -> Any:
    """Insert one row of ``table`` with ``created_at`` now; returns the result (``inserted_primary_key``)."""
    return conn.execute(sa.insert(table).values(**values, created_at=_now()))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _migrate_1(conn: Connection) -> None:
    for t in (
        meta_t,
        editions_t,
        entries_t,
        submissions_t,
        analyses_t,
        decisions_t,
        labels_t,
        users_t,
        ingest_log_t,
    ):
        t.create(conn, checkfirst=True)


def _migrate_2(conn: Connection) -> None:
    family_reviews_t.create(conn, checkfirst=True)


def _migrate_3(conn: Connection) -> None:
    # a small JSON summary beside each analysis, so the inbox never parses full results of thousands of rows
    cols = {c["name"] for c in sa.inspect(conn).get_columns("analyses")}
    if "summary" not in cols:
        conn.execute(sa.text("ALTER TABLE analyses ADD COLUMN summary TEXT NOT NULL DEFAULT ''"))


def _migrate_4(conn: Connection) -> None:
    storage_keys.create_table(conn)  # the API key table lives beside its queries


def _migrate_5(conn: Connection) -> None:
    # PostgreSQL enforces VARCHAR lengths, SQLite does not: store text as TEXT there too (same behaviour on both)
    if conn.dialect.name == "postgresql":
        for t in [*md.sorted_tables, *storage_keys.md.sorted_tables]:
            for c in t.columns:
                if isinstance(c.type, sa.String) and not isinstance(c.type, sa.Text):
                    conn.execute(sa.text(f'ALTER TABLE "{t.name}" ALTER COLUMN "{c.name}" TYPE TEXT'))


def _migrate_6(conn: Connection) -> None:
    storage_keys.create_rate_table(conn)  # rate limits shared by every API worker


MIGRATIONS = {1: _migrate_1, 2: _migrate_2, 3: _migrate_3, 4: _migrate_4, 5: _migrate_5, 6: _migrate_6}
"""version -> function bringing the schema from version-1 to version."""


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Autocommit at the driver level; SQLAlchemy's begin event below issues BEGIN IMMEDIATE.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=60000")
    set_wal(cur)
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    """Create an engine; for SQLite set WAL, foreign keys, busy timeout and immediate write transactions."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not path.startswith("file:"):
            create_private_db_file(Path(path))
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            # Reads take a deferred snapshot (WAL readers never wait for the writer); writes queue for the lock.
            conn.exec_driver_sql(
                "BEGIN" if conn.get_execution_options().get("kb_read_only") else "BEGIN IMMEDIATE"
            )

        return engine
    if url.startswith(("postgresql://", "postgres://")):  # the driver that is a dependency: psycopg 3
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return sa.create_engine(url, pool_pre_ping=True)


def _row_to_submission(r: Any) -> Submission:
    m = r._mapping
    meta = Metadata(
        title=m["title"],
        applicant=m["applicant"],
        region=m["region"],
        region_type=m["region_type"],
        industry=m["industry"],
        kind=m["kind"],
        claimed=m["claimed"],
        year=m["year"],
        recommender=m["recommender"],
    )
    return Submission(
        id=m["id"],
        content_hash=m["content_hash"],
        source=m["source"],
        fmt=m["fmt"],
        text=m["text"],
        meta=meta,
        ingested_at=m["ingested_at"],
        batch_id=m["batch_id"],
        warnings=json.loads(m["warnings"] or "[]"),
        partial=bool(m["partial"]),
    )


_FILTER_COLUMNS = ("kind", "region", "region_type", "industry", "year", "claimed", "batch_id")
_SORT_COLUMNS = {"id", "title", "region", "industry", "kind", "year", "ingested_at", "applicant"}


class Storage:
    """The knowledge-base database. Thread-safe: one engine, a connection per operation."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine = make_engine(url)
        except Exception as exc:  # invalid URL, missing driver
            raise StorageError(f"无法打开数据库 {url}：{exc}") from exc
        self._lock = threading.Lock()
        self._ready = False

    # ----- schema --------------------------------------------------------------------------------
    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise StorageError(
                f"数据库操作失败（{self.url}）：{exc.orig}。请稍后重试或检查磁盘与权限。"
            ) from exc

    def _replace(self, table: sa.Table, where: Any, **values: Any) -> None:
        """Delete the rows of ``table`` matching ``where`` and insert ``values`` (stamped) in one transaction."""
        with self._tx() as conn:
            conn.execute(sa.delete(table).where(where))
            _stamped(conn, table, **values)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                conn.execution_options(kb_read_only=True)
                yield conn
        except OperationalError as exc:
            raise StorageError(
                f"读取数据库失败（{self.url}）：{exc.orig}。请运行 `scenario-kb init`。"
            ) from exc

    def schema_version(self) -> int:
        with self._read() as conn:
            if not sa.inspect(conn).has_table("meta"):
                return 0
            v = conn.execute(sa.select(meta_t.c.value).where(meta_t.c.key == "schema_version")).scalar()
        return int(v) if v else 0

    def init(self) -> int:
        """Create or migrate the schema to :data:`SCHEMA_VERSION`. Returns the version reached."""
        with self._lock, self._tx() as conn:
            meta_t.create(conn, checkfirst=True)
            v = conn.execute(sa.select(meta_t.c.value).where(meta_t.c.key == "schema_version")).scalar()
            current = int(v) if v else 0
            if current > SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"数据库结构版本 {current} 比本程序支持的 {SCHEMA_VERSION} 新：请升级 scenario-kb。"
                )
            for ver in range(current + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[ver](conn)
                self._set_meta(conn, "schema_version", str(ver))
        return SCHEMA_VERSION

    def ensure_ready(self) -> None:
        """Create or migrate the schema when it is behind (asked once per process once it is current: every
        request calls this)."""
        if self._ready:
            return
        if self.schema_version() < SCHEMA_VERSION:
            self.init()
        self._ready = True

    @staticmethod
    def _set_meta(conn: Connection, key: str, value: str) -> None:
        conn.execute(sa.delete(meta_t).where(meta_t.c.key == key))
        conn.execute(sa.insert(meta_t).values(key=key, value=value))

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        with self._read() as conn:
            v = conn.execute(sa.select(meta_t.c.value).where(meta_t.c.key == key)).scalar()
        return default if v is None else v

    def set_meta(self, key: str, value: str) -> None:
        with self._tx() as conn:
            self._set_meta(conn, key, value)

    # ----- reference editions --------------------------------------------------------------------
    def save_edition(
        self,
        list_kind: str,
        edition: str,
        variant: str,
        title: str,
        status: str,
        source: str,
        entries: Sequence[dict[str, Any]],
        replace: bool = True,
    ) -> int:
        """Insert (or replace) one reference edition with its entries. Returns the edition id."""
        with self._tx() as conn:
            old = conn.execute(
                sa.select(editions_t.c.id).where(
                    editions_t.c.list_kind == list_kind,
                    editions_t.c.edition == edition,
                    editions_t.c.variant == variant,
                )
            ).scalar()
            if old is not None:
                if not replace:
                    return int(old)
                conn.execute(sa.delete(entries_t).where(entries_t.c.edition_id == old))
                conn.execute(sa.delete(editions_t).where(editions_t.c.id == old))
            eid = _stamped(
                conn,
                editions_t,
                list_kind=list_kind,
                edition=edition,
                variant=variant,
                title=title,
                status=status,
                source=source,
            ).inserted_primary_key[0]
            if entries:
                conn.execute(
                    sa.insert(entries_t),
                    [
                        {"edition_id": eid, "code": e["code"], "data": json.dumps(e, ensure_ascii=False)}
                        for e in entries
                    ],
                )
        return int(eid)

    def list_editions(self) -> list[dict[str, Any]]:
        with self._read() as conn:
            count = (
                sa.select(entries_t.c.edition_id, sa.func.count().label("n"))
                .group_by(entries_t.c.edition_id)
                .subquery()
            )
            rows = conn.execute(
                sa.select(editions_t, sa.func.coalesce(count.c.n, 0).label("entries"))
                .select_from(editions_t.outerjoin(count, count.c.edition_id == editions_t.c.id))
                .order_by(editions_t.c.list_kind, editions_t.c.edition, editions_t.c.variant)
            ).all()
        return [dict(r._mapping) for r in rows]

    def edition_entries(self, edition_id: int) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(entries_t.c.data)
                .where(entries_t.c.edition_id == edition_id)
                .order_by(entries_t.c.id)
            ).all()
        return [json.loads(r[0]) for r in rows]

    def get_edition(self, edition_id: int) -> dict[str, Any]:
        with self._read() as conn:
            r = conn.execute(sa.select(editions_t).where(editions_t.c.id == edition_id)).first()
        if r is None:
            raise NotFoundError(f"参考版本 {edition_id} 不存在：请用 `scenario-kb reference list` 查看。")
        return dict(r._mapping)

    # ----- submissions ---------------------------------------------------------------------------
    def add_submission(
        self,
        *,
        content_hash: str,
        source: str,
        source_path: str,
        fmt: str,
        text: str,
        norm_text: str,
        meta: Metadata,
        warnings: Sequence[str] = (),
        partial: bool = False,
        batch_id: str = "",
    ) -> tuple[int, bool]:
        """Store a submission unless its content hash exists. Returns ``(id, created)``."""
        with self._tx() as conn:
            existing = conn.execute(
                sa.select(submissions_t.c.id).where(submissions_t.c.content_hash == content_hash)
            ).scalar()
            if existing is not None:
                return int(existing), False
            try:
                sid = conn.execute(
                    sa.insert(submissions_t).values(
                        content_hash=content_hash,
                        source=source,
                        source_path=source_path,
                        fmt=fmt,
                        text=text,
                        norm_text=norm_text,
                        warnings=json.dumps(list(warnings), ensure_ascii=False),
                        partial=partial,
                        batch_id=batch_id,
                        ingested_at=_now(),
                        **meta.to_dict(),
                    )
                ).inserted_primary_key[0]
            except IntegrityError:  # a concurrent writer stored the same content first
                conn.rollback()
                return self.find_by_hash(content_hash) or 0, False
        return int(sid), True

    def find_by_hash(self, content_hash: str) -> int | None:
        with self._read() as conn:
            v = conn.execute(
                sa.select(submissions_t.c.id).where(submissions_t.c.content_hash == content_hash)
            ).scalar()
        return None if v is None else int(v)

    def get_submission(self, sid: int) -> Submission:
        with self._read() as conn:
            r = conn.execute(sa.select(submissions_t).where(submissions_t.c.id == sid)).first()
        if r is None:
            raise NotFoundError(f"申报材料 #{sid} 不存在：请用 `scenario-kb list` 查看已有编号。")
        return _row_to_submission(r)

    def update_metadata(self, sid: int, **fields: Any) -> None:
        allowed = {k: v for k, v in fields.items() if k in Metadata.__dataclass_fields__}
        if not allowed:
            return
        with self._tx() as conn:
            conn.execute(sa.update(submissions_t).where(submissions_t.c.id == sid).values(**allowed))

    def delete_submission(self, sid: int) -> None:
        with self._tx() as conn:
            conn.execute(sa.delete(submissions_t).where(submissions_t.c.id == sid))

    def _where(self, filters: dict[str, Any] | None) -> list[Any]:
        conds: list[Any] = []
        for k, v in (filters or {}).items():
            if v in (None, "", [], ()):
                continue
            if k == "q":
                like = f"%{v}%"
                conds.append(
                    sa.or_(
                        submissions_t.c.title.like(like),
                        submissions_t.c.applicant.like(like),
                        submissions_t.c.source.like(like),
                    )
                )
            elif k == "ids":
                conds.append(submissions_t.c.id.in_(list(v)))
            elif k in _FILTER_COLUMNS:
                col = submissions_t.c[k]
                conds.append(col.in_(list(v)) if isinstance(v, list | tuple | set) else col == v)
            else:
                raise StorageError(f"不支持的筛选条件 {k!r}：可用 {', '.join(_FILTER_COLUMNS)}、q、ids。")
        return conds

    def list_submissions(
        self,
        filters: dict[str, Any] | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        order_by: str = "id",
        descending: bool = False,
        with_text: bool = False,
    ) -> list[Submission]:
        """Submissions matching ``filters`` (column equality, ``q`` substring, ``ids``), paged and sorted."""
        if order_by not in _SORT_COLUMNS:
            raise StorageError(f"不支持的排序列 {order_by!r}：可用 {', '.join(sorted(_SORT_COLUMNS))}。")
        cols = [c for c in submissions_t.c if with_text or c.name not in ("text", "norm_text")]
        stmt = sa.select(*cols).where(*self._where(filters))
        col = submissions_t.c[order_by]
        stmt = stmt.order_by(col.desc() if descending else col.asc(), submissions_t.c.id)
        if limit is not None:
            stmt = stmt.limit(limit).offset(offset)
        with self._read() as conn:
            rows = conn.execute(stmt).all()
        out = []
        for r in rows:
            m = dict(r._mapping)
            m.setdefault("text", "")
            m.setdefault("norm_text", "")
            out.append(_row_to_submission(_Row(m)))
        return out

    def count_submissions(self, filters: dict[str, Any] | None = None) -> int:
        with self._read() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(submissions_t).where(*self._where(filters))
                ).scalar()
                or 0
            )

    def submission_ids(self) -> list[int]:
        with self._read() as conn:
            return [
                int(r[0]) for r in conn.execute(sa.select(submissions_t.c.id).order_by(submissions_t.c.id))
            ]

    def submission_hashes(self) -> dict[int, str]:
        """``{id: content_hash}`` of every stored submission."""
        with self._read() as conn:
            stmt = sa.select(submissions_t.c.id, submissions_t.c.content_hash)
            return {int(r[0]): str(r[1]) for r in conn.execute(stmt)}

    def iter_texts(self, ids: Iterable[int] | None = None) -> Iterator[tuple[int, str]]:
        stmt = sa.select(submissions_t.c.id, submissions_t.c.text).order_by(submissions_t.c.id)
        if ids is not None:
            stmt = stmt.where(submissions_t.c.id.in_(list(ids)))
        with self._read() as conn:
            for r in conn.execute(stmt):
                yield int(r[0]), r[1]

    def distinct_values(self, column: str) -> list[Any]:
        if column not in _FILTER_COLUMNS:
            raise StorageError(f"不支持的列 {column!r}。")
        col = submissions_t.c[column]
        with self._read() as conn:
            return [
                r[0] for r in conn.execute(sa.select(col).distinct().order_by(col)) if r[0] not in (None, "")
            ]

    # ----- analyses ------------------------------------------------------------------------------
    def save_analysis(
        self, sid: int, kind: str, version: str, result: dict[str, Any], summary: dict[str, Any] | None = None
    ) -> None:
        self._replace(
            analyses_t,
            sa.and_(analyses_t.c.submission_id == sid, analyses_t.c.kind == kind),
            submission_id=sid,
            kind=kind,
            version=version,
            result=json.dumps(result, ensure_ascii=False),
            summary=json.dumps(summary, ensure_ascii=False) if summary is not None else "",
        )

    def analysis_summaries(self, kind: str) -> dict[int, tuple[str, dict[str, Any]]]:
        """``{id: (version, summary)}`` for ``kind``; rows saved without a summary give their full result."""
        with self._read() as conn:
            rows = conn.execute(
                sa.select(analyses_t.c.submission_id, analyses_t.c.version, analyses_t.c.summary).where(
                    analyses_t.c.kind == kind
                )
            ).all()
            out = {int(r[0]): (r[1], json.loads(r[2])) for r in rows if r[2]}
            legacy = [int(r[0]) for r in rows if not r[2]]
            if legacy:
                for r in conn.execute(
                    sa.select(analyses_t.c.submission_id, analyses_t.c.version, analyses_t.c.result).where(
                        analyses_t.c.kind == kind, analyses_t.c.submission_id.in_(legacy)
                    )
                ):
                    out[int(r[0])] = (r[1], json.loads(r[2]))
        return out

    def get_analysis(self, sid: int, kind: str) -> tuple[str, dict[str, Any]] | None:
        with self._read() as conn:
            r = conn.execute(
                sa.select(analyses_t.c.version, analyses_t.c.result).where(
                    analyses_t.c.submission_id == sid, analyses_t.c.kind == kind
                )
            ).first()
        return None if r is None else (r[0], json.loads(r[1]))

    def ids_without_analysis(self, kind: str) -> list[int]:
        """Submissions that have no stored analysis of ``kind`` (e.g. stored by an interrupted ingest)."""
        done = sa.select(analyses_t.c.submission_id).where(analyses_t.c.kind == kind)
        with self._read() as conn:
            rows = conn.execute(
                sa.select(submissions_t.c.id)
                .where(submissions_t.c.id.not_in(done))
                .order_by(submissions_t.c.id)
            ).all()
        return [int(r[0]) for r in rows]

    def analyses(self, kind: str) -> dict[int, tuple[str, dict[str, Any]]]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(analyses_t.c.submission_id, analyses_t.c.version, analyses_t.c.result).where(
                    analyses_t.c.kind == kind
                )
            ).all()
        return {int(r[0]): (r[1], json.loads(r[2])) for r in rows}

    # ----- reviewer decisions, labels ------------------------------------------------------------
    def add_decision(self, sid: int, reviewer: str, status: str, note: str = "") -> None:
        with self._tx() as conn:
            _stamped(conn, decisions_t, submission_id=sid, reviewer=reviewer, status=status, note=note)

    def latest_decisions(self) -> dict[int, dict[str, Any]]:
        """Latest decision per submission."""
        sub = (
            sa.select(decisions_t.c.submission_id, sa.func.max(decisions_t.c.id).label("mid"))
            .group_by(decisions_t.c.submission_id)
            .subquery()
        )
        with self._read() as conn:
            rows = conn.execute(sa.select(decisions_t).join(sub, sub.c.mid == decisions_t.c.id)).all()
        return {int(r._mapping["submission_id"]): dict(r._mapping) for r in rows}

    def decision_history(self, sid: int) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(decisions_t).where(decisions_t.c.submission_id == sid).order_by(decisions_t.c.id)
            ).all()
        return [dict(r._mapping) for r in rows]

    def add_label(self, sid: int, label_kind: str, code: str, edition: str, reviewer: str) -> None:
        with self._tx() as conn:
            exists = conn.execute(
                sa.select(labels_t.c.id).where(
                    labels_t.c.submission_id == sid,
                    labels_t.c.label_kind == label_kind,
                    labels_t.c.code == code,
                )
            ).scalar()
            if exists is None:
                _stamped(
                    conn, labels_t, submission_id=sid, label_kind=label_kind, code=code, edition=edition,
                    reviewer=reviewer,
                )  # fmt: skip

    def labels(self, label_kind: str | None = None) -> list[dict[str, Any]]:
        stmt = sa.select(labels_t)
        if label_kind:
            stmt = stmt.where(labels_t.c.label_kind == label_kind)
        with self._read() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt.order_by(labels_t.c.id))]

    def mark_family_reviewed(self, key: str, reviewer: str, note: str = "") -> None:
        self._replace(
            family_reviews_t,
            family_reviews_t.c.family_key == key,
            family_key=key,
            reviewer=reviewer,
            note=note,
        )

    def family_reviews(self) -> dict[str, dict[str, Any]]:
        with self._read() as conn:
            return {
                r._mapping["family_key"]: dict(r._mapping) for r in conn.execute(sa.select(family_reviews_t))
            }

    # ----- users ---------------------------------------------------------------------------------
    def upsert_user(self, username: str, role: str, pw_hash: str, active: bool = True) -> None:
        self._replace(
            users_t,
            users_t.c.username == username,
            username=username,
            role=role,
            pw_hash=pw_hash,
            active=active,
        )

    def get_user(self, username: str) -> dict[str, Any] | None:
        with self._read() as conn:
            r = conn.execute(sa.select(users_t).where(users_t.c.username == username)).first()
        return None if r is None else dict(r._mapping)

    def list_users(self) -> list[dict[str, Any]]:
        with self._read() as conn:
            return [
                {k: v for k, v in r._mapping.items() if k != "pw_hash"}
                for r in conn.execute(sa.select(users_t).order_by(users_t.c.username))
            ]

    def set_user_role(self, username: str, role: str) -> bool:
        """Change a user's role; False when there is no such user."""
        with self._tx() as conn:
            res = conn.execute(sa.update(users_t).where(users_t.c.username == username).values(role=role))
        return bool(res.rowcount)

    def delete_user(self, username: str) -> None:
        with self._tx() as conn:
            conn.execute(sa.delete(users_t).where(users_t.c.username == username))

    # ----- ingest log ----------------------------------------------------------------------------
    def log_ingest(
        self, batch_id: str, path: str, status: str, reason: str = "", sid: int | None = None
    ) -> None:
        with self._tx() as conn:
            _stamped(
                conn,
                ingest_log_t,
                batch_id=batch_id,
                path=path,
                status=status,
                reason=reason,
                submission_id=sid,
            )

    def ingest_log(self, batch_id: str | None = None) -> list[dict[str, Any]]:
        stmt = sa.select(ingest_log_t).order_by(ingest_log_t.c.id)
        if batch_id:
            stmt = stmt.where(ingest_log_t.c.batch_id == batch_id)
        with self._read() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]

    def integrity_check(self) -> str:
        """Run SQLite's integrity check (``ok`` when healthy); other databases return ``ok``."""
        if not self.url.startswith("sqlite"):
            return "ok"
        with self._read() as conn:
            return str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())

    def close(self) -> None:
        self.engine.dispose()


class _Row:
    """Adapter so a plain dict can be read like a Row by :func:`_row_to_submission`."""

    def __init__(self, m: dict[str, Any]) -> None:
        self._mapping = m
