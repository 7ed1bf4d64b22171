"""Storage of API keys (the ``api_keys`` table) and of their request counts (``api_rate``): the SQL beside
:mod:`kb.storage`, kept apart to keep that file small.

Only the SHA-256 digest of a key is stored; the key itself is shown once, when it is made.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:
    from kb.storage import Storage

md = sa.MetaData()  # its own: kb.storage imports this module for migration 4, never the other way round

api_keys_t = sa.Table(
    "api_keys",
    md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("prefix", sa.String(16), nullable=False),  # first characters, to recognise a key in a list
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("revoked_at", sa.String(32), nullable=False, default=""),
)


rate_md = sa.MetaData()  # apart from ``md``: migration 5 (VARCHAR to TEXT) ran before this table existed
api_rate_t = sa.Table(  # requests per key and minute, shared by every API worker of the database
    "api_rate",
    rate_md,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("minute", sa.BigInteger, primary_key=True),  # whole minutes since the epoch
    sa.Column("hits", sa.Integer, nullable=False, default=0),
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def create_table(conn: Any) -> None:
    """Migration 4: the API key table."""
    api_keys_t.create(conn, checkfirst=True)


def create_rate_table(conn: Any) -> None:
    """Migration 6: the request counts of the rate limit."""
    api_rate_t.create(conn, checkfirst=True)


class ApiKeyStore:
    """Add, list, find and revoke API keys in one :class:`kb.storage.Storage`."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def add(self, name: str, role: str, prefix: str, key_hash: str) -> None:
        self.storage._replace(
            api_keys_t, api_keys_t.c.name == name, name=name, role=role, prefix=prefix, key_hash=key_hash,
            active=True,
        )  # fmt: skip

    def list(self) -> list[dict[str, Any]]:
        cols = [c for c in api_keys_t.c if c.name != "key_hash"]
        with self.storage._read() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.select(*cols).order_by(api_keys_t.c.name))]

    def by_hash(self, key_hash: str) -> dict[str, Any] | None:
        with self.storage._read() as conn:
            r = conn.execute(sa.select(api_keys_t).where(api_keys_t.c.key_hash == key_hash)).first()
        return None if r is None else dict(r._mapping)

    def revoke(self, name: str) -> bool:
        with self.storage._tx() as conn:
            res = conn.execute(
                sa.update(api_keys_t)
                .where(api_keys_t.c.name == name, api_keys_t.c.active.is_(True))
                .values(active=False, revoked_at=_now())
            )
        return bool(res.rowcount)

    def hit(self, name: str, minute: int) -> tuple[int, int]:
        """Count one request of key ``name`` in ``minute``; returns the counts of that minute and the one before
        (one short write transaction; rows older than the minute before are removed)."""
        if self.storage.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(api_rate_t).values(name=name, minute=minute, hits=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[api_rate_t.c.name, api_rate_t.c.minute], set_={"hits": api_rate_t.c.hits + 1}
        )
        with self.storage._tx() as conn:
            conn.execute(stmt)
            rows = conn.execute(
                sa.select(api_rate_t.c.minute, api_rate_t.c.hits).where(
                    api_rate_t.c.name == name, api_rate_t.c.minute >= minute - 1
                )
            ).all()
            if minute % 5 == 0:
                conn.execute(sa.delete(api_rate_t).where(api_rate_t.c.minute < minute - 1))
        got = {int(m): int(h) for m, h in rows}
        return got.get(minute, 0), got.get(minute - 1, 0)
