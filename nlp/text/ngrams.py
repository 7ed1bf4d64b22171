"""Character n-grams: exact integer keys of normalised n-grams, bigram tokens, and a stable string hash."""

from __future__ import annotations

import hashlib

import numpy as np

from nlp.normalize import match_text

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


def bigram_keys(norm: str) -> np.ndarray:
    """int64 keys of the character bigrams of a normalised string (one key for a single char)."""
    return ngram_keys(norm, 2, 2) if len(norm) >= 2 else ngram_keys(norm, 1, 1)


def token_key(token: str) -> int:
    """The key of one bigram (or single-character) token, as :func:`bigram_keys` makes it."""
    k = 0
    for ch in token[:3]:
        k = (k << _CP_BITS) | (ord(ch) + 1)
    return k


def bigram_tokens(text: str) -> list[str]:
    """Bigrams of the matching form of ``text`` (the text itself when shorter than two characters)."""
    n = match_text(text)
    if len(n) < 2:
        return [n] if n else []
    return [n[i : i + 2] for i in range(len(n) - 1)]


def is_cjk(ch: str) -> bool:
    """Whether ``ch`` is a CJK unified ideograph (basic block or extension A)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def char_bigrams(folded: str, start: int, end: int) -> list[str]:
    """Bigrams of adjacent CJK/alphanumeric characters of ``folded[start:end]`` (punctuation breaks a run).

    Args:
        folded: text folded by :func:`nlp.normalize.fold_width` (same length as the original).
        start: first position.
        end: end position (exclusive).
    Returns:
        The bigrams in order.
    """
    grams = []
    prev = ""
    for i in range(start, end):
        ch = folded[i]
        ok = is_cjk(ch) or ch.isalnum()
        if ok and prev:
            grams.append(prev + ch)
        prev = ch if ok else ""
    return grams


def stable_hash64(s: str) -> int:
    """A process-independent 64-bit hash of a string (blake2b)."""
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little")
