"""Rank the 典型场景, 环节 and 揭榜 tasks of a reference edition that a text describes, with evidence.

Method (measured in ``docs/classification.md``):

1. **Representations** of every reference entry, built once from its name, scope, keywords, synonyms and any
   reviewer-confirmed examples: TF-IDF over jieba words (with ``nlp/data/domain_dict.txt``), TF-IDF over
   character bigrams, BM25 weights over words, and a keyword/synonym matcher that keeps character spans.
2. **Sentence-level scoring**: the text is split into sentences (long ones into windows); each sentence is scored
   against every entry, so a factory text that touches ten scenarios in ten sentences scores on each of them.
   Sentences repeated inside the text, and sentences that a ``boilerplate`` predicate marks as template text,
   are discounted.
3. **Fusion and calibration**: per (text, entry) features (document cosines, top-sentence scores, BM25,
   keyword hits, name coverage, optional dense similarity from an encoder, and each one's gap to the best
   entry) are combined by a logistic model fitted on the labelled development set. Its output is the score in
   [0, 1]: the calibrated probability that the entry is one of the text's labels. Coefficients and the
   thresholds (multi-label cut, off-topic cut) are data in ``nlp/data/classify_calibration.json``, written by
   ``python -m nlp.evaluate --fit-calibration``.
4. **Off-topic**: a text whose best calibrated score is below the off-topic threshold fits no scenario.
5. **Supervised layer** (``Classifier.fit_supervised``): TF-IDF + logistic regression on reviewer-confirmed
   labels, blended in only when its cross-validated top-1 beats the unsupervised ranking.

Findings: ``CLS001`` claimed scenario/task not among the top matches (warning), ``CLS002`` claimed name not in
the edition (info), ``CLS003`` text fits no scenario (warning).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from nlp.text import bm25_weights, char_bigrams, domain_tokenizer, fold_width, is_cjk, split_units
from nlp.types import Finding, ReferenceEntry, SpanT

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
CALIBRATION_PATH = DATA_DIR / "classify_calibration.json"

MAX_WINDOW = 120  # characters; longer sentences are cut into windows at commas
BOILERPLATE_WEIGHT = 0.2  # weight of a sentence the boilerplate predicate flags (0 would hide copied scopes)
TOP_SENTENCES = 3

BASE_FEATURES = ("doc_word", "doc_char", "sent_top", "sent_max", "bm25", "keywords", "name")
REL_FEATURES = ("doc_word", "doc_char", "sent_top", "keywords")
# text-level features of the off-topic model; a 5-fold CV on dev_2021 kept these two (see docs/classification.md)
OFF_FEATURES = ("coverage", "max_doc_word")

_STOP = frozenset(
    "的 了 和 与 及 等 在 对 为 以 是 将 把 从 由 到 中 上 下 或 并 其 其中 我们 公司 企业 本 该 这 那 一个 通过 进行 "
    "实现 开展 提高 提升 降低 减少 达到 以上 以下 以及 同时 之后 以前 过去 现在 目前 可以 能够 没有 一 二 三 "
    "个 每 各 多 大 小 所 被 让 使 用 后 前 年 月 日 万 亿 元 次 台 条 项 家 百分之 个百分点".split()
)

_PUNCT = set("，。、；：？！,.;:?!（）()【】[]“”\"'‘’《》<>—-…·/\\|%％ \t\r\n")


# --------------------------------------------------------------------------------------------- text utilities


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


# ----------------------------------------------------------------------------------------------- lexical space


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


# ----------------------------------------------------------------------------------------------- result types


@dataclass
class Evidence:
    """A supporting unit of the text: its span in the original text, the text, its score and keywords."""

    span: SpanT
    text: str
    score: float
    keywords: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "span": [self.span[0], self.span[1]],
            "text": self.text,
            "score": round(self.score, 4),
            "keywords": list(self.keywords),
        }


@dataclass
class RankedEntry:
    """One ranked scenario or task with its calibrated score and evidence."""

    code: str
    name: str
    link: str
    score: float
    rank: int
    evidence: list[Evidence] = field(default_factory=list)
    keywords: list[dict[str, Any]] = field(default_factory=list)
    subsector: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = {
            "code": self.code,
            "name": self.name,
            "link": self.link,
            "score": round(self.score, 4),
            "rank": self.rank,
            "evidence": [e.to_dict() for e in self.evidence],
            "keywords": self.keywords,
        }
        if self.subsector:
            d["subsector"] = self.subsector
        return d


@dataclass
class RankedLink:
    """A 环节 (or, for tasks, a sector) with its score: the best calibrated score of its entries."""

    name: str
    score: float
    rank: int
    best: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "score": round(self.score, 4), "rank": self.rank, "best": self.best}


@dataclass
class IndustryGuess:
    """A GB/T 4754-2017 division (13–43) that the text's vocabulary points to."""

    code: str
    name: str
    score: float
    keywords: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "score": round(self.score, 4),
            "keywords": self.keywords,
        }


