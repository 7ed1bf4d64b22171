"""Boilerplate learned from the corpus and the reference texts.

Template text (the guide's scenario descriptions, the notice's wording, the sentences every applicant
copies from a model answer) would otherwise make unrelated submissions look alike. A sentence is
boilerplate when its normalised form

* recurs in at least ``min_docs`` distinct submissions, where
  ``min_docs = max(min_docs_floor, ceil(min_frac · number of submissions))`` (defaults 3 and 2 %), or
* occurs in a reference text (guide, notice) — and any passage of at least ``min_len`` normalised
  characters shared with a reference text is masked too, even when it is only part of a sentence.

Sentences shorter than ``min_sentence_chars`` normalised characters are ignored (too generic to
count). :meth:`Boilerplate.mask` returns the original-text spans to exclude.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nlp.similarity._text import (
    merge_spans,
    norm_range,
    normalize_with_offsets,
    sentence_spans,
    stable_hash64,
    to_original,
)
from nlp.similarity.align import NormText, maximal_matches, tile
from nlp.types import SpanT


def _sentence_keys(text: str, min_chars: int) -> list[tuple[int, SpanT]]:
    """(hash of normalised sentence, original span) for each sentence long enough."""
    norm, offs = normalize_with_offsets(text)
    out = []
    for s, e in sentence_spans(text):
        lo, hi = norm_range(offs, s, e)
        if hi - lo >= min_chars:
            out.append((stable_hash64(norm[lo:hi]), (s, e)))
    return out


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
        self._refs = [NormText(t) for t in self.reference_texts]

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

        Returns:
            A :class:`Boilerplate`.
        """
        n = len(texts)
        threshold = min_docs if min_docs is not None else max(min_docs_floor, math.ceil(min_frac * n))
        sequences: list[list[int]] = []  # each text's sentence keys in order
        per_doc = []
        for t in texts:
            seq = [h for h, _ in _sentence_keys(t, min_sentence_chars)]
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
            for t in texts:
                for h, (s, e) in _sentence_keys(t, min_sentence_chars):
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
        return cls(
            hashes,
            reference_texts,
            min_len=min_len,
            min_sentence_chars=min_sentence_chars,
            examples=examples,
            stats=stats,
        )

    def __len__(self) -> int:
        return len(self.hashes)

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
        if self._refs:
            nt = NormText(text)
            for ref in self._refs:
                runs = tile(maximal_matches(ref, nt, self.min_len), len(ref.norm), len(nt.norm), self.min_len)
                spans.extend(to_original(nt.offsets, j, j + L) for _, j, L in runs)
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
