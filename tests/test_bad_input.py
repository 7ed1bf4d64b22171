"""Bad input corpus, generated in tmp_path: each file gets a clear error or a marked partial result, and the rows
already in the store do not change (row counts and content digests of every table compared before and after)."""

from __future__ import annotations

import hashlib
import io
import random
import sqlite3
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import openpyxl
import pytest

from kb.errors import IngestError, LimitExceededError
from kb.ingest import read_document, read_path

GOOD = [
    "一、企业概况\n甲精密机械有限公司位于宁波，生产汽车零部件。\n二、实施内容\n部署MES与机器视觉检测，建立批次追溯码。\n"
    "三、实施成效\n不良品率由2.1%降至0.8%，追溯时间由2天缩短到10分钟。\n",
    "一、企业概况\n乙化工有限公司位于江苏，生产精细化学品。\n二、实施内容\n建设安全生产监控平台，实现危险源实时监测。\n"
    "三、实施成效\n安全事故下降60%，巡检人员减少12人。\n",
]
ROW_TEXT = "一、企业概况\n丙电子公司生产电路板。\n二、实施内容\n部署AOI检测与SPC分析。\n三、实施成效\n直通率提升至99.2%。\n"
MB = 1024 * 1024


# ------------------------------------------------------------------------------------------------ builders
def _docx_bytes(text: str) -> bytes:
    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _deflate_repeated(chunk: bytes, times: int) -> tuple[bytes, int]:
    """A raw deflate stream expanding to ``chunk * times``, built in O(len(chunk)): full-flushed copies of one block."""
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    return block * times + end, crc


def _write_zip(path: Path, entries: list[tuple[str, bytes, int, int]]) -> Path:
    """Write a zip of pre-deflated entries ``(name, raw_deflate, crc, declared_uncompressed_size)`` by hand."""
    out = io.BytesIO()
    central = []
    for name, data, crc, size in entries:
        offset = out.tell()
        n = name.encode()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size, len(n), 0))
        out.write(n + data)
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(n),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + n
        )
    cd_start = out.tell()
    for c in central:
        out.write(c)
    out.write(
        struct.pack(
            "<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - cd_start, cd_start, 0
        )
    )
    path.write_bytes(out.getvalue())
    return path


def _bomb(path: Path, template: bytes, part: str, expand_mb: int, declared: int | None = None) -> Path:
    """Copy an Office file, replacing ``part`` by a stream that expands to ``expand_mb`` MB of spaces.

    ``declared`` sets the uncompressed size written in the headers (default: the true size).
    """
    entries = []
    with zipfile.ZipFile(io.BytesIO(template)) as zf:
        for info in zf.infolist():
            if info.filename == part:
                data, crc = _deflate_repeated(b" " * MB, expand_mb)
                entries.append((part, data, crc, expand_mb * MB if declared is None else declared))
            else:
                raw = zf.read(info)
                co = zlib.compressobj(6, zlib.DEFLATED, -15)
                entries.append((info.filename, co.compress(raw) + co.flush(), zlib.crc32(raw), len(raw)))
    return _write_zip(path, entries)


def _pdf_with_text(path: Path, text: str = "Scenario text layer for the knowledge base") -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    pdf.output(str(path))
    return path


def _scanned_pdf(path: Path) -> Path:
    from fpdf import FPDF
    from PIL import Image

    img = Image.new("RGB", (200, 120), "white")
    for x in range(20, 180):
        img.putpixel((x, 60), (0, 0, 0))  # a "scanned" line of ink, no text layer
    pdf = FPDF()
    pdf.add_page()
    pdf.image(img, x=10, y=10, w=100)
    pdf.output(str(path))
    return path


def _encrypted_pdf(path: Path, tmp: Path) -> Path:
    from pypdf import PdfWriter

    w = PdfWriter(clone_from=str(_pdf_with_text(tmp / "plain_for_encryption.pdf")))
    w.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    w.write(str(path))
    (tmp / "plain_for_encryption.pdf").unlink()
    return path


def slow_pdf(path: Path, chars: int = 150_000) -> Path:
    """A 1 KB PDF whose single page shows ``chars`` glyphs: pdfminer needs seconds (about 15 s per 200 000)."""
    content = zlib.compress(b"BT /F1 1 Tf 10 10 Td (" + b"a" * chars + b") Tj ET")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + o + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for o in offsets:
        out.write(b"%010d 00000 n \n" % o)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


