"""Evaluation of the judgments per split and source, each figure beside its naive baseline, with 95 % intervals.

Intervals are cluster-bootstrap percentiles (companies resampled with replacement, 1,000 draws, fixed seed): texts of
one company are not independent. Figures:

- ``link_top1``: the top-ranked 环节 is one of the text's labelled 环节;
- ``scenario_top3`` / ``scenario_top1``: a labelled scenario is among the top 3 / is the top one;
- ``rejected``: share of non-scenario texts the product calls “not a scenario description”;
- ``false_rejected``: share of real scenario/factory texts it wrongly calls so;
- ``roc_auc`` of the scenario-or-not probability, and the ROC points;
- ``confusion``: primary labelled 环节 → top-ranked 环节.

Systems: ``product`` (the classifier as shipped: lexical prior + learned scorer + judge), ``lexical`` (the classifier
without the learned model, as it was before), ``baseline`` (character TF-IDF against the guide's scope texts, IDF on
the unlabelled texts; for scenario-or-not: the best scope cosine, cut where ≤ 5 % of the fitting splits' scenario
texts fall below it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: one system's answer for one text: (scenario codes ranked, 环节 ranked, P(scenario description))
Answer = tuple[list[str], list[str], float]


@dataclass
class Item:
    """A labelled text as the evaluation sees it."""

    id: str
    text: str
    kind: str
    off_topic: bool
    scenarios: list[str]
    links: list[str]
    cluster: str


@dataclass
class SplitReport:
    """Figures of one split/source for every system."""

    name: str
    n_positive: int
    n_negative: int
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    roc: list[tuple[float, float, float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"split": self.name, "positives": self.n_positive, "negatives": self.n_negative,
                "figures": self.figures, "confusion": self.confusion,
                "roc": [[round(a, 4), round(b, 4), round(c, 4)] for a, b, c in self.roc]}  # fmt: skip

    def render(self) -> str:
        lines = [f"== {self.name}: {self.n_positive} scenario texts, {self.n_negative} non-scenario texts =="]
        keys = ["link_top1", "scenario_top3", "scenario_top1", "rejected", "false_rejected", "roc_auc"]
        lines.append(f"{'system':<10}" + "".join(f"{k:>24}" for k in keys))
        for sys_name, figs in self.figures.items():
            cells = []
            for k in keys:
                v = figs.get(k)
                if v is None:
                    cells.append(f"{'—':>24}")
                else:
                    lo, hi = v.get("ci", (None, None))
                    ci = f" [{lo:.2f},{hi:.2f}]" if lo is not None else ""
                    cells.append(f"{v['value']:>10.3f}{ci:>14}")
            lines.append(f"{sys_name:<10}" + "".join(cells))
        return "\n".join(lines)


def _cluster_ci(
    vals: np.ndarray, clusters: Sequence[str], draws: int = 1000, seed: int = 0
) -> tuple[float, float]:
    if len(vals) == 0:
        return (float("nan"), float("nan"))
    by: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(clusters):
        by[c].append(i)
    keys = list(by)
    rng = np.random.default_rng(seed)
    stats = []
    for _ in range(draws):
        pick = rng.integers(0, len(keys), len(keys))
        idx = [i for k in pick for i in by[keys[k]]]
        stats.append(float(np.mean(vals[idx])))
    return (float(np.percentile(stats, 2.5)), float(np.percentile(stats, 97.5)))


def _fig(vals: list[float], clusters: list[str]) -> dict[str, Any] | None:
    if not vals:
        return None
    a = np.asarray(vals, dtype=float)
    lo, hi = _cluster_ci(a, clusters)
    return {"value": round(float(a.mean()), 4), "n": len(a), "ci": [round(lo, 4), round(hi, 4)]}


def roc_points(
    p_scenario: Sequence[float], is_scenario: Sequence[bool]
) -> tuple[float, list[tuple[float, float, float]]]:
    """AUC and ROC points (threshold, rejected share of non-scenarios, false-rejected share of scenarios)."""
    p = np.asarray(p_scenario, dtype=float)
    y = np.asarray(is_scenario, dtype=bool)
    if y.all() or (~y).all():
        return float("nan"), []
    from sklearn.metrics import roc_auc_score

    pts = []
    for t in np.unique(np.concatenate([p, [0.0, 1.01]])):
        pts.append((float(t), float((p[~y] < t).mean()), float((p[y] < t).mean())))
    return float(roc_auc_score(y, p)), pts


def evaluate_split(
    name: str, items: Sequence[Item], systems: dict[str, Callable[[Item], Answer]]
) -> SplitReport:
    """Run every system on the items and collect the figures."""
    pos = [it for it in items if not it.off_topic]
    neg = [it for it in items if it.off_topic]
    rep = SplitReport(name, len(pos), len(neg))
    for sname, fn in systems.items():
        answers = {it.id: fn(it) for it in items}
        l1, s3, s1, rej, frej = [], [], [], [], []
        conf: dict[str, Counter[str]] = defaultdict(Counter)
        for it in pos:
            scen, links, p = answers[it.id]
            l1.append(float(bool(links) and links[0] in it.links))
            s3.append(float(bool(set(scen[:3]) & set(it.scenarios))))
            s1.append(float(bool(scen) and scen[0] in it.scenarios))
            frej.append(float(p < 0.5))
            if it.links and links:
                conf[it.links[0]][links[0]] += 1
        for it in neg:
            rej.append(float(answers[it.id][2] < 0.5))
        cl_pos = [it.cluster for it in pos]
        figs = {
            "link_top1": _fig(l1, cl_pos),
            "scenario_top3": _fig(s3, cl_pos),
            "scenario_top1": _fig(s1, cl_pos),
            "rejected": _fig(rej, [it.cluster for it in neg]),
            "false_rejected": _fig(frej, cl_pos),
        }
        ps = [answers[it.id][2] for it in items]
        auc, pts = roc_points(ps, [not it.off_topic for it in items])
        figs["roc_auc"] = (
            None if np.isnan(auc) else {"value": round(auc, 4), "n": len(items), "ci": [None, None]}
        )
        rep.figures[sname] = {k: v for k, v in figs.items() if v is not None}
        if sname == "product":
            rep.confusion = {k: dict(v) for k, v in conf.items()}
            rep.roc = pts
    return rep


def _centered(p: float, t: float) -> float:
    """Map a probability with decision threshold ``t`` monotonically onto [0, 1] with the threshold at 0.5."""
    if t <= 0 or t >= 1:
        return p
    return 0.5 * p / t if p < t else 0.5 + 0.5 * (p - t) / (1 - t)


def run(
    records: Sequence[Any],
    entries: Sequence[Any],
    tasks: Sequence[Any],
    model: Any,
    splits: Sequence[str] = ("test", "dev"),
    demo: Sequence[Item] = (),
) -> list[SplitReport]:
    """Evaluate product, lexical classifier and baseline on each split of the real corpus (and the demo set).

    Args:
        records: ``nlp.judgment.corpus.RealRecord``s.
        entries, tasks: the guide's scenarios and the 揭榜 tasks.
        model: the fitted ``JudgmentModel`` (fitted on ``train`` + ``dev`` only).
        splits: which splits to report.
        demo: demo items, reported as their own source.
    """
    from nlp.classify import Classifier
    from nlp.judgment.baseline import ScopeTfidfBaseline

    product = Classifier(entries, tasks, judgment=model)
    lexical = Classifier(entries, tasks)
    fit_texts = [r.text for r in records if r.split in ("train", "dev")]
    base = ScopeTfidfBaseline(entries, fit_texts)
    codes = [e.code for e in entries]
    link_of = {e.code: e.link for e in entries}
    # the baseline's scenario-or-not cut: ≤ 5 % of the fitting splits' scenario texts below it
    fit_pos = [r.text for r in records if r.split in ("train", "dev") and not r.off_topic]
    best_fit = np.sort(base.scores(fit_pos).max(axis=1))
    base_t = float(best_fit[int(0.05 * len(best_fit))])

    def sys_product(it: Item) -> Answer:
        c = product.classify(it.text, kind="factory" if it.kind == "factory" else "scenario")
        chk = c.scenario_check or {}
        p = (
            _centered(chk.get("p_scenario", 1.0), chk.get("threshold", 0.5))
            if chk
            else 1.0 - c.off_topic_score
        )
        if it.kind == "factory":
            p = max(p, 0.5)  # factories are judged against the task list, never rejected
        return [s.code for s in c.scenarios], [lk.name for lk in c.links], p

    def sys_lexical(it: Item) -> Answer:
        c = lexical.classify(it.text, kind="factory" if it.kind == "factory" else "scenario")
        t = lexical.calibration.off_topic_threshold
        return (
            [s.code for s in c.scenarios],
            [lk.name for lk in c.links],
            1.0 - _centered(c.off_topic_score, t),
        )

    def sys_base(it: Item) -> Answer:
        s = base.scores([it.text])[0]
        order = np.argsort(-s)
        ranked = [codes[i] for i in order]
        links = list(dict.fromkeys(link_of[c] for c in ranked))
        return ranked, links, _centered(float(s.max()), base_t)

    systems = {"product": sys_product, "lexical": sys_lexical, "baseline": sys_base}
    out = []
    for sp in splits:
        items = [Item(r.id, r.text, r.kind, r.off_topic, r.scenarios, r.links, r.company_key or r.id)
                 for r in records if r.split == sp]  # fmt: skip
        out.append(evaluate_split(f"real {sp}", items, systems))
    if demo:
        out.append(evaluate_split("demo", list(demo), systems))
    return out


def demo_items(manifest: str, entries: Sequence[Any]) -> list[Item]:
    """The demo corpus (``data/demo/manifest.json``) as evaluation items (each company its own cluster)."""
    from nlp.evaluate import load_demo_manifest

    link_of = {e.code: e.link for e in entries}
    name_to_code = {e.name: e.code for e in entries}
    out = []
    for i in load_demo_manifest(manifest):
        codes = [name_to_code.get(s, s) for s in i.scenarios]
        codes = [c for c in codes if c in link_of]
        if not codes and not i.off_topic:
            continue
        links = list(dict.fromkeys(link_of[c] for c in codes))
        out.append(Item(i.id, i.text, i.kind, i.off_topic, codes, links, i.id))
    return out