@dataclass
class Classification:
    """Result of ``Classifier.classify``; ``to_dict()`` is the JSON contract of the CLI and the service."""

    kind: str
    edition: str
    scenarios: list[RankedEntry]
    links: list[RankedLink]
    tasks: list[RankedEntry]
    labels: list[str]
    off_topic: bool
    off_topic_score: float
    findings: list[Finding] = field(default_factory=list)
    claimed: dict[str, Any] | None = None
    method: str = "lexical"

    @property
    def top(self) -> RankedEntry | None:
        """The best scenario, or None when the edition is empty."""
        return self.scenarios[0] if self.scenarios else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "edition": self.edition,
            "method": self.method,
            "scenarios": [s.to_dict() for s in self.scenarios],
            "links": [link.to_dict() for link in self.links],
            "tasks": [t.to_dict() for t in self.tasks],
            "labels": list(self.labels),
            "off_topic": self.off_topic,
            "off_topic_score": round(self.off_topic_score, 4),
            "claimed": self.claimed,
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass
class Calibration:
    """Fusion weights and thresholds, fitted on labelled texts (see ``fit_calibration``).

    ``coef`` follows ``features``; ``p = sigmoid(x @ coef + intercept)`` is the probability that an entry is one
    of the text's labels. ``label_threshold`` cuts the multi-label set; ``off_topic_threshold`` is the best score
    under which a text fits no scenario. ``fit`` records what it was fitted on and the fit-time figures.
    """

    features: list[str]
    coef: list[float]
    intercept: float
    label_threshold: float = 0.5
    off_topic_threshold: float = 0.5
    off_features: list[str] = field(default_factory=list)
    off_coef: list[float] = field(default_factory=list)
    off_intercept: float = 0.0
    fit: dict[str, Any] = field(default_factory=dict)

    def off_topic_probability(self, feats: Mapping[str, float]) -> float:
        """Probability that a text is off-topic, from its text-level features (0 without an off-topic model)."""
        if not self.off_features:
            return 0.0
        z = sum(c * float(feats.get(f, 0.0)) for f, c in zip(self.off_features, self.off_coef, strict=True))
        return float(_sigmoid(np.array([z + self.off_intercept]))[0])

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "coef": [round(float(c), 6) for c in self.coef],
            "intercept": round(float(self.intercept), 6),
            "label_threshold": round(float(self.label_threshold), 6),
            "off_topic_threshold": round(float(self.off_topic_threshold), 6),
            "off_features": list(self.off_features),
            "off_coef": [round(float(c), 6) for c in self.off_coef],
            "off_intercept": round(float(self.off_intercept), 6),
            "fit": self.fit,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Calibration:
        """Build from ``to_dict()`` output."""
        return cls(
            features=list(d["features"]),
            coef=[float(c) for c in d["coef"]],
            intercept=float(d["intercept"]),
            label_threshold=float(d.get("label_threshold", 0.5)),
            off_topic_threshold=float(d.get("off_topic_threshold", 0.5)),
            off_features=list(d.get("off_features", [])),
            off_coef=[float(c) for c in d.get("off_coef", [])],
            off_intercept=float(d.get("off_intercept", 0.0)),
            fit=dict(d.get("fit", {})),
        )


def load_calibration(profile: str, path: Path | str | None = None) -> Calibration | None:
    """Read one calibration profile (``lexical`` or ``lexical+<encoder name>``) from the calibration file.

    Args:
        profile: profile name.
        path: JSON file; the shipped ``nlp/data/classify_calibration.json`` when None.
    Returns:
        The calibration, or None when the file or the profile is absent.
    """
    p = Path(path) if path is not None else CALIBRATION_PATH
    if not p.exists():
        return None
    data = json.loads(p.read_text(encoding="utf-8"))
    prof = data.get("profiles", {}).get(profile)
    return Calibration.from_dict(prof) if prof else None


def save_calibration(profile: str, calibration: Calibration, path: Path | str | None = None) -> None:
    """Write (or replace) one calibration profile in the calibration file.

    Args:
        profile: profile name.
        calibration: what to store.
        path: JSON file; the shipped one when None.
    """
    p = Path(path) if path is not None else CALIBRATION_PATH
    data = json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}
    data.setdefault("version", 1)
    data.setdefault("profiles", {})[profile] = calibration.to_dict()
    p.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# A neutral starting point used only when no calibration file is present (e.g. a fresh checkout before
# ``--fit-calibration``); the shipped JSON replaces it.
_FALLBACK = Calibration(
    features=[*BASE_FEATURES, *(f"rel_{f}" for f in REL_FEATURES)],
    coef=[2.0, 2.0, 4.0, 2.0, 1.0, 3.0, 1.0, 4.0, 4.0, 6.0, 4.0],
    intercept=-6.0,
    label_threshold=0.3,
    off_topic_threshold=0.5,
    off_features=["coverage", "max_doc_word"],
    off_coef=[-20.0, -10.0],
    off_intercept=7.0,
    fit={"note": "unfitted fallback"},
)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


# ------------------------------------------------------------------------------------------------ the matcher


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
            self.kw_re: re.Pattern[str] | None = re.compile("|".join(re.escape(k) for k in alts))
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


# ----------------------------------------------------------------------------------------------- the classifier


