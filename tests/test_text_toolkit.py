"""The text toolkit (nlp.text) and the one boilerplate detector: behaviour the rest of the product relies on."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from nlp.boilerplate import Boilerplate, ReferenceMatcher
from nlp.normalize import fold_width, match_text
from nlp.text import BM25, bm25_weights, sentence_spans, sentences, split_units, windows, word_tokens


def test_one_sentence_splitter_keeps_terminators_quotes_and_decimals():
    text = "他说：“产线已改造。”良品率提升到99.5%！Yield rose. Next line\n最后一句"
    assert [s.text for s in sentences(text)] == [
        "他说：“产线已改造。”",
        "良品率提升到99.5%！",
        "Yield rose.",
        "Next line",
        "最后一句",
    ]
    assert [text[s:e] for s, e in sentence_spans(text)] == [p.text for p in sentences(text)]


def test_units_and_windows_cover_long_sentences_in_order():
    long = "，".join(["设备联网采集数据"] * 30) + "。"
    units = split_units(long, 60)
    assert all(e - s <= 60 for s, e in units) and units[0][0] == 0 and units[-1][1] == len(long)
    assert all(a[1] <= b[0] for a, b in zip(units, units[1:], strict=False))
    ws = list(windows("一。二。三。四。", max_sentences=3, max_chars=400))
    assert ws == [(0, 6), (6, 8)]


def test_width_fold_keeps_length_and_match_text_drops_layout():
    assert fold_width("ＭＥＳ系统Ａ") == "mes系统a"
    assert len(fold_width("㈠ＡＢ")) == 3
    assert match_text("Ｍ Ｅ Ｓ，系统") == "mes系统"


def test_word_tokens_keep_domain_terms_whole_in_their_matching_form():
    assert word_tokens("采用机器视觉系统") == ["采用", "机器视觉", "系统"]
    assert word_tokens("不良品率下降") == ["不良品率", "下降"]  # the plain jieba dictionary splits 不|良品率
    assert "mes" in word_tokens("上线ＭＥＳ系统后")


def _brute_bm25(docs: list[list[str]], query: list[str], k1: float, b: float) -> np.ndarray:
    n, avg = len(docs), sum(map(len, docs)) / len(docs)
    out = np.zeros(n)
    for t in set(query):
        df = sum(t in d for d in docs)
        if not df:
            continue
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        for i, d in enumerate(docs):
            tf = d.count(t)
            out[i] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(d) / avg))
    return out


def test_both_forms_of_bm25_give_the_okapi_scores():
    texts = ["数字孪生产线", "产线排产优化产线", "仓储物流配送", "数字化车间"]
    index = BM25(tokenizer="bigram")
    for i, t in enumerate(texts):
        index.add(i, t)
    docs = [[t[j : j + 2] for j in range(len(t) - 1)] for t in texts]
    ids, scores = index.scores("产线数字")
    want = _brute_bm25(docs, ["产线", "线数", "数字"], index.k1, index.b)
    assert np.allclose(scores[np.argsort(ids)], want, atol=1e-5)

    vocab = sorted({t for d in docs for t in d})
    col = {t: j for j, t in enumerate(vocab)}
    counts = sparse.lil_matrix((len(docs), len(vocab)))
    for i, d in enumerate(docs):
        for t in d:
            counts[i, col[t]] += 1
    df = np.asarray((counts.tocsr() > 0).sum(axis=0)).ravel()
    w = bm25_weights(counts.tocsr(), df, k1=1.2, b=0.75)
    q = np.zeros(len(vocab))
    q[[col["产线"], col["数字"]]] = 1
    assert np.allclose(w @ q, _brute_bm25(docs, ["产线", "数字"], 1.2, 0.75))


def test_reference_matcher_finds_every_copied_run_even_twice():
    ref = "企业应当围绕智能制造典型场景开展建设并形成可复制可推广的经验。"
    clause = ref[:20]
    text = f"我们的做法：{clause}。另外，{clause}，效果明显。"
    share, spans = ReferenceMatcher([ref]).match(text)
    assert [text[s:e] for s, e in spans] == [clause, clause]
    assert 0 < share < 1
    # the engine's mask uses the same detector: both copies are boilerplate
    masked = Boilerplate((), [ref]).mask(text)
    assert sum(text[s:e].count(clause) for s, e in masked) == 2
    assert ReferenceMatcher([ref]).match("完全无关的文字内容，没有任何复制的段落可言。")[1] == []
