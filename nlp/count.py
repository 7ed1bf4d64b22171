"""字数 counting as Chinese word processors count (the rule is documented in ``docs/checks.md``).

- each CJK character (ideograph, kana, Hangul) counts 1;
- each full-width character counts 1: full-width punctuation (，。、；：？！（）《》【】 …), full-width letters
  and digits, and the punctuation Chinese text uses in its own width (“ ” ‘ ’ … — ·);
- each maximal run of other non-whitespace characters counts 1: a Latin word (MES), a number (2.5, 30%,
  1,200), an acronym with its half-width punctuation (OPC-UA, MES/APS);
- whitespace counts 0; invisible format characters (zero-width space, BOM) count 0.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from nlp.types import SpanT

# Characters Chinese text uses at full width although Unicode calls their width "ambiguous".
_CJK_PUNCT = set("“”‘’…—–·•※○●◎□■△▲☆★→←↑↓")


@lru_cache(maxsize=65536)
def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F") or ch in _CJK_PUNCT


def _is_invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc")


def count_zishu(text: str) -> int:
    """Count 字数 the way Chinese word processors do (see the module docstring).

    Args:
        text: any text.
    Returns:
        The 字数 of the text.
    """
    return _count(text, len(text))[0]


def _count(text: str, limit_zishu: int) -> tuple[int, int]:
    """Count 字数 and return it with the index where the count first exceeded ``limit_zishu``."""
    n = 0
    in_run = False
    over_at = len(text)
    for i, ch in enumerate(text):
        if _is_invisible(ch):  # before the width test: U+3000 is a full-width space, and spaces count 0
            in_run = False
            continue
        if "\u4e00" <= ch <= "\u9fff" or _is_wide(ch):
            n += 1
            in_run = False
        elif not in_run:
            n += 1
            in_run = True
        else:
            continue
        if n == limit_zishu + 1 and over_at == len(text):
            over_at = i
    return n, over_at


def overflow_span(text: str, limit: int) -> SpanT | None:
    """The part of the text beyond the first ``limit`` 字 (for highlighting), or None when within it.

    Args:
        text: the original text.
        limit: the 字数 allowed.
    Returns:
        ``(start, len(text))`` where ``start`` is the first character past the limit, or None.
    """
    n, over_at = _count(text, limit)
    if n <= limit:
        return None
    return (over_at, len(text))


def count_chars(text: str) -> int:
    """Count characters without whitespace and invisible format characters (字符数（不计空格）).

    Args:
        text: any text.
    Returns:
        The number of visible, non-whitespace characters.
    """
    return sum(1 for ch in text if not _is_invisible(ch))
