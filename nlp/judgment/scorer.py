"""A learned scenario/环节 scorer fitted on labelled texts, blended with the lexical prior.

Model: one-vs-rest logistic regressions over character 1–3-gram TF-IDF (and, when an encoder is given, over the
mean sentence embedding), one per scenario and one per 环节. Training documents are labelled texts (the real
corpus's fitting splits, the hand-written development set) plus each scenario's scope text. The final scenario score
blends the learned probability, the lexical prior (``nlp.classify``), the probability of the scenario's 环节 and two
scope-text cosines (one in the scorer's own TF-IDF space, one in the naive baseline's, ``nlp.judgment.baseline``)::

    s(c) = a · learned(c) + (1 − a) · prior(c) + b · (learned_link(link(c)) − offset(link(c)))
           + c · cos(text, scope(c)) + d · baseline(text, c)

``offset`` is the mean cross-validated 环节 probability over the fitting texts: it removes the learned 环节 model's
lean towards the 环节 that are frequent in the fitting splits (生产作业), which the submissions need not share.
``a``–``d`` are chosen by grouped cross-validation on the fitting splits (never on ``test``), maximising 环节 top-1
and scenario top-3 averaged per primary 环节 (every 环节 counts the same); the blend is then mapped to a calibrated
probability by a logistic (Platt) fit on the cross-validated scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlp.judgment.baseline import ScopeTfidfBaseline
from nlp.types import ReferenceEntry

_SENT_END = set("。！？；!?;\n")


def _sentences(text: str) -> list[str]:
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in _SENT_END:
            out.append(text[start : i + 1])
            start = i + 1
    if start < len(text):
        out.append(text[start:])
    return out


def embed_text(encoder: Any, text: str, max_chars: int = 120, max_chunks: int = 40) -> np.ndarray:
    """Mean of L2-normalised chunk embeddings of a text (chunks of whole sentences up to ``max_chars``)."""
    out: list[str] = []
    cur = ""
    for part in _sentences(text):
        if not part.strip():
            continue
        if cur and len(cur) + len(part) > max_chars:
            out.append(cur)
            cur = ""
        cur += part[: max_chars * 4]
    if cur:
        out.append(cur)
    chunks = out[:max_chunks] or [text[:max_chars] or " "]
    v = np.asarray(encoder.encode(chunks), dtype=np.float64).mean(axis=0)
    n = np.linalg.norm(v)
    return v / n if n else v


@dataclass
class Signals:
    """The per-scenario and per-环节 signals the blend combines, for ``n`` texts."""

    prior: np.ndarray  #: (n, S) lexical prior (``nlp.classify``)
    ps: np.ndarray  #: (n, S) learned scenario probabilities
    pl: np.ndarray  #: (n, L) learned 环节 probabilities
    scope: np.ndarray  #: (n, S) cosine with each scope text, scorer's TF-IDF space
    base: np.ndarray  #: (n, S) cosine with each scope text, the naive baseline's space


@dataclass
class Doc:
    """A training document: text and its scenario codes (primary first)."""

    text: str
    codes: list[str]
    embedding: np.ndarray | None = field(default=None, repr=False)


class _OvR:
    """One logistic regression per label over a shared feature matrix."""

    def __init__(self, C: float) -> None:
        self.C = C
        self.models: list[LogisticRegression | None] = []

    def fit(self, X: Any, Y: np.ndarray) -> _OvR:
        self.models = []
        for j in range(Y.shape[1]):
            y = Y[:, j]
            if y.sum() == 0 or y.sum() == len(y):
                self.models.append(None)
                continue
            # liblinear: the same L2 logistic loss, an order of magnitude faster than lbfgs on sparse n-grams
            m = LogisticRegression(
                C=self.C, class_weight="balanced", solver="liblinear", dual=True, max_iter=3000
            )
            self.models.append(m.fit(X, y))
        return self

    def predict(self, X: Any) -> np.ndarray:
        n = X.shape[0]
        cols = [m.predict_proba(X)[:, 1] if m is not None else np.zeros(n) for m in self.models]
        return np.stack(cols, axis=1) if cols else np.zeros((n, 0))


class LearnedScorer:
    """Learned probabilities of each scenario and 环节 of one edition.

    Args:
        entries: the guide's scenarios (edition order).
        encoder: optional sentence encoder (``encode(list[str])``); adds the dense half of the model.
        C: inverse regularisation of the logistic regressions.
    """

    def __init__(
        self, entries: Sequence[ReferenceEntry], encoder: Any | None = None, C: float = 10.0
    ) -> None:
        self.entries = list(entries)
        self.codes = [e.code for e in self.entries]
        self.links = list(dict.fromkeys(e.link for e in self.entries))
        self.link_of = {e.code: e.link for e in self.entries}
        #: scenario x 环节 membership
        self.member = np.array(
            [[1.0 if self.link_of[c] == lk else 0.0 for lk in self.links] for c in self.codes]
        )
        self.encoder = encoder
        self.C = C
        self.vec: TfidfVectorizer | None = None
        self.char_s: _OvR | None = None
        self.char_l: _OvR | None = None
        self.dense_s: _OvR | None = None
        self.dense_l: _OvR | None = None
        self.n_docs = 0
        self.scope_m: Any = None
        self.base: ScopeTfidfBaseline | None = None

    def reference_docs(self) -> list[Doc]:
        """Each scenario's scope text and keywords as one training document."""
        return [Doc(f"{e.scope} {' '.join(e.keywords)}", [e.code]) for e in self.entries]

    def _targets(self, docs: Sequence[Doc]) -> tuple[np.ndarray, np.ndarray]:
        S = np.array([[1.0 if c in d.codes else 0.0 for c in self.codes] for d in docs])
        L = np.array([[1.0 if any(self.link_of.get(c) == lk for c in d.codes) else 0.0 for lk in self.links]
                      for d in docs])  # fmt: skip
        return S, L

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Text embeddings with the scorer's encoder (``(n, dim)``)."""
        assert self.encoder is not None
        return np.stack([embed_text(self.encoder, t) for t in texts])

    def fit(self, docs: Sequence[Doc]) -> LearnedScorer:
        """Fit on labelled documents (add ``reference_docs()`` yourself when wanted)."""
        docs = [d for d in docs if any(c in self.link_of for c in d.codes)]
        S, L = self._targets(docs)
        self.vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1,
                                   max_features=80000)  # fmt: skip
        X = self.vec.fit_transform([d.text for d in docs])
        self.scope_m = self.vec.transform([e.scope or e.name for e in self.entries])
        # the naive baseline as a signal: IDF on the training texts (labels unused) and the scope texts
        self.base = ScopeTfidfBaseline(self.entries, [d.text for d in docs])
        self.char_s = _OvR(self.C).fit(X, S)
        self.char_l = _OvR(self.C).fit(X, L)
        if self.encoder is not None:
            E = np.stack([d.embedding if d.embedding is not None else embed_text(self.encoder, d.text)
                          for d in docs])  # fmt: skip
            self.dense_s = _OvR(self.C).fit(E, S)
            self.dense_l = _OvR(self.C).fit(E, L)
        self.n_docs = len(docs)
        return self

    def signals(
        self, texts: Sequence[str], prior: np.ndarray, embeddings: np.ndarray | None = None
    ) -> Signals:
        """The learned probabilities and scope cosines of ``texts``, with their lexical ``prior`` ``(n, S)``."""
        if self.vec is None or self.char_s is None or self.char_l is None or self.base is None:
            raise RuntimeError("LearnedScorer is not fitted: call fit() first")
        X = self.vec.transform(list(texts))
        ps, pl = self.char_s.predict(X), self.char_l.predict(X)
        scope = (X @ self.scope_m.T).toarray()
        if self.dense_s is not None and self.dense_l is not None:
            E = embeddings if embeddings is not None else self.embed(texts)
            ps = (ps + self.dense_s.predict(E)) / 2
            pl = (pl + self.dense_l.predict(E)) / 2
        return Signals(np.asarray(prior, dtype=float), ps, pl, scope, self.base.scores(texts))