BIG5_TEXT = "一、企業概況\n丁精密機械有限公司位於臺中，生產工具機。\n二、實施內容\n部署製造執行系統與機器視覺檢測，建立批次追溯。\n"
SJIS_TEXT = "一、企業概要\n当社は精密機械部品を生産しています。品質データを収集し、ロットの追跡を二日から十分に短縮しました。\n"
UTF16_TEXT = (
    "一、企业概况\n戊汽车零部件公司位于湖北。\n二、实施内容\n部署设备联网与预测性维护，停机时间下降35%。\n"
)
HTML_TEXT = (
    "一、企业概况\n<b>己公司</b>生产家电。<script>alert('xss')</script>\n"
    '二、实施内容\n<img src=x onerror="alert(1)">部署数字孪生产线。\n'
)
FORMULA_APPLICANT = '=HYPERLINK("http://evil.example/x","点击查看")'
FORMULA_TEXT = "=cmd|' /C calc'!A0 一、企业概况\n庚公司。二、实施内容\n部署仓储物流系统。"

# file name -> (expected status, fragment of the reason shown to the user)
EXPECTED: dict[str, tuple[str, str]] = {
    "empty.txt": ("error", "文件为空"),
    "blank.md": ("error", "文件为空"),
    "empty.docx": ("error", "不是有效的 Office 文档"),
    "empty.pdf": ("error", "不是 PDF"),
    "empty.csv": ("error", "文件为空"),
    "junk.docx": ("error", "不是有效的 Office 文档"),
    "junk.pdf": ("error", "不是 PDF"),
    "junk_header.pdf": ("error", "无法解析 PDF"),
    "junk.txt": ("error", "二进制"),
    "truncated.docx": ("error", "不是有效的 Office 文档"),
    "bomb.docx": ("error", "疑似压缩炸弹"),
    "bomb_declared.docx": ("error", "疑似压缩炸弹"),
    "bomb_lying.docx": ("error", "无法解析 Word 文档"),
    "bomb.xlsx": ("error", "疑似压缩炸弹"),
    "encrypted.pdf": ("error", "已加密"),
    "scanned.pdf": ("error", "扫描件"),
    "huge.txt": ("error", "超过上限 20 MB"),
    "old.doc": ("error", "不支持的文件格式"),
    "missing_cols.xlsx": ("error", "缺少正文列"),
    "bad_kind.txt": ("error", "类型 '优秀案例' 无效"),
    "long.txt": ("added", "字符上限"),
    "big5.txt": ("added", "文本编码为 big5"),
    "sjis.txt": ("added", "文本编码为 shift_jis"),
    "utf16.txt": ("added", "文本编码为 utf-16-le"),
    "mars.txt": ("added", "'火星' 不在"),
    "html.txt": ("added", ""),
    "copy_of_good.txt": ("duplicate", "未重复导入"),
    "formulas.csv#row=2": ("added", ""),
    "formulas.xlsx#row=2": ("error", "该行正文为空"),
    "formulas.xlsx#row=3": ("added", ""),
    "formulas.xlsx#row=4": ("added", ""),
}


