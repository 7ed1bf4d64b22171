"""Disguise (EVA001): characters that make a copied text look different to a naive matcher.

Counted, each with its positions: zero-width and other invisible characters; full-width Latin letters and digits
(ＡＢＣ１２３) beside half-width ones in the same text; a space inserted between two Chinese characters; Cyrillic or
Greek letters inside a Latin word (look-alikes such as МES with a Cyrillic М). One linear pass, no patterns.
"""

from __future__ import annotations

from nlp.checks.base import Context, Rule, check
from nlp.text import is_cjk, merge_spans
from nlp.types import Finding

_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"}
_SPACES = {" ", "\u3000", "\u00a0", "\t"}


def _is_fullwidth_alnum(ch: str) -> bool:
    o = ord(ch)
    return 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A


def _is_lookalike(ch: str) -> bool:
    o = ord(ch)
    return 0x0370 <= o <= 0x03FF or 0x0400 <= o <= 0x04FF


def disguise_marks(text: str) -> dict[str, list[tuple[int, int]]]:
    """Positions of each kind of disguise in ``text``."""
    out: dict[str, list[tuple[int, int]]] = {
        "invisible": [],
        "fullwidth": [],
        "inserted_space": [],
        "lookalike": [],
    }
    halfwidth_alnum = 0
    n = len(text)
    for i, ch in enumerate(text):
        if ch in _INVISIBLE:
            out["invisible"].append((i, i + 1))
        elif _is_fullwidth_alnum(ch):
            out["fullwidth"].append((i, i + 1))
        elif ch.isascii() and ch.isalnum():
            halfwidth_alnum += 1
        elif ch in _SPACES and 0 < i < n - 1 and is_cjk(text[i - 1]) and is_cjk(text[i + 1]):
            out["inserted_space"].append((i, i + 1))
        elif _is_lookalike(ch):
            prev_latin = i > 0 and text[i - 1].isascii() and text[i - 1].isalpha()
            next_latin = i < n - 1 and text[i + 1].isascii() and text[i + 1].isalpha()
            if prev_latin or next_latin:
                out["lookalike"].append((i, i + 1))
    if not halfwidth_alnum:  # a text written in full-width throughout is a style, not a disguise
        out["fullwidth"] = []
    return out


@check("EVA001")
def disguise(ctx: Context, rule: Rule) -> list[Finding]:
    """Invisible characters, mixed full-width alphanumerics, spaces between Chinese characters, look-alikes."""
    marks = disguise_marks(ctx.text)
    mins = rule.params
    counts = {k: len(v) for k, v in marks.items()}
    hit = {k: v for k, v in counts.items() if v >= int(mins.get(f"min_{k}", 1))}
    if not hit:
        return []
    names = {"invisible": "不可见字符", "fullwidth": "全角字母数字", "inserted_space": "汉字间插入的空格",
             "lookalike": "形近的外文字母"}  # fmt: skip
    spans = merge_spans([s for k in hit for s in marks[k]])
    what = "、".join(f"{names[k]}{v}处" for k, v in hit.items())
    return [rule.finding(spans[: int(mins.get("max_spans", 50))], what=what, counts=counts)]
