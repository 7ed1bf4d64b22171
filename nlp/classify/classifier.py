"""The classifier: sentence-level scoring of a text against the entries, fusion by the calibration, off-topic
decision, evidence, claims (CLS001–CLS003)."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from scipy import sparse

from nlp import budget
from nlp.classify.calibration import (
    _FALLBACK,
    BASE_FEATURES,
    OFF_FEATURES,
    REL_FEATURES,
    Calibration,
    _pick_label_threshold,
    _pick_off_topic_threshold,
    _sigmoid,
    load_calibration,
)
from nlp.classify.claims import resolve_entry
from nlp.classify.lexical import _Matcher, _Scored, _words_with_offsets
from nlp.classify.records import Classification, Evidence, RankedEntry, RankedLink
from nlp.classify.supervised import SupervisedReport, _Supervised
from nlp.text import char_bigrams, fold_width, split_units
from nlp.types import Finding, ReferenceEntry, SpanT

log = logging.getLogger(__name__)


MAX_WINDOW = 120  # characters; longer sentences are cut into windows at commas
BOILERPLATE_WEIGHT = 0.2  # weight of a sentence the boilerplate predicate flags (0 would hide copied scopes)
TOP_SENTENCES = 3


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
        judgment: the learned judgment model (``nlp.judgment.model.JudgmentModel``), optional.
        classify_max_chars: a text is classified on its first this many characters (0 = no limit).
        classify_max_units: at most this many scoring units (sentences, windows) are scored (0 = no limit).
            A text over either budget gets a ``LIM001`` warning naming the limit (:mod:`nlp.budget`).
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
        judgment: Any | None = None,
        classify_max_chars: int = budget.CLASSIFY_MAX_CHARS,
        classify_max_units: int = budget.CLASSIFY_MAX_UNITS,
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
        self.max_chars = classify_max_chars
        self.max_units = classify_max_units
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
        #: ``nlp.judgment.model.JudgmentModel``: learned ranking (when fitted for this edition's codes) and the
        #: scenario-or-not decision (any edition)
        self.judgment = judgment
        self._judged_codes = judgment is not None and judgment.codes == [e.code for e in self.scenarios]

    # ---- features

    def _units(self, text: str, boilerplate: Any) -> tuple[list[SpanT], np.ndarray]:
        spans = split_units(text, self.max_window)
        weights = np.ones(len(spans))
        seen: set[str] = set()
        is_bp = _boilerplate_fn(boilerplate if boilerplate is not None else self.boilerplate)
        for i, (s, e) in enumerate(spans):
            key = _unit_key(text[s:e])
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
        over: list[Finding] = []
        # spans into the prefix stay valid for the whole text
        text = budget.cap(text, self.max_chars, over, "场景匹配", "classify_max_chars", "个字符")
        folded = fold_width(text)
        spans, weights = self._units(text, boilerplate)
        spans = budget.cap(spans, self.max_units, over, "场景匹配", "classify_max_units", "个评分单元")
        weights = weights[: len(spans)]
        dense_units = self._encode_units(text, spans)
        toks = _unit_tokens(folded, spans)
        sc = self._score(self._scen, text, folded, spans, weights, dense_units, toks)
        cal = self.calibration
        z = sc.X @ np.asarray(cal.coef) + cal.intercept if len(self.scenarios) else np.zeros(0)
        p = _sigmoid(z)
        if self._supervised is not None and self._supervised.used:
            p = self._supervised.blend(text, p)
        link_rank: list[tuple[str, float]] | None = None
        cut = cal.label_threshold
        if self._judged_codes:
            s_blend, s_links, p = self.judgment.rank(p, text)
            order = np.argsort(-s_blend, kind="stable")
            link_rank = sorted(
                zip(self.judgment.scorer.links, s_links.tolist(), strict=True), key=lambda kv: -kv[1]
            )
            cut = self.judgment.blend.label_threshold
        else:
            order = np.argsort(-p, kind="stable")
        best = float(p[order[0]]) if len(order) else 0.0
        verdict = self.judgment.verdict(text) if self.judgment is not None else None
        if verdict is not None:
            off_score = 1.0 - verdict.p_scenario
            # a 示范工厂 application is judged against the task list, never rejected as off-topic
            off_topic = not verdict.is_scenario and kind != "factory"
        else:
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
        if link_rank is not None:  # 环节 ranked by the learned 环节 model + their best scenario
            links = [RankedLink(name, link_best[name][0], r + 1, link_best[name][1])
                     for r, (name, _) in enumerate(link_rank) if name in link_best]  # fmt: skip
        else:
            links = [
                RankedLink(name, s, r + 1, code)
                for r, (name, (s, code)) in enumerate(sorted(link_best.items(), key=lambda kv: -kv[1][0]))
            ]
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
        findings += over
        if off_topic:
            findings.append(_not_a_scenario(verdict, off_score, cal.off_topic_threshold, best, self.edition))
        method = (
            (self.profile if "dense_top" in cal.features else "lexical")
            + ("+supervised" if self._supervised is not None and self._supervised.used else "")
            + ("+learned" if self._judged_codes else "")
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
            scenario_check=verdict.to_dict() if verdict is not None else None,
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
    keys = {_unit_key(s) for s in bp}
    return lambda s: _unit_key(s) in keys


def _unit_key(s: str) -> str:
    """A sentence's letters, digits and ``_`` (width-folded; what ``\\w`` matches): equal for a sentence repeated
    with other punctuation."""
    return "".join(ch for ch in fold_width(s) if ch.isalnum() or ch == "_")


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


def _not_a_scenario(verdict: Any, off_score: float, threshold: float, best: float, edition: str) -> Finding:
    """CLS003: the text is not a scenario description — an error, with the reasons of the judgment."""
    if verdict is None:  # no learned judge: the lexical off-topic model (a warning, as before)
        return Finding(
            code="CLS003",
            severity="warning",
            message=(
                f"文本与{edition}年版指引中的任何典型场景都不相符（偏题概率 {off_score:.2f}），"
                "请确认提交的是场景描述，而非新闻、广告或通知。"
            ),
            spans=[],
            detail={
                "off_topic_score": round(off_score, 4),
                "threshold": threshold,
                "best_score": round(best, 4),
            },
        )
    reasons = "；".join(verdict.reasons)
    return Finding(
        code="CLS003",
        severity="error",
        message=(
            f"这段文字不像一份已实施场景的描述（判为场景描述的概率 {verdict.p_scenario:.2f}，"
            f"低于 {verdict.threshold:.2f}）：{reasons}。场景描述应写明具体的工厂、车间或产线，建成了哪些装备、"
            "系统和数据流，如何运行，以及可量化的成效。"
        ),
        spans=[(s, e) for _, s, e in verdict.genre_marks[:10]],
        detail={
            "p_scenario": round(verdict.p_scenario, 4),
            "threshold": verdict.threshold,
            "reasons": list(verdict.reasons),
            "missing": list(verdict.missing),
            "genre": verdict.genre,
            "best_score": round(best, 4),
        },
    )
