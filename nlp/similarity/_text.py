"""Private text helpers for matching: a trick-resistant normaliser with an offset map, and sentences.

The normaliser keeps only letters and digits (CJK included), folds full-width forms, compatibility
characters and case (NFKC + casefold), maps common look-alike letters (Cyrillic/Greek homoglyphs,
CJK radical forms) to their usual form, and drops spaces, punctuation, symbols and invisible
characters. ``offsets[i]`` is the index in the ORIGINAL text of normalised character ``i``, so any
normalised span maps back with :func:`to_original`.

A shared ``nlp.normalize.normalize_for_match`` may replace this later; until then this module is
the single normaliser of the similarity package.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator

import numpy as np

from nlp.types import SpanT

# Look-alike letters that NFKC does not fold (after casefold). Keys are lower-case.
_HOMOGLYPHS: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d",
    "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ь": "b", "п": "n", "г": "r",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j",
    # Latin look-alikes
    "ı": "i", "ɡ": "g", "ɑ": "a", "ʏ": "y", "ℓ": "l",
    # CJK radical forms and look-alikes that NFKC leaves alone
    "⺁": "厂", "⺇": "几", "⺈": "刀", "⺊": "卜", "⺌": "小", "⺍": "小", "⺎": "兀", "⺐": "尢",
    "⺓": "幺", "⺕": "彐", "⺗": "心", "⺝": "月", "⺟": "母", "⺠": "民", "⺢": "水", "⺣": "火",
    "⺤": "爪", "⺦": "丬", "⺧": "牛", "⺩": "王", "⺫": "目", "⺬": "示", "⺮": "竹", "⺲": "网",
    "⺶": "羊", "⺷": "羊", "⺺": "聿", "⺼": "肉", "⻁": "虎", "⻄": "西", "⻅": "见", "⻆": "角",
    "⻉": "贝", "⻋": "车", "⻓": "长", "⻔": "门", "⻖": "阝", "⻘": "青", "⻙": "韦", "⻚": "页",
    "⻛": "风", "⻜": "飞", "⻝": "食", "⻢": "马", "⻣": "骨", "⻤": "鬼", "⻥": "鱼", "⻦": "鸟",
    "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻬": "齐", "⻮": "齿", "⻯": "龙", "⻳": "龟",
}  # fmt: skip

_KEEP_CATEGORIES = ("L", "N")
_char_cache: dict[str, str] = {}


def _map_char(ch: str) -> str:
    """Normalised form of one character ('' when it is dropped)."""
    hit = _char_cache.get(ch)
    if hit is not None:
        return hit
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        c = _HOMOGLYPHS.get(c, c)
        if unicodedata.category(c)[0] in _KEEP_CATEGORIES:
            out.append(c)
    res = "".join(out)
    if len(_char_cache) < 200_000:
        _char_cache[ch] = res
    return res


class _TranslateTable(dict):
    """``str.translate`` table filled on demand: code point -> code point, string, or None (drop)."""

    def __missing__(self, code: int) -> int | str | None:
        m = _map_char(chr(code))
        res: int | str | None = None if not m else (ord(m) if len(m) == 1 else m)
        if len(self) < 200_000:
            self[code] = res
        return res


_TABLE = _TranslateTable()
# Normalised length of each code point (-1: not seen yet), for the offset map without a Python loop.
_LEN = np.full(0x110000, -1, dtype=np.int8)


def normalize(text: str) -> str:
    """Normalised text for matching, without the offset map (faster).

    Args:
        text: original text.

    Returns:
        The normalised string (letters and digits only, folded).
    """
    return text.translate(_TABLE)


def normalize_with_offsets(text: str) -> tuple[str, np.ndarray]:
    """Normalise ``text`` and return the offset of every normalised char in the original.

    Args:
        text: original text.

    Returns:
        ``(norm, offsets)`` with ``len(offsets) == len(norm)`` and ``offsets`` non-decreasing int32.
    """
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lens = _LEN[codes]
    if len(lens) and lens.min() < 0:
        for c in np.unique(codes[lens < 0]).tolist():
            m = _TABLE[c]
            _LEN[c] = 0 if m is None else (1 if isinstance(m, int) else len(m))
        lens = _LEN[codes]
    norm = text.translate(_TABLE)
    if len(norm) == len(codes) and (not len(lens) or lens.min() == 1):  # nothing dropped or expanded
        return norm, np.arange(len(codes), dtype=np.int32)
    return norm, np.repeat(np.arange(len(codes), dtype=np.int32), lens)


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
