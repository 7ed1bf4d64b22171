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
.kb-text .anchor, .kb-text sup.tag { scroll-margin-top: 90px; }
.kb-findings { line-height: 1.7; }
.kb-findings li { margin-bottom: 0.35rem; }
.kb-findings a { text-decoration: none; }
.kb-findings .sev { font-weight: 600; margin-right: 0.3rem; }
.kb-findings .sev-error { color: #c5221f; } .kb-findings .sev-warning { color: #b06000; }
.kb-findings .sev-info { color: #1a73e8; }
.kb-legend span { display: inline-block; margin-right: 1rem; padding: 0 4px; border-radius: 2px; }
</style>
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def highlighted_text(text: str, marks: list[dict[str, Any]]) -> str:
    """The text with finding marks as ``<mark class="sev-…" title="code message">`` (most severe mark wins the colour).

    Args:
        text: the original text.
        marks: dicts with ``span``, ``code``, ``severity``, ``message`` and optionally ``n`` (the number of the
            finding: its first passage gets the anchor ``id="f-n"``).

    Returns:
        An HTML ``<div class="kb-text">``; all user text is escaped.
    """
    order = {"error": 0, "warning": 1, "info": 2}
    parts = ['<div class="kb-text">']
    anchored: set[int] = set()
    for piece, cover in highlight_segments(text, marks):
        if not cover:
            parts.append(_e(piece))
            continue
        for m in cover:  # the first passage of finding n is the target of the finding's link #f-n
            if m.get("n") is not None and int(m["n"]) not in anchored:
                anchored.add(int(m["n"]))
                parts.append(f'<span class="anchor" id="f-{int(m["n"])}"></span>')
        top = min(cover, key=lambda m: order.get(m.get("severity", "info"), 3))
        title = "；".join(f"{m.get('code', '')} {m.get('message', '')}".strip() for m in cover)
        codes = ",".join(sorted({m.get("code", "") for m in cover}))
        parts.append(
            f'<mark class="sev-{_e(top.get("severity", "info"))}" title="{_e(title)}" data-codes="{_e(codes)}">'
            f"{_e(piece)}</mark>"
        )
    parts.append("</div>")
    return "".join(parts)


MATCH_COLOURS = {
    "identical": ("#ffc4c4", "完全相同"),
    "minor_edits": ("#ffe0a8", "轻微改动"),
    "paraphrase": ("#dcd0ff", "改写（语义相近）"),
    "boilerplate": ("#ececec", "套话/模板（不计入相似度）"),
}


def shared_text(text: str, spans: list[dict[str, Any]], side: str, active: int | None = None) -> str:
    """One side of a pair view: shared passages numbered, anchored, coloured by match level.

    Args:
        text: this side's original text.
        spans: dicts with ``span`` ``[s, e)``, ``n`` (match number, 1-based), ``boilerplate`` and ``level``
            (``identical`` / ``minor_edits`` / ``paraphrase``); boilerplate is marked apart from copying.
        side: ``a`` or ``b`` (anchor prefix); clicking a mark scrolls both sides to that match (see
            :func:`pair_script`), and without scripts the link still jumps to the other side.
        active: the match number to emphasise.

    Returns:
        An HTML ``<div class="kb-text">`` with ``id="{side}-m{n}"`` anchors.
    """
    other = "b" if side == "a" else "a"
    parts = [f'<div class="kb-text kb-pair" data-side="{side}">']
    seen: set[int] = set()
    for piece, cover in highlight_segments(text, spans):
        if not cover:
            parts.append(_e(piece))
            continue
        m = cover[0]
        n = int(m["n"])
        level = "boilerplate" if m.get("boilerplate") else str(m.get("level") or "minor_edits")
        cls = (
            f"shared lv-{_e(level)}"
            + (" bp" if level == "boilerplate" else "")
            + (" active" if n == active else "")
        )
        anchor = ""
        if n not in seen:
            seen.add(n)
            anchor = f'<sup class="tag" id="{side}-m{n}">[{n}]</sup>'
        title = f"匹配 {n}：" + MATCH_COLOURS.get(level, ("", level))[1]
        parts.append(
            f'{anchor}<a class="jump" href="#{other}-m{n}" data-n="{n}">'
            f'<mark class="{cls}" data-n="{n}" title="{_e(title)}">{_e(piece)}</mark></a>'
        )
    parts.append("</div>")
    return "".join(parts)


PAIR_CSS = (
    "<style>"
    + "".join(f".kb-text mark.lv-{k} {{ background: {bg}; }}" for k, (bg, _label) in MATCH_COLOURS.items())
    + (
        ".kb-text mark.bp { color: #555; border-bottom: 2px dashed #999; }"
        ".kb-text mark.active { outline: 2px solid #e07000; }"
        ".kb-text mark.flash { outline: 3px solid #1a73e8; }"
    )
    + "</style>"
)


def pair_script(active: int | None) -> str:
    """Script for the pair view: a click on match n scrolls BOTH sides to match n and emphasises it; on each
    render the active match (next / previous) is scrolled into view on both sides. Carries no user text."""
    n = int(active or 0)
    return f"""<script>
(function () {{
  function show(n) {{
    ["a", "b"].forEach(function (side) {{
      var el = document.getElementById(side + "-m" + n);
      if (el) {{ el.scrollIntoView({{block: "center"}}); }}
    }});
    document.querySelectorAll(".kb-pair mark.flash").forEach(function (m) {{ m.classList.remove("flash"); }});
    document.querySelectorAll('.kb-pair mark[data-n="' + n + '"]').forEach(function (m) {{ m.classList.add("flash"); }});
  }}
  window.kbShowMatch = show;
  if (!window.kbPairNav) {{
    window.kbPairNav = true;
    document.addEventListener("click", function (ev) {{
      var a = ev.target.closest && ev.target.closest(".kb-pair a.jump");
      if (!a) {{ return; }}
      ev.preventDefault();
      show(parseInt(a.getAttribute("data-n"), 10));
    }});
  }}
  var n = {n};
  if (n > 0) {{ setTimeout(function () {{ show(n); }}, 300); }}
}})();
</script>"""


def legend(items: list[tuple[str, str]]) -> str:
    """A one-line colour legend: ``[(css background, label), …]``."""
    spans = "".join(f'<span style="background:{_e(bg)}">{_e(label)}</span>' for bg, label in items)
    return f'<div class="kb-legend">{spans}</div>'


def findings_list(findings: list[dict[str, Any]], titles: dict[str, str]) -> str:
    """The findings as an HTML list; each finding with a passage links to it (``#f-n``, n = its 1-based number).

    Args:
        findings: dicts with ``code``, ``severity``, ``message`` and ``has_span``.
        titles: finding code -> its Chinese meaning.
    """
    items = []
    for n, f in enumerate(findings, 1):
        sev = f.get("severity", "info")
        code = str(f.get("code", ""))
        head = f'<span class="sev sev-{_e(sev)}">{_e(SEVERITY_LABELS.get(sev, ""))}</span>'
        head += f"<b>{_e(code)}</b> {_e(titles.get(code, ''))}"
        link = f' <a href="#f-{n}" title="定位到原文">↪ 定位原文</a>' if f.get("has_span") else ""
        items.append(f"<li>{head}{link}<br>{_e(f.get('message', ''))}</li>")
    return '<ol class="kb-findings">' + "".join(items) + "</ol>"


def selfcheck_html(
    res: dict[str, Any], items: list[dict[str, Any]], titles: dict[str, str], checked_at: str = ""
) -> str:
    """A printable page of a self-check result (checklist, what to fix, fitting scenarios and why); all text
    escaped. ``checked_at``: when the check ran, as the reader's local time."""
    rows = "".join(
        f"<tr><td>{'✅' if r['ok'] else '❌'}</td><td>{_e(r['item'])}</td><td>"
        + (
            "通过"
            if r["ok"]
            else _e(r["todo"]) + "：" + "；".join(_e(f.get("message", "")) for f in r["findings"])
        )
        + "</td></tr>"
        for r in items
    )
    fixes = "".join(
        f"<li><b>{_e(SEVERITY_LABELS.get(f.get('severity', ''), ''))}</b> {_e(f.get('code', ''))} "
        f"{_e(titles.get(f.get('code', ''), ''))}：{_e(f.get('message', ''))}</li>"
        for f in res.get("errors", []) + res.get("warnings", [])
    )
    fit = "".join(
        f"<li>{_e(s.get('code', ''))} {_e(s.get('name', ''))}（{_e(s.get('link', ''))}），匹配度 {float(s.get('score') or 0):.0%}"
        + (
            "；依据："
            + "、".join(
                _e(k.get("keyword", k) if isinstance(k, dict) else k) for k in s.get("keywords", [])[:5]
            )
            if s.get("keywords")
            else ""
        )
        + "</li>"
        for s in res.get("fit", [])[:3]
    )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>申报材料自检结果</title>'
        "<style>body{font-family:sans-serif;max-width:52rem;margin:2rem auto;line-height:1.7}"
        "table{border-collapse:collapse;width:100%}td{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top}"
        ".print{margin:.5rem 0 1rem;padding:.3rem 1rem;font-size:1rem}"
        "@media print{.print{display:none}body{margin:0;max-width:none}tr,li{break-inside:avoid}}"
        "</style></head><body><h1>申报材料自检结果</h1>"
        '<button class="print" onclick="window.print()">打印 / 另存为 PDF</button>'
        + (f"<p>自检时间：{_e(checked_at)}（北京时间）</p>" if checked_at else "")
        + f"<p>字数 {_e(res.get('zishu'))}；必须修改 {len(res.get('errors', []))} 项，建议修改 {len(res.get('warnings', []))} 项。"
        "本结果仅供企业自查，未保存任何内容。</p>"
        + (
            "<p><b>正文与智能制造典型场景的关联度低：请对照参考指引说明场景内容。</b></p>"
            if res.get("off_topic")
            else ""
        )
        + f"<h2>自检清单</h2><table>{rows}</table>"
        f"<h2>修改建议</h2><ol>{fixes or '<li>没有需要修改的问题。</li>'}</ol>"
        f"<h2>匹配的典型场景</h2><ol>{fit or '<li>没有匹配到参考指引中的典型场景。</li>'}</ol>"
        "</body></html>"
    )
