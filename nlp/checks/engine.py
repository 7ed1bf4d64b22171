"""Run the rules over a text: findings, per-code contributions and the weakness score."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nlp import budget
from nlp.boilerplate import ReferenceMatcher
from nlp.checks import boilerplate as _boi  # noqa: F401  (registers BOI001)
from nlp.checks import compliance, evasion, length, quantity, structure  # noqa: F401  (registers their checks)
from nlp.checks.base import KINDS, REGISTRY, Context, Rules, TermHit, load_rules
from nlp.metrics import Metric
from nlp.sections import Section
from nlp.types import Finding

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class CheckReport:
    """The result of checking one text.

    ``weakness`` is the sum of ``contributions`` clipped to the maximum (100); each finding's ``weight``
    is the points it actually adds (after the per-code cap), so the score is explainable finding by finding.
    """

    kind: str
    zishu: int
    chars: int
    weakness: float
    findings: list[Finding]
    contributions: dict[str, float]
    sections: list[Section]
    metrics: list[Metric]
    terms: list[TermHit] = field(default_factory=list)
    rules_version: str = ""

    def codes(self) -> list[str]:
        """Distinct finding codes in report order."""
        return list(dict.fromkeys(f.code for f in self.findings))

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (spans as ``[start, end]`` lists)."""
        counts = {s: sum(1 for f in self.findings if f.severity == s) for s in _SEVERITY_ORDER}
        return {
            "kind": self.kind,
            "zishu": self.zishu,
            "chars": self.chars,
            "weakness": self.weakness,
            "counts": counts,
            "findings": [f.to_dict() for f in self.findings],
            "contributions": dict(self.contributions),
            "sections": [s.to_dict() for s in self.sections],
            "metrics": [m.to_dict() for m in self.metrics],
            "terms": [t.to_dict() for t in self.terms],
            "rules_version": self.rules_version,
        }


def check_text(
    text: str,
    *,
    kind: str = "scenario",
    boilerplate: Sequence[str] | ReferenceMatcher = (),
    rules: Rules | None = None,
    check_max_chars: int = budget.CHECK_MAX_CHARS,
    check_max_sentences: int = budget.CHECK_MAX_SENTENCES,
    check_max_figures: int = budget.CHECK_MAX_FIGURES,
) -> CheckReport:
    """Check one submission text against the rules.

    Args:
        text: the original text (spans in the report index into it).
        kind: ``"scenario"`` (优秀场景) or ``"factory"`` (示范工厂).
        boilerplate: reference texts whose verbatim copies count as boilerplate (BOI001), or a
            prepared ``ReferenceMatcher``.
        rules: loaded rules; the shipped ``nlp/checks/rules.toml`` when None.
        check_max_chars: the checks read the first this many characters (the counts 字数/chars are of the whole
            text); 0 = no limit.
        check_max_sentences: sentence-level checks read the first this many sentences; 0 = no limit.
        check_max_figures: figure checks read the first this many extracted figures; 0 = no limit.
            A stage over its budget adds a ``LIM001`` warning naming the limit (:mod:`nlp.budget`).
    Returns:
        A ``CheckReport``; findings ordered by severity, then position.
    Raises:
        ValueError: for an unknown ``kind``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    rules = rules or load_rules()
    ctx = Context(
        text,
        kind,
        boilerplate,
        rules,
        max_chars=check_max_chars,
        max_sentences=check_max_sentences,
        max_figures=check_max_figures,
    )
    findings: list[Finding] = []
    contributions: dict[str, float] = {}
    blank = not text.strip()
    for code, rule in rules.rules.items():
        fn = REGISTRY.get(code)
        if fn is None or not rule.enabled or kind not in rule.kinds:
            continue
        if blank and code != "LEN002":  # an empty text is just too short
            continue
        got = fn(ctx, rule)
        used = 0.0
        for f in got:
            f.detail.setdefault("rule_weight", f.weight)
            f.weight = max(0.0, min(f.weight, rule.cap - used))
            used += f.weight
        if got:
            contributions[code] = used
        findings.extend(got)
    findings.extend(ctx.over_budget)
    findings.sort(key=lambda f: (_SEVERITY_ORDER[f.severity], f.spans[0] if f.spans else (-1, -1), f.code))
    weakness = round(min(rules.max_weakness, sum(contributions.values())), 1)
    return CheckReport(
        kind=kind,
        zishu=ctx.zishu,
        chars=ctx.chars,
        weakness=weakness,
        findings=findings,
        contributions=contributions,
        sections=ctx.sections,
        metrics=ctx.metrics,
        terms=ctx.terms,
        rules_version=rules.version,
    )
