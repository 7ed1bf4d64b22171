"""Tests for kb.reference: bundled editions, schema validation, official-text import, diff, regions."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kb.attachments import read_official_file
from kb.reference import (
    GUIDE_COLUMNS,
    STATUSES,
    TASK_COLUMNS,
    Edition,
    ReferenceDataError,
    bundled_editions,
    diff_editions,
    get_edition,
    load_edition,
    load_industries,
    load_regions,
    match_industries,
    parse_official_text,
    resolve_region,
    write_edition,
)
from nlp.text import domain_terms, reference_terms, use_domain_terms
from nlp.types import ReferenceEntry

DATA = Path(__file__).parent / "data"
GUIDE_TXT = DATA / "official_guide_sample.txt"
TASKS_TXT = DATA / "official_tasks_sample.txt"
GUIDE_DOCX = DATA / "official_guide_sample.docx"


def zi(text: str) -> int:
    """Characters other than white space (a lower bound of the 字数 rule for Chinese prose)."""
    return len(re.sub(r"\s", "", text))


def make_guide_docx(path: Path) -> Path:
    """Build the sample official-layout guide as .docx (this made tests/data/official_guide_sample.docx).

    Paragraphs for 环节 headings and entries (one description continues in the next paragraph),
    then a table whose 环节 column is merged vertically, as official attachments often have.
    """
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    doc.add_paragraph("附件2")
    doc.add_paragraph("智能制造典型场景参考指引（测试样例，非官方原文）")
    doc.add_paragraph("（一）工厂设计")
    doc.add_paragraph("1. 工厂数字化设计。运用建筑信息模型和三维布局工具规划厂房与产线，")
    doc.add_paragraph("开展物流仿真，缩短建设周期。")
    doc.add_paragraph("2. 数字孪生工厂建设。构建虚实映射的三维孪生模型，开展仿真推演。")
    doc.add_paragraph("（二）计划调度")
    doc.add_paragraph("3.生产计划优化：依托高级计划与排程系统平衡产能，提高订单准时交付率。")
    doc.add_paragraph("4.车间智能排产：根据工单和物料齐套情况自动生成工序级作业计划。")
    doc.add_paragraph("（三）仓储配送")
    doc.add_paragraph("5. 智能仓储。建设自动化立体仓库，以仓储管理系统实现出入库自动化。")
    doc.add_paragraph("6. 精准配送。以自动导引车按节拍将物料配送到工位，减少线边库存。")
    doc.add_paragraph("（四）设备管理")
    table = doc.add_table(rows=3, cols=4)
    for cell, text in zip(table.rows[0].cells, ["序号", "环节", "场景名称", "场景描述"], strict=True):
        cell.text = text
    table.cell(1, 1).merge(table.cell(2, 1))
    table.cell(1, 1).text = "设备管理"
    rows = [
        ("7", "在线运行监测", "加装传感器和边缘网关，实时采集设备运行状态和稼动率。"),
        ("8", "设备故障诊断与预测", "基于振动和温度数据预测剩余寿命，减少非计划停机。"),
    ]
    for i, (no, name, desc) in enumerate(rows, start=1):
        table.cell(i, 0).text = no
        table.cell(i, 2).text = name
        table.cell(i, 3).text = desc
    doc.add_paragraph("（五）质量管控")
    doc.add_paragraph("9. 质量精准追溯。为产品赋予唯一追溯码，实现批次正向追溯和反向追溯。")
    doc.save(str(path))
    return path


# ------------------------------------------------------------------------------------------
# Bundled data
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def editions() -> dict[str, Edition]:
    return {e.key: e for e in bundled_editions()}


def test_all_bundled_editions_load(editions: dict[str, Edition]) -> None:
    assert set(editions) == {"guide_2021", "guide_2025", "tasks_2021"}
    g21, g25, t21 = editions["guide_2021"], editions["guide_2025"], editions["tasks_2021"]
    assert len(g21.entries) == 37 and len(g21.links()) == 15
    assert len(g25.entries) == 40 and len(g25.links()) == 8
    assert len(t21.entries) == 20
    assert t21.links() == ["原材料", "装备", "消费品", "电子信息"]
    assert [e.code for e in g21.entries] == [f"G21-{i:02d}" for i in range(1, 38)]
    assert [e.code for e in g25.entries] == [f"G25-{i:02d}" for i in range(1, 41)]
    assert [e.code for e in t21.entries] == [f"T21-{i:02d}" for i in range(1, 21)]
    for ed in editions.values():
        assert "重构版" in ed.title
        assert not ed.is_official
        assert all(e.status in STATUSES for e in ed.entries)


def test_bundled_names_and_status_follow_the_source(editions: dict[str, Edition]) -> None:
    g21 = editions["guide_2021"].by_code()
    assert (g21["G21-02"].name, g21["G21-02"].link, g21["G21-02"].status) == (
        "数字孪生工厂建设",
        "工厂设计",
        "attested",
    )
    assert g21["G21-37"].link_no == 15 and g21["G21-37"].name == "远程运维服务"
    assert editions["guide_2021"].status_counts() == {"attested": 9, "recalled": 28}
    assert editions["guide_2025"].status_counts() == {"attested": 8, "unverified": 32}
    t = editions["tasks_2021"].by_code()["T21-10"]
    assert (t.link, t.subsector, t.name) == ("装备", "电力装备", "电力装备智能制造示范工厂")


@pytest.mark.parametrize("key", ["guide_2021", "guide_2025", "tasks_2021"])
def test_every_entry_is_rich_enough(editions: dict[str, Edition], key: str) -> None:
    for e in editions[key].entries:
        assert zi(e.scope) >= 100, e.code
        assert zi(e.scope) <= 250, e.code
        assert 8 <= len(e.keywords) <= 15, e.code
        assert 4 <= len(e.synonyms) <= 8, e.code
        assert len(set(e.keywords)) == len(e.keywords), e.code
        assert e.name not in e.synonyms, e.code
        assert "官方原文" not in e.scope


def test_scenarios_are_distinct(editions: dict[str, Edition]) -> None:
    # No two scenarios of one guide may share most of their keywords (the classifier needs contrast).
    for key in ("guide_2021", "guide_2025"):
        entries = editions[key].entries
        for i, a in enumerate(entries):
            for b in entries[i + 1 :]:
                shared = set(a.keywords) & set(b.keywords)
                assert len(shared) <= 2, (a.code, b.code, shared)
                assert a.scope != b.scope


def test_tasks_refer_to_guide_and_industries(editions: dict[str, Edition]) -> None:
    guide_codes = set(editions["guide_2021"].by_code())
    industry_codes = {i.code for i in load_industries()}
    for t in editions["tasks_2021"].entries:
        assert 5 <= len(t.scenarios) and set(t.scenarios) <= guide_codes, t.code
        assert 4 <= len(t.indicators), t.code
        assert t.industry_codes and set(t.industry_codes) <= industry_codes, t.code
    steel = editions["tasks_2021"].by_code()["T21-02"]
    assert steel.industry_codes == ("31",)


def test_get_edition_prefers_official(tmp_path: Path) -> None:
    for name in ("scenario_guide_2021", "factory_tasks_2021"):
        shutil.copytree(Path(bundled_editions()[0].folder).parent / name, tmp_path / name)
    assert not get_edition("guide", "2021", tmp_path).is_official
    official = parse_official_text(GUIDE_TXT.read_text(encoding="utf-8"), "guide", "2021")
    write_edition(tmp_path / "scenario_guide_2021_official", "2021", official)
    chosen = get_edition("scenario", "2021", tmp_path)
    assert chosen.is_official and len(chosen.entries) == 9
    with pytest.raises(ReferenceDataError, match="2030"):
        get_edition("guide", "2030", tmp_path)


# ------------------------------------------------------------------------------------------
# Schema validation
# ------------------------------------------------------------------------------------------

GOOD_TOML = 'edition = "2021"\nkind = "guide"\ntitle = "测试"\nstatus = "test"\nsource = "tests"\n'


def write_guide(folder: Path, rows: list[str], header: str = ",".join(GUIDE_COLUMNS)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "edition.toml").write_text(GOOD_TOML, encoding="utf-8")
    (folder / "entries.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return folder


ROW1 = "G21-01,1,工厂设计,1,工厂数字化设计,recalled,范围,a|b,c|d"
ROW2 = "G21-02,1,工厂设计,2,数字孪生工厂建设,attested,范围,a|b,c|d"


def test_valid_minimal_guide_loads(tmp_path: Path) -> None:
    ed = load_edition(write_guide(tmp_path / "g", [ROW1, ROW2]))
    assert [e.code for e in ed.entries] == ["G21-01", "G21-02"]
    assert ed.entries[0].keywords == ("a", "b") and ed.entries[1].link_no == 1
    assert ed.entries[0].kind == "scenario" and ed.entries[0].edition == "2021"


@pytest.mark.parametrize(
    ("rows", "row", "field", "hint"),
    [
        ([ROW1, ROW2.replace("数字孪生工厂建设", "")], 3, "name", "不能为空"),
        ([ROW1, ROW2.replace("G21-02", "")], 3, "code", "不能为空"),
        ([ROW1, ROW2.replace("G21-02", "G21-01")], 3, "code", "第 2 行重复"),
        ([ROW1, ROW2.replace("attested", "guessed")], 3, "status", "attested"),
        ([ROW1.replace(",1,工厂数字化设计", ",一,工厂数字化设计")], 2, "no", "整数"),
        ([ROW1, ROW2.replace("G21-02,1,", "G21-02,x,")], 3, "link_no", "整数"),
    ],
)
def test_schema_errors_name_file_row_field(
    tmp_path: Path, rows: list[str], row: int, field: str, hint: str
) -> None:
    folder = write_guide(tmp_path / "bad", rows)
    with pytest.raises(ReferenceDataError) as info:
        load_edition(folder)
    err = info.value
    assert err.path == folder / "entries.csv"
    assert (err.row, err.field) == (row, field)
    msg = str(err)
    assert "entries.csv" in msg and f"第 {row} 行" in msg and field in msg and hint in msg


def test_missing_column_is_reported(tmp_path: Path) -> None:
    header = ",".join(c for c in GUIDE_COLUMNS if c != "status")
    folder = write_guide(tmp_path / "bad", ["G21-01,1,工厂设计,1,名称,范围,a,b"], header=header)
    with pytest.raises(ReferenceDataError, match="缺少列 status") as info:
        load_edition(folder)
    assert (info.value.row, info.value.field) == (1, "status")


def test_bad_edition_toml_is_reported(tmp_path: Path) -> None:
    folder = write_guide(tmp_path / "bad", [ROW1])
    (folder / "edition.toml").write_text(GOOD_TOML.replace('"guide"', '"catalogue"'), "utf-8")
    with pytest.raises(ReferenceDataError, match="guide") as info:
        load_edition(folder)
    assert info.value.field == "kind" and info.value.path == folder / "edition.toml"
    (folder / "edition.toml").write_text('edition = "2021"\nkind = "guide"\n', "utf-8")
    with pytest.raises(ReferenceDataError, match="title"):
        load_edition(folder)
    (folder / "edition.toml").unlink()
    with pytest.raises(ReferenceDataError, match="edition.toml"):
        load_edition(folder)


def test_task_industry_codes_are_checked(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "edition.toml").write_text(GOOD_TOML.replace('"guide"', '"tasks"'), "utf-8")
    row = "T21-01,原材料,钢铁,1,钢铁智能制造示范工厂,reconstructed,范围,G21-01|G21-99,生产效率,k,s,31|07"
    (folder / "entries.csv").write_text(",".join(TASK_COLUMNS) + "\n" + row + "\n", "utf-8")
    with pytest.raises(ReferenceDataError, match="13–43") as info:
        load_edition(folder)
    assert (info.value.row, info.value.field) == (2, "industry_codes")
    # scenarios pointing to a code the guide lacks (G21-99) are not this loader's business
    (folder / "entries.csv").write_text(
        ",".join(TASK_COLUMNS) + "\n" + row.replace("31|07", "31") + "\n", "utf-8"
    )
    task = load_edition(folder).entries[0]
    assert task.kind == "task" and task.scenarios == ("G21-01", "G21-99") and task.link == "原材料"


# ------------------------------------------------------------------------------------------
# Official text import
# ------------------------------------------------------------------------------------------


@pytest.fixture()
def editions_2021_dictionary():
    """The segmentation dictionary as a knowledge base with the 2021 guide and task list in use has it."""
    before = domain_terms()
    use_domain_terms(
        reference_terms(e for ed in bundled_editions() if ed.edition == "2021" for e in ed.entries)
    )
    yield
    use_domain_terms(before)


@pytest.mark.usefixtures("editions_2021_dictionary")
def test_parse_guide_sample_txt() -> None:
    entries = parse_official_text(read_official_file(GUIDE_TXT), "guide", "2021")
    assert [(e.code, e.link_no, e.link, e.no, e.name) for e in entries] == [
        ("G21-01", 1, "工厂设计", 1, "工厂数字化设计"),
        ("G21-02", 1, "工厂设计", 2, "数字孪生工厂建设"),
        ("G21-03", 2, "产品研发", 3, "产品数字化研发与设计"),
        ("G21-04", 2, "产品研发", 4, "虚拟试验与调试"),
        ("G21-05", 3, "生产作业", 5, "先进过程控制"),
        ("G21-06", 3, "生产作业", 6, "人机协同制造"),
        ("G21-07", 3, "生产作业", 7, "智能在线检测"),
        ("G21-08", 4, "质量管控", 8, "质量精准追溯"),
        ("G21-09", 4, "质量管控", 9, "产品质量优化"),
    ]
    first, control = entries[0], entries[4]
    # a description continued over three lines is joined without the line breaks
    assert first.scope.startswith("在新建或改造工厂时") and first.scope.endswith("减少设计变更。")
    assert "\n" not in first.scope and "建筑信息模型对厂房" in first.scope
    # "3.5万吨" at the start of a line and the page number line are description / noise, not entries
    assert "3.5万吨以上" in control.scope and "— 2 —" not in control.scope
    assert entries[2].scope.startswith("运用CAD、CAE和PLM")  # 3.name：description form
    assert all(e.status == "official" and e.kind == "scenario" for e in entries)
    assert all(len(e.keywords) >= 3 for e in entries)
    assert "虚实映射" in entries[1].keywords and "卡边控制" in control.keywords


def test_parse_tasks_sample_txt() -> None:
    entries = parse_official_text(read_official_file(TASKS_TXT), "tasks", "2021")
    assert [(e.code, e.link, e.subsector, e.name) for e in entries] == [
        ("T21-01", "原材料", "石化化工", "石化化工智能制造示范工厂"),
        ("T21-02", "原材料", "钢铁", "钢铁智能制造示范工厂"),
        ("T21-03", "装备", "汽车", "汽车智能制造示范工厂"),
        ("T21-04", "消费品", "医药", "医药智能制造示范工厂"),
        ("T21-05", "电子信息", "新型显示器件", "新型显示器件智能制造示范工厂"),
    ]
    assert entries[0].indicators == ("生产效率", "运营成本", "单位产值能耗")
    assert entries[3].indicators == ("运营成本", "不良品率")  # not also 良品率
    assert entries[1].industry_codes == ("31",) and entries[2].industry_codes == ("36",)
    assert entries[0].scope.endswith("降低运营成本和单位产值能耗。")


def test_parse_sample_docx_with_table() -> None:
    text = read_official_file(GUIDE_DOCX)
    assert "序号\t环节\t场景名称\t场景描述" in text
    entries = parse_official_text(text, "guide", "2021")
    assert [(e.no, e.link, e.name) for e in entries] == [
        (1, "工厂设计", "工厂数字化设计"),
        (2, "工厂设计", "数字孪生工厂建设"),
        (3, "计划调度", "生产计划优化"),
        (4, "计划调度", "车间智能排产"),
        (5, "仓储配送", "智能仓储"),
        (6, "仓储配送", "精准配送"),
        (7, "设备管理", "在线运行监测"),
        (8, "设备管理", "设备故障诊断与预测"),
        (9, "质量管控", "质量精准追溯"),
    ]
    assert [e.link_no for e in entries] == [1, 1, 2, 2, 3, 3, 4, 4, 5]
    assert entries[0].scope.endswith("开展物流仿真，缩短建设周期。")
    assert entries[7].scope == "基于振动和温度数据预测剩余寿命，减少非计划停机。"


def test_fresh_docx_matches_committed_sample(tmp_path: Path) -> None:
    fresh = make_guide_docx(tmp_path / "guide.docx")
    assert read_official_file(fresh) == read_official_file(GUIDE_DOCX)


def test_numbering_restarting_per_section_and_paren_headings() -> None:
    text = (
        "一、总体说明\n本附件列出若干场景。\n"
        "（一）工厂设计\n（1）工厂数字化设计：规划厂房布局。\n（2）数字孪生工厂建设：虚实映射。\n"
        "（二）产品研发\n（1）【产品数字化研发与设计】开展参数化设计，\n建立零部件库。\n"
    )
    entries = parse_official_text(text, "guide", "2025")
    assert [(e.code, e.no, e.link_no, e.link, e.name) for e in entries] == [
        ("G25-01", 1, 1, "工厂设计", "工厂数字化设计"),
        ("G25-02", 2, 1, "工厂设计", "数字孪生工厂建设"),
        ("G25-03", 3, 2, "产品研发", "产品数字化研发与设计"),
    ]
    assert entries[2].scope == "开展参数化设计，建立零部件库。"


def test_sub_lists_full_width_digits_and_nested_headings() -> None:
    text = (
        "二、典型场景\n"
        "（一）工厂设计环节\n"
        "１．工厂数字化设计。主要包括：\n"
        "（1）三维布局；\n"
        "（2）物流仿真。\n"
        "２．数字孪生工厂建设：构建孪生模型。\n"
        "（二）生产作业环节\n"
        "3、先进过程控制。部署模型预测控制。\n"
    )
    entries = parse_official_text(text, "scenario", "2021")
    assert [(e.no, e.link, e.name) for e in entries] == [
        (1, "工厂设计环节", "工厂数字化设计"),
        (2, "工厂设计环节", "数字孪生工厂建设"),
        (3, "生产作业环节", "先进过程控制"),
    ]
    assert entries[0].scope == "主要包括：（1）三维布局；（2）物流仿真。"


def test_task_sub_sector_headings() -> None:
    text = (
        "一、装备\n（一）电力装备\n1. 低压电器智能制造示范工厂。元件自动装配与检测。\n"
        "2. 干式变压器智能制造示范工厂。线圈绕制与出厂试验。\n"
        "二、电子信息\n3. 高端显示器件智能制造示范工厂。阵列与成盒工序，提升产品良率。\n"
    )
    entries = parse_official_text(text, "task", "2022")
    assert [(e.code, e.link, e.subsector) for e in entries] == [
        ("T22-01", "装备", "电力装备"),
        ("T22-02", "装备", "电力装备"),
        ("T22-03", "电子信息", "高端显示器件"),
    ]
    assert entries[0].kind == "task" and "38" in entries[0].industry_codes
    assert entries[2].indicators == ("产品良率",)


def test_parse_rejects_text_without_entries() -> None:
    with pytest.raises(ReferenceDataError, match="官方版式"):
        parse_official_text("一、工厂设计\n这里没有编号条目。", "guide", "2021")
    with pytest.raises(ReferenceDataError, match="未知类型"):
        parse_official_text("1. 名称。描述", "catalogue", "2021")


def test_read_gb18030_and_utf8_text(tmp_path: Path) -> None:
    text = GUIDE_TXT.read_text(encoding="utf-8")
    gbk = tmp_path / "guide_gbk.txt"
    gbk.write_bytes(text.encode("gb18030"))
    assert read_official_file(gbk) == text
    crlf = tmp_path / "guide_crlf.txt"
    crlf.write_bytes(text.replace("\n", "\r\n").encode("utf-8-sig"))
    assert read_official_file(crlf) == text


def test_read_pdf_without_text_layer_and_unknown_types(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    blank = tmp_path / "scan.pdf"
    with blank.open("wb") as f:
        writer.write(f)
    with pytest.raises(ReferenceDataError, match="没有文字层"):
        read_official_file(blank)
    old = tmp_path / "guide.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ReferenceDataError, match=".docx"):
        read_official_file(old)
    with pytest.raises(ReferenceDataError, match="不存在"):
        read_official_file(tmp_path / "missing.txt")


def test_read_pdf_with_text_layer(tmp_path: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "1. Factory design. Plan the plant layout.")
    path = tmp_path / "text.pdf"
    pdf.output(str(path))
    assert "Factory design" in read_official_file(path)


# ------------------------------------------------------------------------------------------
# Diff and write-back
# ------------------------------------------------------------------------------------------


def entry(no: int, name: str, link: str = "工厂设计", scope: str = "") -> ReferenceEntry:
    return ReferenceEntry(
        edition="2021",
        kind="scenario",
        code=f"G21-{no:02d}",
        name=name,
        link=link,
        status="official",
        scope=scope,
        no=no,
    )


def test_diff_reports_added_removed_renamed_moved_changed() -> None:
    old = [
        entry(1, "工厂数字化设计", scope="旧描述"),
        entry(2, "数字孪生工厂建设"),
        entry(3, "虚拟试验与调试", "产品研发"),
        entry(4, "共享制造", "模式创新"),
    ]
    new = [
        entry(1, "工厂数字化设计", scope="新描述"),
        entry(2, "数字孪生工厂构建"),
        entry(5, "虚拟试验与调试", "试验验证"),
        entry(6, "数字基础设施建设"),
    ]
    d = diff_editions(old, new)
    assert [e.name for e in d.added] == ["数字基础设施建设"]
    assert [e.name for e in d.removed] == ["共享制造"]
    assert [(o.name, n.name) for o, n in d.renamed] == [("数字孪生工厂建设", "数字孪生工厂构建")]
    assert [(o.no, n.no, n.link) for o, n in d.moved] == [(3, 5, "试验验证")]
    assert [n.name for _, n in d.changed] == ["工厂数字化设计"]
    assert d.unchanged == 0 and not d.is_empty
    s = d.summary()
    assert s.splitlines()[0].startswith("新增 1 项，删除 1 项，更名 1 项")
    assert "更名：2. 数字孪生工厂建设 → 数字孪生工厂构建" in s
    assert "删除：4. 共享制造" in s
    assert d.to_dict()["added"][0]["name"] == "数字基础设施建设"
    same = diff_editions(old, list(old))
    assert same.is_empty and same.unchanged == 4


def test_diff_reconstruction_against_imported_sample(editions: dict[str, Edition]) -> None:
    official = parse_official_text(read_official_file(GUIDE_TXT), "guide", "2021")
    d = diff_editions(editions["guide_2021"].entries, official)
    # the sample renumbers scenarios of the reconstruction and leaves most of them out
    assert len(d.removed) + len(d.renamed) + len(d.moved) + d.unchanged > 0
    assert {n.name for _, n in d.moved} >= {"先进过程控制", "质量精准追溯"}
    assert len(d.removed) >= 28


def test_write_edition_round_trip(tmp_path: Path) -> None:
    official = parse_official_text(read_official_file(TASKS_TXT), "tasks", "2021")
    folder = tmp_path / "factory_tasks_2021_official"
    ed = write_edition(folder, "2021", official, source="official_tasks_sample.txt")
    assert (folder / "entries.csv").is_file() and (folder / "README.md").is_file()
    assert ed.kind == "tasks" and ed.status == "official" and ed.is_official
    assert ed.entries == official
    assert ed.title == "智能制造示范工厂揭榜任务（2021年）"
    assert diff_editions(official, ed.entries).is_empty
    with pytest.raises(ReferenceDataError, match="没有可写入"):
        write_edition(tmp_path / "empty", "2021", [])


def test_bundled_editions_survive_write_round_trip(tmp_path: Path, editions: dict[str, Edition]) -> None:
    for key, ed in editions.items():
        back = write_edition(
            tmp_path / key, ed.edition, ed.entries, ed.status, title=ed.title, source=ed.source
        )
        assert back.entries == ed.entries and back.title == ed.title


# ------------------------------------------------------------------------------------------
# Regions and industries
# ------------------------------------------------------------------------------------------


def test_regions_cover_the_programme() -> None:
    regions = load_regions()
    by_type: dict[str, list[str]] = {}
    for r in regions:
        by_type.setdefault(r.region_type, []).append(r.name)
    assert len(by_type["省级"]) == 31
    assert sorted(by_type["计划单列市"]) == sorted(["大连市", "青岛市", "宁波市", "厦门市", "深圳市"])
    assert by_type["兵团"] == ["新疆生产建设兵团"]
    assert len({r.name for r in regions}) == len(regions)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("广东", "广东省"),
        ("广东省", "广东省"),
        ("深圳市", "深圳市"),
        ("深圳", "深圳市"),
        (" 广 东 ", "广东省"),
        ("内蒙古", "内蒙古自治区"),
        ("广西省", "广西壮族自治区"),
        ("新疆", "新疆维吾尔自治区"),
        ("新疆兵团", "新疆生产建设兵团"),
        ("新疆生产建设兵团第八师", "新疆生产建设兵团"),
        ("广东省深圳市", "深圳市"),
        ("浙江省宁波市", "宁波市"),
        ("北京", "北京市"),
    ],
)
def test_resolve_region_aliases(text: str, name: str) -> None:
    region = resolve_region(text)
    assert region is not None and region.name == name


def test_resolve_region_unknown() -> None:
    assert resolve_region("中央企业") is None
    assert resolve_region("") is None
    assert resolve_region("火星") is None
    assert resolve_region("青岛").parent == "山东省"


def test_industries() -> None:
    industries = load_industries()
    assert [int(i.code) for i in industries] == list(range(13, 44))
    assert all(i.keywords for i in industries)
    assert match_industries("钢铁") == ["31"]
    assert "39" in match_industries("新型显示器件")
    assert match_industries("火星旅游") == []
