"""Contract test of the vector index backends (numpy is the reference, faiss must agree)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nlp.similarity.index import load_index, make_index, read_metadata

BACKENDS = ["numpy", "faiss"]


def _vecs(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "faiss":
        pytest.importorskip("faiss")
    return request.param


def test_add_search_exact(backend: str) -> None:
    v = _vecs(200)
    ids = np.arange(200) * 10 + 7
    idx = make_index(backend, 16, encoder="test")
    idx.add(ids, v)
    assert len(idx) == 200
    got, scores = idx.search(v[42], 5)
    assert got[0] == 427
    assert scores[0] == pytest.approx(1.0, abs=1e-5)
    assert list(scores) == sorted(scores, reverse=True)
    ref = make_index("numpy", 16)
    ref.add(ids, v)
    bi, bs = idx.batch_search(v[:20], 5)
    ri, rs = ref.batch_search(v[:20], 5)
    assert np.array_equal(bi, ri)
    assert np.allclose(bs, rs, atol=1e-5)


def test_padding_when_k_exceeds_size(backend: str) -> None:
    idx = make_index(backend, 16)
    idx.add([1, 2, 3], _vecs(3))
    ids, scores = idx.batch_search(_vecs(2, seed=1), 5)
    assert ids.shape == (2, 5) and scores.shape == (2, 5)
    assert (ids[:, 3:] == -1).all()
    one, _ = idx.search(_vecs(1, seed=1)[0], 5)
    assert sorted(one) == [1, 2, 3]
    empty = make_index(backend, 16)
    assert empty.search(_vecs(1)[0], 3)[0].size == 0


def test_remove_and_replace(backend: str) -> None:
    v = _vecs(50)
    idx = make_index(backend, 16)
    idx.add(range(50), v)
    assert idx.remove([3, 4, 999]) == 2
    assert len(idx) == 48
    assert 3 not in set(idx.ids().tolist())
    assert 3 not in set(idx.search(v[3], 10)[0].tolist())
    # re-adding an existing id replaces its vector
    idx.add([5], v[10])
    assert len(idx) == 48
    assert np.allclose(idx.get([5])[0], v[10], atol=1e-6)
    with pytest.raises(ValueError):
        idx.add([1, 1], v[:2])
    with pytest.raises(ValueError):
        idx.add([100], np.zeros((1, 8), dtype=np.float32))


def test_save_load_metadata(backend: str, tmp_path) -> None:
    v = _vecs(30)
    idx = make_index(backend, 16, encoder="enc-x")
    idx.add(np.arange(30) + 100, v)
    path = tmp_path / "sub" / "vectors.index"
    idx.save(path)
    meta = read_metadata(path)
    assert meta["backend"] == backend and meta["dim"] == 16 and meta["count"] == 30
    assert meta["encoder"] == "enc-x" and meta["created"]
    assert json.loads((tmp_path / "sub" / "vectors.index.json").read_text())["count"] == 30
    back = load_index(path)
    assert type(back) is type(idx)
    assert np.array_equal(back.ids(), idx.ids())
    assert back.search(v[7], 1)[0][0] == 107
    with pytest.raises(ValueError):
        make_index(backend, 8).load(path)


def test_unknown_backend() -> None:
    with pytest.raises(ValueError, match="未知索引后端"):
        make_index("annoy", 4)


def test_faiss_ivf_switch_measures_recall() -> None:
    pytest.importorskip("faiss")
    v = _vecs(2000, dim=16, seed=3)
    idx = make_index("faiss", 16, kind="auto", ann_threshold=1000, min_recall=0.5)
    idx.add(np.arange(2000), v)
    rep = idx.optimize(sample=100)
    assert rep["recall"] is not None and 0.0 <= rep["recall"] <= 1.0
    assert idx.kind == ("ivf" if rep["recall"] >= 0.5 else "flat")
    assert idx.search(v[11], 1)[0][0] == 11
    assert idx.remove([11]) == 1 and len(idx) == 1999
    small = make_index("faiss", 16, kind="auto", ann_threshold=10_000)
    small.add(np.arange(2000), v)
    assert small.optimize()["kind"] == "flat"  # below the threshold: stays exact
