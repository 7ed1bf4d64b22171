"""BM25 — the project's one implementation, in two forms that share :func:`idf` and :func:`bm25_term`.

* :class:`BM25`: Okapi BM25 as an incremental inverted index over many texts (the similarity engine's
  keyword search), tokens either normalised character bigrams (integer keys) or words.
* :func:`bm25_weights`: the BM25 weight matrix of a small fixed set of documents over a given vocabulary
  (the classifier scores a query as ``q_binary @ W.T``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import sparse

from nlp.normalize import match_text
from nlp.text.ngrams import bigram_keys, bigram_tokens, token_key
from nlp.text.words import word_tokens

TOKENIZERS: dict[str, Callable[[str], list[str]]] = {
    "jieba": word_tokens,
    "bigram": bigram_tokens,
}


def idf(n: float, df: Any) -> Any:
    """BM25 inverse document frequency ``ln(1 + (n - df + 0.5) / (df + 0.5))`` (never negative)."""
    return np.log1p((n - df + 0.5) / (df + 0.5))


def bm25_term(tf: Any, dl: Any, avgdl: float, term_idf: Any, k1: float, b: float) -> Any:
    """The BM25 contribution of a term: ``idf · tf · (k1 + 1) / (tf + k1 · (1 - b + b · dl / avgdl))``."""
    return term_idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))


def bm25_weights(
    counts: sparse.spmatrix, df: np.ndarray, k1: float = 1.2, b: float = 0.75
) -> sparse.csr_matrix:
    """BM25 weights of every (document, term) of a term-count matrix.

    Args:
        counts: documents x vocabulary term counts.
        df: document frequency of each vocabulary term (over the same documents).
        k1: term-frequency saturation.
        b: length normalisation.
    Returns:
        A CSR matrix of the same shape.
    """
    counts = sparse.csr_matrix(counts, dtype=np.float64)
    dl = np.asarray(counts.sum(axis=1)).ravel()
    avgdl = float(dl.mean()) if len(dl) else 1.0
    coo = counts.tocoo()
    vals = bm25_term(coo.data, dl[coo.row], max(avgdl, 1e-9), idf(counts.shape[0], df)[coo.col], k1, b)
    return sparse.csr_matrix((vals, (coo.row, coo.col)), shape=counts.shape)


class _Segment:
    """Postings of a set of documents, grouped by term key (an immutable inverted-index block)."""

    __slots__ = ("docs", "indptr", "slots", "terms", "tfs")

    def __init__(self, keys: np.ndarray, slots: np.ndarray, tfs: np.ndarray, docs: int) -> None:
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        self.slots = slots[order].astype(np.int32)
        self.tfs = tfs[order].astype(np.uint16)
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, np.int64)
        self.terms = keys[starts]
        self.indptr = np.r_[starts, len(keys)].astype(np.int64)
        self.docs = docs

    def expand(self, alive: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(keys, slots, tfs) of the postings of live documents."""
        keys = np.repeat(self.terms, np.diff(self.indptr))
        keep = alive[self.slots]
        return keys[keep], self.slots[keep], self.tfs[keep]

    def postings(self, key: int) -> tuple[np.ndarray, np.ndarray] | None:
        i = int(np.searchsorted(self.terms, key))
        if i >= len(self.terms) or self.terms[i] != key:
            return None
        s, e = self.indptr[i], self.indptr[i + 1]
        return self.slots[s:e], self.tfs[s:e]