@dataclass
class Blend:
    """Blend weights, the 环节 offset and the Platt calibration of the blended score."""

    a: float = 0.5
    b: float = 0.5
    c: float = 0.0
    d: float = 0.0
    link_offset: tuple[float, ...] = ()
    platt: tuple[float, float] = (1.0, 0.0)
    label_threshold: float = 0.5
    cv: dict[str, Any] = field(default_factory=dict)

    def _pl(self, sig: Signals) -> np.ndarray:
        return sig.pl - np.asarray(self.link_offset) if len(self.link_offset) else sig.pl

    def scenario_scores(self, sig: Signals, member: np.ndarray) -> np.ndarray:
        """Blended scenario scores ``(n, S)``."""
        s = self.a * sig.ps + (1 - self.a) * sig.prior + self.b * (self._pl(sig) @ member.T)
        if self.c:
            s = s + self.c * sig.scope
        return s + self.d * sig.base if self.d else s

    def link_scores(self, s: np.ndarray, sig: Signals, member: np.ndarray) -> np.ndarray:
        """环节 scores ``(n, L)``: the best scenario of the 环节 plus ``b`` times the (offset) learned 环节 probability."""
        best = np.stack(
            [np.where(member[:, j] > 0, s, -np.inf).max(axis=1) for j in range(member.shape[1])], 1
        )
        return best + self.b * self._pl(sig)

    def probability(self, s: np.ndarray) -> np.ndarray:
        """Calibrated probability that a scenario with blended score ``s`` is one of the text's labels."""
        k, c = self.platt
        return 1.0 / (1.0 + np.exp(-(k * s + c)))


