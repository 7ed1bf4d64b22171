"""The supervised layer: TF-IDF + logistic regression on reviewer-confirmed labels, blended in only when its
cross-validated top-1 beats the unsupervised ranking."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from nlp.classify.lexical import _words

if TYPE_CHECKING:
    from nlp.classify.classifier import Classifier

log = logging.getLogger(__name__)


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
