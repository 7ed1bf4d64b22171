"""What changed between two lists of entries (added, removed, renamed, moved, changed)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nlp.text import name_key
from nlp.types import ReferenceEntry

# --------------------------------------------------------------------------------------------
# Diff between editions
# --------------------------------------------------------------------------------------------


@dataclass
class EditionDiff:
    """What changed from one list of entries to another.

    ``renamed``: same number, different name. ``moved``: same name, different number or 环节.
    ``changed``: same entry, different description (scope).
    """

    added: list[ReferenceEntry] = field(default_factory=list)
    removed: list[ReferenceEntry] = field(default_factory=list)
    renamed: list[tuple[ReferenceEntry, ReferenceEntry]] = field(default_factory=list)
    moved: list[tuple[ReferenceEntry, ReferenceEntry]] = field(default_factory=list)
    changed: list[tuple[ReferenceEntry, ReferenceEntry]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def is_empty(self) -> bool:
        """True when nothing was added, removed, renamed, moved or changed."""
        return not (self.added or self.removed or self.renamed or self.moved or self.changed)

    def summary(self) -> str:
        """A Chinese summary: one line of counts, then one line per difference."""
        head = (
            f"新增 {len(self.added)} 项，删除 {len(self.removed)} 项，更名 {len(self.renamed)} 项，"
            f"编号或环节调整 {len(self.moved)} 项，描述变更 {len(self.changed)} 项，"
            f"未变 {self.unchanged} 项。"
        )
        lines = [head]
        lines += [f"新增：{e.no}. {e.name}（{e.link}）" for e in self.added]
        lines += [f"删除：{e.no}. {e.name}（{e.link}）" for e in self.removed]
        lines += [f"更名：{o.no}. {o.name} → {n.name}" for o, n in self.renamed]
        lines += [f"调整：{o.name}：{o.link} 第 {o.no} 项 → {n.link} 第 {n.no} 项" for o, n in self.moved]
        lines += [f"描述变更：{n.no}. {n.name}" for _, n in self.changed]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form: codes and names of each difference."""

        def brief(e: ReferenceEntry) -> dict[str, Any]:
            return {"code": e.code, "no": e.no, "name": e.name, "link": e.link}

        return {
            "added": [brief(e) for e in self.added],
            "removed": [brief(e) for e in self.removed],
            "renamed": [[brief(o), brief(n)] for o, n in self.renamed],
            "moved": [[brief(o), brief(n)] for o, n in self.moved],
            "changed": [[brief(o), brief(n)] for o, n in self.changed],
            "unchanged": self.unchanged,
            "summary": self.summary(),
        }


_norm_text = name_key


def diff_editions(old: Sequence[ReferenceEntry], new: Sequence[ReferenceEntry]) -> EditionDiff:
    """Compare two lists of entries (e.g. the reconstruction and an imported official text).

    Entries are paired by name first (a paired entry whose number or 环节 differs is *moved*), then
    the rest by number (same number, other name: *renamed*); what is left is added or removed.
    A paired entry whose non-empty description differs is also *changed*.

    Args:
        old: entries of the edition in use.
        new: entries of the candidate edition.

    Returns:
        The :class:`EditionDiff`.
    """
    diff = EditionDiff()
    new_by_name: dict[str, ReferenceEntry] = {}
    for e in new:
        new_by_name.setdefault(_norm_text(e.name), e)
    paired_new: set[int] = set()
    rest_old: list[ReferenceEntry] = []
    pairs: list[tuple[ReferenceEntry, ReferenceEntry]] = []
    for o in old:
        n = new_by_name.get(_norm_text(o.name))
        if n is not None and id(n) not in paired_new:
            paired_new.add(id(n))
            pairs.append((o, n))
            if o.no != n.no or _norm_text(o.link) != _norm_text(n.link):
                diff.moved.append((o, n))
        else:
            rest_old.append(o)
    rest_new = [e for e in new if id(e) not in paired_new]
    new_by_no = {}
    for e in rest_new:
        new_by_no.setdefault(e.no, e)
    for o in rest_old:
        n = new_by_no.pop(o.no, None)
        if n is not None:
            diff.renamed.append((o, n))
            pairs.append((o, n))
            paired_new.add(id(n))
        else:
            diff.removed.append(o)
    diff.added = [e for e in new if id(e) not in paired_new]
    for o, n in pairs:
        if o.scope and n.scope and _norm_text(o.scope) != _norm_text(n.scope):
            diff.changed.append((o, n))
    touched = {id(o) for o, _ in diff.moved + diff.renamed + diff.changed}
    diff.unchanged = sum(1 for o, _ in pairs if id(o) not in touched)
    return diff
