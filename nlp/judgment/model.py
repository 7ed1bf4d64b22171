"""The judgment model: learned scenario/环节 scorer + blend + scenario-or-not judge, fitted on the real corpus.

Two steps, both reproducible from the repository:

1. ``python -m nlp.judgment.model choose`` runs grouped cross-validation (groups = companies) on the fitting splits
   (``train`` and ``dev``) and writes the chosen blend weights, Platt calibration, label threshold and judge threshold
   with their cross-validated figures to ``nlp/data/judgment.json``. The ``test`` split is never read.
2. ``load_model`` fits the logistic regressions on the fitting splits (plus the hand-written development set and the
   guide's scope texts) with those parameters — a few seconds — and memoises the result per process and on disk
   (a pickle keyed by the training data, the parameters and the scikit-learn version).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nlp.judgment.corpus import RealRecord, by_split, load_real
from nlp.judgment.genre import ScenarioJudge, Verdict
from nlp.judgment.scorer import Blend, Doc, LearnedScorer, Signals, choose_blend
from nlp.text import dictionary_key, reference_terms, use_domain_terms
from nlp.types import ReferenceEntry

log = logging.getLogger(__name__)

PARAMS_PATH = Path(__file__).resolve().parents[1] / "data" / "judgment.json"


def default_cache_dir() -> Path:
    """Where fitted models are kept between processes: ``$XDG_CACHE_HOME/scenario-kb`` (``~/.cache/…``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "scenario-kb"


FIT_SPLITS = ("train", "dev")
#: the false-rejection rate the judge's threshold is set to on out-of-fold probabilities
TARGET_FALSE_REJECTION = 0.04


@dataclass
class JudgmentModel:
    """The fitted judgment: ``scorer`` + ``blend`` rank scenarios and 环节; ``judge`` says scenario or not."""

    scorer: LearnedScorer
    blend: Blend
    judge: ScenarioJudge
    codes: list[str]
    info: dict[str, Any] = field(default_factory=dict)

    def rank(self, prior: np.ndarray, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Blended scenario scores, 环节 scores (in ``scorer.links`` order) and calibrated probabilities."""
        sig = self.scorer.signals([text], prior[None, :])
        s = self.blend.scenario_scores(sig, self.scorer.member)
        return s[0], self.blend.link_scores(s, sig, self.scorer.member)[0], self.blend.probability(s)[0]

    def verdict(self, text: str) -> Verdict:
        """Is the text a scenario description, with reasons."""
        return self.judge.judge(text)


def fitting_docs(records: Sequence[RealRecord], extra: Sequence[Doc], scorer: LearnedScorer) -> list[Doc]:
    """Training documents of the scorer: positive records of the fitting splits, extra docs, scope texts."""
    pos = [Doc(r.text, r.scenarios) for r in by_split(records, FIT_SPLITS) if not r.off_topic]
    return [*pos, *extra, *scorer.reference_docs()]


def judge_texts(
    records: Sequence[RealRecord], extra_judged: Sequence[tuple[str, bool]]
) -> tuple[list[str], list[bool]]:
    """Texts and scenario-or-not labels the judge is fitted on (fitting splits + extra)."""
    fit = by_split(records, FIT_SPLITS)
    texts = [r.text for r in fit] + [t for t, _ in extra_judged]
    ys = [not r.off_topic for r in fit] + [b for _, b in extra_judged]
    return texts, ys


def fingerprint(records: Sequence[RealRecord], extra: Sequence[Doc], extra_judged: Sequence[tuple[str, bool]],
                params: dict[str, Any]) -> str:  # fmt: skip
    """Hash of everything the fitted model depends on."""
    import sklearn

    h = hashlib.sha1()
    for r in by_split(records, FIT_SPLITS):
        h.update(f"{r.id}\x00{r.text}\x00{r.scenarios}\x00{r.off_topic}\x01".encode())
    for d in extra:
        h.update(f"{d.text}\x00{d.codes}\x01".encode())
    for t, b in extra_judged:
        h.update(f"{t}\x00{b}\x01".encode())
    h.update(
        json.dumps(
            {k: v for k, v in params.items() if k not in ("cv", "same_project")}, sort_keys=True
        ).encode()
    )
    h.update(sklearn.__version__.encode())
    return h.hexdigest()[:16]


def choose_params(
    records: Sequence[RealRecord],
    entries: Sequence[ReferenceEntry],
    extra: Sequence[Doc],
    extra_judged: Sequence[tuple[str, bool]],
    prior_fn: Callable[[str], np.ndarray],
    folds: int = 5,
    encoder: Any | None = None,
) -> dict[str, Any]:
    """Grouped cross-validation on the fitting splits; returns the parameters and their CV figures."""
    from sklearn.model_selection import GroupKFold

    fit = by_split(records, FIT_SPLITS)
    pos = [r for r in fit if not r.off_topic]
    probe = LearnedScorer(entries)
    codes, links = probe.codes, probe.links
    prior = np.stack([prior_fn(r.text) for r in pos])
    n, ns = len(pos), len(codes)
    sig = Signals(prior, np.zeros((n, ns)), np.zeros((n, len(links))), np.zeros((n, ns)), np.zeros((n, ns)))
    for tr, te in GroupKFold(folds).split(pos, groups=[r.company_key for r in pos]):
        docs = [Doc(pos[i].text, pos[i].scenarios) for i in tr] + list(extra) + probe.reference_docs()
        sc = LearnedScorer(entries, encoder).fit(docs)
        part = sc.signals([pos[i].text for i in te], prior[te])
        sig.ps[te], sig.pl[te], sig.scope[te], sig.base[te] = part.ps, part.pl, part.scope, part.base
    labels = [[codes.index(c) for c in r.scenarios if c in codes] for r in pos]
    link_labels = [[links.index(lk) for lk in r.links if lk in links] for r in pos]
    bl = choose_blend(sig, probe.member, labels, link_labels)

    texts, ys = [r.text for r in fit], np.array([not r.off_topic for r in fit])
    groups = [r.company_key or r.id for r in fit]
    oof = np.zeros(len(fit))
    for tr, te in GroupKFold(folds).split(texts, groups=groups):
        j = ScenarioJudge().fit([texts[i] for i in tr] + [t for t, _ in extra_judged],
                                [bool(ys[i]) for i in tr] + [b for _, b in extra_judged])  # fmt: skip
        oof[te] = j.probability([texts[i] for i in te])
    pos_p = np.sort(oof[ys])
    t = float(pos_p[int(TARGET_FALSE_REJECTION * len(pos_p))])
    return {
        "encoder": getattr(encoder, "name", None) if encoder is not None else None,
        "a": bl.a,
        "b": bl.b,
        "c": bl.c,
        "d": bl.d,
        "link_offset": [round(x, 6) for x in bl.link_offset],
        "platt": list(bl.platt),
        "label_threshold": bl.label_threshold,
        "judge_threshold": round(t, 4),
        "cv": {
            "texts_scorer": len(pos),
            "texts_judge": len(fit),
            "folds": folds,
            "link_top1": bl.cv["link_top1"],
            "scenario_top3": bl.cv["scenario_top3"],
            "link_top1_per_link": bl.cv["link_top1_per_link"],
            "scenario_top3_per_link": bl.cv["scenario_top3_per_link"],
            "prior_only": next(g for g in bl.cv["grid"] if g[:5] == (0.0, 0.0, 0.0, 0.0, False))[5:],
            "label_f1": bl.cv["label_f1"],
            "judge_false_rejection": round(float((oof[ys] < t).mean()), 4),
            "judge_rejection": round(float((oof[~ys] < t).mean()), 4),
        },
    }


def choose_same_project(records: Sequence[RealRecord], precision: float = 0.9) -> dict[str, Any]:
    """Fit the same-project model on the ``dev`` split's candidate pairs; threshold for family ``precision`` there."""
    from nlp.judgment.same_project import (
        SameProjectModel,
        choose_family_threshold,
        model_links,
        naive_links,
        pair_set,
        score_links,
    )

    ps = pair_set(by_split(records, "dev"))
    ev, y = ps.labelled()
    m = SameProjectModel().fit(ev, y)
    choose_family_threshold(ps, m, precision)
    d = m.to_dict()
    d["dev"] = {"model": score_links(ps, model_links(ps, m)), "naive": score_links(ps, naive_links(ps))}
    return d


def fit_model(
    records: Sequence[RealRecord],
    entries: Sequence[ReferenceEntry],
    extra: Sequence[Doc],
    extra_judged: Sequence[tuple[str, bool]],
    params: dict[str, Any],
    encoder: Any | None = None,
) -> JudgmentModel:
    """Fit the scorer and the judge on the fitting splits with the chosen parameters."""
    scorer = LearnedScorer(entries, encoder)
    scorer.fit(fitting_docs(records, extra, scorer))
    blend = Blend(
        params["a"],
        params["b"],
        params.get("c", 0.0),
        params.get("d", 0.0),
        tuple(params.get("link_offset", ())),
        tuple(params["platt"]),
        params["label_threshold"],
    )
    texts, ys = judge_texts(records, extra_judged)
    judge = ScenarioJudge().fit(texts, ys)
    judge.threshold = float(params["judge_threshold"])
    return JudgmentModel(scorer, blend, judge, scorer.codes, {"params": params, "docs": scorer.n_docs})


_LOCK = threading.Lock()
_MODELS: dict[str, JudgmentModel] = {}


def load_model(
    corpus: str | Path,
    entries: Sequence[ReferenceEntry],
    extra: Sequence[Doc] = (),
    extra_judged: Sequence[tuple[str, bool]] = (),
    *,
    params_path: str | Path | None = None,
    cache_dir: str | Path | None = None,
) -> JudgmentModel | None:
    """The fitted model for these entries, or None when the corpus or parameters are missing or do not fit them.

    Args:
        corpus: ``corpus.jsonl`` of the real labelled corpus.
        entries: the guide's scenarios; the model applies only to the edition it was labelled with.
        extra: further labelled training documents (the hand-written development set).
        extra_judged: further scenario-or-not examples.
        params_path: the chosen parameters (``nlp/data/judgment.json`` when None).
        cache_dir: where to keep the fitted model between processes (no disk cache when None).
    """
    cpath, ppath = Path(corpus), Path(params_path or PARAMS_PATH)
    if not cpath.exists() or not ppath.exists():
        return None
    records = load_real(cpath)
    labelled = {c for r in records for c in r.scenarios}
    codes = {e.code for e in entries}
    if not labelled <= codes:
        return None
    params = json.loads(ppath.read_text(encoding="utf-8"))
    # the judge's word features depend on the segmentation dictionary (the editions in use)
    key = ":".join(
        (fingerprint(records, extra, extra_judged, params), ",".join(sorted(codes)), dictionary_key())
    )
    key = hashlib.sha1(key.encode()).hexdigest()[:16]
    with _LOCK:
        if key in _MODELS:
            return _MODELS[key]
        cached = Path(cache_dir) / f"judgment-{key}.pkl" if cache_dir else None
        model = None
        if cached is not None and cached.exists():
            try:
                with cached.open("rb") as fh:
                    model = pickle.load(fh)
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
                log.warning("ignoring unreadable judgment cache %s (%s)", cached, exc)
        if model is None:
            encoder = None
            if params.get("encoder"):
                from nlp.similarity.encoders import get_encoder

                encoder = get_encoder(params["encoder"])
            model = fit_model(records, entries, extra, extra_judged, params, encoder)
            if cached is not None:
                try:
                    cached.parent.mkdir(parents=True, exist_ok=True)
                    tmp = cached.with_suffix(".tmp")
                    with tmp.open("wb") as fh:
                        pickle.dump(model, fh)
                    tmp.replace(cached)
                except OSError as exc:
                    log.warning("could not cache the judgment model in %s (%s)", cached, exc)
        _MODELS[key] = model
        return model


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m nlp.judgment.model choose``: choose the parameters (grouped CV; same-project on dev), write them."""
    from nlp.classify import Classifier
    from nlp.evaluate import load_labeled, read_entries_csv

    ap = argparse.ArgumentParser(prog="python -m nlp.judgment.model")
    ap.add_argument("command", choices=["choose"])
    ap.add_argument("--corpus", default="data/labeled/real/corpus.jsonl")
    ap.add_argument("--edition-dir", default="data/scenario_guide_2021")
    ap.add_argument(
        "--tasks-dir", default="data/factory_tasks_2021", help="task list in use (its terms segment)"
    )
    ap.add_argument("--extra", default="data/labeled/dev_2021.jsonl", help="hand-written labelled set")
    ap.add_argument("--out", default=str(PARAMS_PATH))
    ap.add_argument("--encoder", default=None, help="sentence encoder for the dense half (e.g. use)")
    ap.add_argument("--only-same-project", action="store_true", help="keep the ranking/judge parameters")
    args = ap.parse_args(argv)
    entries = read_entries_csv(args.edition_dir)
    tasks = read_entries_csv(args.tasks_dir) if args.tasks_dir else []
    use_domain_terms(reference_terms([*entries, *tasks]))  # the segmentation dictionary the product has
    records = load_real(args.corpus)
    extra, extra_judged = extra_sets(load_labeled(args.extra), entries)
    clf = Classifier(entries)
    encoder = None
    if args.encoder:
        from nlp.similarity.encoders import get_encoder

        encoder = _Memo(get_encoder(args.encoder))
    if args.only_same_project and Path(args.out).exists():
        params = json.loads(Path(args.out).read_text(encoding="utf-8"))
    else:
        params = choose_params(records, entries, extra, extra_judged, clf.scores, encoder=encoder)
    params["same_project"] = choose_same_project(records)
    Path(args.out).write_text(json.dumps(params, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(params["cv"], ensure_ascii=False), file=sys.stderr)
    return 0


class _Memo:
    """Memoises an encoder's vectors (cross-validation embeds each text once)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self._m = inner, inner.name, {}

    def encode(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._m]
        if todo:
            self._m.update(zip(todo, np.asarray(self.inner.encode(todo)), strict=True))
        return np.stack([self._m[t] for t in texts])


def extra_sets(
    items: Sequence[Any], entries: Sequence[ReferenceEntry]
) -> tuple[list[Doc], list[tuple[str, bool]]]:
    """Training docs and scenario-or-not examples from ``nlp.evaluate.LabeledItem``s."""
    codes = {e.code for e in entries}
    docs = [Doc(i.text, [c for c in i.scenarios if c in codes]) for i in items if not i.off_topic]
    return [d for d in docs if d.codes], [(i.text, not i.off_topic) for i in items]


if __name__ == "__main__":
    raise SystemExit(main())
