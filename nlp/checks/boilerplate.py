"""Boilerplate (BOI001): text copied verbatim from reference texts (the guide, the notice …).

A simple exact matcher: every normalised n-gram (default 13 characters) of the reference texts is kept
in a set; the characters of the checked text covered by an n-gram found in the set are "copied".
``nlp.similarity`` has the fuller alignment engine; this one is enough for a share and its spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from nlp.checks.base import Context, Rule, check
from nlp.normalize import Normalized, normalize_for_match
from nlp.types import Finding, SpanT


class BoilerplateMatcher:
    """Exact shared-span matcher against a fixed set of reference texts.

    Args:
        texts: the reference texts.
        n: minimum shared length in normalised characters.
    """

    def __init__(self, texts: Sequence[str], n: int = 13) -> None:
        self.n = n
        grams: set[str] = set()
        for t in texts:
            s = normalize_for_match(t).text
            grams.update(s[i : i + n] for i in range(len(s) - n + 1))
        self._grams = grams

    def __len__(self) -> int:
        return len(self._grams)

    def covered(self, norm: Normalized) -> list[SpanT]:
        """Runs of the normalised text covered by shared n-grams.

        Args:
            norm: the checked text, normalised.
        Returns:
            Disjoint half-open spans into ``norm.text``.
        """
        s, n, grams = norm.text, self.n, self._grams
        runs: list[SpanT] = []
        cur_s = cur_e = -1
        for i in range(len(s) - n + 1):
            if s[i : i + n] in grams:
                if i <= cur_e:
                    cur_e = i + n
                else:
                    if cur_e > cur_s:
                        runs.append((cur_s, cur_e))
                    cur_s, cur_e = i, i + n
        if cur_e > cur_s:
            runs.append((cur_s, cur_e))
        return runs

    def match(self, text: str) -> tuple[float, list[SpanT]]:
        """Share of the text's normalised characters that are copied, and their original spans.

        Args:
            text: the original text.
        Returns:
            ``(share, spans)`` with spans into the original text.
        """
        norm = normalize_for_match(text)
        runs = self.covered(norm)
        total = len(norm.text)
        share = sum(e - s for s, e in runs) / total if total else 0.0
        return share, [norm.to_original(r) for r in runs]


@lru_cache(maxsize=8)
def _matcher(texts: tuple[str, ...], n: int) -> BoilerplateMatcher:
    return BoilerplateMatcher(texts, n)


def get_matcher(boilerplate: Sequence[str] | BoilerplateMatcher, n: int = 13) -> BoilerplateMatcher:
    """A matcher for the given reference texts (built once per distinct set of texts).

    Args:
        boilerplate: reference texts, or a ready ``BoilerplateMatcher`` (returned as is).
        n: minimum shared length in normalised characters.
    Returns:
        A ``BoilerplateMatcher``.
    """
    if isinstance(boilerplate, BoilerplateMatcher):
        return boilerplate
    return _matcher(tuple(boilerplate), n)


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
