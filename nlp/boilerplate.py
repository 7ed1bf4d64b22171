"""Boilerplate — the project's one detector of template text, used by the checks and the similarity engine.

Template text (the guide's scenario descriptions, the notice's wording, the sentences every applicant
copies from a model answer) would otherwise make unrelated submissions look alike, and copying it is a
weakness of a submission (check BOI001). Two kinds of boilerplate:

* **Reference passages** (:class:`ReferenceMatcher`): every passage of at least ``min_len`` (default 13)
  normalised characters shared with a reference text (guide, notice). Exact: each normalised n-gram of
  the references is kept (as a 64-bit polynomial hash); the characters of a checked text covered by such
  an n-gram are boilerplate.
* **Learned sentences** (:class:`Boilerplate`): a sentence whose normalised form recurs in at least
  ``min_docs`` distinct submissions, where ``min_docs = max(min_docs_floor, ceil(min_frac · number of
  submissions))`` (defaults 3 and 2 %), or that occurs in a reference text.

Sentences shorter than ``min_sentence_chars`` normalised characters are ignored (too generic to count).
:meth:`Boilerplate.mask` returns the original-text spans to exclude (learned sentences and reference
passages).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from nlp.text import (
    Normalized,
    merge_spans,
    normalize_for_match,
    normalize_with_offsets,
    sentence_spans,
    stable_hash64,
)
from nlp.types import SpanT

_P = np.uint64(0x100000001B3)  # odd multiplier of the rolling n-gram hash (arithmetic mod 2**64)


def _ngram_hashes(norm: str, n: int) -> np.ndarray:
    """uint64 polynomial hash of every n-gram of a normalised string, by start position."""
    c = np.frombuffer(norm.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    m = len(c) - n + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(n):
            h = h * _P + c[j : j + m] + np.uint64(1)
    return h


class ReferenceMatcher:
    """Exact shared-passage matcher against a fixed set of reference texts.

    Args:
        texts: the reference texts.
        n: minimum shared length in normalised characters.
    """

    def __init__(self, texts: Sequence[str], n: int = 13) -> None:
        self.n = n
        parts = [_ngram_hashes(normalize_for_match(t).text, n) for t in texts if t]
        self._hashes = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint64)

    def __len__(self) -> int:
        return len(self._hashes)

    def covered_norm(self, norm: str) -> list[SpanT]:
        """Runs of a normalised string covered by n-grams shared with the references.

        Args:
            norm: the checked text, normalised.
        Returns:
            Disjoint half-open spans into ``norm``, in order.
        """
        h = _ngram_hashes(norm, self.n)
        if not len(h) or not len(self._hashes):
            return []
        i = np.minimum(np.searchsorted(self._hashes, h), len(self._hashes) - 1)
        starts = np.flatnonzero(self._hashes[i] == h)
        if not len(starts):
            return []
        delta = np.zeros(len(norm) + 1, dtype=np.int32)
        np.add.at(delta, starts, 1)
        np.add.at(delta, starts + self.n, -1)
        cov = np.concatenate([[False], np.cumsum(delta[:-1]) > 0, [False]])
        edges = np.flatnonzero(cov[1:] != cov[:-1]).tolist()
        return list(zip(edges[::2], edges[1::2], strict=True))

    def covered(self, norm: Normalized) -> list[SpanT]:
        """:meth:`covered_norm` of ``norm.text`` (spans into the normalised text)."""
        return self.covered_norm(norm.text)

    def match(self, text: str) -> tuple[float, list[SpanT]]:
        """Share of the text's normalised characters that are copied, and their original spans.

        Args:
            text: the original text.
        Returns:
            ``(share, spans)`` with spans into the original text.
        """
        norm = normalize_for_match(text)
        runs = self.covered(norm)
        total = len(norm.text)
        share = sum(e - s for s, e in runs) / total if total else 0.0
        return share, [norm.to_original(r) for r in runs]


@lru_cache(maxsize=8)
def _matcher(texts: tuple[str, ...], n: int) -> ReferenceMatcher:
    return ReferenceMatcher(texts, n)


def get_matcher(boilerplate: Sequence[str] | ReferenceMatcher, n: int = 13) -> ReferenceMatcher:
    """A matcher for the given reference texts (built once per distinct set of texts and ``n``).

    Args:
        boilerplate: reference texts, or a ready ``ReferenceMatcher`` (returned as is).
        n: minimum shared length in normalised characters.
    Returns:
        A ``ReferenceMatcher``.
    """
    if isinstance(boilerplate, ReferenceMatcher):
        return boilerplate
    return _matcher(tuple(boilerplate), n)


def _sentence_keys(text: str, min_chars: int) -> list[tuple[int, SpanT]]:
    """(hash of normalised sentence, original span) for each sentence long enough."""
    norm, offs = normalize_with_offsets(text)
    spans = list(sentence_spans(text))
    if not spans:
        return []
    se = np.asarray(spans, dtype=np.int64)
    los = offs.searchsorted(se[:, 0]).tolist()  # norm_range of every sentence in one call
    his = offs.searchsorted(se[:, 1]).tolist()
    return [
        (stable_hash64(norm[lo:hi]), sp)
        for sp, lo, hi in zip(spans, los, his, strict=True)
        if hi - lo >= min_chars
    ]


SentenceKeys = tuple[np.ndarray, np.ndarray]
"""A text's sentence hashes (uint64) and their original spans (int64, ``(n, 2)``), as from :func:`_sentence_keys`."""


