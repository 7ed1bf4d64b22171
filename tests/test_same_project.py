"""Same project, different words, in a real SQLite knowledge base: two texts about one project of one applicant with
no shared passage get SIM002 in `check`; 30 hand-made near misses (same industry and scenario, different firms and
projects, tests/data/near_miss_pairs.json) get neither SIM001 nor SIM002."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from kb.models import Metadata
from kb.service.sim_findings import similarity_review

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app_streamlit.py")
PW = "secret-pw"
NEAR_MISS = json.loads((Path(__file__).parent / "data" / "near_miss_pairs.json").read_text(encoding="utf-8"))

# One fictitious applicant's one project, told twice in different words: an application form and a later progress
# report. They share the applicant, the line's name and its figures, never a sentence.
FORM = (
    "一、申报单位\n示例恒远轴承有限公司，主要生产汽车轮毂轴承。\n"
    "二、项目概况\n项目名称为“套圈智能磨削示范线”。原有磨削工序依靠人工上下料和离线抽检，尺寸一致性差。\n"
    "三、建设内容\n新建磨削线配置桁架机械手十六台、在线主动测量仪二十四套，砂轮修整参数由系统按批次下发，"
    "测量结果实时反馈补偿磨削进给。\n"
    "四、实施成效\n套圈尺寸分散度缩小42%，单线用工由38人减至11人，年新增产能180万套，项目总投资1.35亿元。"
)
REPORT = (
    "示例恒远轴承有限公司近日通报了“套圈智能磨削示范线”的运行情况。这条线投用一年来，"
    "上下料全部交给机械手完成，每个套圈磨完即由主动量仪测量，数据回传后自动修正下一件的进给量。"
    "公司介绍，线上操作人员已经从38人缩减到11人，尺寸波动较过去收窄42%，"
    "每年可多出产品180万套。整条线共投入资金1.35亿元，下一步计划把经验复制到滚子车间。"
)


def _add_near_misses(kb) -> list[tuple[int, int]]:
    ids = []
    for p in NEAR_MISS["pairs"]:
        a = kb.store.add_text(p["a"]["text"], Metadata(title=p["scenario"], applicant=p["a"]["applicant"]))
        b = kb.store.add_text(p["b"]["text"], Metadata(title=p["scenario"], applicant=p["b"]["applicant"]))
        ids.append((a, b))
    return ids


def test_near_miss_fixture_is_30_pairs_of_different_fictitious_firms():
    pairs = NEAR_MISS["pairs"]
    assert len(pairs) == 30
    for p in pairs:
        assert p["a"]["applicant"] != p["b"]["applicant"]
        assert p["a"]["applicant"].startswith("示例") and p["b"]["applicant"].startswith("示例")
        assert p["a"]["applicant"] in p["a"]["text"] and p["b"]["applicant"] in p["b"]["text"]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory):
    """A real SQLite knowledge base with the 60 near-miss texts and the same-project pair, swept once; the app's own
    ``get_kb`` opens it, so the workbench pages read the same store and stored sweep."""
    from app_pages.resources import get_kb

    d = tmp_path_factory.mktemp("same_project")
    old = os.environ.get("SCENARIO_KB_DB")
    os.environ["SCENARIO_KB_DB"] = str(d / "kb.sqlite")
    get_kb.clear()
    kb = get_kb()
    kb.init()
    pairs = _add_near_misses(kb)
    form = kb.store.add_text(FORM, Metadata(title="套圈智能磨削示范线", applicant="示例恒远轴承有限公司"))
    report = kb.store.add_text(REPORT, Metadata(title="磨削线运行一年", applicant="示例恒远轴承有限公司"))
    rep = kb.similarity.dupes()  # the stored sweep, with its same-project links, is what SIM002 reads
    kb.accounts.add_user("reviewer", PW, "reviewer")
    yield kb, pairs, form, report, rep
    get_kb.clear()
    if old is None:
        os.environ.pop("SCENARIO_KB_DB", None)
    else:
        os.environ["SCENARIO_KB_DB"] = old


def test_same_project_without_shared_passage_gets_sim002(loaded):
    from click.testing import CliRunner

    from kb.cli import cli

    kb, _, form, report, rep = loaded
    # no shared passage: the pair is not a copy, only the same-project judgment can link it
    al = kb.similarity.pair(form, report)
    assert al["level"] not in ("identical", "minor_edits", "paraphrase")
    link = [p for p in rep["pairs"] if {p["a"], p["b"]} == {form, report}]
    assert link and link[0]["level"] == "same_project"
    ev = link[0]["evidence"]
    assert ev["applicant"] == "same" and "1.35亿元" in ev["figures"]
    res = CliRunner().invoke(cli, ["--db", os.environ["SCENARIO_KB_DB"], "check", str(report), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    sim2 = [f for f in out["findings"] if f["code"] == "SIM002"]
    assert sim2 and sim2[0]["severity"] == "warning" and sim2[0]["detail"]["other"] == form
    assert "1.35亿元" in sim2[0]["message"]


def test_thirty_near_miss_pairs_get_no_sim001_or_sim002(loaded):
    kb, pairs, _, _, rep = loaded
    near = {x for p in pairs for x in p}
    linked = [p for p in rep["pairs"] if p["a"] in near and p["b"] in near]
    assert linked == []
    for a, b in pairs:
        for sid in (a, b):
            codes = [f["code"] for f in similarity_review(kb, sid)["findings"]]
            assert "SIM001" not in codes and "SIM002" not in codes, (sid, codes)


def test_inbox_row_carries_the_similarity_codes_and_same_project_links(loaded):
    kb, pairs, form, report, _ = loaded
    rows = {r["id"]: r for r in kb.reviews.inbox({}, page_size=1000)["rows"]}
    assert rows[report]["sim_codes"] == ["SIM002"] and rows[report]["same_project"] == [form]
    assert rows[form]["same_project"] == [report]
    # a same-project link shares no text: it is not the row's highest similarity
    assert rows[report]["similarity"] is None
    assert all(not rows[x]["sim_codes"] and not rows[x]["same_project"] for p in pairs for x in p)
    flagged = {r["id"] for r in kb.reviews.inbox({}, flagged_only=True, page_size=1000)["rows"]}
    assert {form, report} <= flagged


def test_dossier_pdf_reads_back_with_the_similarity_block(loaded):
    import pypdf

    kb, pairs, form, report, _ = loaded
    pdf = kb.reports.dossier_pdf(report)
    text = "".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert "总文字复制比" in text and "单篇最大文字复制比" in text
    assert "SIM002" in text and f"#{form}" in text and "同一项目" in text
    quiet = kb.reports.dossier_pdf(pairs[0][0])
    qtext = "".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(quiet)).pages)
    assert "SIM002" not in qtext and "SIM001" not in qtext


def test_detail_page_shows_the_similarity_report_and_same_project(loaded):
    from streamlit.testing.v1 import AppTest

    kb, pairs, form, report, _ = loaded
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["kb_session"] = kb.accounts.login("reviewer", PW)
    at.run()
    at.switch_page("app_pages/detail.py")
    at.query_params["id"] = str(report)
    at.run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert {"总文字复制比", "去除套话复制比", "单篇最大文字复制比"} <= set(metrics)
    assert int(metrics["警告"]) >= 1
    shown = "\n".join(str(e.value) for e in list(at.warning) + list(at.error))
    assert "SIM002" in shown and f"#{form}" in shown and "同一项目" in shown
    assert f"可能与 #{form} 为同一项目" in shown
    at.query_params["id"] = str(pairs[0][0])
    at.run()
    assert not at.exception, at.exception
    quiet = "\n".join(str(e.value) for e in list(at.warning) + list(at.error))
    assert "SIM001" not in quiet and "SIM002" not in quiet


def test_facts_are_stored_at_ingest_and_the_sweep_only_reads_them(loaded):
    from kb.service.same_project import FACTS_KIND, facts_version

    kb, _, form, _, rep = loaded
    rows = kb.storage.analyses(FACTS_KIND)
    assert set(rows) == set(kb.storage.submission_ids())
    assert rows[form][0] == facts_version("示例恒远轴承有限公司") and "1.35亿元" in rows[form][1]["figures"]
    facts = rep["stats"]["same_project"]["facts"]
    assert facts["extracted"] == 0 and facts["read"] == len(rows)


def test_a_sweep_extracts_only_missing_or_stale_facts_and_moves_the_old_json_cache(kb):
    from kb.service.same_project import FACTS_KIND, LEGACY_FACTS_FILE, _legacy_key, facts_version

    a = kb.store.add_text(FORM, Metadata(title="套圈智能磨削示范线", applicant="示例恒远轴承有限公司"))
    b = kb.store.add_text(REPORT, Metadata(title="磨削线运行一年", applicant="示例恒远轴承有限公司"))
    c = kb.store.add_text(NEAR_MISS["pairs"][0]["a"]["text"], Metadata(applicant="示例甲公司"))
    assert set(kb.storage.analyses(FACTS_KIND)) == {a, b, c}
    # c's facts stored by an older extraction; the JSON cache that sweeps kept before holds them
    kb.storage.save_analysis(c, FACTS_KIND, "old", {})
    legacy = Path(kb.config.index_path) / LEGACY_FACTS_FILE
    legacy.parent.mkdir(parents=True, exist_ok=True)
    key = _legacy_key(kb.store.get(c).text, "示例甲公司")
    legacy.write_text(json.dumps({key: {"orgs": ["示例甲"], "applicant": "示例甲"}}), encoding="utf-8")
    rep = kb.similarity.dupes()
    facts = rep["stats"]["same_project"]["facts"]
    assert facts["extracted"] == 1 and facts["read"] == 2
    version, stored = kb.storage.get_analysis(c, FACTS_KIND)
    assert version == facts_version("示例甲公司") and stored["orgs"] == [
        "示例甲"
    ]  # moved, not extracted again
    assert not legacy.exists()
