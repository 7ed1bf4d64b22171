"""Text normalisation: for matching (with an offset map back to the original) and for display/storage.

``normalize_for_match`` is what every comparison uses (exact hash, boilerplate, n-gram matching): it keeps
only letters and digits after NFKC, width folding, lowercasing and homoglyph folding, so that inserted
spaces, punctuation changes, full-width/half-width swaps, zero-width characters and look-alike letters do
not hide copied text. Each kept character remembers the index of the original character it came from.

``fold_width`` is the length-preserving light form (width and case only) that word segmentation and
keyword matching use; ``normalize_display`` is the form for storage and display.

This module is the ONE matching normaliser of the project: the content hash of ingest, the checks and
the similarity package (shingles, alignment, boilerplate) all read it. ``match_text`` and
``normalize_with_offsets`` are its fast forms (a lazily filled ``str.translate`` table and a NumPy offset
map) with exactly the output of ``normalize_for_match``.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from nlp import rx
from nlp.types import SpanT

# Letters from other scripts that look like Latin letters, mapped before lowercasing (case matters:
# Greek capital Eta looks like H, small eta like n).
_HOMOGLYPHS: dict[str, str] = {
    # Cyrillic capitals
    "А": "a", "В": "b", "Е": "e", "Ё": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p",
    "С": "c", "Т": "t", "Х": "x", "У": "y", "Ѕ": "s", "І": "i", "Ї": "i", "Ј": "j", "Ԛ": "q",
    "Ԝ": "w", "Ү": "y", "Ӏ": "l",
    # Cyrillic small
    "а": "a", "е": "e", "ё": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s",
    "і": "i", "ї": "i", "ј": "j", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ү": "y", "ӏ": "l",
    "к": "k", "м": "m", "т": "t", "в": "b", "н": "h", "ь": "b", "г": "r", "п": "n",
    # Greek capitals
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n",
    "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
    # Greek small
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w", "γ": "y",
    # Latin look-alikes outside ASCII
    "ı": "i", "ɡ": "g", "ɑ": "a", "ℓ": "l",
    # Katakana and other characters that look like common CJK ideographs
    "ロ": "口", "エ": "工", "カ": "力", "タ": "夕", "ニ": "二", "ハ": "八", "ト": "卜", "ー": "一",
    "ㄧ": "一", "〡": "一", "〢": "二", "〣": "三",
    # CJK radical forms that NFKC leaves alone
    "⺁": "厂", "⺇": "几", "⺈": "刀", "⺊": "卜", "⺌": "小", "⺍": "小", "⺎": "兀", "⺐": "尢",
    "⺓": "幺", "⺕": "彐", "⺗": "心", "⺝": "月", "⺟": "母", "⺠": "民", "⺢": "水", "⺣": "火",
    "⺤": "爪", "⺦": "丬", "⺧": "牛", "⺩": "王", "⺫": "目", "⺬": "示", "⺮": "竹", "⺲": "网",
    "⺶": "羊", "⺷": "羊", "⺺": "聿", "⺼": "肉", "⻁": "虎", "⻄": "西", "⻅": "见", "⻆": "角",
    "⻉": "贝", "⻋": "车", "⻓": "长", "⻔": "门", "⻖": "阝", "⻘": "青", "⻙": "韦", "⻚": "页",
    "⻛": "风", "⻜": "飞", "⻝": "食", "⻢": "马", "⻣": "骨", "⻤": "鬼", "⻥": "鱼", "⻦": "鸟",
    "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻬": "齐", "⻮": "齿", "⻯": "龙", "⻳": "龟",
}  # fmt: skip

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad"


@dataclass(frozen=True)
class Normalized:
    """A normalised string with, for each of its characters, the index of the original character."""

    text: str
    offsets: list[int]

    def to_original(self, span: SpanT) -> SpanT:
        """Map a half-open span of the normalised text to a half-open span of the original text.

        Args:
            span: ``(start, end)`` into ``self.text``.
        Returns:
            ``(start, end)`` into the original text, covering the first to the last source character.
        """
        start, end = span
        if not self.offsets:
            return (0, 0)
        start = max(0, min(start, len(self.offsets)))
        end = max(start, min(end, len(self.offsets)))
        if end == start:
            pos = self.offsets[start] if start < len(self.offsets) else self.offsets[-1] + 1
            return (pos, pos)
        return (self.offsets[start], self.offsets[end - 1] + 1)


def _keep(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "LN" and ch not in _ZERO_WIDTH


def _fold_once(ch: str) -> str:
    if ch in _ZERO_WIDTH:
        return ""
    s = unicodedata.normalize("NFKD", _HOMOGLYPHS.get(ch, ch))
    s = "".join(c for c in s if not unicodedata.combining(c))  # accents are not content for matching
    s = unicodedata.normalize("NFKC", s).lower()
    return "".join(c for c in (_HOMOGLYPHS.get(c, c) for c in s) if _keep(c))


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    """Fold one original character into zero or more match characters (each a fixpoint of folding)."""
    s = _fold_once(ch)
    for _ in range(4):
        t = "".join(_fold_once(c) for c in s)
        if t == s:
            break
        s = t
    return s


def normalize_for_match(text: str) -> Normalized:
    """Normalise text for matching and keep the way back to the original.

    NFKC, full/half-width folding, Latin lowercasing, homoglyph folding (Cyrillic/Greek look-alikes of
    Latin letters, katakana look-alikes of CJK ideographs), removal of zero-width characters, whitespace,
    punctuation and symbols. Idempotent: ``normalize_for_match(n.text).text == n.text``.

    Args:
        text: the original text.
    Returns:
        ``Normalized`` with ``text`` and ``offsets`` (original index of each normalised character).
    """
    norm, offsets = normalize_with_offsets(text)
    return Normalized(norm, offsets.tolist())


class _TranslateTable(dict[int, "int | str | None"]):
    """``str.translate`` table filled on demand from :func:`_fold_char`."""

    def __missing__(self, code: int) -> int | str | None:
        m = _fold_char(chr(code))
        res: int | str | None = None if not m else (ord(m) if len(m) == 1 else m)
        if len(self) < 200_000:
            self[code] = res
        return res


_TABLE = _TranslateTable()
# Normalised length of each code point (-1: not seen yet), for the offset map without a Python loop.
_LEN = np.full(0x110000, -1, dtype=np.int8)


def match_text(text: str) -> str:
    """``normalize_for_match(text).text`` without the offset map (one ``str.translate``).

    Args:
        text: the original text.
    Returns:
        The normalised string (letters and digits only, folded).
    """
    return text.translate(_TABLE)


def normalize_with_offsets(text: str) -> tuple[str, np.ndarray]:
    """``normalize_for_match`` with the offset map as a NumPy array (fast path for alignment).

    Args:
        text: the original text.
    Returns:
        ``(norm, offsets)``: ``offsets`` is non-decreasing int32 with ``len(offsets) == len(norm)``.
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


