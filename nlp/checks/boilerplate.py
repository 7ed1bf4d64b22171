"""Boilerplate (BOI001): text copied verbatim from reference texts (the guide, the notice …).

The passages come from :class:`nlp.boilerplate.ReferenceMatcher` (the project's one boilerplate detector,
which the similarity engine masks with too): the characters of the checked text covered by a normalised
n-gram (default 13 characters) of the reference texts are "copied".
"""

from __future__ import annotations

from nlp.boilerplate import get_matcher
from nlp.checks.base import Context, Rule, check
from nlp.types import Finding


@check("BOI001")
def boilerplate_share(ctx: Context, rule: Rule) -> list[Finding]:
    """Text copied from the reference texts: a share at or above ``min_share``, or one passage of at
    least ``min_run`` normalised characters (a whole clause of the notice pasted in)."""
    if not ctx.boilerplate:
        return []
    n = int(rule.params.get("ngram", 13))
    matcher = get_matcher(ctx.boilerplate, n)
    runs = matcher.covered(ctx.normalized)
    total = len(ctx.normalized.text)
    share = sum(e - s for s, e in runs) / total if total else 0.0
    longest = max((e - s for s, e in runs), default=0)
    min_run = int(rule.params.get("min_run", 0))
    if share < float(rule.params.get("min_share", 0.15)) and not (min_run and longest >= min_run):
        return []
    spans = [ctx.normalized.to_original(r) for r in runs]
    return [rule.finding(spans, share=round(share, 4), share_pct=max(1, round(share * 100)), longest=longest)]
