"""MinHash LSH near-duplicate candidates."""

from __future__ import annotations

import pickle
import random

from nlp.similarity.neardup import NearDupIndex, shingle_hashes

_POOL = (
    "智能制造工厂车间设备数据平台系统质量检测能耗管理仓储物流供应链协同计划排产工艺设计研发仿真"
    "机器人视觉传感器边缘计算网络安全追溯预测维护调度优化交付成本效率订单客户产品零件装配焊接涂装"
)


def _doc(rng: random.Random, n: int = 600) -> str:
    return "".join(rng.choice(_POOL) for _ in range(n))


def _edit(rng: random.Random, text: str, frac: float) -> str:
    s = list(text)
    for _ in range(int(len(s) * frac)):
        s[rng.randrange(len(s))] = rng.choice(_POOL)
    return "".join(s)


def test_finds_near_duplicates_without_false_pairs() -> None:
    rng = random.Random(5)
    docs = {i: _doc(rng) for i in range(60)}
    docs[100] = _edit(rng, docs[3], 0.02)  # light edit
    docs[101] = "　".join(docs[7][i : i + 50] for i in range(0, 600, 50))  # inserted spaces
    idx = NearDupIndex(k=5, threshold=0.3)
    for i, t in docs.items():
        idx.add(i, t)
    assert 3 in idx.candidates(100)
    assert 7 in idx.candidates(101)
    pairs = idx.all_candidate_pairs()
    assert (3, 100) in pairs and (7, 101) in pairs
    assert len(pairs) <= 4  # random texts do not collide
    assert idx.jaccard(3, 100) > 0.5 > idx.jaccard(3, 4)


def test_query_by_text_and_remove() -> None:
    rng = random.Random(6)
    base = _doc(rng)
    idx = NearDupIndex()
    idx.add(1, base)
    idx.add(2, _doc(rng))
    assert idx.candidates(_edit(rng, base, 0.01)) == [1]
    idx.remove(1)
    idx.remove(12345)  # absent: no error
    assert idx.candidates(_edit(rng, base, 0.01)) == []
    assert idx.ids() == [2] and len(idx) == 1
    idx.add(2, base)  # replace text of id 2
    assert idx.candidates(base) == [2]


def test_save_load_and_pickle(tmp_path) -> None:
    rng = random.Random(7)
    a = _doc(rng)
    idx = NearDupIndex()
    idx.add(1, a)
    idx.add(2, a)
    idx.save(tmp_path / "nd.pkl")
    back = NearDupIndex.load(tmp_path / "nd.pkl")
    assert back.all_candidate_pairs() == {(1, 2)}
    assert pickle.loads(pickle.dumps(idx)).candidates(1) == [2]


def test_empty_and_short_texts() -> None:
    idx = NearDupIndex()
    idx.add(1, "")
    idx.add(2, "，。 ")
    idx.add(3, "短")
    assert idx.candidates(1) == [] and idx.candidates(2) == []
    assert len(shingle_hashes("短文", 5)) == 1
    assert len(shingle_hashes("", 5)) == 0


def test_oversized_buckets_skipped() -> None:
    idx = NearDupIndex(max_bucket=3)
    for i in range(5):
        idx.add(i, "同一段模板文字反复出现在所有申报书中以免被误判为重复家族")
    assert idx.all_candidate_pairs() == set()
    assert len(idx.candidates(0)) == 4  # direct queries still see them
