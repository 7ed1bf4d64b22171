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

This module holds the texts and their indexes and answers ``similar`` / ``compare`` / ``report``; the
sweep (candidate generation, alignment of candidates, families) is :mod:`nlp.similarity.sweep`, search
:mod:`nlp.similarity.search`, persistence :mod:`nlp.similarity.store`, settings
:mod:`nlp.similarity.config` and result records :mod:`nlp.similarity.records`.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from nlp.boilerplate import Boilerplate, SentenceKeys, sentence_keys_of
from nlp.similarity import search as search_mod
from nlp.similarity import store, sweep
from nlp.similarity.align import (
    LEVELS,
    Alignment,
    Levels,
    NormText,
    SemanticCoverage,
    align_norm,
)
from nlp.similarity.config import PARAPHRASE_COS, SimilarityConfig
from nlp.similarity.encoders import (
    ChunkCache,
    Encoder,
    TfidfEncoder,
    backend_of,
    embed_documents,
    get_encoder,
)
from nlp.similarity.index import VectorIndex, make_index
from nlp.similarity.neardup import NearDupIndex
from nlp.similarity.paraphrase import Paraphrase
from nlp.similarity.records import DupeReport, Match, SearchHit, SimilarityReport, VerifyReport
from nlp.similarity.search import match_filters, rrf
from nlp.similarity.store import FORMAT_VERSION  # noqa: F401  (kb reads it from here)
from nlp.text import BM25, match_text
from nlp.text.bm25 import _Segment  # noqa: F401  (bm25.pkl files pickled before the toolkit name it here)

