"""Core use cases: setup, reference editions, ingest, browse, checks and classification, review."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb import reference
from kb.config import DATA_DIR, Config, load_config
from kb.errors import IngestError, KBError, NotFoundError, ReferenceNotFoundError
from kb.ingest import collect_inputs, read_path
from kb.ingest.metadata import FolderMetadata, build_metadata
from kb.models import IngestOutcome, IngestReport, Metadata, Submission
from kb.storage import Storage
from nlp.types import ReferenceEntry

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
LIST_KINDS = ("guide", "tasks")


@dataclass
class ActiveEdition:
    """The reference list in use: which edition, which variant, which status."""

    id: int
    list_kind: str
    edition: str
    variant: str
    title: str
    status: str
    source: str
    entries: list[ReferenceEntry]

    @property
    def banner(self) -> str:
        label = {"official": "官方正式文本", "reconstruction": "重构版（非官方原文，仅供参考）"}.get(
            self.variant, self.variant
        )
        return f"{self.title}｜{self.edition} 年版｜{label}｜状态：{self.status}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "list_kind": self.list_kind,
            "edition": self.edition,
            "variant": self.variant,
            "title": self.title,
            "status": self.status,
            "source": self.source,
            "entries": len(self.entries),
            "banner": self.banner,
        }


def _entry_from_dict(d: dict[str, Any]) -> ReferenceEntry:
    fields = ReferenceEntry.__dataclass_fields__
    kw = {k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items() if k in fields}
    return ReferenceEntry(**kw)


def summarize(kind: str, result: dict[str, Any]) -> dict[str, Any]:
    """The part of an analysis the inbox needs, in the same shape as the full result."""
    findings = [{"code": f.get("code"), "severity": f.get("severity")} for f in result.get("findings", [])]
    if kind == "check":
        return {"zishu": result.get("zishu"), "weakness": result.get("weakness"), "findings": findings}
    top = [
        {k: s.get(k) for k in ("code", "name", "link", "score")} for s in (result.get("scenarios") or [])[:3]
    ]
    return {"scenarios": top, "off_topic": result.get("off_topic"), "findings": findings}


class KBCore:
    """One knowledge base: a database, its indexes and the active reference editions.

    Thread-safe for use from several Streamlit sessions: storage opens a connection per call, caches are guarded.
    """

    def __init__(self, config: Config | None = None, **overrides: Any) -> None:
        self.config = (config or load_config()).with_overrides(**overrides)
        self.storage = Storage(self.config.db_url)
        self._lock = threading.RLock()
        self._editions: dict[str, ActiveEdition] = {}
        self._classifier: Any = None
        self._engine: Any = None

    # ------------------------------------------------------------------ setup
    def init(self) -> dict[str, Any]:
        """Create or migrate the database and load the bundled reference editions (idempotent)."""
        version = self.storage.init()
        loaded = []
        for ed in reference.bundled_editions():
            variant = "official" if ed.status == "official" else "reconstruction"
            existing = [
                e
                for e in self.storage.list_editions()
                if (e["list_kind"], e["edition"], e["variant"]) == (ed.kind, ed.edition, variant)
            ]
            if existing:
                continue
            self.storage.save_edition(
                ed.kind,
                ed.edition,
                variant,
                ed.title,
                ed.status,
                ed.source,
                [e.to_dict() for e in ed.entries],
            )
            loaded.append(f"{ed.kind}:{ed.edition}")
        for list_kind in LIST_KINDS:
            if self.storage.get_meta(f"active_{list_kind}") is None:
                want = self.config.guide_edition if list_kind == "guide" else self.config.tasks_edition
                cands = [e for e in self.storage.list_editions() if e["list_kind"] == list_kind]
                pick = [e for e in cands if e["edition"] == str(want)] or cands
                if pick:
                    pick.sort(key=lambda e: e["variant"] != "official")
                    self.storage.set_meta(f"active_{list_kind}", str(pick[0]["id"]))
        self._invalidate()
        return {"schema_version": version, "db": self.config.db_url, "editions_loaded": loaded}

    def _invalidate(self) -> None:
        with self._lock:
            self._editions.clear()
            self._classifier = None
            self._ref_engine = None
            self.__dict__.pop("_classifiers", None)
            # the similarity engine's boilerplate comes from the active editions: reload and sync it
            self._engine = None
            self.__dict__.pop("_views_dupes", None)

    # ------------------------------------------------------------------ reference editions
    def active_edition(self, list_kind: str = "guide") -> ActiveEdition:
        """The edition in use for ``guide`` or ``tasks``."""
        with self._lock:
            if list_kind in self._editions:
                return self._editions[list_kind]
            self.storage.ensure_ready()
            eid = self.storage.get_meta(f"active_{list_kind}")
            if eid is None:
                self.init()
                eid = self.storage.get_meta(f"active_{list_kind}")
            if eid is None:
                raise ReferenceNotFoundError(f"没有可用的{list_kind}参考版本：请运行 `scenario-kb init`。")
            ed = self._edition_from_row(self.storage.get_edition(int(eid)), list_kind)
            self._editions[list_kind] = ed
            return ed

    def _edition_from_row(self, row: dict[str, Any], list_kind: str) -> ActiveEdition:
        """An edition row of the database with its entries."""
        entries = [_entry_from_dict(d) for d in self.storage.edition_entries(int(row["id"]))]
        return ActiveEdition(
            row["id"],
            list_kind,
            row["edition"],
            row["variant"],
            row["title"],
            row["status"],
            row["source"],
            entries,
        )

    def _pick_edition(
        self, list_kind: str, edition: str, variant: str | None = None
    ) -> dict[str, Any] | None:
        """The stored edition row for ``list_kind`` / ``edition`` (official before reconstruction), or None."""
        cands = [
            e for e in self.storage.list_editions() if e["list_kind"] == list_kind and e["edition"] == edition
        ]
        if variant:
            cands = [e for e in cands if e["variant"] == variant]
        cands.sort(key=lambda e: e["variant"] != "official")
        return cands[0] if cands else None

    def reference_list(self) -> list[dict[str, Any]]:
        """All editions in the database, marking the active ones."""
        self.storage.ensure_ready()
        active = {self.storage.get_meta(f"active_{k}") for k in LIST_KINDS}
        return [dict(e, active=str(e["id"]) in active) for e in self.storage.list_editions()]

    def use_edition(self, list_kind: str, edition: str, variant: str | None = None) -> ActiveEdition:
        """Make an edition active (``variant`` official wins over reconstruction when not given)."""
        row = self._pick_edition(list_kind, edition, variant)
        if row is None:
            raise ReferenceNotFoundError(
                f"没有 {list_kind} {edition} 年版{f'（{variant}）' if variant else ''}：请用 `scenario-kb reference list` 查看，"
                "或用 `scenario-kb reference import` 导入官方文本。"
            )
        self.storage.set_meta(f"active_{list_kind}", str(row["id"]))
        self._invalidate()
        return self.active_edition(list_kind)

    def preview_reference_import(
        self, path: str | Path, list_kind: str, edition: str
    ) -> tuple[list[ReferenceEntry], Any]:
        """Parse an official attachment and diff it against the edition in use. Nothing is stored."""
        text = reference.read_official_file(Path(path))
        entries = reference.parse_official_text(text, "guide" if list_kind == "guide" else "tasks", edition)
        if not entries:
            raise IngestError(
                str(path),
                "没有识别出任何条目",
                "官方格式应有“一、工厂设计”式的环节标题和“1. 场景名称。说明”式的条目",
            )
        diff = reference.diff_editions(self.active_edition(list_kind).entries, entries)
        return entries, diff

    def import_reference(self, path: str | Path, list_kind: str, edition: str) -> ActiveEdition:
        """Store an official attachment as edition ``edition`` (variant official) and make it active."""
        entries, _ = self.preview_reference_import(path, list_kind, edition)
        title = "智能制造典型场景参考指引" if list_kind == "guide" else "智能制造示范工厂揭榜任务"
        self.storage.save_edition(
            list_kind,
            edition,
            "official",
            f"{title}（{edition}年）",
            "official",
            f"imported from {Path(path).name}",
            [e.to_dict() for e in entries],
        )
        return self.use_edition(list_kind, edition, "official")

    # ------------------------------------------------------------------ ingest
    def ingest(
        self,
        paths: Iterable[str | Path],
        *,
        dry_run: bool = False,
        column_map: dict[str, str] | None = None,
        defaults: dict[str, Any] | None = None,
        progress: Progress | None = None,
        analyze: bool = True,
    ) -> IngestReport:
        """Ingest files and folders. Idempotent by normalised content hash; a bad file is reported and skipped.

        Args:
            paths: files and folders (folders are walked recursively).
            dry_run: read and validate everything, store nothing.
            column_map: extra header → field mapping for batch tables.
            defaults: metadata applied where a document has none (e.g. ``{"year": 2022}``).
            progress: callback ``(done, total, path)``.
            analyze: run checks and classification for new submissions and add them to the indexes.
        """
        from nlp.normalize import content_hash, normalize_display, normalize_for_match

        self.storage.ensure_ready()
        report = IngestReport(batch_id=uuid.uuid4().hex[:12], dry_run=dry_run)
        files = collect_inputs(paths)
        fm = FolderMetadata()
        new_ids: list[int] = []
        cfg = self.config
        for i, path in enumerate(files):
            try:
                items = list(
                    read_path(
                        path,
                        folder_meta=fm,
                        column_map=column_map,
                        max_upload_mb=cfg.max_upload_mb,
                        max_text_chars=cfg.max_text_chars,
                        max_uncompressed_mb=cfg.max_docx_uncompressed_mb,
                        parse_timeout_s=cfg.parse_timeout_s,
                    )
                )
            except IngestError as exc:
                items = [exc]
            except Exception as exc:  # an unexpected parser failure must not abort the batch
                log.exception("unexpected error reading %s", path)
                items = [
                    IngestError(str(path), f"读取失败（{type(exc).__name__}: {exc}）", "请检查文件是否完好")
                ]
            for item in items:
                if isinstance(item, IngestError):
                    report.outcomes.append(
                        IngestOutcome(item.path, "error", f"{item.reason}；{item.fix}".rstrip("；"))
                    )
                    if not dry_run:
                        self.storage.log_ingest(report.batch_id, item.path, "error", item.reason)
                    continue
                doc = item
                if defaults:
                    for k, v in defaults.items():
                        if v not in (None, "") and not getattr(doc.meta, k, None):
                            setattr(doc.meta, k, v)
                text = normalize_display(doc.text)
                if not text.strip():
                    report.outcomes.append(IngestOutcome(doc.source, "error", "正文为空；请提交含正文的文件"))
                    continue
                h = content_hash(text)
                existing = self.storage.find_by_hash(h)
                if existing is not None:
                    report.outcomes.append(
                        IngestOutcome(
                            doc.source,
                            "duplicate",
                            f"内容与 #{existing} 相同，未重复导入",
                            existing,
                            doc.meta.title,
                        )
                    )
                    continue
                if dry_run:
                    report.outcomes.append(
                        IngestOutcome(doc.source, "would_add", "; ".join(doc.warnings), None, doc.meta.title)
                    )
                    continue
                try:  # one row that cannot be stored is rejected; the batch goes on
                    sid, created = self.storage.add_submission(
                        content_hash=h,
                        source=doc.source,
                        source_path=doc.source_path,
                        fmt=doc.fmt,
                        text=text,
                        norm_text=normalize_for_match(text).text,
                        meta=doc.meta,
                        warnings=doc.warnings,
                        partial=doc.partial,
                        batch_id=report.batch_id,
                    )
                except (ValueError, OverflowError, UnicodeError) as exc:
                    reason = f"无法保存（{type(exc).__name__}）"
                    report.outcomes.append(IngestOutcome(doc.source, "error", reason))
                    self.storage.log_ingest(report.batch_id, doc.source, "error", reason)
                    continue
                status = "added" if created else "duplicate"
                report.outcomes.append(
                    IngestOutcome(doc.source, status, "; ".join(doc.warnings), sid, doc.meta.title)
                )
                self.storage.log_ingest(report.batch_id, doc.source, status, "; ".join(doc.warnings), sid)
                if created:
                    new_ids.append(sid)
            if progress:
                progress(i + 1, len(files), str(path))
        if analyze and not dry_run:
            # rows stored by an interrupted earlier run have no analysis yet: finish them too
            todo = sorted(
                set(new_ids)
                | set(self.storage.ids_without_analysis("check"))
                | set(self.storage.ids_without_analysis("classify"))
            )
            if todo:
                self.analyze_many(todo)
            if new_ids or todo or self.index_stale():
                self.index_add(new_ids)
        return report

    def add_text(self, text: str, meta: Metadata | dict[str, Any], source: str = "pasted") -> int:
        """Store one text given directly (UI upload). Returns its id (existing id when already stored)."""
        from nlp.normalize import content_hash, normalize_display, normalize_for_match

        self.storage.ensure_ready()
        warnings: list[str] = []
        if isinstance(meta, dict):
            meta = build_metadata(meta, source, warnings)
        text = normalize_display(text)
        if not text.strip():
            raise IngestError(source, "正文为空", "请提交含正文的文本")
        sid, created = self.storage.add_submission(
            content_hash=content_hash(text),
            source=source,
            source_path="",
            fmt="txt",
            text=text,
            norm_text=normalize_for_match(text).text,
            meta=meta,
            warnings=warnings,
        )
        if created:
            self.analyze_many([sid])
            self.index_add([sid])
        return sid

    # ------------------------------------------------------------------ browse
    def list_submissions(self, filters: dict[str, Any] | None = None, **kw: Any) -> list[Submission]:
        self.storage.ensure_ready()
        return self.storage.list_submissions(filters, **kw)

    def count(self, filters: dict[str, Any] | None = None) -> int:
        self.storage.ensure_ready()
        return self.storage.count_submissions(filters)

    def get(self, sid: int) -> Submission:
        self.storage.ensure_ready()
        return self.storage.get_submission(int(sid))

    def resolve(self, target: str | int) -> tuple[Submission | None, str]:
        """A CLI target: a submission id, or a path to a file read without storing it."""
        s = str(target)
        if s.isdigit() and not Path(s).exists():
            sub = self.get(int(s))
            return sub, sub.text
        path = Path(s)
        cfg = self.config
        docs = [
            d
            for d in read_path(
                path,
                max_upload_mb=cfg.max_upload_mb,
                max_text_chars=cfg.max_text_chars,
                max_uncompressed_mb=cfg.max_docx_uncompressed_mb,
                parse_timeout_s=cfg.parse_timeout_s,
            )
            if not isinstance(d, IngestError)
        ]
        if not docs:
            raise IngestError(str(path), "文件中没有可用正文", "请检查文件")
        from nlp.normalize import normalize_display

        return None, normalize_display(docs[0].text)

    # ------------------------------------------------------------------ analysis
    def boilerplate_texts(self) -> list[str]:
        """Reference texts whose copying counts as boilerplate: guide scopes and the notice's clauses."""
        texts = [e.scope for e in self.active_edition("guide").entries if e.scope]
        texts += [e.scope for e in self.active_edition("tasks").entries if e.scope]
        notice = DATA_DIR / "notice_2021" / "clauses.toml"
        if notice.exists():
            import tomllib

            clauses = tomllib.loads(notice.read_text(encoding="utf-8")).get("clauses", {})
            texts += [c["text"] for c in clauses.values() if c.get("quote") == "verbatim" and c.get("text")]
        return texts

    def check_text(self, text: str, kind: str = "scenario") -> dict[str, Any]:
        """Run the length/structure/quality checks on a text (nothing stored)."""
        from nlp.checks import check_text

        return check_text(text, kind=kind, boilerplate=self.boilerplate_texts()).to_dict()

    def _guide_entries(self, edition: str | None) -> tuple[list[ReferenceEntry], dict[str, Any]]:
        """Entries and description of the active guide, or of ``edition`` without switching to it."""
        active = self.active_edition("guide")
        if not edition or edition == active.edition:
            return active.entries, active.to_dict()
        row = self._pick_edition("guide", edition)
        if row is None:
            raise ReferenceNotFoundError(
                f"没有 {edition} 年版的典型场景指引：请用 `scenario-kb reference list` 查看。"
            )
        ed = self._edition_from_row(row, "guide")
        return ed.entries, ed.to_dict()

    def confirmed_examples(self, codes: set[str]) -> dict[str, list[str]]:
        """Texts reviewers confirmed for each scenario code (used as extra examples by the classifier)."""
        out: dict[str, list[str]] = {}
        for lab in self.storage.labels("scenario"):
            if lab["code"] in codes:
                try:
                    out.setdefault(lab["code"], []).append(
                        self.storage.get_submission(lab["submission_id"]).text
                    )
                except NotFoundError:
                    continue
        return out

    def classifier(self, edition: str | None = None) -> Any:
        """The classifier of the active editions (or of another guide edition), built once per process.

        Reviewer-confirmed labels feed it as examples; with at least 30 of them a supervised layer is trained and
        used only if its cross-validated top-1 beats the unsupervised ranking (report in ``supervised_report``).
        """
        with self._lock:
            key = edition or "active"
            cache = self.__dict__.setdefault("_classifiers", {})
            if self._classifier is None:
                cache.clear()
            if key not in cache:
                from nlp.classify import Classifier

                entries, _ = self._guide_entries(edition)
                codes = {e.code for e in entries}
                examples = self.confirmed_examples(codes)
                clf = Classifier(entries, self.active_edition("tasks").entries, examples=examples)
                n_labels = sum(len(v) for v in examples.values())
                if n_labels >= 30:
                    texts = [t for code in examples for t in examples[code]]
                    labels = [code for code in examples for _ in examples[code]]
                    self.supervised_report = clf.fit_supervised(texts, labels)
                cache[key] = clf
                if key == "active":
                    self._classifier = clf
            return cache[key]

    def classify_text(
        self, text: str, kind: str = "scenario", claimed: str | None = None, edition: str | None = None
    ) -> dict[str, Any]:
        """Rank 典型场景, 环节 and (for factories) 揭榜 tasks for a text, against the active guide or ``edition``."""
        res = self.classifier(edition).classify(text, kind=kind, claimed=claimed or None).to_dict()
        res["edition"] = self._guide_entries(edition)[1]
        return res

    def _versions(self) -> dict[str, str]:
        from nlp.checks import load_rules

        rules = load_rules()
        return {
            "check": str(rules.version),
            "classify": f"{self.active_edition('guide').id}:{self.active_edition('tasks').id}",
        }

    def analyze(self, sid: int, force: bool = False) -> dict[str, Any]:
        """Checks + classification of a stored submission, recomputed when rules or editions changed."""
        sub = self.get(sid)
        versions = self._versions()
        out: dict[str, Any] = {}
        for kind in ("check", "classify"):
            stored = self.storage.get_analysis(sub.id, kind)
            if stored and stored[0] == versions[kind] and not force:
                out[kind] = stored[1]
                continue
            if kind == "check":
                res = self.check_text(sub.text, sub.meta.kind)
            else:
                res = self.classify_text(sub.text, sub.meta.kind, sub.meta.claimed)
            self.storage.save_analysis(sub.id, kind, versions[kind], res, summarize(kind, res))
            out[kind] = res
        return out

    def analyze_many(self, ids: Sequence[int], progress: Progress | None = None) -> None:
        for i, sid in enumerate(ids):
            try:
                self.analyze(sid)
            except KBError:
                raise
            except Exception:  # analysis failure of one text is logged, never aborts the batch
                log.exception("analysis failed for #%s", sid)
            if progress:
                progress(i + 1, len(ids), str(sid))

    def evaluate(self, labeled: str | Path) -> Any:
        """Evaluate the classifier of the active editions on a labeled JSONL file."""
        from nlp.evaluate import evaluate, load_labeled

        try:
            items = load_labeled(labeled)
        except (ValueError, KeyError) as exc:
            raise KBError(
                f"{labeled}: 标注文件格式不对（{exc}）：每行一个 JSON 对象，含 text、scenarios、link。"
            ) from exc
        return evaluate(self.classifier(), items)

    # ------------------------------------------------------------------ review
    def set_decision(self, sid: int, reviewer: str, status: str, note: str = "") -> None:
        from kb.models import REVIEW_STATUSES

        if status not in REVIEW_STATUSES:
            raise KBError(f"审核状态 {status!r} 无效：应为 {'/'.join(REVIEW_STATUSES)}。")
        self.get(sid)
        self.storage.add_decision(int(sid), reviewer, status, note)

    def confirm_label(self, sid: int, code: str, reviewer: str, label_kind: str = "scenario") -> None:
        ed = self.active_edition("guide" if label_kind == "scenario" else "tasks")
        if code not in {e.code for e in ed.entries}:
            raise NotFoundError(
                f"编码 {code} 不在当前参考版本中：请用 `scenario-kb reference show` 查看编码。"
            )
        self.get(sid)
        self.storage.add_label(int(sid), label_kind, code, ed.edition, reviewer)
        with self._lock:
            self._classifier = None  # rebuilt with the new example on next use


