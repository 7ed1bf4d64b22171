"""Search over the engine's texts: hybrid keyword (BM25) + semantic retrieval fused by reciprocal rank
fusion, metadata filters applied inside the retrievers, and the best-matching passage of each hit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from nlp.similarity.records import SearchHit
from nlp.text import match_text, windows

if TYPE_CHECKING:
    from nlp.similarity.engine import SimilarityEngine


def match_filters(meta: Mapping[str, Any], filters: Mapping[str, Any] | None) -> bool:
    if not filters:
        return True
    for k, want in filters.items():
        have = meta.get(k)
        if isinstance(want, list | tuple | set | frozenset):
            if have not in want and str(have) not in {str(w) for w in want}:
                return False
        elif callable(want):
            if not want(have):
                return False
        elif have != want and str(have) != str(want):
            return False
    return True


def _meta_column(eng: SimilarityEngine, key: str) -> dict[Any, tuple[Any, np.ndarray]]:
    """Ids grouped by their value of one metadata key (rebuilt after the collection changed)."""
    hit = eng._meta_cols.get(key)
    if hit is not None and hit[0] == eng._version:
        return hit[1]
    groups: dict[Any, tuple[Any, list[int]]] = {}
    for i, m in eng.meta.items():
        v = m.get(key)
        try:
            gk = (type(v), v) if v is not None else None
            hash(gk)
        except TypeError:  # lists (e.g. scenario codes): group by their printed form
            gk = (type(v), repr(v))
        g = groups.get(gk)
        if g is None:
            groups[gk] = (v, [i])
        else:
            g[1].append(i)
    col = {gk: (v, np.array(sorted(ids), dtype=np.int64)) for gk, (v, ids) in groups.items()}
    eng._meta_cols[key] = (eng._version, col)
    return col


def allowed_ids(eng: SimilarityEngine, filters: Mapping[str, Any] | None) -> np.ndarray | None:
    """Sorted ids whose metadata pass the filters (None: no filter).

    Each key is matched once per distinct value (same rule as :func:`match_filters`), not
    once per text, so a filter costs the same at 10⁵ texts as at 10³ once the column is built.
    """
    if not filters:
        return None
    out: np.ndarray | None = None
    for key, want in filters.items():
        col = _meta_column(eng, key)
        parts = [ids for v, ids in col.values() if match_filters({key: v}, {key: want})]
        ids = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
        out = ids if out is None else np.intersect1d(out, ids, assume_unique=True)
    return out


def _semantic_ranked(
    eng: SimilarityEngine, qv: np.ndarray, depth: int, allowed: np.ndarray | None
) -> list[tuple[int, float]]:
    assert eng.index is not None
    if allowed is not None and not len(allowed):
        return []
    ids, sc = eng.index.search(qv, depth, allowed=allowed)  # the filter acts inside the index
    return list(zip(ids.tolist(), sc.tolist(), strict=True))


def _passage(eng: SimilarityEngine, text: str, terms: set[str]) -> tuple[int, int] | None:
    best, best_score = None, -1
    for s, e in windows(text, eng.config.window_sentences, eng.config.window_chars):
        nt = match_text(text[s:e])
        score = sum(1 for t in terms if t in nt)
        if score > best_score:
            best, best_score = (s, e), score
    return best


def search(
    eng: SimilarityEngine,
    query: str,
    k: int = 10,
    filters: Mapping[str, Any] | None = None,
    mode: str = "hybrid",
) -> list[SearchHit]:
    """Hybrid keyword + semantic search, fused by reciprocal rank fusion (RRF).

    ``score = Σ 1 / (rrf_k + rank)`` over the BM25 ranking and the cosine ranking (each cut at
    ``search_depth``).

    Args:
        query: free text (Chinese).
        k: number of hits.
        filters: metadata filters (see :meth:`similar`).
        mode: ``hybrid``, ``keyword`` or ``semantic``.

    Returns:
        Hits, best first, each with the best-matching passage span.
    """
    if mode not in ("hybrid", "keyword", "semantic"):
        raise ValueError("mode 必须是 hybrid、keyword 或 semantic")
    eng._ensure_vectors()
    depth = max(eng.config.search_depth, k)
    allowed = allowed_ids(eng, filters)
    kw_rank: dict[int, int] = {}
    sem_rank: dict[int, int] = {}
    cosines: dict[int, float] = {}
    if mode in ("hybrid", "keyword"):
        top, _ = eng.bm25.top(query, depth, allowed)
        kw_rank = {i: r for r, i in enumerate(top.tolist(), 1)}
    if mode in ("hybrid", "semantic") and len(eng.texts):
        qv = eng.encoder.encode_queries([query])[0]
        for r, (i, c) in enumerate(_semantic_ranked(eng, qv, depth, allowed), 1):
            sem_rank[i] = r
            cosines[i] = c
    best = rrf((kw_rank, sem_rank), eng.config.rrf_k)[:k]
    terms = {t for t in eng.bm25.tokenizer(query) if len(t) > 1} or {match_text(query)}
    return [
        SearchHit(
            i,
            s,
            kw_rank.get(i),
            sem_rank.get(i),
            cosines.get(i),
            _passage(eng, eng.texts[i], terms),
            dict(eng.meta.get(i, {})),
        )
        for i, s in best
    ]


def rrf(rankings: Iterable[Mapping[int, int]], k: int = 60) -> list[tuple[int, float]]:
    """Reciprocal rank fusion of rankings ``{id: rank}`` (rank 1 = best); returns (id, score) best first."""
    fused: dict[int, float] = {}
    for ranks in rankings:
        for i, r in ranks.items():
            fused[i] = fused.get(i, 0.0) + 1.0 / (k + r)
    return sorted(fused.items(), key=lambda x: (-x[1], x[0]))