_DISPLAY_TABLE = {ord(c): None for c in _ZERO_WIDTH if c != "\u00ad"}
_DISPLAY_TABLE.update({0x2028: "\n", 0x2029: "\n", 0x0085: "\n"})


def normalize_display(text: str) -> str:
    """Light normalisation for storage and display: unify newlines, strip BOM and zero-width characters.

    Content (width, case, punctuation) is kept as written.

    Args:
        text: raw text from a file or a form.
    Returns:
        The text with ``\\r\\n``/``\\r`` turned into ``\\n`` and invisible characters removed.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_DISPLAY_TABLE)


def fold_width(text: str) -> str:
    """Lowercase and width-fold character by character, keeping the length (offsets stay valid).

    The light form for word segmentation and keyword matching: a character whose NFKC form is not one
    character (ligatures, ``㈠`` …) is kept as written.

    Args:
        text: the original text.
    Returns:
        A string of the same length as ``text``.
    """
    return "".join(f if len(f := unicodedata.normalize("NFKC", ch).lower()) == 1 else ch for ch in text)


_SPACE_RUN = rx.compile(r"\s+")


def squeeze_spaces(text: str) -> str:
    """``text`` without any whitespace (linear-time)."""
    return _SPACE_RUN.sub("", text or "")


def name_key(name: str) -> str:
    """A name as a comparison key: NFKC, all whitespace removed (region names, entry names and scopes)."""
    return squeeze_spaces(unicodedata.normalize("NFKC", name or ""))


def content_hash(text: str) -> str:
    """Hash of the matching form of a text: equal for texts that differ only in layout or tricks.

    Args:
        text: the original text.
    Returns:
        Hex sha256 of ``normalize_for_match(text).text`` encoded as UTF-8.
    """
    return hashlib.sha256(match_text(text).encode("utf-8")).hexdigest()
