"""Similarity through the service and CLI: families, pairs, verify/rebuild, search filters — real SQLite + index."""

from __future__ import annotations

import json

import pytest
from sample_texts import BASE

OTHER = """一、企业概况
{co}生产聚乙烯和聚丙烯，拥有两套大型装置。
二、场景概述
装置能耗高，工艺参数依赖操作工经验调整，蒸汽管网波动大。
三、实施内容
部署DCS与APC先进过程控制系统，建立能耗模型，对蒸汽、电力进行实时优化调度，关键回路投用率提升。
四、实施成效
单位产品综合能耗降低12.5%，年节约标煤3000吨。
"""


@pytest.fixture()
def corpus(kb, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(BASE.format(co="江南精工有限公司"), encoding="utf-8")
    (d / "b.txt").write_text(
        BASE.format(co="北方齿轮有限公司").replace("两天", "两个工作日"), encoding="utf-8"
    )
    (d / "c.txt").write_text(OTHER.format(co="东海石化有限公司"), encoding="utf-8")
    (d / "_metadata.csv").write_text(
        "文件,年度,地区\na.txt,2021,浙江\nb.txt,2022,江苏\nc.txt,2021,山东\n", encoding="utf-8"
    )
    kb.store.ingest([d])
    ids = {s.source: s.id for s in kb.store.list_submissions()}
    return kb, ids


def test_dupes_find_the_edited_copy_only(corpus):
    kb, ids = corpus
    rep = kb.similarity.dupes()
    assert len(rep["families"]) == 1
    fam = rep["families"][0]
    assert sorted(m["source"] for m in fam["members"]) == ["a.txt", "b.txt"]
    assert fam["level"] in ("minor_edits", "identical")
    [pair] = rep["pairs"]
    assert {pair["a"], pair["b"]} == {ids["a.txt"], ids["b.txt"]} and pair["similarity"] > 0.8


def test_pair_spans_point_into_both_texts(corpus):
    kb, ids = corpus
    a, b = kb.store.get(ids["a.txt"]), kb.store.get(ids["b.txt"])
    res = kb.similarity.pair(a.id, b.id)
    assert res["shared"]
    for sp in res["shared"]:
        (s1, e1), (s2, e2) = sp["a"], sp["b"]
        assert 0 <= s1 < e1 <= len(a.text) and 0 <= s2 < e2 <= len(b.text)
    longest = max(res["shared"], key=lambda s: s["a"][1] - s["a"][0])
    assert a.text[longest["a"][0] : longest["a"][1]][:10] == b.text[longest["b"][0] : longest["b"][1]][:10]


def test_similar_for_new_text_and_filters(corpus):
    kb, ids = corpus
    res = kb.similarity.similar(BASE.format(co="西部齿轮厂"), k=5)
    assert res["matches"][0]["source"] in ("a.txt", "b.txt")
    assert res["largest_source"] in (ids["a.txt"], ids["b.txt"])
    hits = kb.similarity.search("能耗 蒸汽 优化", k=5, filters={"year": 2021})
    assert hits and hits[0]["id"] == ids["c.txt"]
    assert all(h["type"] == "submission" for h in hits)
    assert not [
        h
        for h in kb.similarity.search("能耗 蒸汽 优化", filters={"region": "浙江省"})
        if h["id"] == ids["c.txt"]
    ]


def test_verify_detects_drift_and_rebuild_repairs(corpus):
    kb, ids = corpus
    assert kb.similarity.index_verify()["ok"]
    kb.storage.delete_submission(ids["c.txt"])
    rep = kb.similarity.index_verify()
    assert not rep["ok"] and rep["extra"] == [ids["c.txt"]]
    kb.similarity.index_rebuild()
    assert kb.similarity.index_verify()["ok"]


def test_index_stale_sees_a_swap_with_the_same_count(corpus):
    from kb.models import Metadata
    from nlp.normalize import content_hash, normalize_for_match

    kb, ids = corpus
    assert not kb.similarity.index_stale()
    kb.storage.delete_submission(ids["c.txt"])
    text = OTHER.format(co="南山化工有限公司")
    # stored without indexing (as by a process that stopped between the two steps): same count
    kb.storage.add_submission(
        content_hash=content_hash(text),
        source="d.txt",
        source_path="",
        fmt="txt",
        text=text,
        norm_text=normalize_for_match(text).text,
        meta=Metadata(year=2023),
    )
    assert kb.store.count() == 3
    assert kb.similarity.index_stale()
    # the next ingest brings the index in line: the swapped text is indexed under its id
    kb.store.ingest([])
    assert not kb.similarity.index_stale()
    eng = kb.similarity.engine()
    [new_id] = [s.id for s in kb.store.list_submissions() if s.source == "d.txt"]
    assert eng.texts[new_id] == text


def test_sweep_is_stored_and_redone_when_texts_or_threshold_change(corpus, tmp_path):
    kb, ids = corpus
    first = kb.similarity.dupes()
    again = kb.similarity.dupes()
    assert (first["stats"]["cached"], again["stats"]["cached"]) == (False, True)
    assert [f["key"] for f in again["families"]] == [f["key"] for f in first["families"]]
    # review marks are read fresh, not from the stored sweep
    kb.storage.mark_family_reviewed(first["families"][0]["key"], "reviewer")
    assert kb.similarity.dupes()["families"][0]["reviewed"]
    assert kb.similarity.dupes(threshold=0.9)["stats"]["cached"] is False
    d = tmp_path / "more"
    d.mkdir()
    (d / "e.txt").write_text(BASE.format(co="西岭齿轮有限公司"), encoding="utf-8")
    kb.store.ingest([d])
    after = kb.similarity.dupes()
    assert after["stats"]["cached"] is False
    assert len(after["families"][0]["members"]) == 3


def test_switching_the_guide_edition_moves_the_boilerplate_and_redoes_the_sweep(corpus):
    import json as _json

    kb, _ = corpus
    assert kb.similarity.dupes()["stats"]["cached"] is False
    before = kb.similarity.engine().reference_texts
    kb.reference.use_edition("guide", "2025")
    eng = kb.similarity.engine()
    assert eng.reference_texts == kb.reference.boilerplate_texts() != before
    saved = _json.loads((kb.similarity.index_dir() / "config.json").read_text(encoding="utf-8"))
    assert saved["reference_texts"] == eng.reference_texts
    assert kb.similarity.dupes()["stats"]["cached"] is False
    assert kb.similarity.dupes()["stats"]["cached"] is True


def test_cli_dupes_json_shape(corpus, run_cli):
    r = run_cli("dupes", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert {"families", "pairs"} <= set(data)
    m = data["families"][0]["members"][0]
    assert {"id", "source"} <= set(m)
    assert {"a", "b", "similarity", "level"} <= set(data["pairs"][0])
    r = run_cli("index", "verify")
    assert r.exit_code == 0 and "缺失 0" in r.output
