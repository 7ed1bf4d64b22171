"""Paraphrase level from sentence-level semantic coverage (TF-IDF sentence vectors), not document cosine."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nlp.similarity.align import Levels, SemanticCoverage, match_level, semantic_coverage
from nlp.similarity.engine import SimilarityConfig, SimilarityEngine

TEMPLATE = [
    "本项目严格按照国家智能制造标准体系建设指南要求实施。",
    "项目使用的关键技术装备和工业软件安全可控，解决方案不存在知识产权纠纷。",
]

# A predictive-maintenance text and its sentence-by-sentence rewrite (same facts, new wording).
ORIGINAL = (
    "公司在缸体加工车间的186台加工中心上加装了振动、温度和电流传感器，边缘网关以每秒2万次的频率采集振动信号。"
    "针对主轴轴承磨损、刀具崩刃和丝杠润滑不良等9类典型故障，企业提取时域和频域特征，建立了故障诊断模型，识别准确率达到92%。"
    "利用设备健康指数和剩余寿命预测模型，系统提前7到15天发出预警，维修工单自动推送到EAM系统。"
    "预测结果与生产计划联动，维修窗口优先安排在换型和周末停产时段，并自动生成备件采购建议。"
    "项目实施后，非计划停机时间由620小时/年下降到185小时/年，设备维修费用由1260万元/年降至890万元/年。"
)
PARAPHRASE = (
    "企业给缸体车间186台加工中心安装了振动、温度、电流三类传感器，由边缘网关按每秒2万次采集振动数据。"
    "围绕主轴轴承磨损、刀具崩刃、丝杠润滑不良等9种常见故障，从时域和频域两方面提取特征并建立诊断模型，故障识别准确率为92%。"
    "借助设备健康指数与剩余寿命预测模型，设备劣化前7至15天即可预警，维修工单自动进入EAM系统。"
    "预测结果同生产计划相互联动，维修时间尽量放在换型和周末停产期间，备件采购建议也由系统自动给出。"
    "改造完成后，计划外停机时长从620小时/年降低至185小时/年，设备维修支出从1260万元/年减少到890万元/年。"
)
# Two unrelated texts of one domain (先进过程控制 / APC in two plants): shared vocabulary, different facts.
APC_1 = (
    "公司在常减压装置上部署了先进过程控制系统，建立了以加热炉出口温度和塔顶压力为被控变量的多变量预测控制器。"
    "控制器每分钟根据原油性质变化调整各侧线抽出量，关键产品质量指标的标准偏差降低了四成。"
    "装置投用先进控制后，加热炉燃料气消耗下降3.2%，轻油收率提高0.6个百分点。"
    "操作人员的手动干预次数由每班三十多次减少到五次以内。"
)
APC_2 = (
    "企业为催化裂化装置实施了先进控制，再生器密相温度、反应压力和分馏塔液位纳入同一个控制框架。"
    "系统结合在线分析仪数据实时估算汽油干点和柴油凝点，实现卡边操作。"
    "项目运行一年，装置处理量提高5%，每吨原料的综合能耗下降1.8千克标油。"
    "先进控制平均投用率保持在95%以上，异常工况下可自动切回常规控制。"
)
# Unrelated bodies around the shared template sentences.
BODIES = [
    "企业在焊装车间部署十二台焊接机器人和激光焊缝跟踪系统，焊接参数自动记录并上传质量平台。返修率下降到千分之三。",
    "成品仓库引入自动导引车和仓储管理系统，货位分配与拣选路径由算法实时生成。库存准确率达到百分之九十九点八。",
    "涂装线引入废气在线监测与智能喷涂控制，挥发性有机物排放浓度实时上传环保平台。油漆利用率提升了十五个百分点。",
    "研发部门采用三维协同设计平台和仿真软件，新产品在虚拟环境中完成装配验证。研制周期由十八个月缩短到十一个月。",
]


@pytest.fixture(scope="module")
def engine() -> SimilarityEngine:
    eng = SimilarityEngine("tfidf", index_backend="numpy", config=SimilarityConfig(boilerplate_min_docs=3))
    docs = {1: ORIGINAL, 2: PARAPHRASE, 3: APC_1, 4: APC_2}
    for n, body in enumerate(BODIES):
        docs[10 + n] = TEMPLATE[0] + body + TEMPLATE[1]
    for i, t in docs.items():
        eng.add(i, t, {"source": f"d{i}.txt"})
    eng.build()
    return eng


def test_sentence_rewrite_is_a_paraphrase(engine: SimilarityEngine) -> None:
    al = engine.compare(1, 2)
    assert al.sim_excl < 0.6  # not a lexical copy...
    assert al.level == "paraphrase"  # ...but every sentence has a rewritten counterpart
    sem = al.semantic
    assert sem is not None and sem.coverage >= 0.8 and sem.sentences_a == 5
    for (s1, e1), (s2, e2), cos in sem.pairs:  # sentence pairs point into both texts
        assert 0 <= s1 < e1 <= len(ORIGINAL) and 0 <= s2 < e2 <= len(PARAPHRASE)
        assert cos >= engine.levels.paraphrase_cos
    first = sorted(sem.pairs)[0]
    assert "186台" in ORIGINAL[first[0][0] : first[0][1]] and "186台" in PARAPHRASE[first[1][0] : first[1][1]]
    d = json.loads(json.dumps(al.to_dict()))
    assert d["level"] == "paraphrase" and d["semantic"]["coverage"] >= 0.8
    assert al.swapped().semantic.coverage_a == sem.coverage_b


def test_unrelated_same_domain_texts_are_not_paraphrases(engine: SimilarityEngine) -> None:
    al = engine.compare(3, 4)
    assert al.level == "unrelated"
    assert al.semantic is not None and al.semantic.coverage < 0.5
    assert engine.compare(1, 3).level == "unrelated"


def test_dupes_link_the_paraphrase_only(engine: SimilarityEngine) -> None:
    rep = engine.dupes()
    fams = {tuple(f.member_ids()): f for f in rep.families}
    assert set(fams) == {(1, 2)}
    assert fams[(1, 2)].level == "paraphrase"
    [pair] = rep.pairs
    assert pair.coverage is not None and pair.to_dict()["semantic_coverage"] >= 0.8
    assert rep.stats["paraphrase_pairs"] == 1
    matches = engine.similar(1, k=3)
    assert matches[0].id == 2 and matches[0].level == "paraphrase" and matches[0].coverage


def test_template_sentences_do_not_create_families(engine: SimilarityEngine) -> None:
    engine.dupes()
    bp = engine.boilerplate
    assert bp is not None and all(bp.is_boilerplate(t) for t in TEMPLATE)
    sem = engine.semantic_coverage(10, 11)
    assert sem.coverage == 0.0  # template sentences are not counted, the bodies do not match
    assert engine.compare(10, 11).level == "unrelated"
    linked = {frozenset((p.a, p.b)) for p in engine.dupes(0.3).pairs}
    assert not any(p <= {10, 11, 12, 13} for p in linked)


def test_copies_are_not_mistaken_for_templates() -> None:
    # one text copied verbatim three times: its sentences recur in 3 texts, but always between the
    # same neighbours, so they stay content (not boilerplate) and the copies form one family
    eng = SimilarityEngine("tfidf", index_backend="numpy", config=SimilarityConfig(boilerplate_min_docs=3))
    for i, t in enumerate(
        [APC_1, APC_1 + "下一步推广到焦化装置。", APC_1.replace("三十多次", "三十余次"), APC_2]
    ):
        eng.add(i, t)
    rep = eng.dupes()
    assert [f.member_ids() for f in rep.families] == [[0, 1, 2]]
    assert eng.boilerplate is not None and eng.boilerplate.stats.get("copied_sentences_dropped", 0) >= 3


def test_semantic_coverage_and_levels() -> None:
    va = np.eye(3, dtype=np.float32)
    vb = np.array([[1, 0, 0], [0, 0.6, 0.8], [0, 0.8, 0.6]], dtype=np.float32)
    # sentence 0 pairs with 0 (cos 1); sentences 1 and 2 of a each reach 0.8 with one of b
    cov = semantic_coverage(va, vb, np.array([10, 10, 20.0]), np.array([10, 10, 20.0]), 0.75)
    assert isinstance(cov, SemanticCoverage) and cov.coverage_a == 1.0 and cov.coverage_b == 1.0
    # a weight-0 sentence (boilerplate) of a is not counted; b1 is left without a partner
    cov = semantic_coverage(va, vb, np.array([10, 10, 0.0]), np.array([10, 10, 20.0]), 0.75)
    assert cov.coverage_a == 1.0 and cov.coverage_b == pytest.approx(0.75)  # b0 and b2 paired
    lv = Levels(paraphrase_cos=0.75, paraphrase_coverage=0.5, paraphrase_margin=0.2)
    assert match_level(0.1, levels=lv, coverage=0.8) == "paraphrase"
    assert match_level(0.45, levels=lv, coverage=0.55) == "partial"  # a section copy: coverage ≈ lexical
    assert match_level(0.1, levels=lv, coverage=0.3) == "unrelated"
    assert match_level(0.7, levels=lv, coverage=0.0) == "minor_edits"
    assert match_level(0.1, 0.99, levels=lv, coverage=0.2) == "unrelated"  # coverage overrides a cosine
