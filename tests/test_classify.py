"""Classifier behaviour on small real texts, against the shipped reference editions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.classify import Classifier, guess_industry, resolve_entry, split_units
from nlp.evaluate import read_entries_csv

ROOT = Path(__file__).resolve().parents[1]

TRACE_TEXT = (
    "我们是汽车安全气囊的配套厂商。公司为每个气囊总成赋予唯一的二维码身份标识，"
    "把原料批次、生产设备、工艺参数、操作人员和检测数据都绑定到这个码上，形成一件一档的质量档案。"
    "客户投诉时，输入条码即可正向、反向追查，两小时内锁定受影响的批次，召回范围从整批缩小到几十件。"
)

AD_TEXT = (
    "限时特惠！全新一代家用净水器震撼上市，五级过滤、即滤即饮，现在下单立减三百元，"
    "再送滤芯一套。全国联保，十年质保，专业师傅免费上门安装。活动仅限本月，欢迎来电洽谈！"
)

HR_TEXT = (
    "招聘启事：因业务发展需要，现面向社会公开招聘销售代表五名、会计一名。应聘条件：大专以上学历，"
    "有相关工作经验者优先。公司提供五险一金、带薪年假和员工宿舍，薪资面议，有意者请发送简历至人力资源部。"
)

MAINT_TEXT = (
    "风电齿轮箱一旦损坏维修费用很高。我们采集机组的振动信号和油液数据，建立故障识别模型，"
    "提前几周发现轴承和齿面的早期损伤并估计剩余寿命，据此安排预测性维护，重大故障停机大幅减少。"
)


@pytest.fixture(scope="module")
def clf21() -> Classifier:
    return Classifier(
        read_entries_csv(ROOT / "data/scenario_guide_2021"),
        read_entries_csv(ROOT / "data/factory_tasks_2021"),
    )


@pytest.fixture(scope="module")
def clf25() -> Classifier:
    return Classifier(read_entries_csv(ROOT / "data/scenario_guide_2025"))


def test_trace_text_ranks_quality_traceability_first_with_round_trip_evidence(clf21: Classifier) -> None:
    res = clf21.classify(TRACE_TEXT)
    top = res.scenarios[0]
    assert top.name == "质量精准追溯"
    assert top.link == "质量管控"
    assert res.links[0].name == "质量管控"
    assert not res.off_topic
    assert 0.0 <= top.score <= 1.0
    assert top.evidence, "the top scenario must carry supporting sentences"
    for ev in top.evidence:
        s, e = ev.span
        assert TRACE_TEXT[s:e] == ev.text
    for kw in top.keywords:
        for s, e in kw["spans"]:
            assert TRACE_TEXT[s:e] == kw["keyword"]
    assert top.code in res.labels
    # scores are ranked
    scores = [s.score for s in res.scenarios]
    assert scores == sorted(scores, reverse=True)


def test_to_dict_is_json_and_has_contract_keys(clf21: Classifier) -> None:
    d = clf21.classify(TRACE_TEXT, top_k=3).to_dict()
    json.dumps(d, ensure_ascii=False)
    assert {"scenarios", "links", "tasks", "labels", "off_topic", "off_topic_score", "findings"} <= d.keys()
    assert len(d["scenarios"]) == 3
    first = d["scenarios"][0]
    assert {"code", "name", "link", "score", "evidence"} <= first.keys()
    assert isinstance(first["evidence"][0]["span"], list)


def test_off_topic_texts_are_rejected(clf21: Classifier) -> None:
    for text in (AD_TEXT, HR_TEXT):
        res = clf21.classify(text)
        assert res.off_topic, text[:10]
        assert res.labels == []
        assert any(f.code == "CLS003" for f in res.findings)
    assert not clf21.classify(MAINT_TEXT).off_topic


def test_cls001_on_mismatched_claim_not_on_correct_claim(clf21: Classifier) -> None:
    wrong = clf21.classify(TRACE_TEXT, claimed="精准营销")
    f = [x for x in wrong.findings if x.code == "CLS001"]
    assert len(f) == 1 and f[0].severity == "warning"
    assert f[0].spans, "the finding points at the evidence sentences"
    for s, e in f[0].spans:
        assert 0 <= s < e <= len(TRACE_TEXT)
    assert f[0].detail["top_name"] == "质量精准追溯"
    right = clf21.classify(TRACE_TEXT, claimed="质量精准追溯")
    assert not [x for x in right.findings if x.code == "CLS001"]
    by_code = clf21.classify(TRACE_TEXT, claimed="G21-25")
    assert not [x for x in by_code.findings if x.code == "CLS001"]
    assert by_code.claimed["code"] == "G21-25"


def test_unknown_claim_gives_cls002(clf21: Classifier) -> None:
    res = clf21.classify(TRACE_TEXT, claimed="量子计算云平台")
    assert [f.code for f in res.findings] == ["CLS002"]


def test_same_classifier_over_2025_entries_returns_g25_codes(clf25: Classifier) -> None:
    res = clf25.classify(TRACE_TEXT)
    assert all(s.code.startswith("G25-") for s in res.scenarios)
    assert res.scenarios[0].name == "质量精准追溯"
    assert res.links[0].name == "生产作业环节"
    assert res.edition == "2025"


def test_factory_text_gets_tasks_and_many_labels(clf21: Classifier) -> None:
    text = (
        "本公司是年产八百万吨的钢铁联合企业，拥有烧结、炼铁、炼钢、热轧和冷轧全流程产线。高炉采用专家系统和模型预测控制"
        "稳定炉况，转炉实现一键炼钢；建设全厂能源管控中心，对煤气、蒸汽、电力进行平衡调度；关键设备部署在线监测和故障诊断；"
        "热轧板带表面质量采用机器视觉在线检测；烧结机头烟气实施超低排放在线监测。"
    )
    res = clf21.classify(text, kind="factory", claimed="钢铁智能制造示范工厂")
    assert res.tasks and res.tasks[0].subsector == "钢铁"
    assert len(res.labels) >= 3
    assert not [f for f in res.findings if f.code == "CLS001"]
    wrong = clf21.classify(text, kind="factory", claimed="医药智能制造示范工厂")
    assert [f.code for f in wrong.findings] == ["CLS001"]


def test_boilerplate_sentences_are_discounted(clf21: Classifier) -> None:
    template = "本公司高度重视智能制造，全面推进数字化转型。"
    text = template + MAINT_TEXT
    base = clf21.classify(text)
    bp = clf21.classify(text, boilerplate={template})
    assert base.scenarios[0].code == bp.scenarios[0].code
    # the discounted template sentence never serves as evidence
    assert all(ev.text != template for ev in bp.scenarios[0].evidence)


def test_split_units_spans_and_windows() -> None:
    text = "第一句。" + "，".join(["很长的一段话包含很多内容"] * 20) + "。\n最后一句！"
    spans = split_units(text, max_len=60)
    assert all(e - s <= 60 for s, e in spans)
    assert text[spans[0][0] : spans[0][1]] == "第一句。"
    assert text[spans[-1][0] : spans[-1][1]] == "最后一句！"
    covered = "".join(text[s:e] for s, e in spans)
    assert covered == text.replace("\n", "")


def test_resolve_entry_by_code_name_and_suffix(clf21: Classifier) -> None:
    es = clf21.scenarios
    assert resolve_entry("g21-25", es).name == "质量精准追溯"
    assert resolve_entry("质量精准追溯场景", es).code == "G21-25"
    assert resolve_entry("完全无关", es) is None


def test_guess_industry_from_keywords() -> None:
    industries = [
        {"code": "31", "name": "黑色金属冶炼和压延加工业", "keywords": "炼钢|轧钢|高炉|钢铁"},
        {"code": "27", "name": "医药制造业", "keywords": ["制剂", "原料药", "药品"]},
        {"code": "36", "name": "汽车制造业", "keywords": "整车|汽车零部件|车身"},
    ]
    g = guess_industry("公司拥有高炉和转炉，主要从事炼钢和热轧，钢铁年产量八百万吨。", industries)
    assert g[0].code == "31" and "高炉" in g[0].keywords
    assert guess_industry("今天天气很好。", industries) == []


@pytest.mark.slow
def test_supervised_layer_reports_cv_and_needs_enough_labels(clf21: Classifier) -> None:
    rep = clf21.fit_supervised([TRACE_TEXT, MAINT_TEXT], ["G21-25", "G21-15"], min_labels=30)
    assert not rep.used and rep.cv_top1_supervised is None
    from nlp.evaluate import load_labeled

    items = [
        i
        for i in load_labeled(ROOT / "data/labeled/dev_2021.jsonl")
        if i.kind == "scenario" and not i.off_topic and i.scenarios[0] <= "G21-12"
    ]
    local = Classifier(clf21.scenarios)
    rep = local.fit_supervised(
        [i.text for i in items], [i.scenarios[0] for i in items], min_labels=20, folds=2
    )
    assert rep.n_labels == len(items) and rep.folds == 2
    assert 0.0 <= rep.cv_top1_supervised <= 1.0 and 0.0 <= rep.top1_unsupervised <= 1.0
    assert rep.used == (rep.cv_top1_blend > rep.top1_unsupervised)


def test_dense_encoder_feature_is_fitted_and_used(clf21: Classifier) -> None:
    enc_mod = pytest.importorskip("nlp.similarity.encoders")
    from nlp.evaluate import fit_on, load_labeled

    items = load_labeled(ROOT / "data/labeled/dev_2021.jsonl")
    enc = enc_mod.get_encoder("tfidf", dim=64)
    enc.fit([i.text for i in items] + [f"{e.name}：{e.scope}" for e in clf21.scenarios])
    dense = Classifier(clf21.scenarios, encoder=enc)
    cal = fit_on(dense, items[::3], note="test")
    assert "dense_top" in cal.features and len(cal.coef) == len(cal.features)
    res = dense.classify(TRACE_TEXT)
    assert res.method.startswith("lexical+")
    assert res.scenarios[0].link == "质量管控"


def test_confirmed_examples_enter_the_representation(clf21: Classifier) -> None:
    text = "全厂推行麒麟七步工作法，各班组每日按麒麟七步复盘。"
    ex = {"G21-13": ["我们推行麒麟七步工作法，班组每日按麒麟七步复盘，持续消除浪费。"]}
    with_ex = Classifier(clf21.scenarios, examples=ex)

    def rank(c: Classifier) -> int:
        return [s.code for s in c.classify(text, top_k=37).scenarios].index("G21-13") + 1

    assert rank(with_ex) == 1
    assert rank(clf21) > 1
