"""Similarity as findings: the disguised copy gets SIM001 + EVA001 first in `check`; near misses get neither."""

from __future__ import annotations

import json

from kb.models import Metadata
from kb.service.sim_findings import similarity_review
from nlp.checks import check_text
from nlp.checks.evasion import disguise_marks

ORIGINAL = (
    "一、企业概况\n齐润石化是一家年加工原油800万吨的炼化企业。\n二、场景概述\n常减压装置操作依赖经验，产品收率波动大。\n"
    "三、实施内容\n公司在常减压和催化裂化装置上部署多变量预测控制系统，采集温度、压力、流量等1200个测点，"
    "每分钟滚动优化一次，自动调整加热炉出口温度和塔顶回流。同时建设实时优化平台，根据原油性质计算最优切割点。\n"
    "四、实施成效\n航煤收率由14.6%提高到15.8%，装置平稳率由91.2%提高到99.1%，年增效益2300万元。\n"
    "五、推广价值\n该做法适用于同类炼油装置。"
)


def _disguise(text: str) -> str:
    digits = str.maketrans("0123456789", "０１２３４５６７８９")
    out = text.translate(digits)
    out = out.replace("多变量预测", "多 变 量 预 测").replace("实时优化平台", "实 时 优 化 平 台")
    # a lightly edited copy (an identical one is stored once: the content hash ignores width and spaces)
    return out.replace("齐润石化是一家", "秦岳石化是一家").replace(
        "该做法适用于同类炼油装置。", "经验可复制到其他炼厂。"
    )


def test_disguise_marks_are_found_with_positions():
    t = _disguise(ORIGINAL) + " MES"
    marks = disguise_marks(t)
    assert marks["fullwidth"] and marks["inserted_space"]
    s, e = marks["inserted_space"][0]
    assert t[s:e] == " "
    assert not any(disguise_marks(ORIGINAL).values())
    codes = [f.code for f in check_text(_disguise(ORIGINAL) + "，MES系统。").findings]
    assert "EVA001" in codes
    assert "EVA001" not in [f.code for f in check_text(ORIGINAL).findings]


def test_disguised_copy_gets_sim001_and_eva001_in_check(kb, run_cli):
    a = kb.store.add_text(ORIGINAL, Metadata(title="常减压APC", applicant="齐润石化"))
    b = kb.store.add_text(_disguise(ORIGINAL), Metadata(title="常减压先进控制", applicant="秦岳石化"))
    review = similarity_review(kb, b)
    sim1 = [f for f in review["findings"] if f["code"] == "SIM001"]
    assert sim1 and sim1[0]["severity"] == "error" and sim1[0]["detail"]["other"] == a
    assert review["report"]["单篇最大文字复制比"] >= 0.4
    out = run_cli("check", str(b), "--json")
    res = json.loads(out.output)
    assert list(res)[0] == "similarity"
    codes = [f["code"] for f in res["findings"]]
    assert "SIM001" in codes and "EVA001" in codes


def test_near_miss_different_company_same_scenario_is_not_flagged(kb):
    other = (
        "一、企业概况\n华泰炼化位于沿海石化基地，年加工能力1200万吨。\n二、场景概述\n催化装置反应温度靠人工调节，能耗偏高。\n"
        "三、实施内容\n企业引入先进过程控制软件，对反应再生系统建立动态模型，结合在线分析仪数据闭环调节主风量和提升管出口温度，"
        "并用能量管理系统核算蒸汽消耗。\n四、实施成效\n装置能耗下降3.2千克标油每吨，汽油收率提高0.6个百分点，年节约成本900万元。\n"
        "五、推广价值\n可在催化裂化装置推广。"
    )
    kb.store.add_text(ORIGINAL, Metadata(title="常减压APC", applicant="齐润石化"))
    b = kb.store.add_text(other, Metadata(title="催化APC", applicant="华泰炼化"))
    kb.similarity.dupes()  # the stored sweep, with its same-project links, is what SIM002 reads
    assert kb.similarity.stored_sweep() is not None
    codes = [f["code"] for f in similarity_review(kb, b)["findings"]]
    assert "SIM001" not in codes and "SIM002" not in codes
