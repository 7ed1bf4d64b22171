"""The text of a Word body in reading order, from a complete walk of its XML.

python-docx's ``Paragraph.text`` and ``Table`` see only plain runs and direct cell paragraphs. A filled-in
application template keeps its answers elsewhere, and two different filled copies of one template would read
as the same text. This walk reads:

- paragraphs, with runs inside hyperlinks, smart tags, fields, custom XML and inline content controls
  (``w:sdt``), and tracked insertions (``w:ins``, ``w:moveTo``); tracked deletions (``w:del``, ``w:moveFrom``)
  are dropped;
- block content controls (the usual fillable template fields);
- tables row by row (cells tab-separated, a vertically merged cell repeated on each row it spans, as
  python-docx reads it), and tables nested in a cell as their own rows right after the row that holds them;
- text boxes (``w:txbxContent``, DrawingML and VML), as their own lines after the paragraph anchoring them;
  of an ``mc:AlternateContent`` only the first choice is read (its fallback repeats the same text);
- a ``[图片]`` line for a paragraph holding a picture (checks look for a figure).

Headers and footers are not part of the body text (letterheads and page numbers, the same in every copy).
lxml refuses XML nested deeper than 256 levels, so the recursion here is bounded.
"""

from __future__ import annotations

from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_SKIP = {W + "del", W + "moveFrom", W + "rPr", W + "pPr", W + "sectPr", W + "tblPr", W + "tblGrid", W + "trPr",
         W + "tcPr", W + "sdtPr", W + "sdtEndPr", W + "delText", W + "instrText", W + "fldData"}  # fmt: skip
_PICTURE = ("}pic", "}imagedata", "}blip")


def _local(el: Any) -> str:
    tag = el.tag
    return tag if not isinstance(tag, str) else tag.rsplit("}", 1)[-1]


def _inline(el: Any, out: list[str], boxes: list[Any], flags: dict[str, bool]) -> None:
    """Text of runs under ``el`` into ``out``; text boxes into ``boxes``; a picture sets ``flags['picture']``."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == W + "t":
            out.append(child.text or "")
        elif tag == W + "tab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag == W + "txbxContent":
            boxes.append(child)
        elif tag == MC + "AlternateContent":
            choice = next((c for c in child if c.tag == MC + "Choice"), None)
            if choice is None:
                choice = next((c for c in child if c.tag == MC + "Fallback"), None)
            if choice is not None:
                _inline(choice, out, boxes, flags)
        else:
            if tag.endswith(_PICTURE):
                flags["picture"] = True
            _inline(child, out, boxes, flags)


def _paragraph(p: Any, lines: list[str]) -> None:
    parts: list[str] = []
    boxes: list[Any] = []
    flags = {"picture": False}
    _inline(p, parts, boxes, flags)
    text = "".join(parts).strip()
    if text:
        lines.append(text)
    if flags["picture"]:
        lines.append("[图片]")  # keep a placeholder so checks know a figure exists (FIG001 looks for one)
    for box in boxes:
        block_lines(box, lines)


def _table(tbl: Any, lines: list[str]) -> None:
    above: dict[int, str] = {}  # grid column -> text of the vertically merged cell that starts there
    for tr in (c for c in tbl if c.tag == W + "tr"):
        cells: list[str] = []
        nested: list[str] = []
        col = 0
        for tc in (c for c in tr if c.tag in (W + "tc", W + "sdt", W + "customXml")):
            for cell in _cells_of(tc):
                tcpr = cell.find(W + "tcPr")
                span, vmerge = 1, None
                if tcpr is not None:
                    gs = tcpr.find(W + "gridSpan")
                    if gs is not None and (gs.get(W + "val") or "").isdigit():
                        span = max(1, int(gs.get(W + "val")))
                    vm = tcpr.find(W + "vMerge")
                    if vm is not None:
                        vmerge = vm.get(W + "val") or "continue"
                own: list[str] = []
                for child in cell:
                    if child.tag == W + "tbl":
                        _table(child, nested)
                    elif isinstance(child.tag, str) and child.tag not in _SKIP:
                        block_lines(child, own) if child.tag != W + "p" else _paragraph(child, own)
                text = " ".join(x.replace("\t", " ") for x in own if x != "[图片]").replace("\n", " ").strip()
                if vmerge == "continue":
                    text = above.get(col, "")
                elif vmerge == "restart":
                    above[col] = text
                else:
                    above.pop(col, None)
                if text:  # equal neighbouring values ("—", "—") are distinct cells and stay
                    cells.append(text)
                col += span
        if cells:
            lines.append("\t".join(cells))
        lines.extend(nested)


def _cells_of(el: Any) -> list[Any]:
    """The ``w:tc`` cells of a row child (a cell, or a content control / custom XML wrapping cells)."""
    if el.tag == W + "tc":
        return [el]
    out: list[Any] = []
    for child in el:
        if child.tag == W + "sdtContent" or child.tag == W + "customXml":
            out.extend(c for c in child if c.tag == W + "tc")
        elif child.tag == W + "tc":
            out.append(child)
    return out


def block_lines(el: Any, lines: list[str] | None = None) -> list[str]:
    """Lines of the block-level content under ``el`` (a body, cell, text box or content control)."""
    lines = [] if lines is None else lines
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == W + "p":
            _paragraph(child, lines)
        elif tag == W + "tbl":
            _table(child, lines)
        elif tag == MC + "AlternateContent":
            choice = next((c for c in child if c.tag in (MC + "Choice", MC + "Fallback")), None)
            if choice is not None:
                block_lines(choice, lines)
        else:  # w:sdt / w:sdtContent, w:customXml, w:ins / w:moveTo around blocks, ...
            block_lines(child, lines)
    return lines
