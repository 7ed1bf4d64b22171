"""Export helpers (kb.export): safe CSV/Excel cells, count matrices, heatmap PNGs, CJK fonts for PDFs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from kb.export import (
    FontNotFoundError,
    Matrix,
    Sheet,
    csv_bytes,
    find_cjk_font,
    heatmap_png,
    pdf_font_file,
    safe_cell,
    table_from_dicts,
    xlsx_bytes,
)

DANGEROUS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "\t=1", "\r=1", '=HYPERLINK("http://x","点我")']


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_like_text_gets_a_leading_apostrophe(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["正常文本", "a=b", "", "（-）", 3, -3, 2.5, None, "＝全角"])
def test_other_values_are_untouched(value: object) -> None:
    assert safe_cell(value) == value


def test_csv_has_bom_and_neutralised_cells() -> None:
    data = csv_bytes(["标题", "数量"], [[v, -1] for v in DANGEROUS] + [["列表", ["A", "B"]], [None, 0]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["标题", "数量"]
    assert [r[0] for r in rows[1 : 1 + len(DANGEROUS)]] == ["'" + v for v in DANGEROUS]
    assert rows[1][1] == "-1"  # a number stays a number
    assert rows[-2] == ["列表", "A、B"]
    assert rows[-1] == ["", "0"]


def test_xlsx_never_contains_a_formula() -> None:
    header, rows = table_from_dicts(
        [{"t": v, "n": i, "flag": True} for i, v in enumerate(DANGEROUS)],
        [("t", "标题"), ("n", "序号"), ("flag", "标记")],
    )
    data = xlsx_bytes(
        [Sheet("评审表", header, rows), Sheet("a/b:c*?", ["x"], [[1]]), Sheet("评审表", ["y"], [])]
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["评审表", "a_b_c__", "评审表_2"]
    ws = wb["评审表"]
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    got = [
        ws.cell(r, 1).value.replace("_x000D_", "\r") for r in range(2, 2 + len(DANGEROUS))
    ]  # OOXML escape of CR
    assert got == ["'" + v for v in DANGEROUS]
    assert ws.cell(3, 2).value == 1 and ws.cell(2, 3).value == "是"


def test_matrix_keeps_given_order_and_zero_columns() -> None:
    m = Matrix.from_counts(
        "region_link",
        "地区 × 环节",
        "地区",
        "环节",
        [
            ("浙江省", "生产作业", 2),
            ("宁波市", "仓储配送", 1),
            ("浙江省", "生产作业", 1),
            ("浙江省", "新环节", 4),
        ],
        cols=["工厂设计", "生产作业", "仓储配送"],
    )
    assert m.cols == [
        "工厂设计",
        "生产作业",
        "仓储配送",
        "新环节",
    ]  # unknown columns are appended, never lost
    assert m.rows == ["宁波市", "浙江省"]
    assert m.values == [[0, 0, 1, 0], [0, 3, 0, 4]]
    assert m.total == 8
    sh = m.sheet()
    assert sh.header[-1] == "合计" and sh.rows[-1] == ["合计", 0, 3, 1, 4, 8]
    assert m.to_dict()["values"][1] == [0, 3, 0, 4]


@pytest.fixture(scope="module")
def cjk_font():
    try:
        return find_cjk_font()
    except FontNotFoundError as exc:
        pytest.skip(f"no CJK font on this machine ({exc}); install fonts-noto-cjk")


def test_heatmap_png_renders(cjk_font) -> None:
    import matplotlib.image as mpimg

    m = Matrix.from_counts(
        "x",
        "行业 × 典型场景",
        "行业",
        "典型场景",
        [("汽车制造业", "智能在线检测", 3), ("纺织业", "智能仓储", 1)],
    )
    png = heatmap_png(m, font=cjk_font)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    img = mpimg.imread(io.BytesIO(png), format="png")
    assert img.shape[0] > 100 and img.shape[1] > 100
    empty = heatmap_png(Matrix("e", "空", "行", "列", [], [], []), font=cjk_font)
    assert empty.startswith(b"\x89PNG")


def test_pdf_font_file_is_truetype_covering_the_text(cjk_font, tmp_path) -> None:
    from fontTools.ttLib import TTFont

    text = "评审档案：字数超过3000字（LEN001）"
    font = pdf_font_file(cjk_font, text, tmp_path)
    tt = TTFont(font.path, fontNumber=font.index)
    assert "glyf" in tt and "CFF " not in tt
    cmap = tt.getBestCmap()
    assert all(ord(ch) in cmap for ch in text)


def test_common_text_shares_one_kept_conversion_and_rare_text_gets_its_own(cjk_font, tmp_path) -> None:
    from fontTools.ttLib import TTFont

    kept = tmp_path / "fonts"
    a = pdf_font_file(cjk_font, "评审档案：不良品率由2.1%降至0.8%。", tmp_path / "a", cache_dir=kept)
    if a == cjk_font:
        pytest.skip("a TrueType CJK font: fpdf2 subsets it itself, nothing is converted")
    b = pdf_font_file(cjk_font, "设备预测性维护——追溯码", tmp_path / "b", cache_dir=kept)
    assert a.path == b.path and Path(a.path).parent == kept and len(list(kept.iterdir())) == 1
    cmap = TTFont(a.path).getBestCmap()
    assert all(ord(ch) in cmap for ch in "评审档案设备预测性维护追溯码")
    (tmp_path / "c").mkdir()
    rare = pdf_font_file(cjk_font, "评审\u9fa5\u3400", tmp_path / "c", cache_dir=kept)  # outside GB2312
    assert Path(rare.path).parent == tmp_path / "c"


def test_font_override_that_is_not_a_font_fails_with_install_hint(tmp_path) -> None:
    bogus = tmp_path / "not-a-font.ttf"
    bogus.write_bytes(b"hello")
    with pytest.raises(FontNotFoundError) as exc:
        find_cjk_font(override=str(bogus))
    assert "fonts-noto-cjk" in str(exc.value) and str(exc.value).startswith("[KB050]")
