"""Evaluation metrics on a tiny hand-checkable set, and the labelled-data format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.classify import Calibration, Classifier
from nlp.evaluate import LabeledItem, evaluate, load_labeled, split_half
from nlp.types import ReferenceEntry

ROOT = Path(__file__).resolve().parents[1]


def _entry(code: str, name: str, link: str, link_no: int, kws: tuple[str, ...]) -> ReferenceEntry:
    return ReferenceEntry(
        "test", "scenario", code, name, link, "reconstructed", keywords=kws, link_no=link_no
    )


ENTRIES = [
    _entry("T-01", "智能仓储", "仓储配送", 1, ("立体库", "堆垛机", "货位")),
    _entry("T-02", "能耗监测", "能源管理", 2, ("电表", "能耗", "用电")),
    _entry("T-03", "视觉检测", "质量管控", 3, ("视觉", "缺陷", "相机")),
]

# A fixed, hand-set calibration so the ranking is fully determined by the keyword features.
CAL = Calibration(
    features=["keywords", "rel_keywords"],
    coef=[4.0, 4.0],
    intercept=-2.0,
    label_threshold=0.5,
    off_topic_threshold=0.5,
    off_features=["coverage"],
    off_coef=[-10.0],
    off_intercept=2.0,
)


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier(ENTRIES, calibration=CAL)


def test_metrics_by_hand(clf: Classifier) -> None:
    items = [
        # clear hit: T-01 first
        LabeledItem("a", "新建立体库，堆垛机自动存取，货位由系统分配。", ["T-01"], "仓储配送"),
        # labelled T-02 but the text speaks of vision inspection: T-03 first, T-02 behind it
        LabeledItem("b", "相机视觉识别表面缺陷，同时安装电表。", ["T-02"], "能源管理"),
        # off-topic: no vocabulary of the entries at all
        LabeledItem("c", "春节放假通知，祝大家新年快乐。", [], "", off_topic=True),
    ]
    ra = clf.classify(items[0].text)
    rb = clf.classify(items[1].text)
    assert ra.scenarios[0].code == "T-01"
    assert rb.scenarios[0].code == "T-03" and rb.scenarios[1].code == "T-02"
    rep = evaluate(clf, items)
    assert rep.n_scenario == 2 and rep.n_off_topic == 1
    assert rep.scenario["top1"] == pytest.approx(0.5)
    assert rep.scenario["top3"] == pytest.approx(1.0)
    assert rep.scenario["mrr"] == pytest.approx((1 + 1 / 2) / 2)
    assert rep.link["top1"] == pytest.approx(0.5)
    assert rep.link_confusion == {"仓储配送": {"仓储配送": 1}, "能源管理": {"质量管控": 1}}
    assert rep.off_topic["rejection_rate"] == pytest.approx(1.0)
    assert rep.off_topic["false_rejection_rate"] == pytest.approx(0.0)
    # calibration: two top-1 scores, one right (a) one wrong (b)
    conf = [ra.scenarios[0].score, rb.scenarios[0].score]
    want_ece = (abs(conf[0] - 1.0) + abs(conf[1] - 0.0)) / 2
    if int(conf[0] * 10) == int(conf[1] * 10):  # same bin: |mean conf - mean acc|
        want_ece = abs(sum(conf) / 2 - 0.5)
    assert rep.calibration["ece"] == pytest.approx(want_ece)
    assert sum(b["n"] for b in rep.calibration["bins"]) == 2
    assert rep.misses == [
        {"id": "b", "true": "T-02", "true_rank": 2, "predicted": "T-03", "predicted_name": "视觉检测",
         "score": round(rb.scenarios[0].score, 4)}
    ]  # fmt: skip
    text = rep.render()
    assert "top-1 0.500" in text and "ECE" in text
    json.dumps(rep.to_dict(), ensure_ascii=False)


def test_labels_by_name_resolve_and_unknown_are_reported(clf: Classifier) -> None:
    items = [
        LabeledItem("a", "立体库堆垛机货位。", ["智能仓储"], ""),
        LabeledItem("b", "立体库堆垛机货位。", ["不存在的场景"], ""),
    ]
    rep = evaluate(clf, items)
    assert rep.scenario["top1"] == 1.0 and rep.n_scenario == 1
    assert rep.unresolved_labels == ["不存在的场景"]


def test_load_labeled_roundtrip_and_errors(tmp_path: Path) -> None:
    p = tmp_path / "x.jsonl"
    rows = [
        {"id": "1", "text": "文本一", "scenarios": ["G21-01"], "link": "工厂设计", "kind": "scenario"},
        {"id": "2", "text": "文本二", "scenarios": [], "link": "", "kind": "scenario", "off_topic": True},
    ]
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    items = load_labeled(p)
    assert [i.id for i in items] == ["1", "2"] and items[1].off_topic and items[0].scenarios == ["G21-01"]
    p.write_text('{"id": "1", "scenarios": []}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="text"):
        load_labeled(p)


def test_shipped_dev_sets_meet_their_documented_shape() -> None:
    items = load_labeled(ROOT / "data/labeled/dev_2021.jsonl")
    assert len(items) >= 110
    codes = {f"G21-{n:02d}" for n in range(1, 38)}
    from collections import Counter

    c = Counter(s for i in items for s in i.scenarios)
    assert all(c[k] >= 2 for k in codes)
    assert sum(i.kind == "factory" and bool(i.task) for i in items) >= 10
    assert sum(i.off_topic for i in items) >= 8
    assert all(100 <= len(i.text) <= 600 for i in items)
    assert len({i.id for i in items}) == len(items)
    assert len(load_labeled(ROOT / "data/labeled/dev_2025.jsonl")) >= 20
    a, b = split_half(items)
    assert len(a) + len(b) == len(items) and abs(len(a) - len(b)) <= 1
