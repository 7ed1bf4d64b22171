"""Recommendation-list checks (kb.quota): one list per rule that breaks it, one that breaks none, and the KB lookups."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from kb.quota import (
    QUOTA_LIMITS,
    KBCatalog,
    KBRecord,
    QuotaListError,
    check_list,
    norm_key,
    read_list,
)

DATA = Path(__file__).resolve().parent / "data"


def _check(name: str, **kw):
    path = DATA / name
    return check_list(read_list(path.read_bytes(), path.name, **kw), source=name)


def _issues(report, code: str):
    return [i for i in report.issues if i.code == code]


# ----------------------------------------------------------------------------------------------- one file per rule
@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("quota_ok.csv", set()),
        ("quota_over_province.csv", {"QTA001"}),
        ("quota_over_city_corps.xlsx", {"QTA001"}),
        ("quota_over_central.xlsx", {"QTA001"}),
        ("quota_priority.csv", {"QTA002", "QTA003", "QTA004"}),
        ("quota_duplicates.csv", {"QTA005", "QTA006", "QTA007"}),
        ("quota_bad_rows.csv", {"QTA008"}),
    ],
)
def test_each_list_breaks_exactly_its_rules(name: str, codes: set[str]) -> None:
    report = _check(name)
    assert report.codes() == codes
    assert report.ok == (not any(i.severity == "error" for i in report.issues))
    assert report.ok is (name == "quota_ok.csv")


def test_list_that_breaks_nothing_reports_counts_within_limits() -> None:
    report = _check("quota_ok.csv")
    assert report.ok and not report.issues
    counts = {(c.unit, c.kind): (c.count, c.limit) for c in report.counts}
    assert counts[("浙江省经济和信息化厅", "scenario")] == (3, 20)
    assert counts[("浙江省经济和信息化厅", "factory")] == (2, 10)
    assert counts[("中国中瀚重工集团有限公司", "scenario")] == (2, 6)
    assert "未发现违反规则的情况" in report.to_text()


def test_province_over_quota_names_all_rows_and_limit() -> None:
    report = _check("quota_over_province.csv")
    (issue,) = _issues(report, "QTA001")
    assert issue.severity == "error"
    assert "21 项" in issue.message and "上限 20 项" in issue.message
    assert issue.rows == list(range(2, 23))  # header is row 1


def test_city_and_corps_limits_with_region_type_inferred_and_title_row() -> None:
    report = _check("quota_over_city_corps.xlsx")
    items = report.items
    assert items[0].row == 3  # title row, then the header
    assert {it.region_type for it in items} == {"计划单列市", "兵团"}
    over = {(c.unit_type, c.kind): (c.count, c.limit) for c in report.counts if c.over}
    assert over == {("计划单列市", "scenario"): (11, 10), ("兵团", "factory"): (6, 5)}


def test_central_enterprise_rows_count_apart_from_the_local_quota() -> None:
    report = _check("quota_over_central.xlsx")
    counts = {(c.unit, c.unit_type, c.kind): (c.count, c.over) for c in report.counts}
    # 20 local rows + 3 central-enterprise rows filed by the province: the province is at its limit, not over
    assert counts[("浙江省经济和信息化厅", "省级", "scenario")] == (20, False)
    # the 3 filed through the province and the 4 filed by the enterprise itself count together
    assert counts[("中国中瀚重工集团有限公司", "中央企业", "scenario")] == (7, True)
    assert counts[("中国中瀚重工集团有限公司", "中央企业", "factory")] == (4, True)
    assert QUOTA_LIMITS["中央企业"] == {"scenario": 6, "factory": 3}
    assert all("不占属地指标" in i.message for i in _issues(report, "QTA001"))


def test_priority_order_repeat_gap_and_non_number() -> None:
    report = _check("quota_priority.csv")
    (repeat,) = _issues(report, "QTA004")
    assert repeat.rows == [3, 4] and "2 重复" in repeat.message
    (bad,) = _issues(report, "QTA002")
    assert bad.rows == [6] and "第五" in bad.message
    gaps = {i.message for i in _issues(report, "QTA003")}
    assert any("优秀场景名单共 5 项" in m and "缺少 3、5" in m for m in gaps)
    assert any("示范工厂名单共 2 项" in m and "缺少 2" in m and "多出 3" in m for m in gaps)


def test_repeated_applicants_after_normalisation() -> None:
    report = _check("quota_duplicates.csv")
    (twice,) = _issues(report, "QTA005")
    assert twice.rows == [2, 3]  # the second spelling has a trailing space
    (two_recs,) = _issues(report, "QTA006")
    assert two_recs.rows == [4, 5] and "宁波市经济和信息化局" in two_recs.message
    (both_kinds,) = _issues(report, "QTA007")
    assert both_kinds.severity == "warning" and both_kinds.rows == [6, 7]  # （股份） vs 股份


def test_bad_rows_are_reported_not_fatal() -> None:
    report = _check("quota_bad_rows.csv")
    msgs = {i.rows[0]: i.message for i in _issues(report, "QTA008")}
    assert "未填写申报单位" in msgs[2]
    assert "先行区" in msgs[3]
    assert "地级市" in msgs[4]


# ----------------------------------------------------------------------------------------------- reading
def test_norm_key_folds_width_spaces_and_brackets() -> None:
    assert (
        norm_key(" 宁波某某（集团）有限公司 ") == norm_key("宁波某某(集团)有限公司") == "宁波某某集团有限公司"
    )
    assert norm_key("ＡＢＣ 科技") == "abc科技"
    assert norm_key(None) == ""


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_list_without_kind_column_uses_default_kind_and_prefers_推荐顺序_over_序号() -> None:
    data = _xlsx(
        [
            ["序号", "推荐顺序", "申报单位", "项目名称", "推荐单位"],
            [1, 2, "甲公司", "甲工厂", "浙江省经济和信息化厅"],
            [2, 1, "乙公司", "乙工厂", "浙江省经济和信息化厅"],
        ]
    )
    items = read_list(data, "附件7.xlsx", default_kind="示范工厂")
    assert [(it.priority, it.kind, it.region_type) for it in items] == [
        (2, "factory", "省级"),
        (1, "factory", "省级"),
    ]
    assert check_list(items).ok
    missing_kind = read_list(data, "附件7.xlsx")
    assert all("未填写类型" in " ".join(it.problems) for it in missing_kind)


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"a,b\n1,2\n", "list.txt", "不支持"),
        (b"\xef\xbb\xbf\xe6\xa0\x87\xe9\xa2\x98,x\n1,2\n", "list.csv", "找不到表头"),
        (b"not a zip", "list.xlsx", "不是有效的 .xlsx"),
        ("推荐顺序,申报单位,项目名称,推荐单位\n".encode(), "list.csv", "没有名单行"),
    ],
)
def test_unreadable_lists_raise_one_clear_error(data: bytes, name: str, words: str) -> None:
    with pytest.raises(QuotaListError) as exc:
        read_list(data, name)
    assert words in str(exc.value) and str(exc.value).startswith("[KB051]")


def test_gbk_csv_is_read() -> None:
    text = "推荐顺序,申报单位,项目名称,类型,推荐单位\n1,甲公司,甲场景,优秀场景,宁波市经济和信息化局\n"
    (item,) = read_list(text.encode("gbk"), "附件6.csv")
    assert (item.applicant, item.region_type) == ("甲公司", "计划单列市")


# ----------------------------------------------------------------------------------------------- catalog rules (pure)
def test_catalog_rules_on_records() -> None:
    items = read_list((DATA / "quota_kb.csv").read_bytes(), "quota_kb.csv")
    catalog = KBCatalog(
        [
            KBRecord(
                1,
                "浙江云岫精密机械有限公司",
                "基于机器视觉的在线质量检测",
                "scenario",
                "浙江省经济和信息化厅",
            ),
            KBRecord(2, "浙江云岫精密机械有限公司", "智能仓储与精准配送", "scenario"),
            KBRecord(3, "杭州澜汀新材料股份有限公司", "超长的场景描述", "scenario", error_codes=("LEN001",)),
            KBRecord(4, "温州栖梧电器有限公司", "电器智能制造示范工厂", "factory", year=2018),
            KBRecord(
                9, "温州栖梧电器有限公司", "电器智能制造示范工厂", "scenario", "温州市经济和信息化局", 2019
            ),
        ]
    )
    report = check_list(items, catalog)
    by_code = {i.code: i for i in report.issues}
    assert set(by_code) == {"QTA010", "QTA011", "QTA012", "QTA013"}
    assert by_code["QTA010"].rows == [4] and "找不到" in by_code["QTA010"].message
    assert by_code["QTA011"].rows == [3] and by_code["QTA011"].severity == "warning"
    assert by_code["QTA012"].rows == [5] and "LEN001" in by_code["QTA012"].message
    assert by_code["QTA013"].rows == [6] and "类型为优秀场景" in by_code["QTA013"].message
    assert "推荐单位为温州市经济和信息化局" in by_code["QTA013"].message
    assert report.matches[2] == {"id": 1, "how": "exact"}
    assert report.matches[6]["id"] == 9  # the latest year wins among equal records
    d = report.to_dict()
    assert json.loads(json.dumps(d, ensure_ascii=False))["n_errors"] == 2
    assert d["kb_checked"] is True


# ----------------------------------------------------------------------------------------------- through the service and CLI
LONG = "企业部署MES系统并采集设备数据，实现生产过程透明化管理。" * 120  # > 3000 字: LEN001 error


@pytest.fixture(scope="module")
def quota_kb(tmp_path_factory: pytest.TempPathFactory):
    from kb.service import open_kb

    path = tmp_path_factory.mktemp("quota") / "kb.sqlite"
    k = open_kb(str(path))
    k.init()
    short = "一、企业概况\n某公司生产精密零件。\n二、实施成效\n不良品率由2.1%降至0.8%，生产效率提升30%。"
    common = {"region": "浙江省", "recommender": "浙江省经济和信息化厅", "year": 2021}
    k.store.add_text(
        short, {**common, "title": "基于机器视觉的在线质量检测", "applicant": "浙江云岫精密机械有限公司"}
    )
    k.store.add_text(
        short + "仓储。", {**common, "title": "智能仓储与精准配送", "applicant": "浙江云岫精密机械有限公司"}
    )
    k.store.add_text(LONG, {**common, "title": "超长的场景描述", "applicant": "杭州澜汀新材料股份有限公司"})
    k.store.add_text(
        short + "工厂。",
        {**common, "title": "电器智能制造示范工厂", "applicant": "温州栖梧电器有限公司", "kind": "示范工厂"},
    )
    yield k, path
    k.storage.close()


def test_quota_check_against_the_knowledge_base(quota_kb) -> None:
    k, _ = quota_kb
    report = k.reports.quota_check(DATA / "quota_kb.csv")
    assert report.kb_checked
    assert {i.code for i in report.issues} == {"QTA010", "QTA011", "QTA012"}
    (failed,) = [i for i in report.issues if i.code == "QTA012"]
    assert "LEN001" in failed.message
    # issues cite the notice clauses
    assert report.clauses["online_consistent"]["quote"] == "verbatim"
    assert failed.clause == "materials" and "3000字以内" in report.clauses["materials"]["text"]
    # the same list as uploaded bytes
    again = k.reports.quota_check((DATA / "quota_kb.csv").read_bytes(), "quota_kb.csv")
    assert again.to_dict()["issues"] == report.to_dict()["issues"]
    ok = k.reports.quota_check(DATA / "quota_ok.csv", with_kb=False)
    assert ok.ok and not ok.kb_checked


def test_quota_cli_text_and_json(quota_kb) -> None:
    from click.testing import CliRunner

    from kb.cli import cli

    _, path = quota_kb
    runner = CliRunner()
    res = runner.invoke(cli, ["--db", str(path), "quota", str(DATA / "quota_over_province.csv"), "--no-kb"])
    assert res.exit_code == 0, res.output
    assert "超出" in res.output and "[QTA001]" in res.output and "依据：" in res.output
    res = runner.invoke(cli, ["--db", str(path), "quota", str(DATA / "quota_kb.csv"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert {i["code"] for i in data["issues"]} == {"QTA010", "QTA011", "QTA012"}
    res = runner.invoke(cli, ["--db", str(path), "quota", str(DATA / "quota_ok.csv"), "--no-kb"])
    assert "未发现违反规则的情况" in res.output
    bad = path.parent / "list.txt"
    bad.write_text("x", encoding="utf-8")
    res = runner.invoke(cli, ["--db", str(path), "quota", str(bad)])
    assert res.exit_code == 1 and "KB051" in res.output
