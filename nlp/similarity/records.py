"""Result records of the similarity engine; each has ``to_dict()`` returning JSON-safe data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nlp.similarity.align import SharedSpan
from nlp.similarity.families import Family, Pair


@dataclass
class Match:
    """One source of a query text. ``similarity`` = share of the QUERY covered by this source."""

    id: int
    similarity: float
    similarity_excl_boilerplate: float
    similarity_sym: float
    level: str
    cosine: float | None
    spans: list[SharedSpan]  # a = query, b = this source
    meta: dict[str, Any] = field(default_factory=dict)
    coverage: float | None = None  # sentence-level semantic coverage, when computed

    @property
    def longest(self) -> int:
        return max((s.length for s in self.spans), default=0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "similarity": round(self.similarity, 4),
            "similarity_excl_boilerplate": round(self.similarity_excl_boilerplate, 4),
            "similarity_sym": round(self.similarity_sym, 4),
            "level": self.level,
            "cosine": None if self.cosine is None else round(float(self.cosine), 4),
            "longest": self.longest,
            "spans": [s.to_dict() for s in self.spans],
            "meta": dict(self.meta),
            "semantic_coverage": None if self.coverage is None else round(self.coverage, 4),
        }


@dataclass
class SimilarityReport:
    """Overall similarity of one text against the collection (union of all sources)."""

    query_id: int | None
    chars: int
    overall: float
    overall_excl_boilerplate: float
    largest_source: int | None
    largest_similarity: float
    matches: list[Match]
    boilerplate_spans: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query_id": self.query_id,
            "chars": self.chars,
            "overall": round(self.overall, 4),
            "overall_excl_boilerplate": round(self.overall_excl_boilerplate, 4),
            "largest_source": self.largest_source,
            "largest_similarity": round(self.largest_similarity, 4),
            "boilerplate_spans": [list(s) for s in self.boilerplate_spans],
            "matches": [m.to_dict() for m in self.matches],
        }


@dataclass
class DupeReport:
    """Result of a duplicate sweep: families, the pairs that link them, and counts."""

    families: list[Family]
    pairs: list[Pair]
    stats: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "families": [f.to_dict() for f in self.families],
            "pairs": [p.to_dict() for p in self.pairs],
            "stats": dict(self.stats),
        }


@dataclass
class SearchHit:
    """One search result: fused score, the two retrievers' ranks, and the best passage."""

    id: int
    score: float
    keyword_rank: int | None
    semantic_rank: int | None
    cosine: float | None
    passage: tuple[int, int] | None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": round(self.score, 6),
            "keyword_rank": self.keyword_rank,
            "semantic_rank": self.semantic_rank,
            "cosine": None if self.cosine is None else round(float(self.cosine), 4),
            "passage": None if self.passage is None else list(self.passage),
            "meta": dict(self.meta),
        }


@dataclass
class VerifyReport:
    """Differences between the engine and the database."""

    missing: list[int]  # in the database, not in the engine
    extra: list[int]  # in the engine, not in the database
    unindexed: list[int]  # in the engine, without a vector

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.unindexed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "missing": self.missing,
            "extra": self.extra,
            "unindexed": self.unindexed,
        }
