"""Checks and classification through the service: stored results, recompute on change, editions, labels."""

from __future__ import annotations

import json

TEXT = """一、企业概况
某精工有限公司生产精密齿轮，年产值8亿元。
二、场景概述（痛点）
齿轮批次质量问题追溯困难，客户投诉后定位一个批次平均需要两天，召回范围过大。
三、实施内容
建设质量追溯平台，为每批原材料和在制品生成追溯码，MES采集热处理炉温曲线和机加工参数，QMS记录检测结果，实现正向追溯与反向追溯。
四、实施成效
追溯时间由48小时缩短到15分钟，不良品率由1.8%降至0.9%，召回范围缩小80%。
五、推广价值
可在汽车零部件行业推广。
"""


def test_check_json_has_the_documented_fields(run_cli, tmp_path):
    p = tmp_path / "draft.txt"
    p.write_text(TEXT, encoding="utf-8")
    assert run_cli("init").exit_code == 0
    r = run_cli("check", str(p), "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert {"zishu", "chars", "weakness", "sections", "metrics", "findings"} <= set(data)
    for f in data["findings"]:
        assert {"code", "severity", "message", "spans"} <= set(f)
        for s, e in f["spans"]:
            assert 0 <= s <= e <= len(TEXT)
    assert any(m["indicator"] == "不良品率" for m in data["metrics"])


def test_stored_analysis_is_recomputed_when_its_version_changes(kb, tmp_path):
    sid = kb.store.add_text(TEXT, {"标题": "齿轮追溯", "类型": "优秀场景"})
    first = kb.analysis.analyze(sid)
    version, stored = kb.storage.get_analysis(sid, "check")
    assert stored["zishu"] == first["check"]["zishu"]
    # pretend the rules changed since the result was stored
    kb.storage.save_analysis(sid, "check", "old-rules", {"zishu": -1, "findings": []})
    again = kb.analysis.analyze(sid)
    assert again["check"]["zishu"] == first["check"]["zishu"]
    assert kb.storage.get_analysis(sid, "check")[0] == version


def test_classify_against_another_edition_does_not_switch(run_cli, kb, tmp_path):
    p = tmp_path / "draft.txt"
    p.write_text(TEXT, encoding="utf-8")
    r = run_cli("classify", str(p), "--json", "--edition", "2025")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["scenarios"][0]["code"].startswith("G25-")
    assert data["edition"]["edition"] == "2025"
    assert {"scenarios", "links", "tasks", "off_topic"} <= set(data)
    r = run_cli("classify", str(p), "--json")
    data = json.loads(r.output)
    assert data["scenarios"][0]["code"].startswith("G21-")
    assert data["scenarios"][0]["name"] == "质量精准追溯"


def test_confirmed_labels_become_classifier_examples(kb):
    sid = kb.store.add_text(TEXT, {"标题": "齿轮追溯", "类型": "优秀场景"})
    code = next(e.code for e in kb.reference.active_edition("guide").entries if e.name == "质量精准追溯")
    kb.reviews.confirm_label(sid, code, "r1")
    assert kb.analysis.confirmed_examples({code}) == {code: [kb.store.get(sid).text]}
    clf = kb.analysis.classifier()
    assert clf.examples[code] == [kb.store.get(sid).text]