class Classifier:
    """Ranks the scenarios, 环节 and tasks of one reference edition for a text.

    Args:
        scenarios: the guide's entries (``kind == "scenario"``).
        tasks: the 揭榜 task list's entries (``kind == "task"``), optional.
        encoder: optional sentence encoder with ``.encode(list[str]) -> ndarray`` (L2-normalised rows) and
            ``.name``; adds a dense feature when a calibration profile for it exists.
        examples: reviewer-confirmed example texts by entry code, added to the entries' representations.
        calibration: fusion weights and thresholds; read from ``nlp/data/classify_calibration.json`` when None.
        boilerplate: default template-text predicate (a set of sentences or a callable ``str -> bool``).
        claim_top_n: a claim ranked below this is reported as ``CLS001``.
        max_window: longest scoring unit in characters; longer sentences are cut into windows at commas.
        boilerplate_weight: weight of a sentence the boilerplate predicate flags (0 would hide copied scopes).
        top_sentences: how many best sentences the top-sentence feature and the evidence use.
    """

    def __init__(
        self,
        scenarios: Sequence[ReferenceEntry],
        tasks: Sequence[ReferenceEntry] = (),
        encoder: Any | None = None,
        examples: dict[str, list[str]] | None = None,
        *,
        calibration: Calibration | None = None,
        boilerplate: Callable[[str], bool] | Iterable[str] | None = None,
        claim_top_n: int = 3,
        max_window: int = MAX_WINDOW,
        boilerplate_weight: float = BOILERPLATE_WEIGHT,
        top_sentences: int = TOP_SENTENCES,
    ) -> None:
        self.scenarios = list(scenarios)
        self.tasks = list(tasks)
        self.examples = dict(examples or {})
        self.edition = self.scenarios[0].edition if self.scenarios else ""
        self.boilerplate = boilerplate
        self.claim_top_n = claim_top_n
        self.max_window = max_window
        self.boilerplate_weight = boilerplate_weight
        self.top_sentences = top_sentences
        self.profile = "lexical"
        if encoder is not None:
            self.profile = f"lexical+{getattr(encoder, 'name', 'dense')}"
        cal = calibration or load_calibration(self.profile)
        if cal is None and encoder is not None:
            # kept for fit_calibration; without a fitted profile the dense feature is not used
            log.warning(
                "no calibration profile %s; the dense encoder is unused until one is fitted", self.profile
            )
            cal = load_calibration("lexical")
        self.calibration = cal or _FALLBACK
        self.encoder = encoder
        self._scen = _Matcher(self.scenarios, self.examples, encoder)
        self._task = _Matcher(self.tasks, self.examples, None) if self.tasks else None
        self._supervised: _Supervised | None = None

    # ---- features

    def _units(self, text: str, boilerplate: Any) -> tuple[list[SpanT], np.ndarray]:
        spans = split_units(text, self.max_window)
        weights = np.ones(len(spans))
        seen: set[str] = set()
        is_bp = _boilerplate_fn(boilerplate if boilerplate is not None else self.boilerplate)
        for i, (s, e) in enumerate(spans):
            key = re.sub(r"\W", "", fold_width(text[s:e]))
            if key in seen:
                weights[i] = 0.0  # a sentence repeated inside the text counts once
                continue
            seen.add(key)
            if is_bp is not None and is_bp(text[s:e]):
                weights[i] = self.boilerplate_weight
        return spans, weights

    def _score(
        self,
        m: _Matcher,
        text: str,
        folded: str,
        spans: list[SpanT],
        weights: np.ndarray,
        dense_units: Any,
        toks: tuple[list[list[str]], list[list[str]]] | None = None,
    ) -> _Scored:
        n_e = len(m.entries)
        unit_words, unit_chars = toks if toks is not None else _unit_tokens(folded, spans)

        wc = m.words.counts(unit_words)
        cc = m.chars.counts(unit_chars)
        uw = m.words.weigh(wc)
        uc = m.chars.weigh(cc)
        sw = (uw @ m.words.matrix.T).toarray() if len(spans) else np.zeros((0, n_e))
        sc = (uc @ m.chars.matrix.T).toarray() if len(spans) else np.zeros((0, n_e))

        # keyword hits, attributed to units
        hits = m.keyword_hits(folded)
        kw_by_entry: list[dict[str, list[SpanT]]] = [{} for _ in range(n_e)]
        unit_kws: list[list[str]] = [[] for _ in spans]
        unit_kw_score = np.zeros((len(spans), n_e))
        kw_score = np.zeros(n_e)
        seen_kw: set[tuple[str, int]] = set()
        for k, s, e in hits:
            u = _unit_of(spans, s)
            w_u = weights[u] if u is not None else 1.0
            for i in m.kw_owners[k]:
                kw_by_entry[i].setdefault(text[s:e], []).append((s, e))
                if (k, i) not in seen_kw:
                    seen_kw.add((k, i))
                    kw_score[i] += m.kw_weight[k] * w_u
                if u is not None:
                    unit_kw_score[u, i] += m.kw_weight[k]
            if u is not None:
                unit_kws[u].append(text[s:e])

        unit = 0.4 * sw + 0.4 * sc + 0.2 * np.minimum(unit_kw_score, 1.0)
        dense_top = None
        if dense_units is not None and m.dense is not None and len(spans):
            sd = np.asarray(dense_units) @ m.dense.T
            sd = np.maximum(sd, 0.0) * weights[:, None]
            dense_top = _top_mean(sd, self.top_sentences)
        unit = unit * weights[:, None]

        # document level: weighted counts of all units
        dw = m.words.weigh(sparse.csr_matrix(np.asarray(wc.multiply(weights[:, None]).sum(axis=0))))
        dc = m.chars.weigh(sparse.csr_matrix(np.asarray(cc.multiply(weights[:, None]).sum(axis=0))))
        doc_word = (dw @ m.words.matrix.T).toarray().ravel()
        doc_char = (dc @ m.chars.matrix.T).toarray().ravel()
        q = (np.asarray(wc.multiply(weights[:, None]).sum(axis=0)).ravel() > 0).astype(np.float64)
        bm = m.bm25.weights @ q if n_e else np.zeros(0)
        bm_rel = bm / bm.max() if bm.size and bm.max() > 0 else np.zeros(n_e)

        sent_top = _top_mean(unit, self.top_sentences) if len(spans) else np.zeros(n_e)
        sent_max = unit.max(axis=0) if len(spans) else np.zeros(n_e)
        kw = 1.0 - np.exp(-kw_score)
        present = set(char_bigrams(folded, 0, len(folded)))
        name = np.array([len(g & present) / len(g) if g else 0.0 for g in m.name_grams])

        base = {
            "doc_word": doc_word,
            "doc_char": doc_char,
            "sent_top": sent_top,
            "sent_max": sent_max,
            "bm25": bm_rel,
            "keywords": kw,
            "name": name,
        }
        if dense_top is not None:
            base["dense_top"] = dense_top
        cols = []
        for f in self.calibration.features:
            if f.startswith("rel_"):
                v = base.get(f[4:], np.zeros(n_e))
                cols.append(v - (v.max() if v.size else 0.0))
            else:
                cols.append(base.get(f, np.zeros(n_e)))
        X = np.stack(cols, axis=1) if cols else np.zeros((n_e, 0))
        # text-level features for the off-topic model: how much of the text speaks the entries' vocabulary
        n_words = sum(len(u) for u in unit_words)
        in_vocab = sum(1 for u in unit_words for w in u if w in m.words.vocab)
        text_feats = {
            "coverage": in_vocab / n_words if n_words else 0.0,
            "keyword_density": 1.0 - math.exp(-len(hits) * 100.0 / max(len(text), 1)),
            "max_doc_word": float(doc_word.max()) if n_e else 0.0,
            "max_doc_char": float(doc_char.max()) if n_e else 0.0,
            "max_sent_top": float(sent_top.max()) if n_e else 0.0,
        }
        return _Scored(X, unit, kw_by_entry, unit_kws, text_feats)

    def features(self, text: str, *, boilerplate: Any = None) -> np.ndarray:
        """Feature matrix (scenarios x calibration features) of a text; used to fit the calibration.

        Args:
            text: the original text.
            boilerplate: template-text predicate (a set of sentences or a callable).
        Returns:
            ``float`` array, one row per scenario in edition order.
        """
        return self._scored(text, boilerplate).X

    def _scored(self, text: str, boilerplate: Any = None) -> _Scored:
        spans, weights = self._units(text, boilerplate)
        dense_units = self._encode_units(text, spans)
        return self._score(self._scen, text, fold_width(text), spans, weights, dense_units)

    def _encode_units(self, text: str, spans: list[SpanT]) -> Any:
        if self.encoder is None or not spans or "dense_top" not in self.calibration.features:
            return None
        return self.encoder.encode([text[s:e] for s, e in spans])

    # ---- public

    def classify(
        self,
        text: str,
        *,
        kind: str = "scenario",
        claimed: str | None = None,
        top_k: int = 5,
        boilerplate: Callable[[str], bool] | Iterable[str] | None = None,
    ) -> Classification:
        """Rank scenarios, 环节 and (for factories) tasks for a text, with evidence and findings.

        Args:
            text: the original text (spans refer to it).
            kind: ``"scenario"`` (优秀场景) or ``"factory"`` (示范工厂).
            claimed: the scenario (or, for factories, the task) the applicant claims: code or name.
            top_k: how many scenarios and tasks to return.
            boilerplate: template sentences to discount: a set of sentences or a callable ``str -> bool``.
        Returns:
            A ``Classification``.
        """
        folded = fold_width(text)
        spans, weights = self._units(text, boilerplate)
        dense_units = self._encode_units(text, spans)
        toks = _unit_tokens(folded, spans)
        sc = self._score(self._scen, text, folded, spans, weights, dense_units, toks)
        cal = self.calibration
        z = sc.X @ np.asarray(cal.coef) + cal.intercept if len(self.scenarios) else np.zeros(0)
        p = _sigmoid(z)
        if self._supervised is not None and self._supervised.used:
            p = self._supervised.blend(text, p)
        order = np.argsort(-p, kind="stable")
        best = float(p[order[0]]) if len(order) else 0.0
        off_score = cal.off_topic_probability(sc.text_feats)
        off_topic = off_score >= cal.off_topic_threshold

        scen = [
            self._ranked(self.scenarios[i], float(p[i]), r + 1, sc, i, spans, text)
            for r, i in enumerate(order[:top_k])
        ]
        link_best: dict[str, tuple[float, str]] = {}
        for i in order:
            e = self.scenarios[i]
            if e.link not in link_best:
                link_best[e.link] = (float(p[i]), e.code)
        links = [
            RankedLink(name, s, r + 1, code)
            for r, (name, (s, code)) in enumerate(sorted(link_best.items(), key=lambda kv: -kv[1][0]))
        ]
        cut = cal.label_threshold
        labels = [] if off_topic else [self.scenarios[i].code for i in order if p[i] >= cut]
        if not labels and not off_topic and len(order):
            labels = [self.scenarios[order[0]].code]

        tasks: list[RankedEntry] = []
        if kind == "factory" and self._task is not None:
            ts = self._score(self._task, text, folded, spans, weights, None, toks)
            zt = ts.X @ np.asarray(cal.coef) + cal.intercept
            pt = _sigmoid(zt)
            ot = np.argsort(-pt, kind="stable")
            tasks = [
                self._ranked(self.tasks[i], float(pt[i]), r + 1, ts, i, spans, text)
                for r, i in enumerate(ot[:top_k])
            ]

        findings: list[Finding] = []
        claim_info = None
        if claimed:
            claim_info, f = self._check_claim(
                claimed, kind, text, p, order, sc, spans, off_topic, weights, toks
            )
            findings += f
        if off_topic:
            findings.append(
                Finding(
                    code="CLS003",
                    severity="warning",
                    message=(
                        f"文本与{self.edition}年版指引中的任何典型场景都不相符（偏题概率 {off_score:.2f}），"
                        "请确认提交的是场景描述，而非新闻、广告或通知。"
                    ),
                    spans=[],
                    detail={
                        "off_topic_score": round(off_score, 4),
                        "threshold": cal.off_topic_threshold,
                        "best_score": round(best, 4),
                    },
                )
            )
        method = (self.profile if "dense_top" in cal.features else "lexical") + (
            "+supervised" if self._supervised is not None and self._supervised.used else ""
        )
        return Classification(
            kind=kind,
            edition=self.edition,
            scenarios=scen,
            links=links,
            tasks=tasks,
            labels=labels,
            off_topic=off_topic,
            off_topic_score=off_score,
            findings=findings,
            claimed=claim_info,
            method=method,
        )

    def scores(self, text: str, *, boilerplate: Any = None) -> np.ndarray:
        """Calibrated scores of every scenario, in edition order (no evidence; for evaluation and CV).

        Args:
            text: the original text.
            boilerplate: template-text predicate.
        Returns:
            ``float`` array of length ``len(scenarios)``.
        """
        X = self.features(text, boilerplate=boilerplate)
        p = _sigmoid(X @ np.asarray(self.calibration.coef) + self.calibration.intercept)
        if self._supervised is not None and self._supervised.used:
            p = self._supervised.blend(text, p)
        return p

    def _ranked(
        self, e: ReferenceEntry, score: float, rank: int, sc: _Scored, i: int, spans: list[SpanT], text: str
    ) -> RankedEntry:
        col = sc.unit_scores[:, i] if len(spans) else np.zeros(0)
        ev: list[Evidence] = []
        for u in np.argsort(-col, kind="stable")[: self.top_sentences]:
            if col[u] <= 0.05:
                break
            s, t = spans[u]
            kws = [k for k in dict.fromkeys(sc.unit_kws[u]) if k in sc.kw_by_entry[i]]
            ev.append(Evidence((s, t), text[s:t], float(col[u]), kws))
        kws = [
            {"keyword": k, "spans": [[a, b] for a, b in v]}
            for k, v in sorted(sc.kw_by_entry[i].items(), key=lambda kv: -len(kv[1]))
        ]
        return RankedEntry(e.code, e.name, e.link, score, rank, ev, kws, e.subsector)

    def _check_claim(
        self,
        claimed: str,
        kind: str,
        text: str,
        p: np.ndarray,
        order: np.ndarray,
        sc: _Scored,
        spans: list[SpanT],
        off_topic: bool,
        weights: np.ndarray,
        toks: tuple[list[list[str]], list[list[str]]],
    ) -> tuple[dict[str, Any], list[Finding]]:
        pool = self.tasks if kind == "factory" and self.tasks else self.scenarios
        entry = resolve_entry(claimed, pool) or resolve_entry(claimed, self.scenarios)
        if entry is None:
            info = {"text": claimed, "code": None, "rank": None, "score": None}
            f = Finding(
                code="CLS002",
                severity="info",
                message=f"申报的“{claimed}”不在{self.edition}年版参考清单中，无法核对；请使用清单中的场景或任务名称。",
                detail={"claimed": claimed, "edition": self.edition},
            )
            return info, [f]
        if entry.kind == "task" and self._task is not None:
            ts = self._score(self._task, text, fold_width(text), spans, weights, None, toks)
            pt = _sigmoid(ts.X @ np.asarray(self.calibration.coef) + self.calibration.intercept)
            ot = np.argsort(-pt, kind="stable")
            idx = self.tasks.index(entry)
            rank = int(np.where(ot == idx)[0][0]) + 1
            top_i = int(ot[0])
            top_e, top_s, top_sc = self.tasks[top_i], float(pt[top_i]), ts
            score = float(pt[idx])
        else:
            idx = self.scenarios.index(entry)
            rank = int(np.where(order == idx)[0][0]) + 1
            top_i = int(order[0])
            top_e, top_s, top_sc = self.scenarios[top_i], float(p[top_i]), sc
            score = float(p[idx])
        info = {
            "text": claimed,
            "code": entry.code,
            "name": entry.name,
            "rank": rank,
            "score": round(score, 4),
        }
        if rank <= self.claim_top_n and not off_topic:
            return info, []
        col = top_sc.unit_scores[:, top_i] if len(spans) else np.zeros(0)
        ev_spans = [spans[u] for u in np.argsort(-col, kind="stable")[: self.top_sentences] if col[u] > 0.05]
        what = "任务" if entry.kind == "task" else "场景"
        f = Finding(
            code="CLS001",
            severity="warning",
            message=(
                f"申报的{what}“{entry.name}”与文本内容不符：它在匹配结果中排第 {rank} 位（得分 {score:.2f}），"
                f"文本最接近“{top_e.name}”（得分 {top_s:.2f}）。请核对申报{what}，或补充与申报{what}相关的实施内容。"
            ),
            spans=ev_spans,
            detail={
                "claimed_code": entry.code,
                "claimed_name": entry.name,
                "claimed_rank": rank,
                "claimed_score": round(score, 4),
                "top_code": top_e.code,
                "top_name": top_e.name,
                "top_score": round(top_s, 4),
            },
        )
        return info, [f]

    # ---- calibration and supervised layer

    def fit_calibration(
        self,
        texts: Sequence[str],
        labels: Sequence[Sequence[str]],
        off_topic: Sequence[bool],
        *,
        features: Sequence[str] | None = None,
        note: str = "",
    ) -> Calibration:
        """Fit the fusion weights and thresholds on labelled texts and install them on this classifier.

        Args:
            texts: the texts.
            labels: for each text the scenario codes it carries (empty for off-topic texts).
            off_topic: for each text whether it is off-topic.
            features: feature names to use; all lexical ones (plus ``dense_top`` with an encoder) when None.
            note: free text recorded in ``fit`` (e.g. which split).
        Returns:
            The new ``Calibration`` (also set as ``self.calibration``).
        """
        from sklearn.linear_model import LogisticRegression

        if features is None:
            feats = [*BASE_FEATURES, *(f"rel_{f}" for f in REL_FEATURES)]
            if self.encoder is not None:
                feats += ["dense_top", "rel_dense_top"]
        else:
            feats = list(features)
        self.calibration = Calibration(feats, [0.0] * len(feats), 0.0)
        codes = [e.code for e in self.scenarios]
        off = np.asarray(off_topic, dtype=bool)
        Xs, ys, T = [], [], []
        for t, lab in zip(texts, labels, strict=True):
            sc = self._scored(t)
            Xs.append(sc.X)
            T.append([sc.text_feats[f] for f in OFF_FEATURES])
            ys.append(np.array([c in set(lab) for c in codes], dtype=int))
        # ranking/label model: on-topic texts only (off-topic texts have their own model below)
        on = [i for i in range(len(Xs)) if not off[i]]
        X = np.vstack([Xs[i] for i in on])
        y = np.concatenate([ys[i] for i in on])
        lr = LogisticRegression(C=1.0, max_iter=2000)
        lr.fit(X, y)
        coef = lr.coef_.ravel().tolist()
        b = float(lr.intercept_[0])
        P = [_sigmoid(x @ np.asarray(coef) + b) for x in Xs]
        t_lab = _pick_label_threshold(P, ys, off)
        top1 = [int(ys[i][int(np.argmax(P[i]))]) for i in on]
        off_feats: list[str] = []
        off_coef: list[float] = []
        off_b = 0.0
        t_off = 0.5
        if off.any() and (~off).any():
            from sklearn.model_selection import StratifiedKFold, cross_val_predict

            Tm = np.asarray(T)
            lo = LogisticRegression(C=10.0, class_weight="balanced", max_iter=5000)
            k = int(min(5, off.sum(), (~off).sum()))
            if k >= 2:  # the cut is chosen on cross-validated probabilities, not on the fitted ones
                cv = StratifiedKFold(k, shuffle=True, random_state=0)
                po = cross_val_predict(lo, Tm, off.astype(int), cv=cv, method="predict_proba")[:, 1]
                t_off = _pick_off_topic_threshold(po, off)
            lo.fit(Tm, off.astype(int))
            off_feats, off_coef, off_b = (
                list(OFF_FEATURES),
                lo.coef_.ravel().tolist(),
                float(lo.intercept_[0]),
            )
        self.calibration = Calibration(
            feats,
            coef,
            b,
            label_threshold=t_lab,
            off_topic_threshold=round(t_off, 4),
            off_features=off_feats,
            off_coef=off_coef,
            off_intercept=off_b,
            fit={
                "note": note,
                "texts": len(texts),
                "off_topic_texts": int(off.sum()),
                "pairs": int(len(y)),
                "positives": int(y.sum()),
                "fit_top1_any": round(float(np.mean(top1)) if top1 else 0.0, 4),
                "edition": self.edition,
            },
        )
        return self.calibration

    def fit_supervised(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        min_labels: int = 30,
        folds: int = 5,
        seed: int = 0,
    ) -> SupervisedReport:
        """Train a TF-IDF + logistic-regression layer on confirmed labels; use it only if it beats the ranking.

        The layer is cross-validated (stratified folds); it is switched on only when there are at least
        ``min_labels`` labels in at least two classes and the cross-validated top-1 of the blend beats the
        unsupervised top-1 on the same texts.

        Args:
            texts: confirmed texts.
            labels: the confirmed primary scenario code of each text.
            min_labels: fewest labels before the layer is considered.
            folds: cross-validation folds (reduced when classes are small).
            seed: fold shuffling seed.
        Returns:
            A ``SupervisedReport`` with the cross-validated figures and whether the layer is used.
        """
        sup = _Supervised(self, list(texts), list(labels), min_labels=min_labels, folds=folds, seed=seed)
        self._supervised = sup
        return sup.report