def per_link_mean(ok: np.ndarray, primary: Sequence[int]) -> float:
    """Mean of the per-text outcomes ``ok`` averaged first within each primary 环节, then over the 环节."""
    prim = np.asarray(primary)
    return float(np.mean([ok[prim == k].mean() for k in np.unique(prim)])) if len(prim) else 0.0


def choose_blend(
    sig: Signals,
    member: np.ndarray,
    labels: Sequence[Sequence[int]],
    link_labels: Sequence[Sequence[int]],
    grid: Sequence[float] = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0),
    b_grid: Sequence[float] = (0.0, 0.25, 0.5, 0.75, 1.0),
    c_grid: Sequence[float] = (0.0, 1.0, 2.0, 4.0, 8.0),
    d_grid: Sequence[float] = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0),
) -> Blend:
    """Pick ``a``–``d`` and whether to offset the 环节 model on cross-validated predictions, then fit Platt.

    The criterion is 环节 top-1 + scenario top-3, each averaged per primary 环节 (so the frequent 环节 of the fitting
    splits do not dominate); ties prefer ``a`` near 0.5 and smaller ``b``, ``c``, ``d``.

    Args:
        sig: cross-validated signals of the fitting texts.
        member: scenario x 环节 membership.
        labels: per text, the indices of its scenarios; link_labels: the indices of its 环节 (primary first).
    Returns:
        The chosen ``Blend`` with its cross-validated figures (per text and per 环节) in ``cv``.
    """
    primary = [ll[0] for ll in link_labels]
    offset = tuple(float(x) for x in sig.pl.mean(axis=0))
    best: tuple[Any, Blend] | None = None
    table = []
    for a in grid:
        for b in b_grid:
            for c in c_grid:
                for d in d_grid:
                    for off in ((), offset) if b else ((),):
                        bl = Blend(a, b, c, d, off)
                        s = bl.scenario_scores(sig, member)
                        ls = bl.link_scores(s, sig, member)
                        ok1 = np.array(
                            [int(np.argmax(ls[i])) in set(link_labels[i]) for i in range(len(labels))]
                        )
                        ok3 = np.array([bool(set(np.argsort(-s[i])[:3]) & set(labels[i]))
                                        for i in range(len(labels))])  # fmt: skip
                        m1, m3 = per_link_mean(ok1, primary), per_link_mean(ok3, primary)
                        row = (a, b, c, d, bool(off), round(float(ok1.mean()), 4), round(float(ok3.mean()), 4),
                               round(m1, 4), round(m3, 4))  # fmt: skip
                        table.append(row)
                        key = (
                            round(m1 + m3, 6),
                            round(float(ok1.mean() + ok3.mean()), 6),
                            -abs(a - 0.5),
                            -b,
                            -c,
                            -d,
                        )
                        if best is None or key > best[0]:
                            best = (key, bl)
    assert best is not None
    bl = best[1]
    s = bl.scenario_scores(sig, member)
    y = np.zeros_like(s)
    for i, labs in enumerate(labels):
        y[i, list(labs)] = 1
    lr = LogisticRegression(C=100.0, max_iter=2000).fit(s.reshape(-1, 1), y.ravel())
    bl.platt = (float(lr.coef_[0, 0]), float(lr.intercept_[0]))
    prob = bl.probability(s)
    best_t, best_f = 0.5, -1.0
    for t in np.linspace(0.1, 0.9, 33):
        pred = prob >= t
        tp = float((pred & (y > 0)).sum())
        f = 2 * tp / max(float(pred.sum() + y.sum()), 1.0)
        if f > best_f:
            best_t, best_f = float(t), f
    bl.label_threshold = round(best_t, 4)
    chosen = next(r for r in table if r[:5] == (bl.a, bl.b, bl.c, bl.d, bool(bl.link_offset)))
    bl.cv = {
        "link_top1": chosen[5],
        "scenario_top3": chosen[6],
        "link_top1_per_link": chosen[7],
        "scenario_top3_per_link": chosen[8],
        "label_f1": round(best_f, 4),
        "grid": table,
    }
    return bl
