"""Ingestion on real files: encodings, .docx order, tables, bad files, idempotence, dry run."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import docx
import openpyxl
import pytest

from kb.errors import EmptyDocumentError, IngestError, ScannedPdfError
from kb.ingest import collect_inputs, read_path
from kb.ingest.text import decode_bytes

TEXT = (
    "一、企业概况\n某某精密机械有限公司位于宁波，主要生产汽车零部件。\n"
    "二、场景概述\n车间质量数据分散，追溯一个批次需要两天。\n"
    "三、实施内容\n部署MES与机器视觉检测，建立批次追溯码，实现正反向追溯。\n"
    "四、实施成效\n不良品率由2.1%降至0.8%，追溯时间由2天缩短到10分钟。\n"
)


def test_gbk_and_utf8_text_decode():
    assert decode_bytes(TEXT.encode("gbk"), "a.txt") == (TEXT, "gb18030")
    assert decode_bytes(TEXT.encode("utf-8"), "a.txt") == (TEXT, "utf-8")
    assert decode_bytes("\ufeff".encode() + TEXT.encode(), "a.txt")[0] == TEXT
    with pytest.raises(EmptyDocumentError):
        decode_bytes(b"  \n", "empty.txt")
    with pytest.raises(IngestError, match="二进制"):
        decode_bytes(b"\x00\x01\x02junk" * 50, "junk.txt")


def test_docx_keeps_paragraphs_headings_and_tables_in_order(tmp_path):
    d = docx.Document()
    d.add_heading("一、企业概况", level=1)
    d.add_paragraph("公司简介段落。")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "指标", "改造后"
    t.cell(1, 0).text, t.cell(1, 1).text = "不良品率", "0.8%"
    d.add_paragraph("表格之后的段落。")
    p = tmp_path / "s.docx"
    d.save(p)
    [doc] = list(read_path(p))
    lines = doc.text.splitlines()
    assert lines == ["一、企业概况", "公司简介段落。", "指标\t改造后", "不良品率\t0.8%", "表格之后的段落。"]
    assert doc.meta.title == "s"  # the first line is a section heading, so the file name is the title


def test_docx_table_keeps_equal_neighbour_cells_and_reads_a_merged_cell_once(tmp_path):
    d = docx.Document()
    t = d.add_table(rows=3, cols=4)
    for c, v in enumerate(["指标", "改造前", "改造后", "变化"]):
        t.cell(0, c).text = v
    for c, v in enumerate(["生产效率", "—", "—", "+35%"]):
        t.cell(1, c).text = v
    merged = t.cell(2, 1).merge(t.cell(2, 3))
    t.cell(2, 0).text, merged.text = "说明", "改造前后均未单独统计"
    p = tmp_path / "t.docx"
    d.save(p)
    [doc] = list(read_path(p))
    assert doc.text.splitlines() == [
        "指标\t改造前\t改造后\t变化",
        "生产效率\t—\t—\t+35%",
        "说明\t改造前后均未单独统计",
    ]


def test_corrupt_docx_and_scanned_pdf_are_reported(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(IngestError, match="bad.docx"):
        list(read_path(bad))
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)  # a page with graphics and no text layer
    scanned = tmp_path / "scan.pdf"
    pdf.output(str(scanned))
    with pytest.raises(ScannedPdfError, match="扫描件"):
        list(read_path(scanned))


def test_table_rows_with_metadata_and_bad_row(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["标题", "申报单位", "地区", "地区类型", "行业", "类型", "申报场景/揭榜任务", "年度", "正文"])
    ws.append(["质量追溯", "甲公司", "宁波", "", "汽车制造业", "优秀场景", "质量精准追溯", 2022, TEXT])
    ws.append(["空行正文", "乙公司", "浙江", "省级", "", "优秀场景", "", 2022, ""])
    ws.append(["未知地区", "丙公司", "火星", "省级", "", "示范工厂", "", "2022", TEXT + "另一份"])
    p = tmp_path / "batch.xlsx"
    wb.save(p)
    items = list(read_path(p))
    assert len(items) == 3
    first, bad, unknown = items
    assert first.source == "batch.xlsx#row=2"
    assert (first.meta.region, first.meta.region_type, first.meta.year) == ("宁波市", "计划单列市", 2022)
    assert isinstance(bad, IngestError) and "row=3" in bad.path
    assert unknown.meta.kind == "factory" and any("火星" in w for w in unknown.warnings)


def test_table_without_text_column_names_the_fix(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("标题,地区\n甲,浙江\n", encoding="utf-8")
    with pytest.raises(IngestError, match="正文"):
        list(read_path(p))


def test_folder_metadata_and_sidecar(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(TEXT.replace("宁波", "青岛").encode("gbk"))
    with open(tmp_path / "_metadata.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["文件", "标题", "地区", "类型", "年度"])
        w.writerow(["a.txt", "甲场景", "浙江", "优秀场景", "2021"])
    (tmp_path / "b.meta.json").write_text(json.dumps({"标题": "乙场景", "地区": "青岛市"}), encoding="utf-8")
    (tmp_path / "README.md").write_text("not a submission", encoding="utf-8")
    files = collect_inputs([tmp_path])
    assert [f.name for f in files] == ["a.txt", "b.txt"]
    from kb.ingest.metadata import FolderMetadata

    fm = FolderMetadata()
    [a] = list(read_path(files[0], folder_meta=fm))
    [b] = list(read_path(files[1], folder_meta=fm))
    assert (a.meta.title, a.meta.region, a.meta.year) == ("甲场景", "浙江省", 2021)
    assert (b.meta.title, b.meta.region, b.meta.region_type) == ("乙场景", "青岛市", "计划单列市")
    assert "青岛" in b.text and any("gb18030" in w for w in b.warnings)


def test_service_batch_skips_bad_files_and_is_idempotent(kb, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "good.txt").write_bytes(TEXT.encode("gbk"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "corrupt.docx").write_bytes(b"not a zip at all")
    (folder / "notes.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    report = kb.store.ingest([folder])
    status = {Path(o.path).name: o.status for o in report.outcomes}
    assert status == {
        "good.txt": "added",
        "empty.txt": "error",
        "corrupt.docx": "error",
        "notes.doc": "error",
    }
    reasons = {Path(o.path).name: o.reason for o in report.outcomes}
    assert "空" in reasons["empty.txt"] and ".docx" in reasons["notes.doc"]
    [row] = kb.store.list_submissions()
    sub = kb.store.get(row.id)
    assert sub.text.startswith("一、企业概况") and "宁波" in sub.text  # GBK stored correctly as text
    again = kb.store.ingest([folder])
    assert again.count("added") == 0 and again.count("duplicate") == 1
    assert kb.store.count() == 1
    # a copy differing only in width/spacing is the same content
    (folder / "copy.txt").write_text(TEXT.replace("MES", "ＭＥＳ").replace("。", "。 "), encoding="utf-8")
    assert kb.store.ingest([folder / "copy.txt"]).count("duplicate") == 1


def test_dry_run_stores_nothing(kb, tmp_path):
    (tmp_path / "x.txt").write_text(TEXT, encoding="utf-8")
    report = kb.store.ingest([tmp_path], dry_run=True)
    assert report.to_dict()["added"] == 1 and kb.store.count() == 0
