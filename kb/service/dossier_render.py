"""Rendering of a review dossier (:meth:`kb.service.reports.Reports.dossier` data) as HTML (Jinja) and PDF (fpdf2)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from kb.export import find_cjk_font, font_cache_dir, pdf_font_file

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def fmt_num(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


# ----------------------------------------------------------------------------------------------- HTML
@functools.lru_cache(maxsize=1)
def _jinja_env() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,  # every user string is escaped
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_dossier_html(data: dict[str, Any]) -> str:
    """Render a :meth:`kb.service.reports.Reports.dossier` result with ``kb/templates/dossier.html.j2``.

    Args:
        data: the dossier data.

    Returns:
        HTML text.
    """

    def pct(v: Any) -> str:
        return "" if v is None else f"{float(v) * 100:.1f}%"

    return _jinja_env().get_template("dossier.html.j2").render(d=data, pct=pct, num=fmt_num)


# ----------------------------------------------------------------------------------------------- PDF
_CONTROL = {c: None for c in range(32) if c not in (9, 10)}


def _pdf_text(s: Any) -> str:
    return ("" if s is None else str(s)).translate(_CONTROL).replace("\t", " ")


def render_dossier_pdf(data: dict[str, Any], font: Any = None) -> bytes:
    """Render a :meth:`kb.service.reports.Reports.dossier` result as PDF with fpdf2 and an embedded CJK font.

    Args:
        data: the dossier data.
        font: a :class:`kb.export.CJKFont` (default :func:`kb.export.find_cjk_font`).

    Returns:
        PDF bytes.

    Raises:
        kb.export.FontNotFoundError: no CJK font installed (install ``fonts-noto-cjk``).
    """
    import json
    import tempfile

    regular = font or find_cjk_font()
    # every character the PDF can contain: the data and the labels written in this module
    chars = json.dumps(data, ensure_ascii=False) + Path(__file__).read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="scenario-kb-pdf-") as tmp:
        return _render_pdf(data, pdf_font_file(regular, chars, tmp, cache_dir=font_cache_dir()))


def _render_pdf(data: dict[str, Any], regular: Any) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import TextMode, WrapMode, XPos, YPos
    from fpdf.fonts import FontFace

    sub = data["submission"]

    class _PDF(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("cjk", "", 8)
            self.set_text_color(120)
            self.cell(0, 6, f"评审档案 #{sub['id']}｜第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")
            self.set_text_color(0)

    pdf = _PDF(format="A4")
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_margins(16, 14, 16)
    pdf.add_font("cjk", "", regular.path, collection_font_number=regular.index)
    pdf.add_font("cjk", "B", regular.path, collection_font_number=regular.index)  # bold drawn by stroking
    pdf.set_title(_pdf_text(f"评审档案 #{sub['id']} {sub['title']}"))
    pdf.set_creator("scenario-kb")
    pdf.add_page()
    width = pdf.epw

    def para(
        text: Any,
        size: float = 10,
        style: str = "",
        color: tuple[int, int, int] = (0, 0, 0),
        h: float = 5.6,
        fill: tuple[int, int, int] | None = None,
    ) -> None:
        pdf.set_font("cjk", "", size)
        pdf.set_text_color(*color)
        if fill:
            pdf.set_fill_color(*fill)
        kw = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT, "wrapmode": WrapMode.CHAR, "fill": bool(fill)}
        if style == "B":  # one embedded face: bold is the regular glyphs filled and stroked
            with pdf.local_context(text_mode=TextMode.FILL_STROKE, line_width=size * 0.012, draw_color=color):
                pdf.multi_cell(width, h, _pdf_text(text), **kw)
        else:
            pdf.multi_cell(width, h, _pdf_text(text), **kw)
        pdf.set_text_color(0)

    def heading(text: str) -> None:
        pdf.ln(3)
        para(text, 13, "B", (31, 78, 140), 8)
        pdf.set_draw_color(200)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(1.5)

    def marked(e: dict[str, Any] | None) -> str:
        if not e:
            return "（原文不可用）"
        return f"{e['before']}【{e['match']}】{e['after']}"

    def table(
        rows: list[list[Any]], widths: tuple[float, ...], header: list[str] | None = None, size: float = 9
    ) -> None:
        pdf.set_font("cjk", "", size)
        with pdf.table(
            col_widths=widths,
            text_align="LEFT",
            line_height=size * 0.55,
            wrapmode=WrapMode.CHAR,
            first_row_as_headings=header is not None,
            headings_style=FontFace(emphasis="BOLD", fill_color=(238, 243, 249)),
        ) as t:
            if header is not None:
                r = t.row()
                for h in header:
                    r.cell(_pdf_text(h))
            for row in rows:
                r = t.row()
                for v in row:
                    r.cell(_pdf_text(v))
        pdf.ln(1)

    para(f"评审档案 #{sub['id']}：{sub['title'] or '（无标题）'}", 16, "B", h=9)
    notice = data.get("notice") or {}
    basis = f"｜依据：《{notice['title']}》{notice.get('number', '')}" if notice.get("title") else ""
    para(f"生成时间：{data['generated_at']}{basis}", 8, color=(110, 110, 110), h=4.5)

    heading("一、基本信息")
    st = data["stats"]
    dec = data["decision"]
    region = sub["region"] + (f"（{sub['region_type']}）" if sub["region_type"] else "")
    table(
        [
            ["申报单位", sub["applicant"], "类型", sub["kind_label"]],
            ["地区", region, "行业", sub["industry"]],
            ["申报场景/揭榜任务", sub["claimed"], "年度", sub["year"] or ""],
            ["推荐单位", sub["recommender"], "原文件", sub["source"]],
            [
                "字数",
                "" if st["zishu"] is None else st["zishu"],
                "薄弱分",
                f"{fmt_num(st['weakness'])}（错误 {st['errors']}，警告 {st['warnings']}，提示 {st['infos']}）",
            ],
            ["审核状态", dec["status"], "审核人", f"{dec['reviewer']} {dec['created_at']}".strip()],
            ["审核意见", dec["note"], "", ""],
        ],
        (1, 2, 1, 2),
    )
    if data.get("analysis_error"):
        para(data["analysis_error"], 9, color=(176, 0, 32))

    heading(f"二、检查发现（{len(data['findings'])} 项）")
    if not data["findings"]:
        para("未发现问题。")
    colors = {"error": (176, 0, 32), "warning": (178, 106, 0), "info": (90, 90, 90)}
    for f in data["findings"]:
        para(f"[{f['severity_label']}] {f['code']}", 10, "B", colors.get(f["severity"], (0, 0, 0)))
        para(f["message"], 10)
        for e in f["excerpts"]:
            para(f"原文 [{e['span'][0]}–{e['span'][1]}]：{marked(e)}", 9, color=(60, 60, 60), h=5)
        if f.get("more_spans"):
            para(f"另有 {f['more_spans']} 处", 8, color=(120, 120, 120))
        c = f.get("clause")
        if c:
            text = f"“{c['text']}”" if c.get("quote") == "verbatim" else c["text"]
            para(
                f"相关条款 {c['ref']}（{c['label']}）〔{c['quote_label']}〕：{text}",
                8.5,
                color=(40, 90, 40),
                h=4.8,
            )
        pdf.ln(1.5)

    heading("三、分类结果")
    cl = data["classification"]
    if not cl["available"]:
        para("暂无分类结果。", 9, color=(110, 110, 110))
    else:
        if cl["edition"]:
            para(f"参考版本：{cl['edition']}", 8.5, color=(110, 110, 110))
        if cl["off_topic"]:
            para("文本与参考指引中的典型场景均不相符（疑似离题）。", 10, "B", (178, 106, 0))
        rows = []
        for i, s in enumerate(cl["scenarios"], 1):
            ev = "\n".join(e["text"] for e in s["evidence"]) or "、".join(s["keywords"])
            rows.append([i, f"{s['code']} {s['name']}", s["link"], fmt_num(s["score"]), ev])
        if rows:
            table(rows, (0.6, 2.4, 1.4, 0.9, 5), ["排名", "典型场景", "环节", "得分", "依据"], 8.5)
        if cl["links"]:
            para("环节：" + "、".join(f"{r['name']}（{fmt_num(r['score'])}）" for r in cl["links"]), 9)
        trows = []
        for i, s in enumerate(cl["tasks"], 1):
            trows.append(
                [
                    i,
                    f"{s['code']} {s['name']}",
                    f"{s['link']} {s['subsector']}",
                    fmt_num(s["score"]),
                    "\n".join(e["text"] for e in s["evidence"]),
                ]
            )
        if trows:
            table(trows, (0.6, 2.4, 1.4, 0.9, 5), ["排名", "揭榜任务", "行业", "得分", "依据"], 8.5)

    heading("四、结构与量化指标")
    if data["outline"]:
        parts = []
        for s in data["outline"]:
            parts.append(
                (s["heading"] or "（无标题）")
                + (f"→{s['part']}" if s["part"] else "")
                + ("（推断）" if s["inferred"] else "")
            )
        para("结构：" + "；".join(parts), 9)
    if data["metrics"]:
        rows = [
            [
                m["indicator"],
                f"{m['before']}{m['unit'] if m['before'] else ''}",
                f"{m['after']}{m['unit'] if m['after'] else ''}",
                m["change"],
                m["text"],
            ]
            for m in data["metrics"]
        ]
        table(rows, (1.6, 1.1, 1.1, 1.1, 4.5), ["指标", "实施前", "实施后", "变化", "原文"], 8.5)
    else:
        para("未识别到量化指标。", 9, color=(110, 110, 110))

    heading("五、相似材料")
    review = data.get("similarity_review") or {}
    rep = review.get("report")
    if rep:
        para(
            f"总文字复制比 {rep['总文字复制比'] * 100:.1f}%｜去除套话复制比 {rep['去除套话复制比'] * 100:.1f}%｜"
            f"单篇最大文字复制比 {(rep['单篇最大文字复制比'] or 0) * 100:.1f}%",
            9,
            "B",
        )
    for f in review.get("findings", []):
        sev = {"error": "错误", "warning": "警告"}.get(f.get("severity", ""), "提示")
        para(f"{f['code']}（{sev}）：{f.get('message', '')}", 9, fill=(255, 236, 236))
    if data.get("similar_error"):
        para(data["similar_error"], 9, color=(110, 110, 110))
    elif not data["similar"]:
        para("未发现相似材料。", 9)

    def pct(v: Any) -> str:
        return "" if v is None else f"{float(v) * 100:.1f}%"

    for m in data["similar"]:
        para(f"#{m['id']} {m['title']}  {m['source']}", 10, "B")
        para(
            f"相似度 {pct(m['similarity'])}（排除套话 {pct(m['similarity_excl_boilerplate'])}）｜{m['level_label']}｜共享段落 {m['n_passages']} 处",
            9,
        )
        # the pair one above the other: two narrow columns would interleave their lines for text extraction
        for n, p in enumerate(m["passages"], 1):
            a, b = p["a"], p["b"]
            tag = "（套话）" if p["boilerplate"] else ""
            para(
                f"对照{n}  本申报 [{a['span'][0]}–{a['span'][1]}]{tag}：{marked(a)}",
                8.5,
                h=4.8,
                fill=(255, 246, 214),
            )
            where = f" [{b['span'][0]}–{b['span'][1]}]" if b else ""
            para(f"对照{n}  #{m['id']}{where}：{marked(b)}", 8.5, h=4.8, fill=(230, 240, 250))
            pdf.ln(1.5)

    heading("六、审核记录")
    if data["history"]:
        table(
            [[h["created_at"], h["reviewer"], h["status"], h["note"]] for h in data["history"]],
            (1.6, 1, 0.8, 4),
            ["时间", "审核人", "状态", "意见"],
        )
    else:
        para("尚无审核记录（待审）。", 9, color=(110, 110, 110))

    if data["clauses"]:
        heading("附：引用的通知条款")
        for c in data["clauses"]:
            text = f"“{c['text']}”" if c.get("quote") == "verbatim" else c["text"]
            para(f"{c['ref']} {c['label']}〔{c['quote_label']}〕：{text}", 9)
            para(
                f"来源：{c['source']}" + (f"；说明：{c['relation']}" if c.get("relation") else ""),
                7.5,
                color=(110, 110, 110),
                h=4.2,
            )
    pdf.ln(3)
    status = notice.get("status", "")
    para(
        (f"{status}。" if status else "")
        + "本档案由 scenario-kb 生成，检查结果为辅助评审信息，不代替评审结论。",
        7.5,
        color=(110, 110, 110),
        h=4.2,
    )
    return bytes(pdf.output())
