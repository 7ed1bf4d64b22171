"""Compliance checks: 安全可控 statement (SEC001, SEC002) and possible 商业秘密 (CON001)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from nlp import rx
from nlp.checks.base import Context, Rule, check
from nlp.text import merge_spans
from nlp.types import Finding


def _has_statement(ctx: Context, rule: Rule) -> bool:
    return any(s in ctx.text for s in rule.params.get("statements", ["安全可控", "自主可控"]))


@lru_cache(maxsize=16)
def _names_re(names: tuple[str, ...]) -> Any:
    return rx.compile("|".join(rx.escape(n) for n in sorted(names, key=len, reverse=True)), rx.IGNORECASE)


def _latin_bounded(text: str, s: int, e: int) -> bool:
    # A name starting or ending with a Latin letter must not continue a longer Latin word
    # (PTC in "PTCR" is not PTC); Chinese names need no boundary (西门子Opcenter).
    def latin(ch: str) -> bool:
        return ch.isascii() and ch.isalpha()

    return not (latin(text[s]) and s > 0 and latin(text[s - 1])) and not (
        latin(text[e - 1]) and e < len(text) and latin(text[e])
    )


def _name_hits(text: str, names: tuple[str, ...]) -> list[tuple[int, int]]:
    """Spans of the names in ``text`` (case-insensitive, longest first at a position, Latin-bounded)."""
    by_len = sorted(names, key=len, reverse=True)
    out: list[tuple[int, int]] = []
    for m in _names_re(names).finditer(text):
        s = m.start()
        span = next(
            (
                (s, s + len(n))
                for n in by_len
                if text[s : s + len(n)].lower() == n.lower() and _latin_bounded(text, s, s + len(n))
            ),
            None,
        )
        if span is not None:
            out.append(span)
    return out


@check("SEC001")
def no_security_statement(ctx: Context, rule: Rule) -> list[Finding]:
    """A factory description that never states its key equipment and software are 安全可控."""
    if _has_statement(ctx, rule) or not ctx.text.strip():
        return []
    return [rule.finding([])]


@check("SEC002")
def foreign_software(ctx: Context, rule: Rule) -> list[Finding]:
    """Foreign industrial software or equipment named, with no 安全可控 statement."""
    names = tuple(rule.params.get("names", ()))
    if not names or _has_statement(ctx, rule):
        return []
    low = ctx.text.lower()
    present = tuple(n for n in names if n.lower() in low)  # cheap filter before the regex
    if not present:
        return []
    hits = _name_hits(ctx.text, present)
    if not hits:
        return []
    found = list(dict.fromkeys(ctx.text[s:e] for s, e in hits))
    return [rule.finding(hits, names="、".join(found[:5]), found=found)]


@lru_cache(maxsize=16)
def _compile(patterns: tuple[str, ...]) -> list[Any]:
    return [rx.compile(p) for p in patterns]


_CLAUSE_STOP = "。；;！？!?\n，,"
_CLAUSE_LOOKBACK = 200  # a clause longer than this is searched for a cost word near the amount only


@check("CON001")
def trade_secrets(ctx: Context, rule: Rule) -> list[Finding]:
    """Prices, contract values, customer lists or named customers: one finding per passage.

    A per-unit amount reported as the company's own cost (单吨运输成本由38元/吨降至33元/吨) is a result,
    not a price: a passage whose clause names a ``cost_words`` word before it, and that names no
    ``price_words`` word itself, is skipped.
    """
    cost_words = tuple(rule.params.get("cost_words", ()))
    price_words = tuple(rule.params.get("price_words", ()))
    spans = []
    for pat in _compile(tuple(rule.params.get("patterns", ()))):
        for m in pat.finditer(ctx.text):
            if cost_words and not any(w in m.group() for w in price_words):
                lo = max(0, m.start() - _CLAUSE_LOOKBACK)
                k = max(lo - 1, *(ctx.text.rfind(c, lo, m.start()) for c in _CLAUSE_STOP))
                if any(w in ctx.text[k + 1 : m.start()] for w in cost_words):
                    continue
            spans.append(m.span())
    return [rule.finding([sp], what=ctx.text[sp[0] : sp[1]][:30]) for sp in merge_spans(spans)]
