"""The similarity engine on a small planted corpus: families, boilerplate, similar, search, save/load."""

from __future__ import annotations

import json

import pytest

from nlp.boilerplate import Boilerplate
from nlp.similarity.engine import BM25, SimilarityConfig, SimilarityEngine, rrf

TEMPLATE = [
    "本企业承诺所提交的申报材料真实、准确、完整，不存在知识产权纠纷。",
    "项目关键技术装备和工业软件安全可控，符合国家相关产业政策要求。",
    "企业近三年未发生重大安全、质量、环境污染事故，无违法违规行为。",
]
BASES = [
    "公司围绕冲压车间的数字化改造，部署了设备联网与数据采集系统，实现了关键工序的实时监控。"
    "针对模具磨损导致的质量波动，构建了基于振动信号的预测性维护模型，提前四十八小时预警主要故障。"
    "项目实施后，产品不良品率由2.1%降低到0.8%，生产效率提升27%，年节约成本约八百万元。",
    "企业建设了覆盖全厂的能源管理中心，对电、水、蒸汽和压缩空气进行分项计量。"
    "通过负荷预测与峰谷电价优化，空压站群控系统按需启停，单位产值能耗下降百分之十一。"
    "能源数据与生产计划联动，异常能耗在五分钟内推送到班组长的手机上。",
    "在成品仓库引入自动导引车和仓储管理系统，货位分配与拣选路径由算法实时生成。"
    "出入库全部扫码确认，库存准确率达到百分之九十九点八，盘点时间由三天缩短为半天。"
    "仓储数据接入销售系统后，订单交付周期缩短了三成。",
    "焊装车间部署了十二台焊接机器人和激光焊缝跟踪系统，焊接参数自动记录并上传质量平台。"
    "焊点质量通过超声波抽检与视觉检测双重把关，返修率下降到千分之三。"
    "工艺人员可以在线比较不同批次的焊接曲线，快速定位偏差来源。",
    "研发部门采用三维协同设计平台和仿真软件，新产品在虚拟环境中完成装配验证。"
    "设计变更自动同步到工艺和采购部门，图纸版本错误基本消除。"
    "新产品研制周期由十八个月缩短到十一个月，样机试制次数减少一半。",
    "涂装线引入废气在线监测与智能喷涂控制，挥发性有机物排放浓度实时上传环保平台。"
    "喷涂机器人根据车型自动调整喷枪轨迹，油漆利用率提升了十五个百分点。"
    "环保数据异常时系统自动降低产量并通知值班人员。",
]
META = [
    {"year": 2021, "region": "江苏", "industry": "汽车", "kind": "优秀场景", "source": f"s{i}.docx"}
    for i in range(len(BASES))
]


def _corpus() -> dict[int, tuple[str, dict]]:
    """Six distinct texts, each with template sentences, plus planted copies."""
    docs: dict[int, tuple[str, dict]] = {}
    for i, body in enumerate(BASES):
        docs[i + 1] = (TEMPLATE[i % 3] + body + TEMPLATE[(i + 1) % 3], dict(META[i]))
    t1 = docs[1][0]
    # verbatim copy with tricks (full-width digits, spaces) -> family with 1
    docs[11] = (
        t1.replace("2.1%", "２.１％").replace("数字化改造", "数 字 化 改 造"),
        {**META[0], "year": 2022, "source": "copy1.docx"},
    )
    # light edit of 3 -> family with 3
    t3 = docs[3][0]
    docs[13] = (
        t3.replace("自动导引车", "AGV小车").replace("三天", "两天").replace("三成", "百分之三十"),
        {**META[2], "region": "浙江", "source": "edit3.docx"},
    )
    # copy of the copy -> joins family {1, 11}
    docs[21] = (docs[11][0] + "下一步将推广到焊装车间。", {**META[0], "source": "copy11.docx"})
    return docs