def _unit_tokens(folded: str, spans: list[SpanT]) -> tuple[list[list[str]], list[list[str]]]:
    """Words and character bigrams of each unit (words tokenised once over the whole text)."""
    unit_words: list[list[str]] = [[] for _ in spans]
    j = 0
    starts = [s for s, _ in spans]
    for w, s in _words_with_offsets(folded):
        while j + 1 < len(starts) and starts[j + 1] <= s:
            j += 1
        if spans and spans[j][0] <= s < spans[j][1]:
            unit_words[j].append(w)
    return unit_words, [char_bigrams(folded, s, e) for s, e in spans]


def _boilerplate_fn(bp: Any) -> Callable[[str], bool] | None:
    if bp is None:
        return None
    if callable(bp):
        return bp
    keys = {re.sub(r"\W", "", fold_width(s)) for s in bp}
    return lambda s: re.sub(r"\W", "", fold_width(s)) in keys


def _unit_of(spans: list[SpanT], pos: int) -> int | None:
    lo, hi = 0, len(spans) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s, e = spans[mid]
        if pos < s:
            hi = mid - 1
        elif pos >= e:
            lo = mid + 1
        else:
            return mid
    return None


def _top_mean(m: np.ndarray, k: int) -> np.ndarray:
    if m.shape[0] == 0:
        return np.zeros(m.shape[1])
    k = min(k, m.shape[0])
    part = -np.partition(-m, k - 1, axis=0)[:k]
    return part.mean(axis=0)


