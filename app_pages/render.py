"""HTML building for highlighted texts. Every piece of user text goes through ``html.escape``."""

from __future__ import annotations

import html
from typing import Any

from kb.service.summaries import highlight_segments

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_ICONS = {
    "error": ":red[:material/error:]",
    "warning": ":orange[:material/warning:]",
    "info": ":blue[:material/info:]",
}

CSS = """
<style>
.kb-text { white-space: pre-wrap; line-height: 1.9; font-size: 0.98rem; padding: 0.8rem 1rem;
  border: 1px solid #e3e6ea; border-radius: 6px; background: #fff; }
.kb-text mark { padding: 0 1px; border-radius: 2px; }
.kb-text mark.sev-error { background: #ffd5d5; border-bottom: 2px solid #d93025; }
.kb-text mark.sev-warning { background: #fff0b3; border-bottom: 2px solid #e8a200; }
.kb-text mark.sev-info { background: #e3efff; }
.kb-text mark.shared { background: #c9f0d0; }
.kb-text mark.shared.bp { background: #e8e8e8; color: #555; }
.kb-text mark.active { background: #ffb347; outline: 2px solid #e07000; }
.kb-text sup.tag { color: #7a7a7a; font-size: 0.7em; margin: 0 1px; }
.kb-text a.jump { text-decoration: none; color: inherit; }
.kb-legend span { display: inline-block; margin-right: 1rem; padding: 0 4px; border-radius: 2px; }
</style>
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def highlighted_text(text: str, marks: list[dict[str, Any]]) -> str:
    """The text with finding marks as ``<mark class="sev-…" title="code message">`` (most severe mark wins the colour).

    Args:
        text: the original text.
        marks: dicts with ``span``, ``code``, ``severity``, ``message``.

    Returns:
        An HTML ``<div class="kb-text">``; all user text is escaped.
    """
    order = {"error": 0, "warning": 1, "info": 2}
    parts = ['<div class="kb-text">']
    for piece, cover in highlight_segments(text, marks):
        if not cover:
            parts.append(_e(piece))
            continue
        top = min(cover, key=lambda m: order.get(m.get("severity", "info"), 3))
        title = "；".join(f"{m.get('code', '')} {m.get('message', '')}".strip() for m in cover)
        codes = ",".join(sorted({m.get("code", "") for m in cover}))
        parts.append(
            f'<mark class="sev-{_e(top.get("severity", "info"))}" title="{_e(title)}" data-codes="{_e(codes)}">'
            f"{_e(piece)}</mark>"
        )
    parts.append("</div>")
    return "".join(parts)


def shared_text(text: str, spans: list[dict[str, Any]], side: str, active: int | None = None) -> str:
    """One side of a pair view: shared passages numbered, anchored and linked to the other side.

    Args:
        text: this side's original text.
        spans: dicts with ``span`` ``[s, e)``, ``n`` (match number, 1-based) and ``boilerplate``.
        side: ``a`` or ``b`` (anchor prefix); each mark links to the same match on the other side.
        active: the match number to emphasise.

    Returns:
        An HTML ``<div class="kb-text">`` with ``id="{side}-m{n}"`` anchors.
    """
    other = "b" if side == "a" else "a"
    parts = ['<div class="kb-text">']
    seen: set[int] = set()
    for piece, cover in highlight_segments(text, spans):
        if not cover:
            parts.append(_e(piece))
            continue
        m = cover[0]
        n = int(m["n"])
        cls = "shared" + (" bp" if m.get("boilerplate") else "") + (" active" if n == active else "")
        anchor = ""
        if n not in seen:
            seen.add(n)
            anchor = f'<sup class="tag" id="{side}-m{n}">[{n}]</sup>'
        title = f"匹配 {n}" + ("（套话/模板）" if m.get("boilerplate") else "")
        parts.append(
            f'{anchor}<a class="jump" href="#{other}-m{n}"><mark class="{cls}" title="{_e(title)}">{_e(piece)}</mark></a>'
        )
    parts.append("</div>")
    return "".join(parts)


def legend(items: list[tuple[str, str]]) -> str:
    """A one-line colour legend: ``[(css background, label), …]``."""
    spans = "".join(f'<span style="background:{_e(bg)}">{_e(label)}</span>' for bg, label in items)
    return f'<div class="kb-legend">{spans}</div>'