def sentence_keys_of(text: str, min_chars: int) -> SentenceKeys:
    """:func:`_sentence_keys` as two compact arrays (what :meth:`Boilerplate.learn` can be given back)."""
    keys = _sentence_keys(text, min_chars)
    hs = np.fromiter((h for h, _ in keys), dtype=np.uint64, count=len(keys))
    sp = np.array([sp for _, sp in keys], dtype=np.int64).reshape(len(keys), 2)
    return hs, sp


class Boilerplate:
    """A learned set of boilerplate sentences plus reference texts; masks spans in any text.

    Args:
        sentence_hashes: stable 64-bit hashes of normalised boilerplate sentences.
        reference_texts: texts whose passages of ``min_len``+ normalised chars are boilerplate.
        min_len: minimum passage shared with a reference text to be masked.
        min_sentence_chars: shorter sentences are never boilerplate.
        examples: a few boilerplate sentences (original text) for display.
    """

    def __init__(
        self,
        sentence_hashes: Iterable[int] = (),
        reference_texts: Sequence[str] = (),
        *,
        min_len: int = 13,
        min_sentence_chars: int = 8,
        examples: Sequence[str] = (),
        stats: dict[str, Any] | None = None,
    ) -> None:
        self.hashes: set[int] = {int(h) for h in sentence_hashes}
        self.reference_texts = [t for t in reference_texts if t]
        self.min_len = min_len
        self.min_sentence_chars = min_sentence_chars
        self.examples = list(examples)
        self.stats = dict(stats or {})
        for t in self.reference_texts:
            self.hashes.update(h for h, _ in _sentence_keys(t, min_sentence_chars))
        self._refs = get_matcher(self.reference_texts, min_len) if self.reference_texts else None
        # text keys (:meth:`text_key`) of the texts ``learn`` was given, in their order; not saved
        self.learned_text_keys: list[bytes] = []

    @classmethod
    def learn(
        cls,
        texts: Sequence[str],
        reference_texts: Sequence[str] = (),
        *,
        min_docs: int | None = None,
        min_docs_floor: int = 3,
        min_frac: float = 0.02,
        min_len: int = 13,
        min_sentence_chars: int = 8,
        max_examples: int = 50,
        sentence_keys: Sequence[SentenceKeys | None] | None = None,
    ) -> Boilerplate:
        """Learn boilerplate from a corpus of submissions and the reference texts.

        Args:
            texts: submission texts (each counted once per distinct sentence; a sentence must also
                recur in ``min_docs`` distinct (previous, next) sentence contexts, so the sentences of
                a text copied several times are not learned).
            reference_texts: guide / notice texts; all of their sentences are boilerplate.
            min_docs: fixed document count; default ``max(min_docs_floor, ceil(min_frac·len(texts)))``.
            min_docs_floor: lower bound of the default count.
            min_frac: fraction of the corpus in the default count.
            min_len: minimum passage shared with a reference text to be masked.
            min_sentence_chars: shorter sentences are ignored.
            max_examples: how many example sentences to keep for display.
            sentence_keys: each text's :func:`sentence_keys_of` when already known (None entries are computed),
                so that a caller relearning after a few new texts does not split and hash the others again.

        Returns:
            A :class:`Boilerplate`.
        """
        n = len(texts)
        threshold = min_docs if min_docs is not None else max(min_docs_floor, math.ceil(min_frac * n))
        sequences: list[list[int]] = []  # each text's sentence keys in order
        per_doc = []
        known = list(sentence_keys) if sentence_keys is not None else [None] * n
        keyed = [
            k if k is not None else sentence_keys_of(t, min_sentence_chars)
            for t, k in zip(texts, known, strict=True)
        ]
        for hs, _ in keyed:
            seq = hs.tolist()
            sequences.append(seq)
            keys = set(seq)
            if keys:
                per_doc.append(np.fromiter(keys, dtype=np.uint64, count=len(keys)))
        if per_doc:
            allh = np.concatenate(per_doc)
            uniq, counts = np.unique(allh, return_counts=True)
            common = uniq[counts >= threshold]
        else:
            common = np.zeros(0, dtype=np.uint64)
        hashes = {int(h) for h in common}
        # Copies are not templates: a template sentence recurs between different neighbours, a
        # sentence of a text copied k times recurs between the same neighbours k times. Keep a
        # recurring sentence only when it stands in at least ``threshold`` distinct (previous, next)
        # contexts. (Reference sentences are boilerplate regardless: added in __init__.)
        contexts: dict[int, set[tuple[int, int]]] = {h: set() for h in hashes}
        for seq in sequences:
            for i, h in enumerate(seq):
                ctx = contexts.get(h)
                if ctx is not None:
                    ctx.add((seq[i - 1] if i else 0, seq[i + 1] if i + 1 < len(seq) else 0))
        copied = {h for h, ctx in contexts.items() if len(ctx) < threshold}
        hashes -= copied
        examples: list[str] = []
        if hashes and max_examples:
            for t, (hs, sp) in zip(texts, keyed, strict=True):
                for h, (s, e) in zip(hs.tolist(), sp.tolist(), strict=True):
                    if h in hashes and len(examples) < max_examples and t[s:e] not in examples:
                        examples.append(t[s:e])
                if len(examples) >= max_examples:
                    break
        stats = {
            "documents": n,
            "min_docs": threshold,
            "learned_sentences": len(hashes),
            "copied_sentences_dropped": len(copied),
        }
        bp = cls(
            hashes,
            reference_texts,
            min_len=min_len,
            min_sentence_chars=min_sentence_chars,
            examples=examples,
            stats=stats,
        )
        bp.learned_text_keys = [bp.text_key("", seq) for seq in sequences]
        return bp

    def __len__(self) -> int:
        return len(self.hashes)

    def text_key(self, text: str, sentence_keys: Sequence[int] | None = None) -> bytes:
        """Digest of which sentences of ``text`` are boilerplate sentences (``sentence_keys``: its sentence
        hashes, when known). Two boilerplate sets that give a text the same key mask it alike, apart from
        the reference-text passages (which depend on the reference texts only)."""
        if sentence_keys is None:
            sentence_keys = [h for h, _ in _sentence_keys(text, self.min_sentence_chars)]
        hit = sorted({h for h in sentence_keys if h in self.hashes})
        return hashlib.blake2b(np.array(hit, dtype=np.uint64).tobytes(), digest_size=8).digest()

    def is_boilerplate(self, sentence: str) -> bool:
        """Whether one sentence (original text) is a boilerplate sentence."""
        keys = _sentence_keys(sentence, self.min_sentence_chars)
        return bool(keys) and all(h in self.hashes for h, _ in keys)

    def mask(self, text: str) -> list[SpanT]:
        """Original-text spans of ``text`` that are boilerplate (sorted, merged).

        Args:
            text: original text.

        Returns:
            Half-open spans.
        """
        spans = [sp for h, sp in _sentence_keys(text, self.min_sentence_chars) if h in self.hashes]
        if self._refs is not None:
            norm, offs = normalize_with_offsets(text)
            spans.extend((int(offs[s]), int(offs[e - 1]) + 1) for s, e in self._refs.covered_norm(norm))
        return merge_spans(spans)

    __call__ = mask

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentences": len(self.hashes),
            "reference_texts": len(self.reference_texts),
            "min_len": self.min_len,
            "min_sentence_chars": self.min_sentence_chars,
            "examples": list(self.examples),
            "stats": dict(self.stats),
        }

    def save(self, path: str | Path) -> None:
        """Write the boilerplate to a JSON file."""
        data = self.to_dict()
        data["hashes"] = sorted(self.hashes)
        data["reference_texts"] = self.reference_texts
        Path(path).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Boilerplate:
        """Read a file written by :meth:`save`."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(
            data["hashes"],
            data.get("reference_texts", []),
            min_len=data.get("min_len", 13),
            min_sentence_chars=data.get("min_sentence_chars", 8),
            examples=data.get("examples", []),
            stats=data.get("stats", {}),
        )
