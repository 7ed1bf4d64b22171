"""Compliance checks: 安全可控 statement (SEC001, SEC002) and possible 商业秘密 (CON001)."""

from __future__ import annotations

import re
from functools import lru_cache

from nlp.checks.base import Context, Rule, check
from nlp.text import merge_spans
from nlp.types import Finding


def _has_statement(ctx: Context, rule: Rule) -> bool:
    return any(s in ctx.text for s in rule.params.get("statements", ["安全可控", "自主可控"]))


@lru_cache(maxsize=16)
def _names_re(names: tuple[str, ...]) -> re.Pattern[str]:
    # A name starting or ending with a Latin letter must not continue a longer Latin word
    # (PTC in "PTCR" is not PTC); Chinese names need no boundary (西门子Opcenter).
    alts = []
    for n in sorted(names, key=len, reverse=True):
        pre = r"(?<![A-Za-z])" if n[:1].isascii() and n[:1].isalpha() else ""
        post = r"(?![A-Za-z])" if n[-1:].isascii() and n[-1:].isalpha() else ""
        alts.append(pre + re.escape(n) + post)
    return re.compile("|".join(alts), re.I)


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
    hits = list(_names_re(present).finditer(ctx.text))
    if not hits:
        return []
    found = list(dict.fromkeys(m.group() for m in hits))
    return [rule.finding([m.span() for m in hits], names="、".join(found[:5]), found=found)]


@lru_cache(maxsize=16)
def _compile(patterns: tuple[str, ...]) -> list[re.Pattern[str]]:
    return [re.compile(p) for p in patterns]


_CLAUSE_STOP = "。；;！？!?\n，,"


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
                k = max(ctx.text.rfind(c, 0, m.start()) for c in _CLAUSE_STOP)
                if any(w in ctx.text[k + 1 : m.start()] for w in cost_words):
                    continue
            spans.append(m.span())
    return [rule.finding([sp], what=ctx.text[sp[0] : sp[1]][:30]) for sp in merge_spans(spans)]
