"""Spreadsheet, chart and font helpers for exports: CSV/Excel writing that is safe to open, heatmap PNGs, CJK fonts.

Formula injection: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written
with a leading apostrophe (``'=1+1``), so Excel, WPS and LibreOffice show it as text and never evaluate it.
Numbers stay numbers (``-3`` as a number is not touched).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.errors import KBError

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CJK_FONT_ENV = "SCENARIO_KB_CJK_FONT"
# Where Debian/Ubuntu (fonts-noto-cjk, fonts-wqy-*), Fedora and Arch put CJK fonts; fc-match is asked first.
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
_FACE_PREFERENCE = ("CJK SC", " SC", "GB", "Micro Hei", "Zen Hei", "CN")


class FontNotFoundError(KBError):
    """找不到中文字体，无法生成 PDF/图表：请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk），或用环境变量 SCENARIO_KB_CJK_FONT 指定含中文字形的 .ttf/.otf/.ttc 文件。"""  # noqa: E501

    code = "KB050"


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection in one cell value.

    Args:
        value: any cell value.

    Returns:
        The value, with a leading apostrophe when it is text starting with = + - @, tab or CR.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    """Lists and dicts become readable text; None stays None."""
    if isinstance(value, list | tuple | set):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}={v}" for k, v in value.items())
    return value


@dataclass
class Sheet:
    """One table to write: a name, column headers and rows (values in header order)."""

    name: str
    header: list[str]
    rows: list[list[Any]]
    widths: dict[int, float] = field(default_factory=dict)


def table_from_dicts(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[tuple[str, str]]
) -> tuple[list[str], list[list[Any]]]:
    """Pick and label columns of dict rows.

    Args:
        rows: dicts (e.g. inbox rows).
        columns: ``(key, header)`` pairs in output order.

    Returns:
        ``(header, rows)``.
    """
    return [h for _, h in columns], [[_plain(r.get(k)) for k, _ in columns] for r in rows]


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV as UTF-8 with a byte-order mark (Excel opens it with the right encoding), cells neutralised.

    Args:
        header: column headers.
        rows: rows of values.

    Returns:
        The file content.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([safe_cell(h) for h in header])
    for r in rows:
        w.writerow(["" if v is None else safe_cell(_plain(v)) for v in r])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: Sequence[Sheet], images: Mapping[str, bytes] | None = None) -> bytes:
    """An .xlsx workbook with one worksheet per sheet (text cells neutralised, never written as formulas).

    Args:
        sheets: the tables.
        images: optional ``{worksheet name: PNG bytes}`` inserted on their own worksheets.

    Returns:
        The file content.
    """
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    head = wb.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    used: set[str] = set()
    for sh in sheets:
        ws = wb.add_worksheet(_sheet_name(sh.name, used))
        ws.write_row(0, 0, [str(safe_cell(h)) for h in sh.header], head)
        for r, row in enumerate(sh.rows, start=1):
            for c, v in enumerate(row):
                v = safe_cell(_plain(v))
                if v is None or v == "":
                    ws.write_blank(r, c, None)
                elif isinstance(v, bool):
                    ws.write_string(r, c, "是" if v else "否")
                elif isinstance(v, int | float):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, str(v), wrap if len(str(v)) > 30 else None)
        for c in range(len(sh.header)):
            ws.set_column(c, c, sh.widths.get(c, _width(sh, c)))
        ws.freeze_panes(1, 1 if len(sh.header) > 3 else 0)
        if sh.rows:
            ws.autofilter(0, 0, len(sh.rows), max(0, len(sh.header) - 1))
    for name, png in (images or {}).items():
        ws = wb.add_worksheet(_sheet_name(name, used))
        ws.insert_image(0, 0, f"{name}.png", {"image_data": io.BytesIO(png)})
    wb.close()
    return buf.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    out, i = base, 2
    while out in used:
        suffix = f"_{i}"
        out, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(out)
    return out


def _width(sh: Sheet, c: int) -> float:
    sample = [sh.header[c], *(str(r[c]) for r in sh.rows[:200] if c < len(r) and r[c] is not None)]
    longest = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in s) for s in sample), default=8)
    return float(min(max(longest + 2, 6), 60))


# ----------------------------------------------------------------------------------------------- matrices
@dataclass
class Matrix:
    """A count matrix (e.g. region × 环节) with labelled rows and columns."""

    name: str
    title: str
    row_label: str
    col_label: str
    rows: list[str]
    cols: list[str]
    values: list[list[int]]

    @classmethod
    def from_counts(
        cls,
        name: str,
        title: str,
        row_label: str,
        col_label: str,
        counts: Iterable[tuple[Any, Any, int]],
        *,
        rows: Sequence[str] | None = None,
        cols: Sequence[str] | None = None,
    ) -> Matrix:
        """Build from long-form ``(row, col, count)`` triples.

        Args:
            name: machine name (file names, sheet keys).
            title: Chinese title.
            row_label: header of the row axis.
            col_label: header of the column axis.
            counts: the triples; repeated keys add up.
            rows: row order to use (rows without counts are kept as zero rows, e.g. gaps); default sorted.
            cols: column order likewise.

        Returns:
            The matrix.
        """
        acc: dict[tuple[str, str], int] = {}
        for r, c, n in counts:
            key = (str(r), str(c))
            acc[key] = acc.get(key, 0) + int(n)
        rws = list(rows) if rows is not None else sorted({k[0] for k in acc})
        cls_ = list(cols) if cols is not None else sorted({k[1] for k in acc})
        for r, c in acc:
            if r not in rws:
                rws.append(r)
            if c not in cls_:
                cls_.append(c)
        vals = [[acc.get((r, c), 0) for c in cls_] for r in rws]
        return cls(name, title, row_label, col_label, rws, cls_, vals)

    @property
    def total(self) -> int:
        return sum(sum(r) for r in self.values)

    def sheet(self) -> Sheet:
        """The matrix as a worksheet with row and column totals."""
        header = [f"{self.row_label} \\ {self.col_label}", *self.cols, "合计"]
        rows: list[list[Any]] = [
            [r, *vals, sum(vals)] for r, vals in zip(self.rows, self.values, strict=True)
        ]
        col_tot = [sum(v[j] for v in self.values) for j in range(len(self.cols))]
        rows.append(["合计", *col_tot, sum(col_tot)])
        return Sheet(self.title, header, rows)

    def to_dict(self) -> dict[str, Any]:
        return {
            **{k: getattr(self, k) for k in ("name", "title", "row_label", "col_label")},
            "rows": list(self.rows),
            "cols": list(self.cols),
            "values": [list(v) for v in self.values],
            "total": self.total,
        }


# ----------------------------------------------------------------------------------------------- fonts
@dataclass(frozen=True)
class CJKFont:
    """A font file with Chinese glyphs; ``index`` is the face number inside a .ttc collection."""

    path: str
    index: int = 0
    family: str = ""


def _face_names(path: str) -> list[tuple[int, str]]:
    """``(index, family)`` of every face of a font file (one for .ttf/.otf); empty when unreadable."""
    try:
        from fontTools.ttLib import TTCollection, TTFont

        if path.lower().endswith((".ttc", ".otc")):
            with open(path, "rb") as fh:
                coll = TTCollection(fh, lazy=True)
                return [(i, str(f["name"].getDebugName(1) or "")) for i, f in enumerate(coll.fonts)]
        return [(0, str(TTFont(path, lazy=True)["name"].getDebugName(1) or Path(path).stem))]
    except Exception:  # unreadable or not a font: not a candidate
        return []


def _has_cjk(path: str, index: int) -> bool:
    """Whether face ``index`` covers common Chinese characters."""
    try:
        from fontTools.ttLib import TTFont

        cmap = TTFont(path, fontNumber=index, lazy=True).getBestCmap() or {}
    except Exception:
        return False
    return all(ord(ch) in cmap for ch in "中文字数场景")


def _pick_face(path: str, wanted: int | None = None) -> CJKFont | None:
    faces = _face_names(path)
    if wanted is not None:
        faces = [f for f in faces if f[0] == wanted]

    def rank(face: tuple[int, str]) -> tuple[tuple[bool, int], int]:
        fam = face[1]
        pref = next((k for k, p in enumerate(_FACE_PREFERENCE) if p in fam), len(_FACE_PREFERENCE))
        return ("Mono" in fam, pref), face[0]

    for i, fam in sorted(faces, key=rank):
        if _has_cjk(path, i):
            return CJKFont(path, i, fam or Path(path).stem)
    return None


def _fc_match(pattern: str) -> str | None:
    exe = shutil.which("fc-match")
    if not exe:
        return None
    try:
        out = subprocess.run(
            [exe, "-f", "%{file}", pattern], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


@functools.lru_cache(maxsize=4)
def find_cjk_font(bold: bool = False, override: str = "") -> CJKFont:
    """Find a font with Chinese glyphs (the regular face, or the bold one when available).

    Order: ``override`` or the ``SCENARIO_KB_CJK_FONT`` environment variable (``PATH`` or ``PATH:INDEX``);
    ``fc-match 'Noto Sans CJK SC'``; the usual install paths (:data:`FONT_CANDIDATES`). TrueType/OpenType
    collections (.ttc) are used directly, the Simplified-Chinese face chosen by name.

    Args:
        bold: look for a bold face first (falls back to the regular one).
        override: a path (``PATH[:INDEX]``) that wins over everything.

    Returns:
        The font.

    Raises:
        FontNotFoundError: no usable font (install ``fonts-noto-cjk``).
    """
    given = override or os.environ.get(CJK_FONT_ENV, "")
    if given:
        path, _, idx = given.rpartition(":") if given.rsplit(":", 1)[-1].isdigit() else (given, "", "")
        font = _pick_face(path, int(idx) if idx else None) if Path(path).is_file() else None
        if font is None:
            raise FontNotFoundError(
                f"{CJK_FONT_ENV}={given} 不是含中文字形的字体文件：请指定 .ttf/.otf/.ttc 文件，或安装 fonts-noto-cjk。"
            )
        return font
    cands: list[str] = []
    style = ":style=Bold" if bold else ""
    for pattern in (f"Noto Sans CJK SC{style}", f"Source Han Sans SC{style}", f"WenQuanYi Micro Hei{style}"):
        hit = _fc_match(pattern)
        if hit and hit not in cands:
            cands.append(hit)
    for p in FONT_CANDIDATES:
        cands.append(p.replace("-Regular", "-Bold") if bold else p)
        if bold:
            cands.append(p)
    seen: set[str] = set()
    for p in cands:
        if p in seen or not Path(p).is_file():
            continue
        seen.add(p)
        font = _pick_face(p)
        if font is not None:
            return font
    raise FontNotFoundError()


COMMON_CHARSET_VERSION = 1
"""Version of :func:`_common_codepoints` (a change converts the kept font again)."""


def _common_codepoints() -> set[int]:
    """ASCII, every character of GB2312 (its 6,763 hanzi, punctuation and symbols), general punctuation, CJK
    punctuation and full-width forms: what nearly every dossier uses."""
    cps = set(range(0x20, 0x7F)) | set(range(0x2000, 0x2070)) | set(range(0x3000, 0x3040))
    cps |= set(range(0xFF00, 0xFFF0))
    for b1 in range(0xA1, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                cps.add(ord(bytes([b1, b2]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return cps


def font_cache_dir() -> Path:
    """Where converted fonts are kept between processes: ``$XDG_CACHE_HOME/scenario-kb/fonts``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "scenario-kb" / "fonts"


