"""A learned scenario/环节 scorer fitted on labelled texts, blended with the lexical prior.

Model: one-vs-rest logistic regressions over character 1–3-gram TF-IDF (and, when an encoder is given, over the
mean sentence embedding), one per scenario and one per 环节. Training documents are labelled texts (the real
corpus's fitting splits, the hand-written development set) plus each scenario's scope text. The final scenario score
blends the learned probability, the lexical prior (``nlp.classify``) and the probability of the scenario's 环节::

    s(c) = a · learned(c) + (1 − a) · prior(c) + b · learned_link(link(c)) + c · cos(text, scope(c))

``a``, ``b`` and ``c`` are chosen by grouped cross-validation on the fitting splits (never on ``test``); the blend is then
mapped to a calibrated probability by a logistic (Platt) fit on the cross-validated scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

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
        self.char_s = _OvR(self.C).fit(X, S)
        self.char_l = _OvR(self.C).fit(X, L)
        if self.encoder is not None:
            E = np.stack([d.embedding if d.embedding is not None else embed_text(self.encoder, d.text)
                          for d in docs])  # fmt: skip
            self.dense_s = _OvR(self.C).fit(E, S)
            self.dense_l = _OvR(self.C).fit(E, L)
        self.n_docs = len(docs)
        return self

    def predict(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Learned probabilities ``(scenarios (n, S), 环节 (n, L))`` and the cosine with each scope text (n, S)."""
        if self.vec is None or self.char_s is None or self.char_l is None:
            raise RuntimeError("LearnedScorer is not fitted: call fit() first")
        X = self.vec.transform(list(texts))
        ps, pl = self.char_s.predict(X), self.char_l.predict(X)
        scope = (X @ self.scope_m.T).toarray()
        if self.dense_s is not None and self.dense_l is not None:
            E = embeddings if embeddings is not None else self.embed(texts)
            ps = (ps + self.dense_s.predict(E)) / 2
            pl = (pl + self.dense_l.predict(E)) / 2
        return ps, pl, scope


@dataclass
class Blend:
    """Blend weights and the Platt calibration of the blended score."""

    a: float = 0.5
    b: float = 0.5
    c: float = 0.0
    platt: tuple[float, float] = (1.0, 0.0)
    label_threshold: float = 0.5
    cv: dict[str, Any] = field(default_factory=dict)

    def scenario_scores(
        self,
        prior: np.ndarray,
        ps: np.ndarray,
        pl: np.ndarray,
        member: np.ndarray,
        scope: np.ndarray | None = None,
    ) -> np.ndarray:
        """Blended scenario scores ``(n, S)``."""
        s = self.a * ps + (1 - self.a) * prior + self.b * (pl @ member.T)
        return s + self.c * scope if scope is not None and self.c else s

    def link_scores(self, s: np.ndarray, pl: np.ndarray, member: np.ndarray) -> np.ndarray:
        """环节 scores ``(n, L)``: the best scenario of the 环节 plus ``b`` times the learned 环节 probability."""
        best = np.stack(
            [np.where(member[:, j] > 0, s, -np.inf).max(axis=1) for j in range(member.shape[1])], 1
        )
        return best + self.b * pl

    def probability(self, s: np.ndarray) -> np.ndarray:
        """Calibrated probability that a scenario with blended score ``s`` is one of the text's labels."""
        k, c = self.platt
        return 1.0 / (1.0 + np.exp(-(k * s + c)))


def choose_blend(
    prior: np.ndarray,
    ps: np.ndarray,
    pl: np.ndarray,
    member: np.ndarray,
    labels: Sequence[Sequence[int]],
    link_labels: Sequence[Sequence[int]],
    scope: np.ndarray | None = None,
    grid: Sequence[float] = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0),
    b_grid: Sequence[float] = (0.0, 0.25, 0.5, 0.75, 1.0),
    c_grid: Sequence[float] = (0.0, 0.5, 1.0, 2.0, 4.0),
) -> Blend:
    """Pick ``a``, ``b`` maximising 环节 top-1 + scenario top-3 on cross-validated predictions, then fit Platt.

    Args:
        prior, ps, pl: cross-validated prior, learned scenario and learned 环节 probabilities of the same texts.
        member: scenario x 环节 membership.
        labels: per text, the indices of its scenarios; link_labels: the indices of its 环节.
    Returns:
        The chosen ``Blend`` with its cross-validated figures in ``cv``.
    """
    best: tuple[Any, float, float, float] | None = None
    table = []
    for a in grid:
        for b in b_grid:
            for c in c_grid if scope is not None else (0.0,):
                bl = Blend(a, b, c)
                s = bl.scenario_scores(prior, ps, pl, member, scope)
                ls = bl.link_scores(s, pl, member)
                l1 = np.mean([int(np.argmax(ls[i])) in set(link_labels[i]) for i in range(len(labels))])
                s3 = np.mean([bool(set(np.argsort(-s[i])[:3]) & set(labels[i])) for i in range(len(labels))])
                table.append((a, b, c, round(float(l1), 4), round(float(s3), 4)))
                key = (round(l1 + s3, 6), -abs(a - 0.5), -b, -c)
                if best is None or key > best[0]:
                    best = (key, a, b, c)
    assert best is not None
    _, a, b, c = best
    bl = Blend(a, b, c)
    s = bl.scenario_scores(prior, ps, pl, member, scope)
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
    chosen = next(r for r in table if r[0] == a and r[1] == b and r[2] == c)
    bl.cv = {"link_top1": chosen[3], "scenario_top3": chosen[4], "label_f1": round(best_f, 4), "grid": table}
    return bl
