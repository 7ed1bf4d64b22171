"""Private text helpers for matching: n-gram keys, offset mapping, sentences and windows.

Normalisation is :mod:`nlp.normalize` (the project's one matching normaliser): it keeps only letters
and digits (CJK included), folds full-width forms, compatibility characters and case, maps look-alike
letters (Cyrillic/Greek homoglyphs, katakana look-alikes, CJK radical forms) to their usual form, and
drops spaces, punctuation, symbols and invisible characters. ``offsets[i]`` is the index in the
ORIGINAL text of normalised character ``i``, so any normalised span maps back with
:func:`to_original`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

import numpy as np

from nlp.normalize import match_text, normalize_with_offsets
from nlp.types import SpanT

__all__ = [
    "merge_spans",
    "ngram_keys",
    "norm_range",
    "normalize",
    "normalize_with_offsets",
    "sentence_spans",
    "stable_hash64",
    "to_original",
    "windows",
]


def normalize(text: str) -> str:
    """Normalised text for matching, without the offset map (:func:`nlp.normalize.match_text`)."""
    return match_text(text)


_CP_BITS = 21  # bits of one code point (+1) in an n-gram key


def ngram_keys(norm: str, lo: int = 1, hi: int = 2) -> np.ndarray:
    """int64 keys of every character n-gram (``lo ≤ n ≤ hi ≤ 3``) of a normalised string, repeats kept.

    A key packs the n code points (+1, 21 bits each), so n-grams of different lengths never share a
    key and the mapping is exact (no hashing collisions).

    Args:
        norm: normalised text.
        lo: shortest n-gram.
        hi: longest n-gram (at most 3).

    Returns:
        The keys, in no particular order.
    """
    c = np.frombuffer(norm.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64) + 1
    parts = []
    for n in range(lo, hi + 1):
        m = len(c) - n + 1
        if m <= 0:
            break
        k = c[:m]
        for j in range(1, n):
            k = (k << _CP_BITS) | c[j : j + m]
        parts.append(k)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def to_original(offsets: np.ndarray, start: int, end: int) -> SpanT:
    """Map a normalised half-open span to a half-open span in the original text.

    Args:
        offsets: offset map from :func:`normalize_with_offsets`.
        start: normalised start.
        end: normalised end (exclusive, > start).

    Returns:
        ``(orig_start, orig_end)``.
    """
    return int(offsets[start]), int(offsets[end - 1]) + 1


def norm_range(offsets: np.ndarray, start: int, end: int) -> tuple[int, int]:
    """Normalised positions whose original offset lies in ``[start, end)``."""
    lo, hi = offsets.searchsorted((start, end)).tolist()  # one call: per-call overhead dominates
    return lo, hi


_SENT_END = re.compile(r"[。！？!?；;\n\r]+|\.(?=\s|$)")


def sentence_spans(text: str) -> list[SpanT]:
    """Sentence spans of ``text`` (split on Chinese/Latin sentence ends and line breaks).

    Args:
        text: original text.

    Returns:
        Half-open spans, leading/trailing whitespace excluded, empty sentences skipped.
    """
    spans: list[SpanT] = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        _append_stripped(text, start, end, spans)
        start = end
    _append_stripped(text, start, len(text), spans)
    return spans


def _append_stripped(text: str, s: int, e: int, out: list[SpanT]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append((s, e))


def windows(text: str, max_sentences: int = 3, max_chars: int = 400) -> Iterator[SpanT]:
    """Consecutive, non-overlapping windows of up to ``max_sentences`` sentences and ``max_chars``.

    A single sentence longer than ``max_chars`` is cut into ``max_chars`` pieces.

    Args:
        text: original text.
        max_sentences: sentences per window.
        max_chars: characters per window.

    Yields:
        Half-open spans into ``text``.
    """
    cur: SpanT | None = None
    n = 0
    for s, e in sentence_spans(text):
        while e - s > max_chars:
            if cur is not None:
                yield cur
                cur, n = None, 0
            yield (s, s + max_chars)
            s += max_chars
        if cur is not None and (n >= max_sentences or e - cur[0] > max_chars):
            yield cur
            cur, n = None, 0
        cur = (s, e) if cur is None else (cur[0], e)
        n += 1
    if cur is not None:
        yield cur


def stable_hash64(s: str) -> int:
    """A process-independent 64-bit hash of a string (blake2b)."""
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little")


def merge_spans(spans: list[SpanT]) -> list[SpanT]:
    """Sort and merge overlapping or touching spans."""
    out: list[SpanT] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out