def _pick_off_topic_threshold(prob: np.ndarray, off: np.ndarray) -> float:
    """Cut on P(off-topic) that maximises balanced accuracy: the middle of the best interval."""
    cands = np.unique(np.concatenate([[0.0], prob, [1.0]]))
    mids = (cands[:-1] + cands[1:]) / 2
    scores = []
    for t in mids:
        rej = prob >= t
        tpr = (rej & off).sum() / max(off.sum(), 1)
        tnr = (~rej & ~off).sum() / max((~off).sum(), 1)
        scores.append(tpr + tnr)
    sc = np.array(scores)
    good = np.where(sc >= sc.max() - 1e-12)[0]
    # of the best interval of cuts, the middle: the widest margin on both sides
    return float((cands[good[0]] + cands[good[-1] + 1]) / 2)


def _pick_label_threshold(P: list[np.ndarray], ys: list[np.ndarray], off: np.ndarray) -> float:
    """Threshold for the multi-label set that maximises micro-F1 over the on-topic texts."""
    best_t, best_f = 0.5, -1.0
    for t in np.linspace(0.05, 0.95, 91):
        tp = fp = fn = 0
        for p, y, o in zip(P, ys, off, strict=True):
            if o:
                continue
            pred = p >= t
            if not pred.any():
                pred = p >= p.max()
            tp += int((pred & (y == 1)).sum())
            fp += int((pred & (y == 0)).sum())
            fn += int((~pred & (y == 1)).sum())
        f = 2 * tp / max(2 * tp + fp + fn, 1)
        if f > best_f + 1e-12:
            best_t, best_f = float(t), f
    return round(best_t, 4)