@pytest.fixture(scope="module")
def engine() -> SimilarityEngine:
    cfg = SimilarityConfig(boilerplate_min_docs=3, keyword_tokenizer="jieba")
    eng = SimilarityEngine("tfidf", index_backend="numpy", config=cfg)
    for i, (t, m) in _corpus().items():
        eng.add(i, t, m)
    eng.build()
    return eng


def test_families_from_planted_set(engine: SimilarityEngine) -> None:
    rep = engine.dupes(0.5)
    fams = {tuple(f.member_ids()) for f in rep.families}
    assert fams == {(1, 11, 21), (3, 13)}
    by = {tuple(f.member_ids()): f for f in rep.families}
    assert by[(1, 11, 21)].level == "identical"
    assert by[(3, 13)].level == "minor_edits"
    d = rep.to_dict()
    json.dumps(d)  # JSON-safe
    member = d["families"][0]["members"][0]
    assert {"id", "spans", "source"} <= set(member)
    assert {"a", "b", "similarity", "level"} <= set(d["pairs"][0])
    # every member's shared spans lie inside its own text
    for f in rep.families:
        for m in f.members:
            text = engine.texts[m.id]
            assert m.spans and all(0 <= s < e <= len(text) for s, e in m.spans)


def test_template_sentences_do_not_make_families(engine: SimilarityEngine) -> None:
    # the template sentences recur in >= 3 texts: learned as boilerplate
    bp = engine.boilerplate
    assert bp is not None and bp.stats["learned_sentences"] >= 3
    assert all(bp.is_boilerplate(t) for t in TEMPLATE)
    assert not bp.is_boilerplate(BASES[0][:40])
    # two unrelated bases that share a template sentence: no pair, level unrelated once excluded
    al = engine.compare(2, 5)
    assert al.sim > 0.0  # the template sentence is shared...
    assert al.sim_excl == 0.0 and al.level == "unrelated"  # ...but does not count
    rep = engine.dupes(0.3)
    linked = {frozenset((p.a, p.b)) for p in rep.pairs}
    assert frozenset((2, 5)) not in linked and frozenset((1, 2)) not in linked


def test_similar_and_report(engine: SimilarityEngine) -> None:
    matches = engine.similar(3, k=5)
    assert matches[0].id == 13 and matches[0].level == "minor_edits"
    for sp in matches[0].spans:
        assert engine.texts[3][sp.a_start : sp.a_end]  # a = query
        assert 0 <= sp.b_start < sp.b_end <= len(engine.texts[13])
    new_text = "我们的方案：" + BASES[1]
    rep = engine.report(new_text, k=5)
    assert rep.query_id is None and rep.largest_source == 2
    assert rep.overall >= rep.largest_similarity > 0.8
    assert engine.similar(1, k=5, filters={"year": 2021}) and all(
        m.meta["year"] == 2021 for m in engine.similar(1, k=5, filters={"year": 2021})
    )
    assert json.dumps(rep.to_dict())


def test_search_hybrid_with_filters(engine: SimilarityEngine) -> None:
    hits = engine.search("焊接机器人 焊缝", k=3)
    assert hits[0].id == 4 and hits[0].keyword_rank == 1
    s, e = hits[0].passage
    assert "焊" in engine.texts[4][s:e]
    only_zj = engine.search("仓储 拣选", k=5, filters={"region": "浙江"})
    assert [h.id for h in only_zj] == [13]
    assert engine.search("仓储", k=5, filters={"region": ["浙江", "江苏"]})
    assert [h.id for h in engine.search("能耗", k=2, mode="keyword")][0] == 2
    with pytest.raises(ValueError):
        engine.search("x", mode="fuzzy")


def test_save_load_verify(engine: SimilarityEngine, tmp_path) -> None:
    engine.save(tmp_path / "eng")
    info = json.loads((tmp_path / "eng" / "config.json").read_text(encoding="utf-8"))
    assert info["build"]["count"] == len(engine) and info["build"]["encoder"] == engine.encoder.name
    assert (tmp_path / "eng" / "vectors.index.json").exists()
    back = SimilarityEngine.load(tmp_path / "eng")
    assert back.ids() == engine.ids()
    assert [m.id for m in back.similar(3, k=2)] == [m.id for m in engine.similar(3, k=2)]
    assert back.verify(engine.ids()).ok
    rep = back.verify([1, 2, 999])
    assert rep.missing == [999] and 3 in rep.extra and not rep.ok
    back.remove(13)
    back.add(99, BASES[2], {"year": 2023})
    assert 99 in back and 13 not in back
    assert back.similar(3, k=1)[0].id == 99


