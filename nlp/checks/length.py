"""Length checks: 字数 over the limit (LEN001), too short (LEN002), very long sentences (SEN001)."""

from __future__ import annotations

from nlp.checks.base import Context, Rule, check
from nlp.count import count_zishu, overflow_span
from nlp.types import Finding


@check("LEN001")
def too_long(ctx: Context, rule: Rule) -> list[Finding]:
    """字数 above ``max_zishu``; the span is the part past the limit."""
    limit = int(rule.params.get("max_zishu", 3000))
    if ctx.zishu <= limit:
        return []
    span = overflow_span(ctx.full_text, limit)
    return [
        rule.finding(
            [span] if span else [],
            zishu=ctx.zishu,
            chars=ctx.chars,
            max_zishu=limit,
            excess=ctx.zishu - limit,
        )
    ]


@check("LEN002")
def too_short(ctx: Context, rule: Rule) -> list[Finding]:
    """字数 below ``min_zishu`` (an empty text included)."""
    limit = int(rule.params.get("min_zishu", 800))
    if ctx.zishu >= limit:
        return []
    return [rule.finding([], zishu=ctx.zishu, chars=ctx.chars, min_zishu=limit)]


@check("SEN001")
def long_sentences(ctx: Context, rule: Rule) -> list[Finding]:
    """One finding per sentence longer than ``max_zishu``."""
    limit = int(rule.params.get("max_zishu", 150))
    out = []
    for s in ctx.sentences:
        if len(s.text) <= limit:  # 字数 never exceeds the character count
            continue
        n = count_zishu(s.text)
        if n > limit:
            out.append(rule.finding([(s.start, s.end)], zishu=n, max_zishu=limit))
    return out
