"""The lexical scorer: jieba words and character bigrams of the entries, TF-IDF spaces, BM25 weights, and the
keyword/synonym matcher that keeps character spans."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from nlp import rx
from nlp.text import bm25_weights, char_bigrams, domain_tokenizer, fold_width, is_cjk
from nlp.types import ReferenceEntry, SpanT

_STOP = frozenset(
    "的 了 和 与 及 等 在 对 为 以 是 将 把 从 由 到 中 上 下 或 并 其 其中 我们 公司 企业 本 该 这 那 一个 通过 进行 "
    "实现 开展 提高 提升 降低 减少 达到 以上 以下 以及 同时 之后 以前 过去 现在 目前 可以 能够 没有 一 二 三 "
    "个 每 各 多 大 小 所 被 让 使 用 后 前 年 月 日 万 亿 元 次 台 条 项 家 百分之 个百分点".split()
)

_PUNCT = set("，。、；：？！,.;:?!（）()【】[]“”\"'‘’《》<>—-…·/\\|%％ \t\r\n")


def _words_with_offsets(folded: str) -> list[tuple[str, int]]:
    """jieba words (stop words, punctuation, digits and single CJK characters dropped) with start offsets."""
    out = []
    for w, s, _e in domain_tokenizer().tokenize(folded):
        if w in _STOP or len(w.strip()) == 0:
            continue
        if len(w) == 1 and (is_cjk(w) or w in _PUNCT or not w.isalnum()):
            continue
        if w.isdigit() or any(ch in _PUNCT for ch in w):
            continue
        out.append((w, s))
    return out


def _words(text: str) -> list[str]:
    return [w for w, _ in _words_with_offsets(fold_width(text))]


class _Space:
    """One TF-IDF space (sublinear tf, smoothed idf, L2 rows) fitted on the entry documents."""

    def __init__(self, docs: list[list[str]]) -> None:
        vocab: dict[str, int] = {}
        for d in docs:
            for t in d:
                vocab.setdefault(t, len(vocab))
        self.vocab = vocab
        n = len(docs)
        df = np.zeros(len(vocab))
        for d in docs:
            for t in set(d):
                df[vocab[t]] += 1
        self.idf = np.log((1 + n) / (1 + df)) + 1.0
        self.df = df
        self.matrix = self.transform(docs)  # entries x V

    def counts(
        self, docs: Sequence[Sequence[str]], weights: Sequence[float] | None = None
    ) -> sparse.csr_matrix:
        rows, cols, vals = [], [], []
        for i, d in enumerate(docs):
            c: dict[int, float] = {}
            for t in d:
                j = self.vocab.get(t)
                if j is not None:
                    c[j] = c.get(j, 0.0) + 1.0
            w = 1.0 if weights is None else weights[i]
            for j, v in c.items():
                rows.append(i)
                cols.append(j)
                vals.append(v * w)
        return sparse.csr_matrix((vals, (rows, cols)), shape=(len(docs), len(self.vocab)))

    def weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        m = sparse.csr_matrix(counts, dtype=np.float64, copy=True)
        m.data = np.log1p(np.maximum(m.data, 0.0))  # sublinear tf; fractional counts from discounted units
        m = sparse.csr_matrix(m.multiply(self.idf))
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.diags(1.0 / norms) @ m

    def transform(self, docs: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        return self.weigh(self.counts(docs))


class _BM25:
    """BM25 term weights of the entry documents (:func:`nlp.text.bm25_weights`); a query scores ``q_binary @ W.T``."""

    def __init__(self, space: _Space, docs: list[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.weights = bm25_weights(space.counts(docs), space.df, k1, b)


class _Matcher:
    """Lexical (and optional dense) representations of one list of entries."""

    def __init__(
        self,
        entries: Sequence[ReferenceEntry],
        examples: Mapping[str, list[str]] | None,
        encoder: Any | None,
    ) -> None:
        self.entries = list(entries)
        examples = examples or {}
        word_docs, char_docs = [], []
        for e in self.entries:
            parts = _entry_texts(e)
            exs = examples.get(e.code, [])
            words: list[str] = []
            chars: list[str] = []
            for text, rep in parts:
                f = fold_width(text)
                w = [t for t, _ in _words_with_offsets(f)]
                c = char_bigrams(f, 0, len(f))
                words += w * rep
                chars += c * rep
            for ex in exs:
                f = fold_width(ex)
                words += [t for t, _ in _words_with_offsets(f)]
                chars += char_bigrams(f, 0, len(f))
            word_docs.append(words)
            char_docs.append(chars)
        self.words = _Space(word_docs)
        self.chars = _Space(char_docs)
        self.bm25 = _BM25(self.words, word_docs)
        self._build_keywords()
        self.name_grams = [set(char_bigrams(fold_width(e.name), 0, len(e.name))) for e in self.entries]
        self.encoder = encoder
        self.dense = None
        if encoder is not None and self.entries:
            texts = [f"{e.name}：{e.scope}" if e.scope else e.name for e in self.entries]
            self.dense = np.asarray(encoder.encode(texts), dtype=np.float32)

    def _build_keywords(self) -> None:
        owners: dict[str, set[int]] = {}
        for i, e in enumerate(self.entries):
            for kw in (e.name, *e.keywords, *e.synonyms):
                k = fold_width(kw.strip())
                if len(k) >= 2:
                    owners.setdefault(k, set()).add(i)
        self.kw_owners = {k: sorted(v) for k, v in owners.items()}
        n = max(len(self.entries), 1)
        # specificity: a keyword shared by many entries says little about any one of them
        self.kw_weight = {k: math.log(1 + n / len(v)) / math.log(1 + n) for k, v in owners.items()}
        if owners:
            alts = sorted(owners, key=len, reverse=True)
            self.kw_re: Any = rx.compile("|".join(rx.escape(k) for k in alts))
        else:
            self.kw_re = None

    def keyword_hits(self, folded: str) -> list[tuple[str, int, int]]:
        if self.kw_re is None:
            return []
        return [(m.group(0), m.start(), m.end()) for m in self.kw_re.finditer(folded)]


def _entry_texts(e: ReferenceEntry) -> list[tuple[str, int]]:
    """The texts an entry is represented by, with repetition weights (name and keywords count more)."""
    parts = [(e.name, 3), (e.scope, 1)]
    parts += [(k, 2) for k in e.keywords]
    parts += [(s, 2) for s in e.synonyms]
    if e.subsector:
        parts.append((e.subsector, 3))
    if e.indicators:
        parts.append(("；".join(e.indicators), 1))
    return [(t, r) for t, r in parts if t]


@dataclass
class _Scored:
    """Per-entry features and per-unit scores of one text against one matcher."""

    X: np.ndarray  # entries x features
    unit_scores: np.ndarray  # units x entries
    kw_by_entry: list[dict[str, list[SpanT]]]
    unit_kws: list[list[str]]
    text_feats: dict[str, float]