def test_bm25_and_rrf() -> None:
    bm = BM25(tokenizer="bigram")
    bm.add(1, "数字孪生工厂")
    bm.add(2, "能耗监测平台")
    ids, sc = bm.scores("能耗平台")
    scores = dict(zip(ids.tolist(), sc.tolist(), strict=True))
    assert scores[2] > 0 == scores[1]
    bm.remove(2)
    assert bm.scores("能耗")[0].tolist() == [1]
    fused = rrf([{1: 1, 2: 2}, {2: 1, 3: 2}], k=60)
    assert fused[0][0] == 2


def test_boilerplate_learn_thresholds() -> None:
    texts = [TEMPLATE[0] + f"第{i}家企业的独特内容描述，编号{i}号。" for i in range(10)]
    bp = Boilerplate.learn(texts, min_docs=None, min_docs_floor=3, min_frac=0.5)
    assert bp.stats["min_docs"] == 5 and len(bp) == 1
    assert bp.mask(texts[0]) == [(0, len(TEMPLATE[0]))]
    assert len(Boilerplate.learn(texts[:2])) == 0  # below the floor of 3 documents


def _generated(n: int) -> list[dict]:
    """Records of bench/gen_corpus.py: same-genre texts with planted copies (seeded)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "bench" / "gen_corpus.py"
    spec = importlib.util.spec_from_file_location("gen_corpus", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return list(mod.generate(n, seed=3, dup_frac=0.15))


def test_margin_gate_keeps_planted_pairs_and_drops_the_crowd() -> None:
    recs = _generated(300)
    eng = SimilarityEngine("tfidf", encoder_options={"dim": 64})
    for r in recs:
        eng.add(r["id"], r["text"], r["meta"])
    eng.build()
    planted = {(min(r["id"], r["source"]), max(r["id"], r["source"])) for r in recs if r["source"]}
    planted_full = {
        (min(r["id"], r["source"]), max(r["id"], r["source"]))
        for r in recs
        if r["source"] and r["variant"] in ("verbatim", "light", "paraphrase")
    }
    assert len(planted_full) >= 10
    lex, gated = eng.candidate_pairs()
    eng.config.semantic_margin = 0.0
    _, crowd = eng.candidate_pairs()
    # same-genre texts: nearly every text has semantic_k neighbours above the cosine floor
    assert len(crowd) > 5 * len(gated)
    assert gated <= crowd
    assert planted_full <= lex | gated
    # the gate keeps the planted pairs among the semantic candidates themselves
    assert len(planted & gated) >= 0.9 * len(planted & crowd)


def test_lexical_candidates_rank_the_long_source_of_a_copied_passage_first() -> None:
    recs = _generated(300)
    # LSH tuned for low Jaccard: many same-genre texts collide with the query, as at archive scale
    eng = SimilarityEngine("tfidf", config=SimilarityConfig(lsh_threshold=0.05), encoder_options={"dim": 64})
    for r in recs:
        eng.add(r["id"], r["text"], r["meta"])
    eng.build()
    src = max(recs, key=lambda r: len(r["text"]))
    other = min(recs, key=lambda r: len(r["text"]))
    # a short new text: 400 characters of the long source inside another text's words
    query = other["text"][:300] + src["text"][1000:1400] + other["text"][300:500]
    everything = eng.lexical_candidates(query, budget=0)
    assert len(everything) > 20
    top = eng.lexical_candidates(query, budget=3)
    assert len(top) == 3 and top == everything[:3]
    assert src["id"] in top and other["id"] in top
    assert eng.similar(query, k=3)[0].id in (src["id"], other["id"])
