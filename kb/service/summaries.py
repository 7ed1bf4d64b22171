"""Pure functions over stored analyses: the inbox summary of a result, finding marks, highlighted pieces."""

from __future__ import annotations

from typing import Any

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def summarize(kind: str, result: dict[str, Any]) -> dict[str, Any]:
    """The part of an analysis the inbox needs, in the same shape as the full result."""
    findings = [{"code": f.get("code"), "severity": f.get("severity")} for f in result.get("findings", [])]
    if kind == "check":
        return {"zishu": result.get("zishu"), "weakness": result.get("weakness"), "findings": findings}
    top = [
        {k: s.get(k) for k in ("code", "name", "link", "score")} for s in (result.get("scenarios") or [])[:3]
    ]
    return {"scenarios": top, "off_topic": result.get("off_topic"), "findings": findings}


def _span_list(spans: Any) -> list[tuple[int, int]]:
    out = []
    for sp in spans or ():
        try:
            s, e = int(sp[0]), int(sp[1])
        except (TypeError, ValueError, IndexError, KeyError):
            continue
        if e > s:
            out.append((s, e))
    return out


def summarize_analyses(check: dict[str, Any] | None, classify: dict[str, Any] | None) -> dict[str, Any]:
    """Collapse stored check/classify results into the few columns of an inbox row.

    Args:
        check: the stored ``check`` result (or ``None`` when not analysed).
        classify: the stored ``classify`` result (or ``None``).

    Returns:
        ``zishu``, ``weakness``, ``errors``, ``warnings``, ``flags`` (finding codes), ``predicted`` (top scenario
        name), ``predicted_code``, ``predicted_score``, ``link``, ``off_topic``, ``analysed``.
    """
    row: dict[str, Any] = {
        "zishu": None,
        "weakness": None,
        "errors": 0,
        "warnings": 0,
        "flags": [],
        "predicted": "",
        "predicted_code": "",
        "predicted_score": None,
        "link": "",
        "off_topic": False,
        "analysed": bool(check or classify),
    }
    flags: list[str] = []
    if check:
        row["zishu"] = check.get("zishu")
        row["weakness"] = check.get("weakness")
        for f in check.get("findings", []):
            sev = f.get("severity")
            if sev == "error":
                row["errors"] += 1
            elif sev == "warning":
                row["warnings"] += 1
            if sev in ("error", "warning") and f.get("code") not in flags:
                flags.append(f.get("code"))
    if classify:
        scen = classify.get("scenarios") or []
        if scen:
            top = scen[0]
            row["predicted"] = top.get("name", "")
            row["predicted_code"] = top.get("code", "")
            row["predicted_score"] = top.get("score")
            row["link"] = top.get("link", "")
        row["off_topic"] = bool(classify.get("off_topic"))
        for f in classify.get("findings", []):
            sev = f.get("severity")
            row["errors"] += sev == "error"
            row["warnings"] += sev == "warning"
            if sev in ("error", "warning") and f.get("code") not in flags:
                flags.append(f.get("code"))
    row["flags"] = [f for f in flags if f]
    return row


def highlight_segments(text: str, marks: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Cut ``text`` into consecutive pieces, each with the marks covering it (for inline highlighting).

    Args:
        text: the original text.
        marks: dicts with ``span`` ``[s, e)`` plus any payload (code, severity, message …).

    Returns:
        ``[(piece, [marks covering piece]), …]`` whose pieces concatenate to ``text``.
    """
    n = len(text)
    cuts = {0, n}
    for m in marks:
        s, e = max(0, int(m["span"][0])), min(n, int(m["span"][1]))
        if e > s:
            cuts.update((s, e))
    pts = sorted(cuts)
    out = []
    for a, b in zip(pts, pts[1:], strict=False):
        if b <= a:
            continue
        cover = [m for m in marks if int(m["span"][0]) <= a and int(m["span"][1]) >= b]
        out.append((text[a:b], cover))
    return out


def finding_marks(check: dict[str, Any] | None, classify: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Spans to highlight: one mark per finding span, most severe first."""
    marks = []
    for src in (check, classify):
        for f in (src or {}).get("findings", []):
            for s, e in _span_list(f.get("spans")):
                marks.append(
                    {
                        "span": [s, e],
                        "code": f.get("code", ""),
                        "severity": f.get("severity", "info"),
                        "message": f.get("message", ""),
                    }
                )
    marks.sort(key=lambda m: (SEVERITY_ORDER.get(m["severity"], 3), m["span"][0]))
    return marks