class BM25:
    """Okapi BM25 as an inverted index (NumPy postings in segments); incremental add/remove.

    A query touches only the postings of its own terms, so its cost grows with how many texts
    contain the query words, not with the collection. Documents are buffered and written as
    segments of ``segment_docs`` texts (small trailing segments are merged); removal marks a
    document dead, and document frequencies count live postings only.

    Args:
        k1: term-frequency saturation.
        b: length normalisation.
        tokenizer: text -> tokens, or a name in :data:`TOKENIZERS` (default ``jieba``: jieba
            words, normalised; ``bigram``: normalised character bigrams as integer keys, ~30×
            faster and with no vocabulary to keep).
        segment_docs: documents per segment.
    """

    def __init__(
        self,
        k1: float = 1.5,
        b: float = 0.75,
        tokenizer: Callable[[str], list[str]] | str | None = None,
        segment_docs: int = 4096,
    ) -> None:
        self.k1, self.b = k1, b
        if isinstance(tokenizer, str):
            tokenizer = TOKENIZERS[tokenizer]
        self.tokenizer = tokenizer or word_tokens
        self.segment_docs = segment_docs
        self._reset()

    def _reset(self) -> None:
        self.vocab: dict[str, int] = {}  # string tokens -> keys (not used by the bigram tokenizer)
        self._slot_of: dict[int, int] = {}
        self._ids = np.zeros(0, dtype=np.int64)  # id of each slot
        self._alive = np.zeros(0, dtype=bool)
        self._lens = np.zeros(0, dtype=np.float32)
        self._nslots = 0
        self._len_sum = 0.0
        self._segments: list[_Segment] = []
        self._pending: list[tuple[int, np.ndarray, np.ndarray]] = []  # (slot, keys, tfs)

    @property
    def numeric(self) -> bool:
        """Whether tokens are character bigrams kept as integer keys."""
        return self.tokenizer is bigram_tokens

    def __getstate__(self) -> dict[str, Any]:
        self._flush()
        d = dict(self.__dict__)
        for name, fn in TOKENIZERS.items():
            if d.get("tokenizer") is fn:
                d["tokenizer"] = name
        return d

    def __setstate__(self, d: dict[str, Any]) -> None:
        tok = d.get("tokenizer")
        if isinstance(tok, str) or tok is None:
            d["tokenizer"] = TOKENIZERS[tok or "jieba"]
        if "docs" in d:  # pickled by the sparse-matrix version: re-index its term counts
            old_docs, old_vocab = d["docs"], d.get("vocab", {})
            self.k1, self.b, self.tokenizer = d["k1"], d["b"], d["tokenizer"]
            self.segment_docs = 4096
            self._reset()
            inv = {v: t for t, v in old_vocab.items()}
            for id, (tids, tfs) in old_docs.items():
                toks = [inv[int(t)] for t in tids]
                self._add_counts(int(id), self._keys_of_tokens(toks), np.asarray(tfs))
            return
        self.__dict__.update(d)

    def __len__(self) -> int:
        return len(self._slot_of)

    def _keys_of_tokens(self, tokens: list[str]) -> np.ndarray:
        if self.numeric:
            return np.fromiter((token_key(t) for t in tokens), dtype=np.int64, count=len(tokens))
        vocab = self.vocab
        return np.fromiter((vocab.setdefault(t, len(vocab)) for t in tokens), np.int64, len(tokens))

    def add(self, id: int, text: str, tokens: list[str] | None = None, *, norm: str | None = None) -> None:
        """Index a text (replacing the old one of the id).

        Args:
            id: integer id.
            text: original text.
            tokens: tokens if already segmented (skips tokenisation).
            norm: the normalised text, if already computed (bigram tokenizer only).
        """
        if tokens is None and self.numeric:
            keys = bigram_keys(match_text(text) if norm is None else norm)
        else:
            keys = self._keys_of_tokens(self.tokenizer(text) if tokens is None else list(tokens))
        u, c = np.unique(keys, return_counts=True)
        self._add_counts(int(id), u, c)

    def _add_counts(self, id: int, keys: np.ndarray, tfs: np.ndarray) -> None:
        self.remove(id)
        slot = self._nslots
        if slot >= len(self._ids):
            cap = max(1024, 2 * len(self._ids))
            self._ids = np.resize(self._ids, cap)
            self._alive = np.concatenate([self._alive, np.zeros(cap - len(self._alive), dtype=bool)])
            self._lens = np.resize(self._lens, cap)
        n = float(tfs.sum())
        self._ids[slot], self._alive[slot], self._lens[slot] = id, True, n
        self._nslots += 1
        self._len_sum += n
        self._slot_of[id] = slot
        self._pending.append((slot, keys.astype(np.int64), np.minimum(tfs, 65535)))
        if len(self._pending) >= self.segment_docs:
            self._flush()

    def remove(self, id: int) -> None:
        """Forget a text."""
        slot = self._slot_of.pop(int(id), None)
        if slot is None:
            return
        self._alive[slot] = False
        self._len_sum -= float(self._lens[slot])
        if self._nslots > 4096 and len(self._slot_of) < self._nslots // 2:
            self._compact()

    def _flush(self) -> None:
        if not self._pending:
            return
        keys = np.concatenate([k for _, k, _ in self._pending])
        slots = np.repeat(
            np.array([s for s, _, _ in self._pending], dtype=np.int32),
            [len(k) for _, k, _ in self._pending],
        )
        tfs = np.concatenate([t for _, _, t in self._pending])
        seg = _Segment(keys, slots, tfs, len(self._pending))
        self._pending = []
        while self._segments and self._segments[-1].docs < self.segment_docs:
            last = self._segments.pop()
            k0, s0, t0 = last.expand(self._alive)
            k1, s1, t1 = seg.expand(self._alive)
            seg = _Segment(np.r_[k0, k1], np.r_[s0, s1], np.r_[t0, t1], last.docs + seg.docs)
        self._segments.append(seg)

    def _compact(self) -> None:
        """Renumber live documents into fresh slots (after many removals)."""
        self._flush()
        live = [(int(self._ids[s]), s) for s in range(self._nslots) if self._alive[s]]
        parts = [seg.expand(self._alive) for seg in self._segments]
        new_slot = np.full(self._nslots, -1, dtype=np.int64)
        new_slot[[s for _, s in live]] = np.arange(len(live))
        lens = self._lens[[s for _, s in live]]
        self._ids = np.array([i for i, _ in live], dtype=np.int64)
        self._alive = np.ones(len(live), dtype=bool)
        self._lens = lens.astype(np.float32)
        self._nslots = len(live)
        self._slot_of = {i: n for n, (i, _) in enumerate(live)}
        self._segments = []
        if parts:
            keys = np.concatenate([p[0] for p in parts])
            slots = new_slot[np.concatenate([p[1] for p in parts])]
            tfs = np.concatenate([p[2] for p in parts])
            self._segments = [_Segment(keys, slots, tfs, len(live))]

    def query_keys(self, query: str) -> np.ndarray:
        """Distinct term keys of a query that some indexed text may contain."""
        if self.numeric:
            return np.unique(bigram_keys(match_text(query)))
        toks = {t for t in self.tokenizer(query) if t in self.vocab}
        return np.array(sorted(self.vocab[t] for t in toks), dtype=np.int64)

    def _slot_scores(self, query: str) -> np.ndarray:
        self._flush()
        n = self._nslots
        scores = np.zeros(n, dtype=np.float32)
        live = len(self._slot_of)
        if not live:
            return scores
        avg = (self._len_sum / live) or 1.0
        k1, b = self.k1, self.b
        for key in self.query_keys(query).tolist():
            found = [p for seg in self._segments if (p := seg.postings(key)) is not None]
            if not found:
                continue
            slots = np.concatenate([p[0] for p in found])
            tfs = np.concatenate([p[1] for p in found]).astype(np.float32)
            keep = self._alive[slots]
            slots, tfs = slots[keep], tfs[keep]
            df = len(slots)
            if not df:
                continue
            scores[slots] += bm25_term(tfs, self._lens[slots], avg, idf(live, df), k1, b).astype(np.float32)
        return scores

    def scores(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """``(ids, scores)`` of every indexed text for a query (unsorted)."""
        s = self._slot_scores(query)
        alive = self._alive[: self._nslots]
        return self._ids[: self._nslots][alive], s[alive]

    def top(self, query: str, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best texts with a positive score, best first (ties by insertion order).

        Args:
            query: free text.
            k: how many.
            allowed: sorted ids to choose from (None: all).

        Returns:
            ``(ids, scores)``.
        """
        s = self._slot_scores(query)
        pos = np.flatnonzero(s > 0)  # dead slots never score
        if allowed is not None:
            pos = pos[np.isin(self._ids[pos], allowed, assume_unique=False)]
        if len(pos) > k:
            part = np.argpartition(-s[pos], k - 1)[:k]
            pos = np.sort(pos[part])
        pos = pos[np.argsort(-s[pos], kind="stable")]
        return self._ids[pos], s[pos]
