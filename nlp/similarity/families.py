"""Duplicate families: connected components of the pairs whose similarity reaches a threshold.

A pair links when its level is ``identical``, ``minor_edits`` or ``paraphrase`` (the paraphrase
level comes from sentence-level semantic coverage, see ``align``) or its lexical similarity reaches
the threshold; template text never links, because boilerplate is excluded before both decisions.

A family is reported rather than its pairs because copying spreads: A→B, B→C makes one family
{A, B, C} even when A and C share less. Each member carries the union of the spans it shares with
other members (original-text offsets), so the UI can highlight every copied passage at once.

Usage::

    pairs = [Pair(1, 2, 0.93, "minor_edits", spans), ...]
    fams = build_families(pairs, threshold=0.5)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from nlp.similarity.align import LEVELS, SharedSpan
from nlp.text import merge_spans
from nlp.types import SpanT


@dataclass
class Pair:
    """A compared pair: ``similarity`` is the symmetric fraction (boilerplate excluded)."""

    a: int
    b: int
    similarity: float
    level: str
    spans: list[SharedSpan] = field(default_factory=list)
    similarity_all: float | None = None
    cosine: float | None = None
    coverage: float | None = None  # sentence-level semantic coverage (min of both sides), if computed

    def to_dict(self, with_spans: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "a": self.a,
            "b": self.b,
            "similarity": round(self.similarity, 4),
            "level": self.level,
        }
        if self.similarity_all is not None:
            d["similarity_all"] = round(self.similarity_all, 4)
        if self.cosine is not None:
            d["cosine"] = round(float(self.cosine), 4)
        if self.coverage is not None:
            d["semantic_coverage"] = round(float(self.coverage), 4)
        if with_spans:
            d["spans"] = [s.to_dict() for s in self.spans]
        return d


@dataclass
class Member:
    """One family member: its id, the spans it shares with the family, and free metadata."""

    id: int
    spans: list[SpanT]
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = {"id": self.id, "spans": [list(s) for s in self.spans]}
        for k, v in self.meta.items():
            d.setdefault(k, v)
        return d


@dataclass
class Family:
    """A connected component of similar pairs."""

    id: int
    members: list[Member]
    pairs: list[Pair]

    @property
    def level(self) -> str:
        """The strongest level among the family's pairs."""
        return min((p.level for p in self.pairs), key=LEVELS.index, default="unrelated")

    @property
    def max_similarity(self) -> float:
        return max((p.similarity for p in self.pairs), default=0.0)

    def member_ids(self) -> list[int]:
        return [m.id for m in self.members]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "size": len(self.members),
            "level": self.level,
            "max_similarity": round(self.max_similarity, 4),
            "members": [m.to_dict() for m in self.members],
            "pairs": [p.to_dict(with_spans=True) for p in self.pairs],
        }


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        p = self.parent.setdefault(x, x)
        while p != self.parent[p]:
            self.parent[p] = self.parent[self.parent[p]]
            p = self.parent[p]
        self.parent[x] = p
        return p

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


def build_families(
    pairs: Iterable[Pair],
    threshold: float = 0.5,
    *,
    levels: Iterable[str] = ("identical", "minor_edits", "paraphrase"),
    meta: dict[int, dict[str, Any]] | None = None,
) -> list[Family]:
    """Group pairs into families (connected components).

    A pair links its two members when its similarity is at least ``threshold`` or its level is one
    of ``levels`` (so paraphrases, with low lexical overlap, still join a family).

    Args:
        pairs: compared pairs.
        threshold: minimum symmetric similarity (fraction) to link.
        levels: levels that link regardless of the threshold.
        meta: optional per-id metadata copied into members (e.g. ``{"source": "a.docx"}``).

    Returns:
        Families sorted by size then strongest similarity, members sorted by id.
    """
    linking = set(levels)
    kept = [p for p in pairs if p.similarity >= threshold or p.level in linking]
    uf = _UnionFind()
    for p in kept:
        uf.union(p.a, p.b)
    groups: dict[int, list[Pair]] = {}
    for p in kept:
        groups.setdefault(uf.find(p.a), []).append(p)
    fams: list[Family] = []
    for ps in groups.values():
        spans: dict[int, list[SpanT]] = {}
        for p in ps:
            spans.setdefault(p.a, []).extend(s.a for s in p.spans)
            spans.setdefault(p.b, []).extend(s.b for s in p.spans)
        members = [Member(i, merge_spans(spans[i]), dict((meta or {}).get(i, {}))) for i in sorted(spans)]
        ps.sort(key=lambda p: (p.a, p.b))
        fams.append(Family(0, members, ps))
    fams.sort(key=lambda f: (-len(f.members), -f.max_similarity, f.members[0].id))
    for n, f in enumerate(fams, 1):
        f.id = n
    return fams