# ------------------------------------------------------------------------------------------- supervised layer


@dataclass
class SupervisedReport:
    """Cross-validated figures of the supervised layer and whether it is used."""

    n_labels: int
    n_classes: int
    folds: int
    cv_top1_supervised: float | None
    cv_top1_blend: float | None
    top1_unsupervised: float | None
    alpha: float
    used: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class _Supervised:
    def __init__(
        self, clf: Classifier, texts: list[str], labels: list[str], *, min_labels: int, folds: int, seed: int
    ) -> None:
        from collections import Counter

        self.codes = [e.code for e in clf.scenarios]
        self.used = False
        self.model: Any = None
        self.alpha = 0.0
        counts = Counter(labels)
        n_cls = len(counts)
        if len(labels) < min_labels or n_cls < 2:
            self.report = SupervisedReport(
                len(labels), n_cls, 0, None, None, None, 0.0, False,
                f"需要至少 {min_labels} 条、两类以上的确认标签（现有 {len(labels)} 条、{n_cls} 类）",
            )  # fmt: skip
            return
        from sklearn.model_selection import StratifiedKFold

        k = max(2, min(folds, min(counts.values())))
        # classes with a single example cannot be stratified: they stay in training folds only
        unsup = [clf.scores(t) for t in texts]
        top1_u = float(
            np.mean([self.codes[int(np.argmax(p))] == y for p, y in zip(unsup, labels, strict=True)])
        )
        y_arr = np.array(labels)
        strat = np.array([y if counts[y] >= k else "__rare__" for y in labels])
        sup_hits, blend_hits = [], {a: [] for a in (0.25, 0.5, 0.75, 1.0)}
        skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
        for tr, te in skf.split(np.zeros(len(labels)), strat):
            if len(set(y_arr[tr])) < 2:
                continue
            model = _make_pipeline()
            model.fit([texts[i] for i in tr], y_arr[tr])
            for i in te:
                ps = self._proba(model, texts[i])
                sup_hits.append(self.codes[int(np.argmax(ps))] == labels[i])
                for a in blend_hits:
                    pb = (1 - a) * unsup[i] + a * ps
                    blend_hits[a].append(self.codes[int(np.argmax(pb))] == labels[i])
        cv_sup = float(np.mean(sup_hits)) if sup_hits else None
        best_a = max(blend_hits, key=lambda a: (np.mean(blend_hits[a]) if blend_hits[a] else -1, -a))
        cv_blend = float(np.mean(blend_hits[best_a])) if blend_hits[best_a] else None
        used = cv_blend is not None and cv_blend > top1_u
        if used:
            self.model = _make_pipeline()
            self.model.fit(texts, y_arr)
            self.alpha = best_a
        self.used = used
        self.report = SupervisedReport(
            len(labels), n_cls, k, cv_sup, cv_blend, top1_u, best_a if used else 0.0, used,
            "交叉验证的 top-1 优于无监督排序，已启用" if used else "交叉验证的 top-1 未优于无监督排序，未启用",
        )  # fmt: skip

    def _proba(self, model: Any, text: str) -> np.ndarray:
        pr = model.predict_proba([text])[0]
        out = np.zeros(len(self.codes))
        idx = {c: i for i, c in enumerate(self.codes)}
        for c, v in zip(model.classes_, pr, strict=True):
            if c in idx:
                out[idx[c]] = v
        return out

    def blend(self, text: str, p: np.ndarray) -> np.ndarray:
        return (1 - self.alpha) * p + self.alpha * self._proba(self.model, text)


