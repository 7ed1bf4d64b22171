"""The reference component: stored guide / task-list editions, which one is active, imports of official texts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb import reference
from kb.attachments import read_official_file
from kb.errors import IngestError, ReferenceNotFoundError
from kb.service.clauses import load_clauses
from nlp.text import reference_terms, use_domain_terms
from nlp.types import ReferenceEntry

if TYPE_CHECKING:
    from kb.service import KB

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
        fields = ("id", "list_kind", "edition", "variant", "title", "status", "source")
        return {**{f: getattr(self, f) for f in fields}, "entries": len(self.entries), "banner": self.banner}


def _entry_from_dict(d: dict[str, Any]) -> ReferenceEntry:
    fields = ReferenceEntry.__dataclass_fields__
    kw = {k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items() if k in fields}
    return ReferenceEntry(**kw)


class ReferenceEditions:
    """Owns the ``editions`` table and the ``active_<kind>`` meta keys; caches the active editions."""

    def __init__(self, kb: KB) -> None:
        self.kb = kb
        self._editions: dict[str, ActiveEdition] = {}

    def invalidate(self) -> None:
        self._editions.clear()

    def load_bundled(self) -> list[str]:
        """Store the bundled editions not yet in the database and pick the active ones (idempotent)."""
        storage, config = self.kb.storage, self.kb.config
        loaded = []
        for ed in reference.bundled_editions():
            variant = "official" if ed.status == "official" else "reconstruction"
            existing = [
                e
                for e in storage.list_editions()
                if (e["list_kind"], e["edition"], e["variant"]) == (ed.kind, ed.edition, variant)
            ]
            if existing:
                continue
            storage.save_edition(
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
            if storage.get_meta(f"active_{list_kind}") is None:
                want = config.guide_edition if list_kind == "guide" else config.tasks_edition
                cands = [e for e in storage.list_editions() if e["list_kind"] == list_kind]
                pick = [e for e in cands if e["edition"] == str(want)] or cands
                if pick:
                    pick.sort(key=lambda e: e["variant"] != "official")
                    storage.set_meta(f"active_{list_kind}", str(pick[0]["id"]))
        return loaded

    def active_edition(self, list_kind: str = "guide") -> ActiveEdition:
        """The edition in use for ``guide`` or ``tasks``.

        Loading the editions in use also installs their terms in the word-segmentation dictionary
        (:func:`nlp.text.use_domain_terms`), so that an edition change (``use_edition``, ``import_reference``,
        which invalidate this cache) changes the dictionary.
        """
        with self.kb.lock:
            if list_kind not in self._editions:
                self._editions[list_kind] = self._load_active(list_kind)
                for other in LIST_KINDS:
                    if other not in self._editions:
                        try:
                            self._editions[other] = self._load_active(other)
                        except ReferenceNotFoundError:
                            continue
                use_domain_terms(self._terms())
            return self._editions[list_kind]

    def _terms(self) -> frozenset[str]:
        return reference_terms(e for ed in self._editions.values() for e in ed.entries)

    def dictionary_terms(self) -> frozenset[str]:
        """The word-segmentation terms of the editions in use (installed in this process; a worker process that
        segments text for this knowledge base is handed them)."""
        with self.kb.lock:
            self.active_edition("guide")
            return self._terms()

    def _load_active(self, list_kind: str) -> ActiveEdition:
        storage = self.kb.storage
        storage.ensure_ready()
        eid = storage.get_meta(f"active_{list_kind}")
        if eid is None:
            self.kb.init()
            eid = storage.get_meta(f"active_{list_kind}")
        if eid is None:
            raise ReferenceNotFoundError(f"没有可用的{list_kind}参考版本：请运行 `scenario-kb init`。")
        return self.edition_from_row(storage.get_edition(int(eid)), list_kind)

    def edition_from_row(self, row: dict[str, Any], list_kind: str) -> ActiveEdition:
        """An edition row of the database with its entries."""
        entries = [_entry_from_dict(d) for d in self.kb.storage.edition_entries(int(row["id"]))]
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

    def pick_edition(self, list_kind: str, edition: str, variant: str | None = None) -> dict[str, Any] | None:
        """The stored edition row for ``list_kind`` / ``edition`` (official before reconstruction), or None."""
        cands = [
            e
            for e in self.kb.storage.list_editions()
            if e["list_kind"] == list_kind and e["edition"] == edition
        ]
        if variant:
            cands = [e for e in cands if e["variant"] == variant]
        cands.sort(key=lambda e: e["variant"] != "official")
        return cands[0] if cands else None

    def reference_list(self) -> list[dict[str, Any]]:
        """All editions in the database, marking the active ones."""
        storage = self.kb.storage
        storage.ensure_ready()
        active = {storage.get_meta(f"active_{k}") for k in LIST_KINDS}
        return [dict(e, active=str(e["id"]) in active) for e in storage.list_editions()]

    def use_edition(self, list_kind: str, edition: str, variant: str | None = None) -> ActiveEdition:
        """Make an edition active (``variant`` official wins over reconstruction when not given)."""
        row = self.pick_edition(list_kind, edition, variant)
        if row is None:
            raise ReferenceNotFoundError(
                f"没有 {list_kind} {edition} 年版{f'（{variant}）' if variant else ''}：请用 `scenario-kb reference list` 查看，"
                "或用 `scenario-kb reference import` 导入官方文本。"
            )
        self.kb.storage.set_meta(f"active_{list_kind}", str(row["id"]))
        self.kb.invalidate()
        return self.active_edition(list_kind)

    def guide_entries(self, edition: str | None) -> tuple[list[ReferenceEntry], dict[str, Any]]:
        """Entries and description of the active guide, or of ``edition`` without switching to it."""
        active = self.active_edition("guide")
        if not edition or edition == active.edition:
            return active.entries, active.to_dict()
        row = self.pick_edition("guide", edition)
        if row is None:
            raise ReferenceNotFoundError(
                f"没有 {edition} 年版的典型场景指引：请用 `scenario-kb reference list` 查看。"
            )
        ed = self.edition_from_row(row, "guide")
        return ed.entries, ed.to_dict()

    def entries(self) -> list[ReferenceEntry]:
        """Entries of the active guide followed by those of the active task list."""
        return list(self.active_edition("guide").entries) + list(self.active_edition("tasks").entries)

    def preview_reference_import(
        self, path: str | Path, list_kind: str, edition: str
    ) -> tuple[list[ReferenceEntry], Any]:
        """Parse an official attachment and diff it against the edition in use. Nothing is stored."""
        text = read_official_file(Path(path))
        entries = reference.parse_official_text(text, "guide" if list_kind == "guide" else "tasks", edition)
        if not entries:
            raise IngestError(
                str(path),
                "没有识别出任何条目",
                "官方格式应有“一、工厂设计”式的环节标题和“1. 场景名称。说明”式的条目",
            )
        diff = reference.diff_editions(self.active_edition(list_kind).entries, entries)
        return entries, diff

    def import_reference(
        self, path: str | Path, list_kind: str, edition: str, *, allow_partial: bool = False
    ) -> ActiveEdition:
        """Store an official attachment as edition ``edition`` (variant official) and make it active.

        A file with fewer than half the entries of the edition in use (a fragment, a wrong file) is refused
        unless ``allow_partial``: it would otherwise become the "official" reference of every check.
        """
        entries, _ = self.preview_reference_import(path, list_kind, edition)
        current = len(self.active_edition(list_kind).entries)
        if not allow_partial and len(entries) * 2 < current:
            raise IngestError(
                str(path),
                f"只识别出 {len(entries)} 条，不到当前版本（{current} 条）的一半，不像完整的官方文本",
                "请确认文件是完整的官方附件；确需导入部分条目请加 --allow-partial",
            )
        title = "智能制造典型场景参考指引" if list_kind == "guide" else "智能制造示范工厂揭榜任务"
        self.kb.storage.save_edition(
            list_kind,
            edition,
            "official",
            f"{title}（{edition}年）",
            "official",
            f"imported from {Path(path).name}",
            [e.to_dict() for e in entries],
        )
        return self.use_edition(list_kind, edition, "official")

    def boilerplate_texts(self) -> list[str]:
        """Reference texts whose copying counts as boilerplate: guide scopes and the notice's verbatim clauses."""
        texts = [e.scope for e in self.active_edition("guide").entries if e.scope]
        texts += [e.scope for e in self.active_edition("tasks").entries if e.scope]
        texts += [
            c["text"]
            for c in load_clauses().clauses.values()
            if c.get("quote") == "verbatim" and c.get("text")
        ]
        return texts

    def reference_rows(self, list_kind: str = "guide", query: str = "") -> list[dict[str, Any]]:
        """Entries of the active guide or task list, filtered by a substring of name, scope, keywords or code."""
        ed = self.active_edition(list_kind)
        q = query.strip().lower()
        rows = []
        for e in ed.entries:
            hay = " ".join([e.code, e.name, e.link, e.subsector, e.scope, *e.keywords, *e.synonyms]).lower()
            if q and q not in hay:
                continue
            row = {
                "code": e.code,
                "link": e.link,
                "name": e.name,
                "status": e.status,
                "scope": e.scope,
                "keywords": "、".join(e.keywords),
            }
            if list_kind == "tasks":
                row["subsector"] = e.subsector
                row["indicators"] = "、".join(e.indicators)
            rows.append(row)
        return rows