class AuthMixin:
    """User management and login over :mod:`kb.auth`."""

    def add_user(self, username: str, password: str, role: str) -> None:
        from kb.auth import check_role, hash_password

        self.storage.ensure_ready()
        self.storage.upsert_user(username.strip(), check_role(role), hash_password(password))

    def remove_user(self, username: str) -> None:
        self.storage.delete_user(username)

    def users(self) -> list[dict[str, Any]]:
        self.storage.ensure_ready()
        return self.storage.list_users()

    def login(self, username: str, password: str) -> Any:
        from kb.auth import authenticate, load_users_file

        self.storage.ensure_ready()
        user = self.storage.get_user(username.strip())
        if user is None and self.config.users_file:
            u = load_users_file(self.config.users_file).get(username.strip())
            if u:
                user = {"username": username.strip(), "active": True, **u}
        return authenticate(user, password, int(self.config.session_ttl_min))

    def ensure_demo_users(self) -> None:
        """Create reviewer/analyst/admin demo accounts (password ``demo``) when no user exists."""
        if not self.storage.list_users():
            for role in ("reviewer", "analyst", "admin"):
                self.add_user(role, "demo", role)

    def reset(self) -> None:
        """Delete a SQLite database file and its indexes (demo rebuilds)."""
        import shutil

        url = self.config.db_url
        self.storage.close()
        if url.startswith("sqlite:///"):
            p = Path(url[len("sqlite:///") :])
            for f in (p, p.with_name(p.name + "-wal"), p.with_name(p.name + "-shm")):
                if f.exists():
                    f.unlink()
        if self.config.index_path.exists():
            shutil.rmtree(self.config.index_path)
        self.storage = Storage(url)
        self._invalidate()
        self._engine = None