def pdf_font_file(
    font: CJKFont, text: str, out_dir: str | Path, cache_dir: str | Path | None = None
) -> CJKFont:
    """A copy of ``font`` that fpdf2 embeds as a TrueType CID font (readable back by every PDF text extractor).

    CFF-flavoured OpenType faces (Noto CJK) are subset to the characters of ``text`` and their outlines converted
    to TrueType quadratics: fpdf2 embeds CFF faces with a custom encoding CMap that pypdf and pdfminer cannot map
    back to text. TrueType faces are returned unchanged (fpdf2 subsets them itself).

    With ``cache_dir``, a text whose characters are all common ones (:func:`_common_codepoints`) gets one kept
    conversion of the common characters (made once, seconds; then fpdf2 subsets it per document), instead of a
    conversion per document: the conversion is most of a dossier's rendering time.

    Args:
        font: the font found by :func:`find_cjk_font`.
        text: every character the document will use.
        out_dir: folder for the converted file (e.g. a temporary directory).
        cache_dir: folder of kept conversions (e.g. :func:`font_cache_dir`); ``None``: convert per text.

    Returns:
        The font to pass to ``FPDF.add_font`` (``path``, ``index``).
    """
    need = {ord(ch) for ch in text if ord(ch) >= 0x20}
    if cache_dir is not None and font.path.lower().endswith((".otf", ".ttc", ".otc")):
        common = _common_codepoints()
        if need <= common:
            try:
                st = Path(font.path).stat()
                key = hashlib.sha1(
                    f"{font.path}:{font.index}:{st.st_size}:{st.st_mtime_ns}:{COMMON_CHARSET_VERSION}".encode()
                ).hexdigest()[:16]
                kept = Path(cache_dir) / f"{Path(font.path).stem}-{font.index}-{key}.ttf"
                if not kept.exists():
                    kept.parent.mkdir(parents=True, exist_ok=True)
                    tmp = kept.with_name(f".{kept.name}.{os.getpid()}.tmp")
                    made = _truetype_subset(font, common, tmp)
                    if made is None:
                        return font
                    tmp.replace(kept)
                return CJKFont(str(kept), 0, font.family)
            except OSError:  # an unwritable cache: convert for this text only
                pass
    out = Path(out_dir) / f"{Path(font.path).stem}-{font.index}.ttf"
    return _truetype_subset(font, need, out) or font