def build_bad_corpus(folder: Path) -> Path:
    """Write every bad input of :data:`EXPECTED` into ``folder`` (about 2 MB on disk besides huge.txt)."""
    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(8)
    junk = bytes(rnd.randrange(256) for _ in range(4096))
    good_docx = _docx_bytes(GOOD[0] + "另附说明。")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text("  \n\n\t\n", encoding="utf-8")
    (folder / "empty.docx").write_bytes(b"")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "empty.csv").write_bytes(b"")
    (folder / "junk.docx").write_bytes(junk)
    (folder / "junk.pdf").write_bytes(junk.replace(b"%PDF", b"%PDX"))
    (folder / "junk_header.pdf").write_bytes(b"%PDF-1.4\n" + junk)
    (folder / "junk.txt").write_bytes(b"\x00\x01\x02\x03binary" * 100)
    (folder / "truncated.docx").write_bytes(good_docx[: len(good_docx) // 2])
    _bomb(folder / "bomb.docx", good_docx, "word/document.xml", 300)
    _bomb(folder / "bomb_declared.docx", good_docx, "word/document.xml", 2, declared=4_000_000_000)
    _bomb(folder / "bomb_lying.docx", good_docx, "word/document.xml", 300, declared=2000)
    xbuf = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.append(["标题", "正文"])
    wb.active.append(["表格", ROW_TEXT])
    wb.save(xbuf)
    _bomb(folder / "bomb.xlsx", xbuf.getvalue(), "xl/worksheets/sheet1.xml", 300)
    _encrypted_pdf(folder / "encrypted.pdf", folder)
    _scanned_pdf(folder / "scanned.pdf")
    with open(folder / "huge.txt", "wb") as f:  # 21 MB, over max_upload_mb = 20
        f.write(("大" * 1000 + "\n").encode("utf-8") * (21 * MB // 3001 + 1))
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + junk)
    _xlsx(folder / "missing_cols.xlsx", [["标题", "申报单位", "地区"], ["缺正文", "辛公司", "浙江"]])
    (folder / "long.txt").write_text(
        "一、企业概况\n" + "壬公司实施智能制造改造，" * 20_000 + "\n", encoding="utf-8"
    )  # 240 000 characters, 720 KB: under the size limit, over max_text_chars = 200 000
    (folder / "big5.txt").write_bytes(BIG5_TEXT.encode("big5"))
    (folder / "sjis.txt").write_bytes(SJIS_TEXT.encode("shift_jis"))
    (folder / "utf16.txt").write_bytes(UTF16_TEXT.encode("utf-16-le"))  # no BOM
    (folder / "mars.txt").write_text(
        "一、企业概况\n癸公司位于火星基地。\n二、实施内容\n部署AGV。\n", encoding="utf-8"
    )
    (folder / "bad_kind.txt").write_text(
        "一、企业概况\n子公司。\n二、实施内容\n部署机器人。\n", encoding="utf-8"
    )
    (folder / "_metadata.csv").write_text(
        "文件,地区,类型\nmars.txt,火星,优秀场景\nbad_kind.txt,浙江省,优秀案例\n", encoding="utf-8"
    )
    (folder / "html.txt").write_text(HTML_TEXT, encoding="utf-8")
    (folder / "copy_of_good.txt").write_text(GOOD[0].replace("\n", "\r\n"), encoding="utf-8")
    with open(folder / "formulas.csv", "w", encoding="utf-8", newline="") as f:
        import csv

        w = csv.writer(f)
        w.writerow(["标题", "申报单位", "正文"])
        w.writerow(["公式注入", FORMULA_APPLICANT, FORMULA_TEXT])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["标题", "申报单位", "正文"])
    ws.append(
        ["公式正文", "丑公司", '=HYPERLINK("http://evil.example","点我")']
    )  # a real formula, no cached value
    ws.append(
        ["公式单位", "=cmd|' /C calc'!A0", ROW_TEXT + "公式单位行。"]
    )  # a real formula in a metadata cell
    ws.append(["文本公式", "寅公司", ROW_TEXT + "另有说明。"])
    ws["B4"].value = "=1+1"
    ws["B4"].data_type = "s"  # text that starts with "=" (stored as a string, not a formula)
    wb.save(folder / "formulas.xlsx")
    return folder


# ------------------------------------------------------------------------------------------------ snapshot
def snapshot(db: Path) -> dict[str, object]:
    """Row count and digest of every table (ingest_log excluded: it records the errors by design), plus a
    per-row digest of the submissions."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        out: dict[str, object] = {}
        for t in tables:
            if t == "ingest_log":
                continue
            rows = con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()  # noqa: S608 - names from sqlite_master
            out[t] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        out["submission_rows"] = {
            r[0]: (r[1], hashlib.sha256(repr(r).encode()).hexdigest())
            for r in con.execute("SELECT id, content_hash, * FROM submissions ORDER BY id")
        }
        return out
    finally:
        con.close()


@pytest.fixture()
def seeded(kb, tmp_path: Path):
    """A knowledge base holding two documents, a table row, a decision, a label and a user."""
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.txt").write_text(GOOD[0], encoding="utf-8")
    (good / "b.docx").write_bytes(_docx_bytes(GOOD[1]))
    _xlsx(good / "rows.xlsx", [["标题", "地区", "正文"], ["电路板检测", "江苏", ROW_TEXT]])
    report = kb.store.ingest([good], analyze=False)
    assert report.count("added") == 3, report.to_dict()
    sid = report.outcomes[0].submission_id
    kb.reviews.set_decision(sid, "reviewer", "存疑", "待核实")
    kb.accounts.add_user("auditor", "s3cret-pass", "reviewer")
    return kb


# ------------------------------------------------------------------------------------------------ tests
@pytest.mark.slow
def test_bad_corpus_each_file_clear_error_or_marked_and_store_kept(seeded, db_path: Path, tmp_path: Path):
    bad = build_bad_corpus(tmp_path / "bad")
    before = snapshot(db_path)
    report = seeded.store.ingest([bad], analyze=False)
    after = snapshot(db_path)

    by_name = {
        Path(o.path.split("#")[0]).name + ("#" + o.path.split("#")[1] if "#" in o.path else ""): o
        for o in report.outcomes
    }
    assert set(by_name) == set(EXPECTED), sorted(set(by_name) ^ set(EXPECTED))
    for name, (status, fragment) in EXPECTED.items():
        o = by_name[name]
        assert o.status == status, (name, o)
        assert fragment in o.reason, (name, o.reason)
        if status == "error":
            assert name.split("#")[0] in o.path  # the message names the file ...
            assert "；" in o.reason and o.reason.split("；", 1)[1].strip(), (
                name,
                o.reason,
            )  # ... and the fix

    # Pre-existing rows and every other table are untouched.
    for table, value in before.items():
        if table in ("submissions", "submission_rows"):
            continue
        assert after[table] == value, f"table {table} changed"
    old_rows = before["submission_rows"]
    new_rows = after["submission_rows"]
    assert {k: new_rows[k] for k in old_rows} == old_rows
    added = {o.submission_id for o in report.outcomes if o.status == "added"}
    assert set(new_rows) - set(old_rows) == added
    assert len({h for h, _ in new_rows.values()}) == len(new_rows)  # content hashes stay unique

    subs = {s.source: s for s in seeded.store.list_submissions(with_text=True)}
    long = subs["long.txt"]
    assert long.partial and len(long.text) == 200_000 and any("字符上限" in w for w in long.warnings)
    assert subs["big5.txt"].text == BIG5_TEXT and subs["sjis.txt"].text == SJIS_TEXT
    assert subs["utf16.txt"].text == UTF16_TEXT
    assert subs["mars.txt"].meta.region == "火星" and any("火星" in w for w in subs["mars.txt"].warnings)
    assert subs["html.txt"].text == HTML_TEXT  # stored verbatim; escaping happens where it is shown
    assert not any(s.partial for src, s in subs.items() if src != "long.txt")
    # Formulas: CSV text is stored as plain text (never evaluated); xlsx formula cells without a cached value are
    # read as empty, so no formula text reaches the store from them.
    assert subs["formulas.csv#row=2"].meta.applicant == FORMULA_APPLICANT
    assert subs["formulas.xlsx#row=3"].meta.applicant == ""
    assert subs["formulas.xlsx#row=4"].meta.applicant == "=1+1"


def test_cli_ingest_of_bad_files_names_each_file_without_traceback(run_cli, tmp_path: Path):
    folder = tmp_path / "few"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.docx").write_bytes(b"not a zip at all" * 10)
    _encrypted_pdf(folder / "locked.pdf", folder)
    (folder / "fine.txt").write_text(GOOD[1], encoding="utf-8")
    assert run_cli("init").exit_code == 0
    res = run_cli("ingest", "--no-analyze", str(folder))
    assert res.exit_code == 3, res.output  # rejected files: non-zero, the good one still stored
    out = res.output
    assert "Traceback" not in out
    for name, why in (
        ("empty.txt", "文件为空"),
        ("junk.docx", "不是有效的 Office 文档"),
        ("locked.pdf", "已加密"),
    ):
        line = next(line for line in out.splitlines() if name in line)
        assert line.startswith("跳过") and why in line and "；" in line
    assert "新增 1 份" in out and "跳过 3 份" in out


def test_zip_bombs_are_refused(tmp_path: Path):
    template = _docx_bytes(GOOD[0])
    honest = _bomb(tmp_path / "b1.docx", template, "word/document.xml", 300)
    lying = _bomb(tmp_path / "b2.docx", template, "word/document.xml", 300, declared=1000)
    assert honest.stat().st_size < 2 * MB
    for path, exc_type, fragment in (
        (honest, LimitExceededError, "压缩炸弹"),
        (lying, IngestError, "无法解析"),
    ):
        with pytest.raises(exc_type, match=fragment) as info:
            list(read_path(path))
        assert info.value.path.endswith(path.name)
    # The limit is a setting: a larger one lets the honest archive through to the parser (which then fails on
    # the 300 MB of spaces being no XML document, without reading past the declared size).
    with pytest.raises(IngestError, match="无法解析 Word 文档"):
        list(read_path(honest, max_uncompressed_mb=400))


def test_parse_time_limit_kills_a_slow_pdf_and_the_next_file_still_parses(tmp_path: Path):
    slow = slow_pdf(tmp_path / "slow.pdf")
    assert slow.stat().st_size < 2048
    read_document(_pdf_with_text(tmp_path / "warm.pdf"))  # start the worker outside the measured time
    with pytest.raises(LimitExceededError, match="解析超过 1.5 秒") as info:
        list(read_path(slow, parse_timeout_s=1.5))
    assert "parse_timeout_s" in info.value.fix and info.value.path == str(slow)
    # A fresh worker serves the next file.
    [doc] = list(read_path(_pdf_with_text(tmp_path / "next.pdf", "Next document after a timeout")))
    assert "Next document" in doc.text
    doc2 = next(read_path(tmp_path / "next.pdf", parse_timeout_s=0))  # 0: no limit, parsed in this process
    assert doc2.text == doc.text


def test_ingest_honours_the_parse_timeout_setting(tmp_path: Path):
    from kb.service import open_kb

    k = open_kb(str(tmp_path / "t.sqlite"), parse_timeout_s=1)
    k.init()
    folder = tmp_path / "in"
    folder.mkdir()
    slow_pdf(folder / "slow.pdf", chars=60_000)
    report = k.store.ingest([folder], analyze=False)
    assert report.outcomes[0].status == "error" and "解析超过" in report.outcomes[0].reason


def test_legacy_encodings_are_decoded_not_garbled(tmp_path: Path):
    from kb.ingest.text import decode_bytes

    gbk = GOOD[0]
    assert decode_bytes(gbk.encode("gbk"), "g.txt") == (gbk, "gb18030")
    assert decode_bytes(BIG5_TEXT.encode("big5"), "b.txt") == (BIG5_TEXT, "big5")
    assert decode_bytes(SJIS_TEXT.encode("shift_jis"), "s.txt") == (SJIS_TEXT, "shift_jis")
    assert decode_bytes(UTF16_TEXT.encode("utf-16-le"), "u.txt") == (UTF16_TEXT, "utf-16-le")
    assert decode_bytes(UTF16_TEXT.encode("utf-16-be"), "u.txt") == (UTF16_TEXT, "utf-16-be")
    short = "部署机器视觉检测系统"  # UTF-16 with no ASCII has no zero byte at all
    assert decode_bytes(short.encode("utf-16-le"), "u.txt") == (short, "utf-16-le")
    with pytest.raises(IngestError, match="二进制"):
        decode_bytes(bytes(random.Random(3).randrange(256) for _ in range(3000)) + b"\x00", "r.txt")


def test_pdf_page_limit_marks_partial(tmp_path: Path):
    from fpdf import FPDF

    from kb.ingest.pdf import MAX_PAGES

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for i in range(MAX_PAGES + 1):
        pdf.add_page()
        pdf.cell(text=f"Page {i} of the scenario description")
    path = tmp_path / "pages.pdf"
    pdf.output(str(path))
    [doc] = list(read_path(path))
    assert doc.partial and f"Page {MAX_PAGES - 1} " in doc.text and f"Page {MAX_PAGES} " not in doc.text
    assert any(f"共 {MAX_PAGES + 1} 页" in w and f"前 {MAX_PAGES} 页" in w for w in doc.warnings)