def _make_pipeline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline

    feats = FeatureUnion(
        [
            ("words", TfidfVectorizer(analyzer=_words, sublinear_tf=True, min_df=1)),
            ("chars", TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=1)),
        ]
    )
    return make_pipeline(feats, LogisticRegression(C=10.0, max_iter=2000))


# ---------------------------------------------------------------------------------------- claims and industry


def resolve_entry(claimed: str, entries: Sequence[ReferenceEntry]) -> ReferenceEntry | None:
    """Find the entry a claimed scenario/task refers to: by code, exact name, synonym, or name containment.

    Args:
        claimed: a code (``G21-25``) or a name (``质量精准追溯``, ``质量精准追溯场景``).
        entries: the entries to look in.
    Returns:
        The entry, or None when nothing matches unambiguously.
    """
    c = re.sub(r"\s", "", fold_width(claimed or ""))
    if not c:
        return None
    for e in entries:
        if fold_width(e.code) == c:
            return e
    bare = re.sub(r"(典型)?场景$|示范工厂$", "", c)
    for e in entries:
        n = fold_width(e.name)
        if c == n or bare == re.sub(r"示范工厂$", "", n):
            return e
    for e in entries:
        if any(c == fold_width(s) for s in e.synonyms) or (e.subsector and bare == fold_width(e.subsector)):
            return e
    cands = [e for e in entries if fold_width(e.name) in c or (len(bare) >= 4 and bare in fold_width(e.name))]
    if len(cands) == 1:
        return cands[0]
    if cands:
        cands.sort(key=lambda e: -len(e.name))
        if len(cands[0].name) > len(cands[1].name):
            return cands[0]
    return None