def _truetype_subset(font: CJKFont, unicodes: set[int], out: Path) -> CJKFont | None:
    """Subset ``font`` to ``unicodes`` (and ASCII) with TrueType outlines, saved as ``out``; ``None`` when the
    face already has TrueType outlines."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    tt = TTFont(font.path, fontNumber=font.index, lazy=False)
    if "CFF " not in tt:
        return None
    opts = subset.Options()
    opts.layout_features = []
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.desubroutinize = True
    opts.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "JSTF", "MATH"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=set(unicodes) | set(range(0x20, 0x7F)))
    sub.subset(tt)
    order = tt.getGlyphOrder()
    glyph_set = tt.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    tt["glyf"] = glyf
    tt["loca"] = newTable("loca")
    del tt["CFF "]
    tt["head"].glyphDataFormat = 0
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(order)
    maxp.maxZones = 1
    for k in (
        "maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours", "maxTwilightPoints", "maxStorage",
        "maxFunctionDefs", "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
        "maxComponentElements", "maxComponentDepth",
    ):  # fmt: skip
        setattr(maxp, k, 0)
    tt["maxp"] = maxp
    post = tt["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    tt.sfntVersion = "\x00\x01\x00\x00"
    tt.save(str(out))
    return CJKFont(str(out), 0, font.family)


# ----------------------------------------------------------------------------------------------- charts
def heatmap_png(m: Matrix, *, font: CJKFont | None = None, max_cols: int = 60, max_rows: int = 60) -> bytes:
    """Render a matrix as a heatmap PNG with Chinese labels (matplotlib, Agg backend).

    Args:
        m: the matrix.
        font: CJK font (default :func:`find_cjk_font`).
        max_cols: keep at most this many columns (the largest totals).
        max_rows: keep at most this many rows (the largest totals).

    Returns:
        PNG bytes.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib import font_manager

    font = font or find_cjk_font()
    font_manager.fontManager.addfont(font.path)
    family = [font.family, "DejaVu Sans"]

    vals = np.array(m.values, dtype=float).reshape(len(m.rows), len(m.cols))
    rows, cols = list(m.rows), list(m.cols)
    if len(cols) > max_cols:
        keep = sorted(np.argsort(-vals.sum(axis=0), kind="stable")[:max_cols])
        vals, cols = vals[:, keep], [cols[j] for j in keep]
    if len(rows) > max_rows:
        keep = sorted(np.argsort(-vals.sum(axis=1), kind="stable")[:max_rows])
        vals, rows = vals[keep, :], [rows[i] for i in keep]
    w = min(4 + 0.45 * max(1, len(cols)), 30)
    h = min(2.5 + 0.35 * max(1, len(rows)), 30)
    with plt.rc_context({"font.family": family, "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(w, h), dpi=100)
        try:
            if vals.size:
                im = ax.imshow(vals, cmap="YlOrRd", aspect="auto", vmin=0)
                fig.colorbar(im, ax=ax, fraction=0.03, pad=0.02, label="数量")
                if vals.size <= 900:
                    vmax = vals.max() or 1
                    for i in range(vals.shape[0]):
                        for j in range(vals.shape[1]):
                            if vals[i, j]:
                                color = "white" if vals[i, j] > 0.6 * vmax else "black"
                                ax.text(
                                    j,
                                    i,
                                    f"{int(vals[i, j])}",
                                    ha="center",
                                    va="center",
                                    fontsize=7,
                                    color=color,
                                )
            else:
                ax.text(0.5, 0.5, "暂无数据", ha="center", va="center", transform=ax.transAxes)
            ax.set_xticks(range(len(cols)), [_short(c) for c in cols], rotation=60, ha="right", fontsize=8)
            ax.set_yticks(range(len(rows)), [_short(r) for r in rows], fontsize=8)
            ax.set_xlabel(m.col_label)
            ax.set_ylabel(m.row_label)
            ax.set_title(m.title)
            fig.tight_layout()
            buf = io.BytesIO()
            fig.savefig(buf, format="png")
        finally:
            plt.close(fig)
    return buf.getvalue()


def _short(label: str, n: int = 14) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"
