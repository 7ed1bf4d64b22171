"""Review dossiers (data, HTML, PDF read back as text), inbox and coverage exports, the notice clause table, CLI."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.service.clauses import CLAUSES_FILE, load_clauses
from kb.service.dossier_render import render_dossier_html
from kb.service.reports import excerpt

REPO = Path(__file__).resolve().parent.parent

TEXT_A = (
    "一、企业概况\n浙江云岫精密机械有限公司主要生产汽车发动机精密零部件，员工约800人，是区域内的骨干配套企业。\n"
    "二、场景概述\n过去车间依靠人工目检判断零件表面缺陷，检测标准不一，漏检和误检时有发生，质量追溯困难。\n"
    "三、实施内容\n企业在三条机加工产线部署机器视觉检测系统，配置工业相机和边缘计算服务器，采集零件表面图像，"
    "建立覆盖划伤、磕碰、毛刺等十二类缺陷的图像库并训练深度学习模型；检测结果实时写入MES系统，与批次和工序关联，"
    "实现质量问题的在线判定和全流程追溯。\n"
    "四、实施成效\n不良品率由2.1%降至0.8%，单件检测时间由12秒缩短至3秒，质检人员减少6人。\n"
    "五、推广价值\n该方案适用于汽车零部件、五金等批量机加工企业，可复制推广。"
)
TEXT_B = TEXT_A.replace("浙江云岫精密机械有限公司", "宁波泊岸精工有限公司").replace("约800人", "约650人")
TEXT_C = "企业部署MES系统并采集设备数据，实现生产过程透明化管理。" * 120  # > 3000 字
TEXT_D = "一、企业概况\n某企业生产家用电器。\n二、实施成效\n生产效率提升30%，运营成本降低15%。"
NOTE = "与 #2 高度相似，需核实 <b>原创性</b>"


@pytest.fixture(scope="module")
def rkb(tmp_path_factory: pytest.TempPathFactory):
    """A small KB: a scenario, its lightly edited copy, an over-long text with markup in its title, a formula title."""
    from kb.service import open_kb

    path = tmp_path_factory.mktemp("reports") / "kb.sqlite"
    k = open_kb(str(path))
    k.init()
    meta = {"region": "浙江省", "industry": "汽车制造业", "year": 2021, "recommender": "浙江省经济和信息化厅"}
    ids = {
        "a": k.store.add_text(
            TEXT_A, {**meta, "title": "基于机器视觉的在线质量检测", "applicant": "浙江云岫精密机械有限公司"}
        ),
        "b": k.store.add_text(
            TEXT_B,
            {**meta, "title": "机器视觉在线检测", "applicant": "宁波泊岸精工有限公司", "region": "宁波"},
        ),
        "c": k.store.add_text(
            TEXT_C,
            {**meta, "title": "<script>alert(1)</script>超长场景", "applicant": "杭州澜汀新材料股份有限公司"},
        ),
        "d": k.store.add_text(
            TEXT_D, {**meta, "title": "=cmd|' /C calc'!A0", "applicant": "温州栖梧电器有限公司", "year": 2022}
        ),
    }
    k.reviews.set_decision(ids["a"], "reviewer", "存疑", NOTE)
    yield k, path, ids
    k.storage.close()


def _flat(s: str) -> str:
    return "".join(s.split())


def _pdf_texts(pdf: bytes) -> tuple[str, str]:
    import pdfplumber
    import pypdf

    a = "".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        b = "".join(p.extract_text() or "" for p in doc.pages)
    return _flat(a), _flat(b)


# ----------------------------------------------------------------------------------------------- clause table
def test_every_check_code_cites_a_clause_and_quotes_are_marked() -> None:
    data = tomllib.loads(CLAUSES_FILE.read_text(encoding="utf-8"))
    rules = tomllib.loads((REPO / "nlp" / "checks" / "rules.toml").read_text(encoding="utf-8"))
    rule_codes = {k for k, v in rules.items() if isinstance(v, dict) and "severity" in v}
    clauses = load_clauses()
    assert rule_codes and all(clauses.for_code(c) for c in rule_codes)
    assert set(data["codes"].values()) | set(data["prefixes"].values()) <= set(data["clauses"])
    for cid, c in data["clauses"].items():
        assert c["quote"] in ("verbatim", "paraphrase", "title"), cid
        assert c["text"] and c["source"] and c["ref"], cid
    assert clauses.for_code("LEN001")["text"] == "每个场景字数请控制在3000字以内,可配图说明。"
    assert clauses.for_code("QTA001")["quote"] == "paraphrase"  # the national quota wording was not found
    assert clauses.for_code("CLS002")["id"] == "guide"  # by prefix
    assert clauses.for_code("ZZZ999") is None


def test_excerpt_marks_the_span_with_context() -> None:
    text = "甲" * 50 + "目标段落" + "乙" * 50
    e = excerpt(text, 50, 54, context=5)
    assert (e["before"], e["match"], e["after"]) == ("…甲甲甲甲甲", "目标段落", "乙乙乙乙乙…")
    long = excerpt("x" * 1000, 0, 1000, max_match=20)
    assert long["truncated"] and "……" in long["match"] and len(long["match"]) < 30


# ----------------------------------------------------------------------------------------------- dossier
def test_dossier_data_has_findings_with_clauses_classification_and_side_by_side(rkb) -> None:
    k, _, ids = rkb
    d = k.reports.dossier(ids["a"])
    assert d["submission"]["applicant"] == "浙江云岫精密机械有限公司"
    assert d["decision"]["status"] == "存疑" and d["decision"]["note"] == NOTE
    assert d["classification"]["available"] and d["classification"]["scenarios"]
    assert all(f["clause"] for f in d["findings"] if f["source"] == "check")
    for f in d["findings"]:
        for e in f["excerpts"]:
            if not e["truncated"]:
                s, t = e["span"]
                assert e["match"] == " ".join(TEXT_A[s:t].split())
    assert any(m["indicator"] == "不良品率" and m["before"] == "2.1" for m in d["metrics"])
    (copy,) = [m for m in d["similar"] if m["id"] == ids["b"]]
    assert copy["similarity"] > 0.5 and copy["passages"]
    p = copy["passages"][0]
    assert p["a"]["match"] and p["b"]["match"]
    assert _flat(p["a"]["match"])[:20] == _flat(p["b"]["match"])[:20]  # the same passage in both texts
    json.dumps(d, ensure_ascii=False)  # JSON-safe


def test_over_long_text_cites_the_3000_字_clause(rkb) -> None:
    k, _, ids = rkb
    d = k.reports.dossier(ids["c"])
    (f,) = [f for f in d["findings"] if f["code"] == "LEN001"]
    assert f["severity"] == "error"
    assert f["clause"]["ref"] == "二（五）" and "3000字以内" in f["clause"]["text"]
    assert f["clause"]["quote"] == "verbatim"


def test_html_escapes_every_user_string(rkb) -> None:
    k, _, ids = rkb
    html = k.reports.dossier_html(ids["c"])
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;超长场景" in html
    assert "每个场景字数请控制在3000字以内" in html
    html_a = render_dossier_html(k.reports.dossier(ids["a"]))
    assert "&lt;b&gt;原创性&lt;/b&gt;" in html_a and "<b>原创性</b>" not in html_a
    assert "不良品率由2.1%降至0.8%" in html_a


def test_pdf_text_reads_back_with_findings_clauses_and_matched_passages(rkb) -> None:
    k, _, ids = rkb
    d = k.reports.dossier(ids["a"])
    pdf = k.reports.dossier_pdf(ids["a"], data=d)
    assert pdf.startswith(b"%PDF")
    (copy,) = [m for m in d["similar"] if m["id"] == ids["b"]]
    passage = _flat(copy["passages"][0]["a"]["match"])[:40]
    for text in _pdf_texts(pdf):  # pypdf and pdfplumber
        assert "评审档案#" in text
        for f in d["findings"]:
            assert _flat(f["message"]) in text, f["code"]
            if f["clause"]:
                assert _flat(f["clause"]["text"]) in text
        assert passage and passage in text
        assert _flat(NOTE) in text


# ----------------------------------------------------------------------------------------------- exports
def test_inbox_export_csv_and_xlsx_are_safe(rkb) -> None:
    k, _, ids = rkb
    rows = list(csv.DictReader(io.StringIO(k.reports.export_inbox("csv").decode("utf-8-sig"))))
    assert len(rows) == 4
    by_id = {int(r["编号"]): r for r in rows}
    assert by_id[ids["d"]]["标题"] == "'=cmd|' /C calc'!A0"
    assert by_id[ids["a"]]["审核状态"] == "存疑" and by_id[ids["a"]]["审核意见"] == NOTE
    assert "LEN001" in by_id[ids["c"]]["问题代码"]
    wb = openpyxl.load_workbook(io.BytesIO(k.reports.export_inbox("xlsx")))
    ws = wb.active
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    titles = [ws.cell(r, 2).value for r in range(2, ws.max_row + 1)]
    assert "'=cmd|' /C calc'!A0" in titles


def test_coverage_export_matrices_and_charts(rkb) -> None:
    k, _, _ = rkb
    mats = {m.name: m for m in k.coverage.matrices()}
    assert set(mats) == {"region_link", "industry_scenario", "year_kind"}
    guide = k.reference.active_edition("guide").entries
    assert mats["industry_scenario"].cols[: len(guide)] == list(dict.fromkeys(e.name for e in guide))
    year = mats["year_kind"]
    assert year.total == 4 and year.values[year.rows.index("2022")][year.cols.index("优秀场景")] == 1
    files = k.coverage.export("xlsx")
    assert {"xlsx", "region_link.png", "industry_scenario.png", "year_kind.png"} <= set(files)
    wb = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    assert {"地区 × 环节", "行业 × 典型场景", "年度 × 类型", "空白"} <= set(wb.sheetnames)
    csvs = k.coverage.export("csv", charts=False)
    assert set(csvs) == {"region_link.csv", "industry_scenario.csv", "year_kind.csv"}


# ----------------------------------------------------------------------------------------------- CLI
def test_cli_report_export_commands(rkb, tmp_path: Path) -> None:
    _, path, ids = rkb
    runner = CliRunner()

    def run(*args: str):
        res = runner.invoke(cli, ["--db", str(path), *args])
        assert res.exit_code == 0, res.output
        return res.output

    out = tmp_path / "a.html"
    assert str(out) in run("report", str(ids["a"]), "-o", str(out))
    assert "评审档案" in out.read_text(encoding="utf-8")
    out = tmp_path / "a.pdf"
    run("report", str(ids["a"]), "--format", "pdf", "-o", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    out = tmp_path / "inbox.csv"
    run("export", "inbox", "--format", "csv", "-o", str(out))
    assert "'=cmd" in out.read_text(encoding="utf-8-sig")
    out = tmp_path / "cov.xlsx"
    msg = run("export", "coverage", "-o", str(out))
    assert out.exists() and (tmp_path / "cov_region_link.png").exists() and "cov_year_kind.png" in msg
    res = runner.invoke(cli, ["--db", str(path), "report", "99999"])
    assert res.exit_code == 1 and "KB004" in res.output


# ----------------------------------------------------------------------------------------------- the demo corpus
@pytest.mark.slow
@pytest.mark.skipif(not (REPO / "data" / "demo").is_dir(), reason="demo corpus data/demo not present")
def test_demo_dossier_pdf_contains_findings_and_matched_passages(demo_kb) -> None:
    """Must show: a dossier PDF of a demo submission whose extracted text has the findings and matched passages."""
    chosen = None
    for sub in demo_kb.store.list_submissions():
        d = demo_kb.reports.dossier(sub.id, k=3)
        if d["findings"] and any(m["passages"] and m["passages"][0]["b"] for m in d["similar"]):
            chosen = d
            break
    assert chosen is not None, "the demo corpus has planted duplicates with findings"
    pdf = demo_kb.reports.dossier_pdf(chosen["submission"]["id"], data=chosen)
    text, _ = _pdf_texts(pdf)
    for f in chosen["findings"]:
        assert _flat(f["message"]) in text
    m = next(m for m in chosen["similar"] if m["passages"] and m["passages"][0]["b"])
    assert _flat(m["passages"][0]["a"]["match"])[:40] in text
    assert _flat(m["passages"][0]["b"]["match"])[:40] in text