def guess_industry(
    text: str,
    industries: Iterable[Mapping[str, Any] | Any],
    *,
    tasks: Sequence[ReferenceEntry] = (),
    top_k: int = 3,
) -> list[IndustryGuess]:
    """Rank GB/T 4754-2017 manufacturing divisions (13–43) by the industry vocabulary of a text.

    Each industry is a mapping or object with ``code``, ``name`` and ``keywords`` (a list or a ``|``-separated
    string). A keyword counts once however often it occurs; keywords shared by several divisions count less;
    the division name itself counts as a keyword. Task entries lend their sub-sector and keywords to the
    divisions in their ``industry_codes``.

    Args:
        text: the original text.
        industries: the divisions (e.g. rows of ``data/industries_gbt4754.csv``).
        tasks: optional 揭榜 task entries whose vocabulary is added to their divisions.
        top_k: how many to return.
    Returns:
        ``IndustryGuess`` list, best first; empty when no keyword occurs.
    """
    lent: dict[str, list[str]] = {}
    for t in tasks:
        for c in t.industry_codes:
            lent.setdefault(c, []).extend([t.subsector, *t.keywords])
    rows = []
    for ind in industries:
        get = ind.get if isinstance(ind, Mapping) else lambda k, d=None, _o=ind: getattr(_o, k, d)
        kws = get("keywords", ()) or ()
        if isinstance(kws, str):
            kws = [k for k in kws.split("|") if k.strip()]
        name = str(get("name", ""))
        code = str(get("code", ""))
        words = [k.strip() for k in [*kws, *lent.get(code, [])] if k and k.strip()]
        rows.append((code, name, [*words, name]))
    folded = fold_width(text)
    owners: dict[str, int] = {}
    for _, _, kws in rows:
        for k in set(kws):
            owners[fold_width(k)] = owners.get(fold_width(k), 0) + 1
    out = []
    for code, name, kws in rows:
        found = [k for k in dict.fromkeys(kws) if len(k) >= 2 and fold_width(k) in folded]
        if not found:
            continue
        score = sum(1.0 / owners[fold_width(k)] for k in found)
        out.append(IndustryGuess(code, name, score, found))
    if not out:
        return []
    total = sum(g.score for g in out)
    for g in out:
        g.score = g.score / total
    out.sort(key=lambda g: (-g.score, g.code))
    return out[:top_k]
