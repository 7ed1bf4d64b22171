"""The similarity engine: one object that holds texts by integer id and answers every question.

* ``similar(id_or_text)``: the sources a text shares passages with (or paraphrases), each with
  similarity % (all / boilerplate excluded), level and shared spans; ``report`` adds the overall %
  and the largest single source.
* ``dupes(threshold)``: duplicate families over the whole collection. Candidates come from MinHash
  LSH (lexical) and from the vector index (semantic neighbours); each candidate pair is aligned, so
  no all-pairs loop is ever run.
* ``search(query)``: hybrid BM25 (character bigrams or jieba words) + semantic search fused by RRF,
  with filters on metadata (year, region, industry, kind, scenario …).
* ``save(dir)`` / ``load(dir)`` with the config and build metadata; ``verify(ids_in_db)``.

Usage::

    eng = SimilarityEngine("tfidf")                 # or an Encoder instance
    eng.add(1, text, {"year": 2021, "source": "a.docx"})
    eng.similar(1, k=5); eng.dupes(0.5).to_dict(); eng.search("数字孪生 产线", k=10)

All figures are fractions in [0, 1] (× 100 for %); all spans are half-open offsets into the
original texts. Not thread-safe for writes: guard ``add``/``remove`` with a lock when shared.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from nlp.boilerplate import Boilerplate
from nlp.similarity.align import (
    LEVELS,
    Alignment,
    Levels,
    NormText,
    SemanticCoverage,
    SharedSpan,
    align_norm,
    semantic_coverage,
)
from nlp.similarity.encoders import (
    ChunkCache,
    Encoder,
    TfidfEncoder,
    backend_of,
    embed_document,
    embed_documents,
    get_encoder,
)
from nlp.similarity.families import Family, Pair, build_families
from nlp.similarity.index import VectorIndex, load_index, make_index
from nlp.similarity.neardup import NearDupIndex
from nlp.text import BM25, match_text, norm_range, windows
from nlp.text.bm25 import _Segment  # noqa: F401  (bm25.pkl files pickled before the toolkit name it here)

log = logging.getLogger(__name__)

FORMAT_VERSION = 1

# SENTENCE-level paraphrase cosine per sentence-encoder backend, calibrated on Chinese STS-B (pairs
# scored ≥ 4 vs the rest, max F1; bench/bench_demo_dupes.py --calibrate, bench/bench_encoders.py).
# tfidf here means the raw char 1–2-gram TF-IDF of the fitted encoder (no LSA) on single sentences.
# Used when ``paraphrase_cos`` is None. The paraphrase LEVEL of documents comes from the share of
# sentences paired at this cosine (``semantic_coverage``), never from the document-mean cosine.
PARAPHRASE_COS = {"tfidf": 0.5, "e5": 0.96, "use": 0.8, "sentence-transformers": 0.8}
# DOCUMENT-level cosine gate of semantic candidate pairs (top ``semantic_k`` neighbours per text);
# a recall gate only — every candidate is then decided by alignment + sentence coverage.
CANDIDATE_COS = {"tfidf": 0.5, "e5": 0.9, "use": 0.8, "sentence-transformers": 0.75}
# RATIO MARGIN of semantic candidate pairs per document-encoder backend: cos(a, b) over the mean of
# a's and b's average cosine to their own ``semantic_k`` neighbours (Artetxe & Schwenk 2019, "margin-
# based parallel corpus mining"). tfidf: measured on the 10⁴ generated corpus (1.05 keeps every
# verbatim / light / paraphrase pair among the candidates, partial 0.98; 90,645 → 900 semantic
# candidates) and the demo (planted pairs ≥ 2.0, others ≤ 1.42);
# use: demo planted ≥ 1.12, others' 99th percentile 1.10; e5 compresses cosines (neighbourhood mean
# 0.98): demo paraphrase 1.016, others ≤ 1.011. sentence-transformers: unknown model, gate off.
# bench/bench_scale.py --margin, docs/similarity.md.
SEMANTIC_MARGIN = {"tfidf": 1.05, "e5": 1.008, "use": 1.05, "sentence-transformers": 0.0}


_RENAMED = {"min_len": "min_match_chars", "dupe_threshold": "dup_threshold"}  # names in older saved engines


@dataclass
class SimilarityConfig:
    """Settings of the engine (saved with it). Fractions in [0, 1].

    The knowledge base fills it from its settings table (``kb.config``, same names, same defaults;
    a test keeps the two in step); the defaults here serve direct library use.
    """

    min_match_chars: int = 13  # shortest shared passage, in normalised characters
    shingle_k: int = 5  # MinHash shingle length
    num_perm: int = 128  # MinHash permutations
    lsh_threshold: float = 0.3  # Jaccard the LSH bands are tuned for
    max_bucket: int = 200  # larger LSH buckets are template text, skipped in sweeps
    min_jaccard: float = 0.15  # LSH candidates below this MinHash Jaccard estimate are not aligned
    semantic_k: int = 10  # semantic neighbours per text in sweeps and ``similar``
    # ``similar``: at most this many LSH candidates are aligned, those with the most shared shingles
    # by the MinHash estimate (a text of the 10⁵ archive can collide with ~1,000 others)
    similar_lexical_budget: int = 64
    dup_threshold: float = 0.30  # symmetric similarity (boilerplate excluded) that links a family
    identical: float = 0.98
    minor_edits: float = 0.6
    partial: float = 0.2
    paraphrase_cos: float | None = None  # sentence cosine; None: per-encoder default (PARAPHRASE_COS)
    paraphrase_coverage: float = 0.5  # share of each text's sentences with a paraphrased partner
    paraphrase_margin: float = 0.2  # coverage minus lexical similarity (rewritten, not copied)
    paraphrase_min_chars: int = 12  # shorter sentences (headings) do not count in the coverage
    paraphrase_encoder: str | None = None  # sentence encoder of the paraphrase layer; None: main
    semantic_candidate_cos: float | None = None  # doc-cosine gate of candidates; None: CANDIDATE_COS
    # ratio margin of semantic candidates (see SEMANTIC_MARGIN); None: per-encoder default; 0: off
    semantic_margin: float | None = None
    boilerplate_auto: bool = True  # learn boilerplate from the collection before sweeps
    boilerplate_min_docs: int = 3  # floor of the recurrence count
    boilerplate_min_frac: float = 0.02  # fraction of the collection in the recurrence count
    min_sentence_chars: int = 8
    window_sentences: int = 3
    window_chars: int = 400
    index_backend: str = "faiss"
    index_kind: str = "flat"  # flat | auto | ivf (see nlp.similarity.index.FaissIndex)
    ann_threshold: int = 200_000
    rrf_k: int = 60
    search_depth: int = 100  # candidates per retriever before fusion
    # BM25 tokens: bigram (normalised character bigrams) | jieba (words). bigram by measurement:
    # on the demo corpus it matches jieba (MRR 1.00 vs 0.98, P@5 0.57 vs 0.56) at 0.6 vs 17 ms/text
    keyword_tokenizer: str = "bigram"
    meta_keys: tuple[str, ...] = ("source",)  # metadata copied into family members

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["meta_keys"] = list(self.meta_keys)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SimilarityConfig:
        names = {f.name for f in fields(cls)}
        d = {_RENAMED.get(k, k): v for k, v in d.items()}
        kw = {k: v for k, v in d.items() if k in names}
        if "meta_keys" in kw:
            kw["meta_keys"] = tuple(kw["meta_keys"])
        return cls(**kw)


# ------------------------------------------------------------------------------------------------
# Result records
# ------------------------------------------------------------------------------------------------
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


# ------------------------------------------------------------------------------------------------
# Engine
# ------------------------------------------------------------------------------------------------
def _match_filters(meta: Mapping[str, Any], filters: Mapping[str, Any] | None) -> bool:
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


class SimilarityEngine:
    """Texts by integer id, with near-duplicate, alignment, semantic and keyword indexes.

    Args:
        encoder: an :class:`~nlp.similarity.encoders.Encoder`, or a backend name for
            :func:`~nlp.similarity.encoders.get_encoder` (``tfidf`` is fitted on the collection the
            first time vectors are needed).
        index_backend: ``faiss`` or ``numpy`` (overrides ``config.index_backend`` when given).
        config: settings (defaults if None).
        cache_dir: folder of the chunk-vector cache (None: in-memory only).
        encoder_options: options for ``get_encoder`` when ``encoder`` is a name.
        reference_texts: guide / notice texts treated as boilerplate.
    """

    def __init__(
        self,
        encoder: Encoder | str = "tfidf",
        index_backend: str | None = None,
        config: SimilarityConfig | None = None,
        *,
        cache_dir: str | Path | None = None,
        encoder_options: Mapping[str, Any] | None = None,
        reference_texts: Iterable[str] = (),
    ) -> None:
        self.config = config or SimilarityConfig()
        if index_backend:
            self.config.index_backend = index_backend
        if isinstance(encoder, str):
            encoder = get_encoder(encoder, **dict(encoder_options or {}))
        self.encoder: Encoder = encoder
        self.cache = ChunkCache(cache_dir)
        self.texts: dict[int, str] = {}
        self.meta: dict[int, dict[str, Any]] = {}
        self.reference_texts: list[str] = [t for t in reference_texts if t]
        self.neardup = NearDupIndex(
            k=self.config.shingle_k,
            num_perm=self.config.num_perm,
            threshold=self.config.lsh_threshold,
            max_bucket=self.config.max_bucket,
        )
        self.bm25 = BM25(tokenizer=self.config.keyword_tokenizer)
        self.index: VectorIndex | None = None
        self._pending: set[int] = set()
        self.boilerplate: Boilerplate | None = (
            Boilerplate(
                (),
                self.reference_texts,
                min_len=self.config.min_match_chars,
                min_sentence_chars=self.config.min_sentence_chars,
            )
            if self.reference_texts
            else None
        )
        self._bp_version = -1
        self._version = 0
        self._norm_cache: OrderedDict[int, NormText] = OrderedDict()
        self._mask_cache: dict[int, list[tuple[int, int]]] = {}
        # metadata key -> (version, {value key: (a value, sorted ids)}) for filters (see _allowed)
        self._meta_cols: dict[str, tuple[int, dict[Any, tuple[Any, np.ndarray]]]] = {}
        self._sent_cache: OrderedDict[int, tuple[str, list[tuple[int, int]], Any]] = OrderedDict()
        self._para_enc: Encoder | None = None
        self._para_failed = False
        self.created = time.strftime("%Y-%m-%dT%H:%M:%S%z")

    # -- properties -----------------------------------------------------------------------------
    @property
    def levels(self) -> Levels:
        """Match-level thresholds in force (sentence paraphrase cosine resolved for the encoder)."""
        c = self.config
        pc = c.paraphrase_cos
        if pc is None:
            pc = PARAPHRASE_COS.get(backend_of(self._sentence_encoder()), 0.8)
        return Levels(c.identical, c.minor_edits, c.partial, pc, c.paraphrase_coverage, c.paraphrase_margin)

    def __len__(self) -> int:
        return len(self.texts)

    def __contains__(self, id: object) -> bool:
        return id in self.texts

    def ids(self) -> list[int]:
        """All ids, sorted."""
        return sorted(self.texts)

    # -- mutation -------------------------------------------------------------------------------
    def add(
        self,
        id: int,
        text: str,
        meta: Mapping[str, Any] | None = None,
        tokens: list[str] | None = None,
    ) -> None:
        """Add (or replace) a text.

        Args:
            id: integer id (the submission row id).
            text: original text.
            meta: filterable metadata (year, region, industry, kind, scenario, source …).
            tokens: keyword tokens if already segmented (else the configured tokenizer runs).
        """
        id = int(id)
        if id in self.texts:
            self.remove(id)
        self.texts[id] = text
        self.meta[id] = dict(meta or {})
        norm = match_text(text)  # once for the sketch and the keyword index
        self.neardup.add(id, text, norm=norm)
        self.bm25.add(id, text, tokens, norm=norm)
        self._pending.add(id)
        self._version += 1

    def remove(self, id: int) -> bool:
        """Remove a text; returns False if it was not there."""
        id = int(id)
        if id not in self.texts:
            return False
        del self.texts[id]
        self.meta.pop(id, None)
        self.neardup.remove(id)
        self.bm25.remove(id)
        self._pending.discard(id)
        if self.index is not None:
            self.index.remove([id])
        self._norm_cache.pop(id, None)
        self._mask_cache.pop(id, None)
        self._sent_cache.pop(id, None)
        self._version += 1
        return True

    def set_reference_texts(self, texts: Iterable[str]) -> None:
        """Replace the reference texts (guide, notice) whose passages are boilerplate."""
        self.reference_texts = [t for t in texts if t]
        self.boilerplate = Boilerplate(
            (),
            self.reference_texts,
            min_len=self.config.min_match_chars,
            min_sentence_chars=self.config.min_sentence_chars,
        )
        self._bp_version = -1  # relearn the corpus part on the next sweep
        self._mask_cache.clear()

    def learn_boilerplate(self) -> Boilerplate:
        """Learn boilerplate from the whole collection and the reference texts (see boilerplate.py)."""
        c = self.config
        self.boilerplate = Boilerplate.learn(
            [self.texts[i] for i in self.ids()],
            self.reference_texts,
            min_docs_floor=c.boilerplate_min_docs,
            min_frac=c.boilerplate_min_frac,
            min_len=c.min_match_chars,
            min_sentence_chars=c.min_sentence_chars,
        )
        self._bp_version = self._version
        self._mask_cache.clear()
        return self.boilerplate

    def _ensure_boilerplate(self) -> None:
        if self.config.boilerplate_auto and self._bp_version != self._version and self.texts:
            self.learn_boilerplate()

    # -- vectors --------------------------------------------------------------------------------
    def _embed(self, texts: list[str]) -> np.ndarray:
        enc = self.encoder
        if getattr(enc, "max_chars", 0) is None:  # no length limit (tfidf): one vector per text
            return enc.encode(texts)
        docs = embed_documents(
            enc,
            texts,
            self.cache,
            max_sentences=self.config.window_sentences,
            max_chars=self.config.window_chars,
        )
        return np.stack([d.vector for d in docs]) if docs else np.zeros((0, enc.dim), np.float32)

    def _ensure_vectors(self, batch: int = 256, progress: Callable[[int, int], None] | None = None) -> None:
        enc = self.encoder
        if isinstance(enc, TfidfEncoder) and not enc.fitted:
            enc.fit([self.texts[i] for i in self.ids()] + self.reference_texts)
            self.index = None
            self._pending = set(self.texts)
        if self.index is None:
            c = self.config
            opts: dict[str, Any] = {"encoder": enc.name}
            if c.index_backend == "faiss":
                opts.update(kind=c.index_kind, ann_threshold=c.ann_threshold)
            self.index = make_index(c.index_backend, enc.dim, **opts)
            self._pending = set(self.texts)
        if not self._pending:
            return
        todo = sorted(self._pending)
        for s in range(0, len(todo), batch):
            part = todo[s : s + batch]
            self.index.add(part, self._embed([self.texts[i] for i in part]))
            if progress:
                progress(min(s + batch, len(todo)), len(todo))
        self._pending.clear()
        self.cache.flush()
        if self.config.index_kind != "flat" and hasattr(self.index, "optimize"):
            self.index.optimize()

    def build(self, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
        """Compute all pending vectors now (otherwise done lazily); returns build metadata."""
        self._ensure_vectors(progress=progress)
        return self.metadata()

    # -- helpers --------------------------------------------------------------------------------
    def _norm(self, id: int) -> NormText:
        nt = self._norm_cache.get(id)
        if nt is None:
            nt = NormText(self.texts[id])
            self._norm_cache[id] = nt
            if len(self._norm_cache) > 4096:
                self._norm_cache.popitem(last=False)
        else:
            self._norm_cache.move_to_end(id)
        return nt

    def _mask(self, id: int | None, text: str) -> list[tuple[int, int]]:
        if self.boilerplate is None:
            return []
        if id is None:
            return self.boilerplate.mask(text)
        m = self._mask_cache.get(id)
        if m is None:
            m = self.boilerplate.mask(text)
            self._mask_cache[id] = m
        return m

    # -- paraphrase layer: sentence-level semantic coverage ----------------------------------------
    def _sentence_encoder(self) -> Encoder:
        """Encoder of the paraphrase layer: ``config.paraphrase_encoder`` when set and loadable,
        else the main encoder (TF-IDF then gives raw char n-gram sentence vectors)."""
        name = self.config.paraphrase_encoder
        if not name or name == backend_of(self.encoder) or self._para_failed:
            return self.encoder
        if self._para_enc is None:
            try:
                self._para_enc = get_encoder(name)
            except ImportError as exc:
                log.warning("paraphrase encoder %s unavailable (%s): using the main encoder", name, exc)
                self._para_failed = True
                return self.encoder
        return self._para_enc

    def _sentence_vectors(self, id: int | None, text: str) -> tuple[list[tuple[int, int]], Any]:
        """Sentence spans (long sentences cut at the window size) and their L2-normalised vectors."""
        enc = self._sentence_encoder()
        if id is not None:
            hit = self._sent_cache.get(id)
            if hit is not None and hit[0] == enc.name:
                self._sent_cache.move_to_end(id)
                return hit[1], hit[2]
        mc = getattr(enc, "max_chars", None) or self.config.window_chars
        if isinstance(enc, TfidfEncoder):
            if not enc.fitted:
                self._ensure_vectors()
            spans = list(windows(text, 1, mc))
            # raw char n-gram TF-IDF rows (sparse, L2-normalised): LSA blurs single sentences
            vecs: Any = enc.raw_rows([text[s:e] for s, e in spans])
        else:
            d = embed_document(enc, text, self.cache, max_sentences=1, max_chars=mc)
            spans, vecs = d.spans, d.chunk_vectors
        if id is not None:
            self._sent_cache[id] = (enc.name, spans, vecs)
            if len(self._sent_cache) > 4096:
                self._sent_cache.popitem(last=False)
        return spans, vecs

    def _sentence_weights(
        self, id: int | None, text: str, nt: NormText, spans: list[tuple[int, int]]
    ) -> np.ndarray:
        """Normalised characters of each sentence; 0 for short and boilerplate sentences."""
        masked = np.zeros(len(text) + 1, dtype=np.int32)
        for s, e in self._mask(id, text):
            masked[s:e] = 1
        csum = np.concatenate(([0], np.cumsum(masked)))
        w = np.zeros(len(spans), dtype=np.float64)
        for n, (s, e) in enumerate(spans):
            lo, hi = norm_range(nt.offsets, s, e)
            if hi - lo < self.config.paraphrase_min_chars or 2 * (csum[e] - csum[s]) > e - s:
                continue
            w[n] = hi - lo
        return w

    def _coverage(
        self, a: tuple[int | None, str, NormText], b: tuple[int | None, str, NormText]
    ) -> SemanticCoverage:
        sa, va = self._sentence_vectors(a[0], a[1])
        sb, vb = self._sentence_vectors(b[0], b[1])
        return semantic_coverage(
            va,
            vb,
            self._sentence_weights(*a, sa),
            self._sentence_weights(*b, sb),
            self.levels.paraphrase_cos,
            spans_a=sa,
            spans_b=sb,
            encoder=self._sentence_encoder().name,
        )

    def _decide(
        self, al: Alignment, a: tuple[int | None, str, NormText], b: tuple[int | None, str, NormText]
    ) -> SemanticCoverage | None:
        """Upgrade a pair below ``minor_edits`` to ``paraphrase`` when its sentence coverage says so."""
        if al.level in ("identical", "minor_edits"):
            return None
        cov = self._coverage(a, b)
        al.set_semantic(cov, self.levels)
        return cov

    def semantic_coverage(self, a: int | str, b: int | str) -> SemanticCoverage:
        """Sentence-level semantic coverage of two texts (ids or texts), boilerplate excluded.

        Args:
            a: id or text.
            b: id or text.

        Returns:
            A :class:`~nlp.similarity.align.SemanticCoverage` (sentence pairs with their spans).
        """
        self._ensure_boilerplate()
        ia, ta, na, _ = self._query(a)
        ib, tb, nb, _ = self._query(b)
        return self._coverage((ia, ta, na), (ib, tb, nb))

    def _query(self, id_or_text: int | str) -> tuple[int | None, str, NormText, np.ndarray]:
        self._ensure_vectors()
        assert self.index is not None
        if isinstance(id_or_text, str):
            text = id_or_text
            return None, text, NormText(text), self._embed([text])[0]
        qid = int(id_or_text)
        if qid not in self.texts:
            raise KeyError(f"相似度引擎中没有编号 {qid}")
        return qid, self.texts[qid], self._norm(qid), self.index.get([qid])[0]

    def compare(self, a: int | str, b: int | str) -> Alignment:
        """Align two texts (ids or texts) with boilerplate excluded and the embedding cosine.

        Args:
            a: id or text.
            b: id or text.

        Returns:
            An :class:`~nlp.similarity.align.Alignment` (spans: a then b).
        """
        self._ensure_boilerplate()
        ia, ta, na, va = self._query(a)
        ib, tb, nb, vb = self._query(b)
        al = align_norm(
            na,
            nb,
            min_len=self.config.min_match_chars,
            mask_a=self._mask(ia, ta),
            mask_b=self._mask(ib, tb),
            levels=self.levels,
        )
        al.cosine = float(va @ vb)  # document cosine: shown, never decides the level
        self._decide(al, (ia, ta, na), (ib, tb, nb))
        return al

    # -- similar --------------------------------------------------------------------------------
    def similar(
        self, id_or_text: int | str, k: int = 10, filters: Mapping[str, Any] | None = None
    ) -> list[Match]:
        """Sources of a text: lexical (LSH) and semantic candidates, aligned and ranked.

        Args:
            id_or_text: an id in the engine, or a new text (not stored).
            k: at most this many matches.
            filters: metadata filters, e.g. ``{"year": [2020, 2021], "region": "江苏"}``.

        Returns:
            Matches, strongest level first, then by similarity (boilerplate excluded); unrelated
            candidates without any shared passage are dropped.
        """
        self._ensure_boilerplate()
        qid, text, nq, qv = self._query(id_or_text)
        cands = set(self.lexical_candidates(qid if qid is not None else text))
        assert self.index is not None
        ids, scores = self.index.search(qv, k + self.config.semantic_k + 1)
        cands.update(int(i) for i in ids)
        cands.discard(qid)  # type: ignore[arg-type]
        cands = {c for c in cands if c in self.texts and _match_filters(self.meta[c], filters)}
        if not cands:
            return []
        cl = sorted(cands)
        cos = self.index.get(cl) @ qv
        mask_q = self._mask(qid, text)
        lv = self.levels
        out: list[Match] = []
        for cid, c in zip(cl, cos, strict=True):
            nc = self._norm(cid)
            al = align_norm(
                nq,
                nc,
                min_len=self.config.min_match_chars,
                mask_a=mask_q,
                mask_b=self._mask(cid, self.texts[cid]),
                levels=lv,
            )
            al.cosine = float(c)
            sem = self._decide(al, (qid, text, nq), (cid, self.texts[cid], nc))
            if al.level == "unrelated" and not al.spans:
                continue
            out.append(
                Match(
                    cid,
                    al.sim_a,
                    al.sim_a_excl,
                    al.sim_excl,
                    al.level,
                    float(c),
                    al.spans,
                    dict(self.meta.get(cid, {})),
                    None if sem is None else sem.coverage,
                )
            )
        self.cache.flush()
        out.sort(key=lambda m: (LEVELS.index(m.level), -m.similarity_excl_boilerplate, -(m.cosine or 0)))
        return out[:k]

    def lexical_candidates(self, id_or_text: int | str, budget: int | None = None) -> list[int]:
        """LSH candidates of an id or a new text, most shared shingles first.

        The shared shingles are estimated as ``J / (1 + J) · (|q| + |c|)`` from the MinHash Jaccard
        estimate ``J`` and the text lengths, so that the long source of a short copied passage still
        ranks high (its Jaccard is small).

        Args:
            id_or_text: an id in the engine, or a new text (not stored).
            budget: keep at most this many; default ``similar_lexical_budget`` (≤ 0: all).

        Returns:
            Candidate ids, best first.
        """
        qid = None if isinstance(id_or_text, str) else int(id_or_text)
        text = id_or_text if isinstance(id_or_text, str) else self.texts[int(id_or_text)]
        sig = self.neardup.query_signature(id_or_text)
        cands = [c for c in self.neardup.candidates(sig) if c != qid and c in self.texts]
        if not cands:
            return []
        j = self.neardup.jaccards(sig, cands)
        lens = np.array([len(self.texts[c]) for c in cands], dtype=np.float64)
        shared = j / (1.0 + j) * (len(text) + lens)  # original lengths: cheap, close to shingle counts
        order = np.argsort(-shared, kind="stable")
        budget = self.config.similar_lexical_budget if budget is None else budget
        if budget > 0:
            order = order[:budget]
        return [cands[i] for i in order]

    def report(
        self, id_or_text: int | str, k: int = 20, filters: Mapping[str, Any] | None = None
    ) -> SimilarityReport:
        """Overall similarity of a text: share of it covered by any source, and the largest source.

        ``overall`` = normalised chars of the text inside any source's shared span / all its
        normalised chars; ``overall_excl_boilerplate`` leaves boilerplate out of both.
        """
        matches = self.similar(id_or_text, k, filters)
        qid, text, nq, _ = self._query(id_or_text)
        mask_spans = self._mask(qid, text)
        covered = np.zeros(len(nq.norm), dtype=bool)
        bp = np.zeros(len(nq.norm), dtype=bool)
        offs = nq.offsets
        for s, e in mask_spans:
            bp[np.searchsorted(offs, s) : np.searchsorted(offs, e)] = True
        for m in matches:
            for sp in m.spans:
                covered[np.searchsorted(offs, sp.a_start) : np.searchsorted(offs, sp.a_end)] = True
        n = len(nq.norm)
        ne = int((~bp).sum())
        best = max(matches, key=lambda m: m.similarity, default=None)
        return SimilarityReport(
            query_id=qid,
            chars=n,
            overall=float(covered.sum()) / n if n else 0.0,
            overall_excl_boilerplate=float((covered & ~bp).sum()) / ne if ne else 0.0,
            largest_source=best.id if best else None,
            largest_similarity=best.similarity if best else 0.0,
            matches=matches,
            boilerplate_spans=mask_spans,
        )

    # -- dupes ----------------------------------------------------------------------------------
    def candidate_pairs(self) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
        """Lexical and semantic candidate pairs of a sweep.

        Lexical: LSH buckets, MinHash Jaccard ≥ ``min_jaccard``. Semantic: each text's top
        ``semantic_k`` neighbours with a document cosine ≥ ``semantic_candidate_cos`` (a floor) AND a
        ratio margin ≥ ``semantic_margin`` (:data:`SEMANTIC_MARGIN`):
        ``cos(a, b) / ((knn(a) + knn(b)) / 2)`` where ``knn(x)``
        is x's mean cosine to its own neighbours. In a collection of same-genre texts every text has
        ten neighbours at a similar cosine; the margin keeps the pairs that stand out from both
        texts' neighbourhoods (measured at 10⁴: 90,645 → 900 semantic candidates, planted pairs in the
        candidates 1.00 verbatim / light / paraphrase, partial 0.99 → 0.98).
        """
        self._ensure_vectors()
        assert self.index is not None
        lex_arr = self.neardup.candidate_pairs(self.config.min_jaccard)
        lex = set(zip(lex_arr[:, 0].tolist(), lex_arr[:, 1].tolist(), strict=True))
        ids = np.array(self.ids(), dtype=np.int64)
        if len(ids) < 2:
            return lex, set()
        thr = self.config.semantic_candidate_cos
        if thr is None:
            thr = CANDIDATE_COS.get(backend_of(self.encoder), 0.8)
        k = self.config.semantic_k + 1
        step = 2048
        nbs: list[np.ndarray] = []
        scs: list[np.ndarray] = []
        for s in range(0, len(ids), step):
            part = ids[s : s + step]
            nb, sc = self.index.batch_search(self.index.get(part), k)
            nbs.append(nb.astype(np.int64, copy=False))
            scs.append(sc.astype(np.float64, copy=False))
        nb = np.concatenate(nbs)
        sc = np.concatenate(scs)
        a = np.broadcast_to(ids[:, None], nb.shape)
        valid = (nb >= 0) & (nb != a)
        ok = valid & (sc >= thr)
        gate = self.config.semantic_margin
        if gate is None:
            gate = SEMANTIC_MARGIN.get(backend_of(self.encoder), 0.0)
        if gate > 0:
            knn = np.where(valid, sc, 0.0).sum(axis=1) / np.maximum(valid.sum(axis=1), 1)
            order = np.argsort(ids)
            at = np.clip(np.searchsorted(ids, np.where(valid, nb, a), sorter=order), 0, len(ids) - 1)
            denom = (knn[:, None] + knn[order[at]]) / 2
            margin = np.divide(sc, denom, out=np.zeros_like(sc), where=denom > 0)
            ok &= margin >= gate
        lo, hi = np.minimum(a[ok], nb[ok]), np.maximum(a[ok], nb[ok])
        sem = set(zip(lo.tolist(), hi.tolist(), strict=True))
        return lex, sem

    def dupes(
        self,
        threshold: float | None = None,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> DupeReport:
        """Sweep the collection for duplicate families.

        Args:
            threshold: symmetric similarity (boilerplate excluded) that links two texts; pairs at
                the levels identical / minor_edits / paraphrase link regardless.
            progress: optional callback ``(done, total)`` over candidate pairs.

        Returns:
            A :class:`DupeReport`: ``families`` (members with shared spans) and ``pairs``.
        """
        t0 = time.perf_counter()
        thr = self.config.dup_threshold if threshold is None else threshold
        self._ensure_boilerplate()
        tb = time.perf_counter()
        lex, sem = self.candidate_pairs()
        t1 = time.perf_counter()
        cands = sorted(lex | sem)
        lv = self.levels
        linking = {"identical", "minor_edits", "paraphrase"}
        pairs: list[Pair] = []
        vec_cache: dict[int, np.ndarray] = {}
        assert self.index is not None
        for n, (a, b) in enumerate(cands):
            for x in (a, b):
                if x not in vec_cache:
                    vec_cache[x] = self.index.get([x])[0]
            cos = float(vec_cache[a] @ vec_cache[b])
            na, nb = self._norm(a), self._norm(b)
            al = align_norm(
                na,
                nb,
                min_len=self.config.min_match_chars,
                mask_a=self._mask(a, self.texts[a]),
                mask_b=self._mask(b, self.texts[b]),
                levels=lv,
            )
            al.cosine = cos
            scov = self._decide(al, (a, self.texts[a], na), (b, self.texts[b], nb))
            if al.sim_excl >= thr or al.level in linking:
                cov = None if scov is None else scov.coverage
                pairs.append(Pair(a, b, al.sim_excl, al.level, al.spans, al.sim, cos, cov))
            if progress and n % 1000 == 0:
                progress(n, len(cands))
        meta = {
            i: {k: self.meta[i][k] for k in self.config.meta_keys if k in self.meta.get(i, {})}
            for p in pairs
            for i in (p.a, p.b)
        }
        self.cache.flush()
        fams = build_families(pairs, thr, levels=linking, meta=meta)
        pairs.sort(key=lambda p: (-p.similarity, p.a, p.b))
        stats = {
            "texts": len(self.texts),
            "candidates_lexical": len(lex),
            "candidates_semantic": len(sem),
            "candidates": len(cands),
            "paraphrase_pairs": sum(p.level == "paraphrase" for p in pairs),
            "paraphrase_encoder": self._sentence_encoder().name,
            "pairs": len(pairs),
            "families": len(fams),
            "threshold": thr,
            "boilerplate_sentences": len(self.boilerplate) if self.boilerplate else 0,
            "seconds_boilerplate": round(tb - t0, 3),
            "seconds_candidates": round(t1 - tb, 3),
            "seconds_total": round(time.perf_counter() - t0, 3),
        }
        return DupeReport(fams, pairs, stats)

    # -- search ---------------------------------------------------------------------------------
    def _meta_column(self, key: str) -> dict[Any, tuple[Any, np.ndarray]]:
        """Ids grouped by their value of one metadata key (rebuilt after the collection changed)."""
        hit = self._meta_cols.get(key)
        if hit is not None and hit[0] == self._version:
            return hit[1]
        groups: dict[Any, tuple[Any, list[int]]] = {}
        for i, m in self.meta.items():
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
        self._meta_cols[key] = (self._version, col)
        return col

    def _allowed(self, filters: Mapping[str, Any] | None) -> np.ndarray | None:
        """Sorted ids whose metadata pass the filters (None: no filter).

        Each key is matched once per distinct value (same rule as :func:`_match_filters`), not
        once per text, so a filter costs the same at 10⁵ texts as at 10³ once the column is built.
        """
        if not filters:
            return None
        out: np.ndarray | None = None
        for key, want in filters.items():
            col = self._meta_column(key)
            parts = [ids for v, ids in col.values() if _match_filters({key: v}, {key: want})]
            ids = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
            out = ids if out is None else np.intersect1d(out, ids, assume_unique=True)
        return out

    def _semantic_ranked(
        self, qv: np.ndarray, depth: int, allowed: np.ndarray | None
    ) -> list[tuple[int, float]]:
        assert self.index is not None
        if allowed is not None and not len(allowed):
            return []
        ids, sc = self.index.search(qv, depth, allowed=allowed)  # the filter acts inside the index
        return list(zip(ids.tolist(), sc.tolist(), strict=True))

    def _passage(self, text: str, terms: set[str]) -> tuple[int, int] | None:
        best, best_score = None, -1
        for s, e in windows(text, self.config.window_sentences, self.config.window_chars):
            nt = match_text(text[s:e])
            score = sum(1 for t in terms if t in nt)
            if score > best_score:
                best, best_score = (s, e), score
        return best

    def search(
        self,
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
        self._ensure_vectors()
        depth = max(self.config.search_depth, k)
        allowed = self._allowed(filters)
        kw_rank: dict[int, int] = {}
        sem_rank: dict[int, int] = {}
        cosines: dict[int, float] = {}
        if mode in ("hybrid", "keyword"):
            top, _ = self.bm25.top(query, depth, allowed)
            kw_rank = {i: r for r, i in enumerate(top.tolist(), 1)}
        if mode in ("hybrid", "semantic") and len(self.texts):
            qv = self.encoder.encode_queries([query])[0]
            for r, (i, c) in enumerate(self._semantic_ranked(qv, depth, allowed), 1):
                sem_rank[i] = r
                cosines[i] = c
        best = rrf((kw_rank, sem_rank), self.config.rrf_k)[:k]
        terms = {t for t in self.bm25.tokenizer(query) if len(t) > 1} or {match_text(query)}
        return [
            SearchHit(
                i,
                s,
                kw_rank.get(i),
                sem_rank.get(i),
                cosines.get(i),
                self._passage(self.texts[i], terms),
                dict(self.meta.get(i, {})),
            )
            for i, s in best
        ]

    # -- persistence ----------------------------------------------------------------------------
    def metadata(self) -> dict[str, Any]:
        """Build metadata: encoder, index, counts, time."""
        return {
            "format": FORMAT_VERSION,
            "encoder": self.encoder.name,
            "encoder_backend": backend_of(self.encoder),
            "encoder_options": dict(getattr(self.encoder, "options", {})),
            "dim": self.encoder.dim,
            "count": len(self.texts),
            "indexed": 0 if self.index is None else len(self.index),
            "index": None if self.index is None else self.index.metadata(),
            "created": self.created,
            "saved": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }

    def save(self, directory: str | Path) -> None:
        """Write the engine to a folder: config.json (config + build metadata), docs.jsonl,
        vectors.index (+ .json), neardup.pkl, bm25.pkl, boilerplate.json, encoder.joblib (tfidf).
        """
        import pickle

        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        self._ensure_vectors()
        assert self.index is not None
        with open(d / "docs.jsonl", "w", encoding="utf-8") as f:
            for i in self.ids():
                f.write(
                    json.dumps(
                        {"id": i, "text": self.texts[i], "meta": self.meta[i]},
                        ensure_ascii=False,
                        default=str,
                    )
                )
                f.write("\n")
        self.index.save(d / "vectors.index")
        self.neardup.save(d / "neardup.pkl")
        with open(d / "bm25.pkl", "wb") as f:
            pickle.dump(self.bm25, f, protocol=pickle.HIGHEST_PROTOCOL)
        if self.boilerplate is not None:
            self.boilerplate.save(d / "boilerplate.json")
        if isinstance(self.encoder, TfidfEncoder):
            self.encoder.save(d / "encoder.joblib")
        info = {
            "config": self.config.to_dict(),
            "build": self.metadata(),
            "boilerplate_version_current": self._bp_version == self._version,
            "reference_texts": self.reference_texts,
        }
        (d / "config.json").write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(
        cls, directory: str | Path, encoder: Encoder | None = None, *, cache_dir: str | Path | None = None
    ) -> SimilarityEngine:
        """Read an engine written by :meth:`save`.

        Args:
            directory: the folder.
            encoder: the encoder to use; default: rebuilt from the saved spec (tfidf from
                encoder.joblib). If its name differs from the saved one, vectors are recomputed.
            cache_dir: chunk-vector cache folder.

        Returns:
            The engine.
        """
        import pickle

        d = Path(directory)
        info = json.loads((d / "config.json").read_text(encoding="utf-8"))
        build = info["build"]
        if encoder is None:
            if build["encoder_backend"] == "tfidf":
                encoder = TfidfEncoder.load(d / "encoder.joblib")
            else:
                encoder = get_encoder(build["encoder_backend"], **build.get("encoder_options", {}))
        eng = cls(encoder, config=SimilarityConfig.from_dict(info["config"]), cache_dir=cache_dir)
        eng.reference_texts = list(info.get("reference_texts", []))
        eng.created = build.get("created", eng.created)
        with open(d / "docs.jsonl", encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                eng.texts[int(r["id"])] = r["text"]
                eng.meta[int(r["id"])] = r["meta"]
        eng.neardup = NearDupIndex.load(d / "neardup.pkl")
        with open(d / "bm25.pkl", "rb") as f:
            eng.bm25 = pickle.load(f)
        if (d / "boilerplate.json").exists():
            eng.boilerplate = Boilerplate.load(d / "boilerplate.json")
        eng._version = 1
        eng._bp_version = 1 if info.get("boilerplate_version_current") else 0
        if encoder.name == build["encoder"]:
            eng.index = load_index(d / "vectors.index")
            eng._pending = set(eng.texts) - {int(i) for i in eng.index.ids()}
        else:
            log.warning(
                "encoder changed (%s -> %s): vectors will be recomputed", build["encoder"], encoder.name
            )
            eng.index = None
            eng._pending = set(eng.texts)
        return eng

    def verify(self, ids_in_db: Iterable[int]) -> VerifyReport:
        """Compare the engine's ids with the database's.

        Args:
            ids_in_db: ids that the database holds.

        Returns:
            A :class:`VerifyReport` (``missing`` / ``extra`` / ``unindexed``).
        """
        db = {int(i) for i in ids_in_db}
        mine = set(self.texts)
        indexed = set() if self.index is None else {int(i) for i in self.index.ids()}
        return VerifyReport(
            missing=sorted(db - mine),
            extra=sorted(mine - db),
            unindexed=sorted((mine - indexed) - self._pending) if self.index is not None else [],
        )


def rrf(rankings: Iterable[Mapping[int, int]], k: int = 60) -> list[tuple[int, float]]:
    """Reciprocal rank fusion of rankings ``{id: rank}`` (rank 1 = best); returns (id, score) best first."""
    fused: dict[int, float] = {}
    for ranks in rankings:
        for i, r in ranks.items():
            fused[i] = fused.get(i, 0.0) + 1.0 / (k + r)
    return sorted(fused.items(), key=lambda x: (-x[1], x[0]))


__all__ = [
    "BM25",
    "DupeReport",
    "Match",
    "SearchHit",
    "SimilarityConfig",
    "SimilarityEngine",
    "SimilarityReport",
    "VerifyReport",
    "rrf",
]
