"""Quantified-result checks (QNT001–QNT004) and vague claims without numbers (VAG001)."""

from __future__ import annotations

from nlp import rx
from nlp.checks.base import Context, Rule, check
from nlp.metrics import Metric, verb_direction
from nlp.types import Finding

_RESULT_KINDS = ("from_to", "change", "level")
_DIGIT_RE = rx.compile(r"[0-9０-９]")


def _evidence(ctx: Context, m: Metric) -> str:
    return ctx.text[m.span[0] : m.span[1]]


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


@check("QNT001")
def no_quantified_results(ctx: Context, rule: Rule) -> list[Finding]:
    """Fewer than ``min_metrics`` quantified statements in the whole text."""
    n = sum(1 for m in ctx.metrics if m.kind in _RESULT_KINDS)
    if n >= int(rule.params.get("min_metrics", 1)) or not ctx.text.strip():
        return []
    return [rule.finding([], n=n)]


@check("QNT002")
def no_baseline(ctx: Context, rule: Rule) -> list[Finding]:
    """Quantified results stated without a before value or comparison (较/同比/由…降至…)."""
    metrics = [m for m in ctx.metrics if m.kind in _RESULT_KINDS]
    if len(metrics) < int(rule.params.get("min_metrics", 1)):
        return []
    without = [m for m in metrics if not m.has_baseline]
    share = len(without) / len(metrics)
    if not without or share < float(rule.params.get("min_share_without", 1.0)):
        return []
    return [rule.finding([m.span for m in without], n=len(without), share=round(share, 3))]


def _contradiction(m: Metric, tol: float) -> str | None:
    """Why a from–to statement contradicts itself, or None."""
    b, a = m.before, m.after
    if b is None or a is None:
        return None
    verb_dir = verb_direction(m.verb)
    if verb_dir == "down" and a > b:
        return f"写“{m.verb}”，但数值由{_fmt(b)}{m.unit}升到{_fmt(a)}{m.unit}"
    if verb_dir == "up" and a < b:
        return f"写“{m.verb}”，但数值由{_fmt(b)}{m.unit}降到{_fmt(a)}{m.unit}"
    if m.stated_change is None:
        return None
    stated, su = m.stated_change, m.stated_unit
    if (stated < 0 and a > b) or (stated > 0 and a < b):
        return f"写“{m.stated_verb}{_fmt(abs(stated))}{su}”，但数值由{_fmt(b)}变为{_fmt(a)}"
    diff = a - b
    candidates: list[float] = []
    if su == "%":
        if b:
            candidates.append(abs(diff) / abs(b) * 100)
        if m.unit == "%":
            candidates.append(abs(diff))  # "提升3%" written for 3 个百分点 is common and tolerated
        if a:
            candidates.append(abs(diff) / abs(a) * 100)  # "效率提升" expressed on the new value
    elif su == "个百分点":
        candidates.append(abs(diff))
    elif su == "倍":
        if b:
            candidates += [a / b, a / b - 1, b / a if a else 0.0]
    elif su == m.unit:
        candidates.append(abs(diff))
    else:
        return None
    tolerance = tol if su in ("%", "个百分点") else max(0.05 * max(candidates, default=0), 0.05)
    if any(abs(abs(stated) - c) <= tolerance for c in candidates):
        return None
    expected = candidates[0] if candidates else 0.0
    return f"由{_fmt(b)}{m.unit}到{_fmt(a)}{m.unit}的变化约为{_fmt(expected)}{su}，与所写“{_fmt(abs(stated))}{su}”不符"


@check("QNT003")
def contradictions(ctx: Context, rule: Rule) -> list[Finding]:
    """From–to figures whose verb or stated change contradicts the numbers."""
    tol = float(rule.params.get("tolerance", 2.0))
    out = []
    for m in ctx.metrics:
        reason = _contradiction(m, tol)
        if reason:
            out.append(
                rule.finding([m.span], reason=reason, evidence=_evidence(ctx, m), indicator=m.indicator)
            )
    return out


def _implausible(m: Metric, max_inc: float, max_rate: float) -> str | None:
    if m.kind == "change" and m.change is not None:
        if m.change_unit == "%" and m.direction == "down" and abs(m.change) >= 100:
            return f"“{m.verb}{_fmt(abs(m.change))}%”超过或等于100%，降幅不可能达到"
        if m.change_unit == "%" and m.direction == "up" and m.change > max_inc:
            return f"“{m.verb}{_fmt(m.change)}%”幅度超过{_fmt(max_inc)}%"
        if m.change_unit == "个百分点" and abs(m.change) > max_rate:
            return f"变化{_fmt(abs(m.change))}个百分点超过100个百分点"
    is_rate = m.indicator.endswith("率") and m.unit == "%"
    values = [v for v in (m.before, m.after) if v is not None]
    if is_rate and any(v > max_rate for v in values):
        return f"“{m.indicator}”数值超过{_fmt(max_rate)}%"
    if m.stated_change is not None and m.stated_unit == "%" and m.stated_change <= -100:
        if not (m.stated_change == -100 and m.after == 0):  # "由3起降至0起，下降100%" is right
            return f"降幅“{_fmt(abs(m.stated_change))}%”不可能达到"
    return None


@check("QNT004")
def implausible(ctx: Context, rule: Rule) -> list[Finding]:
    """Figures that cannot be right: reductions ≥100%, increases above ``max_increase_pct``, rates >100%."""
    max_inc = float(rule.params.get("max_increase_pct", 500.0))
    max_rate = float(rule.params.get("max_rate_pct", 100.0))
    out = []
    for m in ctx.metrics:
        reason = _implausible(m, max_inc, max_rate)
        if reason:
            out.append(
                rule.finding([m.span], reason=reason, evidence=_evidence(ctx, m), indicator=m.indicator)
            )
    return out


@check("VAG001")
def vague_claims(ctx: Context, rule: Rule) -> list[Finding]:
    """Vague improvement claims in sentences with no number, above a count and a density per 1000 字."""
    phrases = sorted(rule.params.get("phrases", ()), key=len, reverse=True)
    if not phrases:
        return []
    pat = rx.compile("|".join(rx.escape(p) for p in phrases))
    spans = []
    for s in ctx.sentences:
        if _DIGIT_RE.search(s.text):
            continue
        spans.extend((s.start + m.start(), s.start + m.end()) for m in pat.finditer(s.text))
    n = len(spans)
    density = n * 1000 / max(ctx.zishu, 1)
    if n < int(rule.params.get("min_count", 3)) or density < float(rule.params.get("min_per_1000", 0.0)):
        return []
    examples = "、".join(dict.fromkeys(ctx.text[s:e] for s, e in spans[:6]))
    return [rule.finding(spans, n=n, per_1000=round(density, 2), examples=examples)]