log = logging.getLogger(__name__)


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
        self._neighbours: tuple[tuple[int, int], sweep.Neighbours] | None = None  # see sweep.neighbours
        self._norm_cache: OrderedDict[int, NormText] = OrderedDict()
        self._mask_cache: dict[int, list[tuple[int, int]]] = {}
        self._bp_text_keys: dict[int, bytes] = {}  # Boilerplate.text_key per id (sweep memo keys)
        # sentence hashes and spans per id (boilerplate.sentence_keys_of), kept for the next learn_boilerplate
        self._sent_keys: dict[int, SentenceKeys] = {}
        self._sent_keys_chars = self.config.min_sentence_chars
        # metadata key -> (version, {value key: (a value, sorted ids)}) for filters (see _allowed)
        self._meta_cols: dict[str, tuple[int, dict[Any, tuple[Any, np.ndarray]]]] = {}
        self.paraphrase = Paraphrase(self)
        self.created = time.strftime("%Y-%m-%dT%H:%M:%S%z")

    # -- properties -----------------------------------------------------------------------------
    @property
    def levels(self) -> Levels:
        """Match-level thresholds in force (sentence paraphrase cosine resolved for the encoder)."""
        c = self.config
        pc = c.paraphrase_cos
        if pc is None:
            pc = PARAPHRASE_COS.get(backend_of(self.paraphrase.encoder()), 0.8)
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
        self._bp_text_keys.pop(id, None)
        self._sent_keys.pop(id, None)
        self.paraphrase.cache.pop(id, None)
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
        self._bp_text_keys.clear()

    def learn_boilerplate(self) -> Boilerplate:
        """Learn boilerplate from the whole collection and the reference texts (see boilerplate.py)."""
        c = self.config
        ids = self.ids()
        if self._sent_keys_chars != c.min_sentence_chars:
            self._sent_keys, self._sent_keys_chars = {}, c.min_sentence_chars
        keys = self._sent_keys
        for i in ids:
            if i not in keys:  # only texts added since the last learn are split and hashed
                keys[i] = sentence_keys_of(self.texts[i], c.min_sentence_chars)
        self.boilerplate = Boilerplate.learn(
            [self.texts[i] for i in ids],
            self.reference_texts,
            min_docs_floor=c.boilerplate_min_docs,
            min_frac=c.boilerplate_min_frac,
            min_len=c.min_match_chars,
            min_sentence_chars=c.min_sentence_chars,
            sentence_keys=[keys[i] for i in ids],
        )
        self._bp_version = self._version
        self._mask_cache.clear()
        self._bp_text_keys = dict(zip(ids, self.boilerplate.learned_text_keys, strict=True))
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
        return self.paraphrase.coverage((ia, ta, na), (ib, tb, nb))

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
        self.paraphrase.decide(al, (ia, ta, na), (ib, tb, nb))
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
        cands = {c for c in cands if c in self.texts and match_filters(self.meta[c], filters)}
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
            sem = self.paraphrase.decide(al, (qid, text, nq), (cid, self.texts[cid], nc))
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
    def neighbours(self, k: int | None = None) -> sweep.Neighbours:
        """Every text's ``k`` nearest neighbours in the vector index (:func:`nlp.similarity.sweep.neighbours`)."""
        return sweep.neighbours(self, k)

    def candidate_pairs(self) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
        """Lexical and semantic candidate pairs of a sweep (:func:`nlp.similarity.sweep.candidate_pairs`)."""
        return sweep.candidate_pairs(self)

    def dupes(
        self,
        threshold: float | None = None,
        *,
        progress: Callable[[int, int], None] | None = None,
        **options: Any,
    ) -> DupeReport:
        """Sweep the collection for duplicate families: see :func:`nlp.similarity.sweep.dupes` (``options``:
        ``workers``, ``memo``, ``memo_extra``, ``min_parallel``)."""
        return sweep.dupes(self, threshold, progress=progress, **options)

    # -- search ---------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 10,
        filters: Mapping[str, Any] | None = None,
        mode: str = "hybrid",
    ) -> list[SearchHit]:
        """Hybrid keyword + semantic search (reciprocal rank fusion): see :func:`nlp.similarity.search.search`."""
        return search_mod.search(self, query, k, filters, mode)

    def take_caches(self, old: SimilarityEngine) -> None:
        """Reuse what ``old`` (an earlier version of this collection) computed for the texts both hold unchanged:
        normalised texts, sentence keys, sentence vectors (checked against the encoder on use) and, when the
        boilerplate is the same, the boilerplate masks. A new version then answers its first questions, and
        learns its boilerplate, without redoing that work for every text. Nothing else is shared.
        """
        same = [i for i, t in list(old.texts.items()) if self.texts.get(i) is t or self.texts.get(i) == t]
        keep = set(same)
        try:  # ``old`` may be in use by other threads: copy, then install
            norms = [(i, nt) for i, nt in list(old._norm_cache.items()) if i in keep]
            sents = [(i, k) for i, k in list(old._sent_keys.items()) if i in keep]
            vecs = [(i, v) for i, v in list(old.paraphrase.cache.items()) if i in keep]
            a, b = old.boilerplate, self.boilerplate
            bp_same = (
                a is not None
                and b is not None
                and (a.min_len, a.min_sentence_chars) == (b.min_len, b.min_sentence_chars)
                and a.reference_texts == b.reference_texts
                and a.hashes == b.hashes
            )
            masks = [(i, m) for i, m in list(old._mask_cache.items()) if i in keep] if bp_same else []
        except RuntimeError:  # changed while copied: nothing is taken
            return
        for i, nt in norms:
            self._norm_cache.setdefault(i, nt)
        if old._sent_keys_chars == self._sent_keys_chars:
            for i, k in sents:
                self._sent_keys.setdefault(i, k)
        for i, v in vecs:
            self.paraphrase.cache.setdefault(i, v)
        for i, m in masks:
            self._mask_cache.setdefault(i, m)

    # -- persistence ----------------------------------------------------------------------------
    def metadata(self) -> dict[str, Any]:
        """Build metadata: encoder, index, counts, time."""
        return store.metadata(self)

    def save(self, directory: str | Path) -> None:
        """Write the engine to a folder: config.json (config + build metadata), docs.jsonl,
        vectors.index (+ .json), neardup.pkl, bm25.pkl, boilerplate.json, encoder.joblib (tfidf).
        """
        store.save(self, directory)

    @classmethod
    def load(
        cls, directory: str | Path, encoder: Encoder | None = None, *, cache_dir: str | Path | None = None
    ) -> SimilarityEngine:
        """Read an engine written by :meth:`save`: see :func:`nlp.similarity.store.load`."""
        return store.load(cls, directory, encoder, cache_dir=cache_dir)

    def verify(self, ids_in_db: Iterable[int]) -> VerifyReport:
        """Compare the engine's ids with the database's.

        Args:
            ids_in_db: ids that the database holds.

        Returns:
            A :class:`VerifyReport` (``missing`` / ``extra`` / ``unindexed``).
        """
        return store.verify(self, ids_in_db)


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
