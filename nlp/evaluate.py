"""Evaluate a ``Classifier`` on labelled texts: top-k, MRR, 环节 confusion, calibration, off-topic rejection.

Labelled format (JSON Lines, UTF-8, one object per line; documented in ``data/labeled/README.md``)::

    {"id": "d21-001", "text": "...", "scenarios": ["G21-01", ...], "link": "工厂设计",
     "kind": "scenario" | "factory", "task": "钢铁智能制造示范工厂"?, "industry": "31"?, "off_topic": false?}

``scenarios`` lists codes (or names) with the primary label first; off-topic texts have ``"off_topic": true``
and empty ``scenarios`` and ``link``.

Command line (reads the entries CSV itself, no ``kb``)::

    python -m nlp.evaluate data/labeled/dev_2021.jsonl --edition-dir data/scenario_guide_2021 \
        --tasks-dir data/factory_tasks_2021 [--split half] [--json] [--fit-calibration]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nlp.classify import Classifier, guess_industry, resolve_entry, save_calibration
from nlp.text import reference_terms, use_domain_terms
from nlp.types import ReferenceEntry


@dataclass
class LabeledItem:
    """One labelled text."""

    id: str
    text: str
    scenarios: list[str]
    link: str = ""
    kind: str = "scenario"
    task: str = ""
    industry: str = ""
    off_topic: bool = False


def load_labeled(path: str | Path) -> list[LabeledItem]:
    """Read a labelled JSON Lines file.

    Args:
        path: the ``.jsonl`` file.
    Returns:
        The items in file order.
    Raises:
        ValueError: a line is not valid JSON or lacks ``text``; the message names the line.
    """
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: 不是有效的 JSON（{exc.msg}）") from exc
        if not isinstance(d, dict) or not d.get("text"):
            raise ValueError(f"{path}:{n}: 缺少 text 字段")
        items.append(
            LabeledItem(
                id=str(d.get("id", n)),
                text=d["text"],
                scenarios=[str(s) for s in d.get("scenarios", [])],
                link=str(d.get("link", "") or ""),
                kind=str(d.get("kind", "scenario") or "scenario"),
                task=str(d.get("task", "") or ""),
                industry=str(d.get("industry", "") or ""),
                off_topic=bool(d.get("off_topic", False)),
            )
        )
    return items


def load_demo_manifest(path: str | Path) -> list[LabeledItem]:
    """Read the demo corpus manifest (``data/demo/manifest.json``) as labelled items.

    Each record needs a text (``text``) or a file relative to the manifest (``path``/``file``); the labels are
    ``true_scenarios``, ``true_link``, ``true_task`` and ``off_topic``. Records whose file cannot be read as
    UTF-8/GB18030 text (e.g. .docx) are skipped.

    Args:
        path: the manifest file.
    Returns:
        The items that carry a readable text.
    """
    p = Path(path)
    data = json.loads(p.read_text(encoding="utf-8"))
    records = data.get("documents", data.get("items", data)) if isinstance(data, dict) else data
    out = []
    for i, r in enumerate(records):
        text = r.get("text")
        rel = r.get("path") or r.get("file")
        if not text and rel:
            f = p.parent / rel
            if f.suffix.lower() not in {".txt", ".md"} or not f.exists():
                continue
            raw = f.read_bytes()
            for enc in ("utf-8", "gb18030"):
                try:
                    text = raw.decode(enc)
                    break
                except UnicodeDecodeError:
                    continue
        if not text:
            continue
        kind = r.get("kind", "scenario")
        kind = "factory" if kind in ("factory", "示范工厂") else "scenario"
        sc = r.get("true_scenarios") or []
        if isinstance(sc, str):
            sc = [sc]
        out.append(
            LabeledItem(
                id=str(r.get("id", rel or i)),
                text=text,
                scenarios=[str(s) for s in sc],
                link=str(r.get("true_link", "") or ""),
                kind=kind,
                task=str(r.get("true_task", "") or ""),
                off_topic=bool(r.get("off_topic", False)),
            )
        )
    return out


def read_entries_csv(folder: str | Path) -> list[ReferenceEntry]:
    """Read ``entries.csv`` (+ ``edition.toml``) of a reference list folder without the ``kb`` loader.

    Args:
        folder: e.g. ``data/scenario_guide_2021`` or ``data/factory_tasks_2021``.
    Returns:
        The entries, in file order.
    """
    import tomllib

    d = Path(folder)
    meta: dict[str, Any] = {}
    if (d / "edition.toml").exists():
        meta = tomllib.loads((d / "edition.toml").read_text(encoding="utf-8"))
    edition = str(meta.get("edition", ""))
    is_task = "sector" in (d / "entries.csv").read_text(encoding="utf-8").splitlines()[0].split(",")

    def lst(v: str | None) -> tuple[str, ...]:
        return tuple(x.strip() for x in (v or "").split("|") if x.strip())

    out = []
    with (d / "entries.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if is_task:
                out.append(
                    ReferenceEntry(
                        edition=edition, kind="task", code=row["code"], name=row["name"], link=row["sector"],
                        status=row.get("status", ""), scope=row.get("scope", ""), keywords=lst(row.get("keywords")),
                        synonyms=lst(row.get("synonyms")), no=int(row.get("no") or 0), subsector=row["subsector"],
                        scenarios=lst(row.get("scenarios")), indicators=lst(row.get("indicators")),
                        industry_codes=lst(row.get("industry_codes")),
                    )
                )  # fmt: skip
            else:
                out.append(
                    ReferenceEntry(
                        edition=edition, kind="scenario", code=row["code"], name=row["name"], link=row["link"],
                        status=row.get("status", ""), scope=row.get("scope", ""), keywords=lst(row.get("keywords")),
                        synonyms=lst(row.get("synonyms")), link_no=int(row.get("link_no") or 0),
                        no=int(row.get("no") or 0),
                    )
                )  # fmt: skip
    return out


# ------------------------------------------------------------------------------------------------- the report


@dataclass
class EvalReport:
    """Figures of one evaluation; ``to_dict()`` is JSON-safe, ``render()`` is the text the CLI prints."""

    n_items: int
    n_scenario: int
    n_factory: int
    n_off_topic: int
    scenario: dict[str, float]
    link: dict[str, float]
    link_confusion: dict[str, dict[str, int]]
    calibration: dict[str, Any]
    off_topic: dict[str, float]
    multilabel: dict[str, float]
    tasks: dict[str, float]
    misses: list[dict[str, Any]] = field(default_factory=list)
    unresolved_labels: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def render(self) -> str:
        """A plain-text rendering (figures, per-环节 confusion, reliability bins)."""
        L = []
        L.append(
            f"items {self.n_items}: scenario texts {self.n_scenario}, factory texts {self.n_factory}, "
            f"off-topic {self.n_off_topic}"
        )
        s, k = self.scenario, self.link
        L.append(
            f"scenario  top-1 {s['top1']:.3f}  top-3 {s['top3']:.3f}  MRR {s['mrr']:.3f}   "
            f"(any label: top-1 {s['top1_any']:.3f}, top-3 {s['top3_any']:.3f})"
        )
        L.append(f"环节      top-1 {k['top1']:.3f}  top-3 {k['top3']:.3f}  MRR {k['mrr']:.3f}")
        if self.tasks.get("n"):
            t = self.tasks
            L.append(
                f"tasks     top-1 {t['top1']:.3f}  top-3 {t['top3']:.3f}  MRR {t['mrr']:.3f}  (n={t['n']})"
            )
        if self.tasks.get("industry_n"):
            t = self.tasks
            L.append(f"industry  top-1 {t['industry_top1']:.3f}  (GB/T 4754 division, n={t['industry_n']})")
        m = self.multilabel
        L.append(
            f"labels    micro P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}   "
            f"factory recall {m['factory_recall']:.3f}  mean labels/factory {m['factory_mean_labels']:.1f}"
        )
        o = self.off_topic
        L.append(
            f"off-topic rejection {o['rejection_rate']:.3f} ({o['rejected']}/{o['n_off_topic']})   "
            f"false rejection {o['false_rejection_rate']:.3f} ({o['false_rejected']}/{o['n_on_topic']})"
        )
        c = self.calibration
        L.append(f"calibration (top-1 score vs top-1 correct, any label): ECE {c['ece']:.3f}")
        for b in c["bins"]:
            if b["n"]:
                L.append(
                    f"  [{b['lo']:.1f},{b['hi']:.1f})  n={b['n']:3d}  mean score {b['confidence']:.3f}  "
                    f"accuracy {b['accuracy']:.3f}"
                )
        L.append("per-环节 confusion (true -> predicted: count):")
        for true, row in self.link_confusion.items():
            n = sum(row.values())
            ok = row.get(true, 0)
            others = ", ".join(f"{p}:{c}" for p, c in sorted(row.items(), key=lambda kv: -kv[1]) if p != true)
            L.append(f"  {true:<8} {ok}/{n}" + (f"   wrong -> {others}" if others else ""))
        if self.unresolved_labels:
            L.append(f"unresolved labels: {', '.join(self.unresolved_labels)}")
        return "\n".join(L)


def _rank_of(order: Sequence[str], wanted: Iterable[str]) -> int | None:
    w = set(wanted)
    for i, c in enumerate(order):
        if c in w:
            return i + 1
    return None


def _resolve(label: str, entries: Sequence[ReferenceEntry]) -> str | None:
    e = resolve_entry(label, entries)
    if (
        e is None and "-" in label and label.rsplit("-", 1)[1].isdigit()
    ):  # e.g. another code scheme: by number
        no = int(label.rsplit("-", 1)[1])
        match = [x for x in entries if x.no == no]
        e = match[0] if len(match) == 1 else None
    return e.code if e is not None else None


def evaluate(
    classifier: Classifier,
    items: Sequence[LabeledItem],
    *,
    bins: int = 10,
    industries: Sequence[Any] | None = None,
) -> EvalReport:
    """Classify every item and compute the figures.

    Scenario and 环节 top-k/MRR are over on-topic scenario texts, against the primary label (``top1_any``:
    the top-1 is any of the labels). Calibration: reliability bins of the top-1 score against whether the
    top-1 is one of the labels (on-topic texts). Off-topic: share of off-topic texts rejected, share of on-topic
    texts wrongly rejected. Multi-label precision/recall compare ``labels`` with all labels.

    Args:
        classifier: a built classifier.
        items: labelled texts.
        bins: reliability bins.
        industries: GB/T 4754 division rows; when given, items with ``industry`` score ``guess_industry``.
    Returns:
        An ``EvalReport``.
    """
    sc_entries = classifier.scenarios
    link_of = {e.code: e.link for e in sc_entries}
    unresolved: set[str] = set()
    s_r, l_r, any1, any3, t_r = [], [], [], [], []
    conf: dict[str, Counter[str]] = defaultdict(Counter)
    cal_conf, cal_ok = [], []
    rej = frej = n_off = n_on = 0
    tp = fp = fn = 0
    fac_rec, fac_n = [], []
    ind_ok: list[bool] = []
    misses = []
    for it in items:
        if industries is not None and it.industry:
            g = guess_industry(it.text, industries, tasks=classifier.tasks, top_k=1)
            ind_ok.append(bool(g) and g[0].code == it.industry)
        kind = "factory" if it.kind == "factory" else "scenario"
        res = classifier.classify(it.text, kind=kind, top_k=len(sc_entries))
        if it.off_topic:
            n_off += 1
            rej += int(res.off_topic)
            continue
        n_on += 1
        frej += int(res.off_topic)
        gold = []
        for lab in it.scenarios:
            c = _resolve(lab, sc_entries)
            if c is None:
                unresolved.add(lab)
            else:
                gold.append(c)
        order = [s.code for s in res.scenarios]
        pred = set(res.labels)
        g = set(gold)
        tp += len(pred & g)
        fp += len(pred - g)
        fn += len(g - pred)
        if kind == "factory":
            fac_rec.append(len(pred & g) / max(len(g), 1))
            fac_n.append(len(pred))
            if it.task and classifier.tasks:
                tc = _resolve(it.task, classifier.tasks)
                if tc is None:
                    unresolved.add(it.task)
                else:
                    r = _rank_of([t.code for t in res.tasks] or [], [tc])
                    if r is None:  # ranked beyond the returned tasks
                        r = len(classifier.tasks)
                    t_r.append(r)
            continue
        if not gold:
            continue
        r = _rank_of(order, gold[:1]) or len(order)
        s_r.append(r)
        any1.append(order[0] in g)
        any3.append(bool(set(order[:3]) & g))
        true_link = it.link or link_of[gold[0]]
        lr = _rank_of([lk.name for lk in res.links], [true_link]) or len(res.links)
        l_r.append(lr)
        conf[true_link][res.links[0].name if res.links else ""] += 1
        cal_conf.append(res.scenarios[0].score)
        cal_ok.append(order[0] in g)
        if r > 1:
            misses.append(
                {
                    "id": it.id,
                    "true": gold[0],
                    "true_rank": r,
                    "predicted": order[0],
                    "predicted_name": res.scenarios[0].name,
                    "score": round(res.scenarios[0].score, 4),
                }
            )

    def topk(ranks: list[int], k: int) -> float:
        return float(np.mean([r <= k for r in ranks])) if ranks else 0.0

    def mrr(ranks: list[int]) -> float:
        return float(np.mean([1.0 / r for r in ranks])) if ranks else 0.0

    edges = np.linspace(0, 1, bins + 1)
    bin_rows = []
    ece = 0.0
    cc, co = np.array(cal_conf), np.array(cal_ok, dtype=float)
    for i in range(bins):
        lo, hi = edges[i], edges[i + 1]
        sel = (cc >= lo) & ((cc < hi) if i < bins - 1 else (cc <= hi))
        n = int(sel.sum())
        confd = float(cc[sel].mean()) if n else 0.0
        acc = float(co[sel].mean()) if n else 0.0
        if n:
            ece += n / len(cc) * abs(confd - acc)
        bin_rows.append({"lo": float(lo), "hi": float(hi), "n": n, "confidence": confd, "accuracy": acc})
    # order confusion rows by the edition's 环节 order
    link_order = [name for _, name in sorted({(e.link_no, e.link) for e in sc_entries})]
    confusion = {k: dict(conf[k]) for k in link_order if k in conf}
    confusion.update({k: dict(v) for k, v in conf.items() if k not in confusion})
    prec = tp / max(tp + fp, 1)
    rec = tp / max(tp + fn, 1)
    return EvalReport(
        n_items=len(items),
        n_scenario=len(s_r),
        n_factory=len(fac_rec),
        n_off_topic=n_off,
        scenario={"top1": topk(s_r, 1), "top3": topk(s_r, 3), "mrr": mrr(s_r),
                  "top1_any": float(np.mean(any1)) if any1 else 0.0,
                  "top3_any": float(np.mean(any3)) if any3 else 0.0},
        link={"top1": topk(l_r, 1), "top3": topk(l_r, 3), "mrr": mrr(l_r)},
        link_confusion=confusion,
        calibration={"ece": float(ece), "bins": bin_rows},
        off_topic={"n_off_topic": n_off, "rejected": rej, "rejection_rate": rej / n_off if n_off else 0.0,
                   "n_on_topic": n_on, "false_rejected": frej,
                   "false_rejection_rate": frej / n_on if n_on else 0.0},
        multilabel={"precision": prec, "recall": rec, "f1": 2 * prec * rec / max(prec + rec, 1e-12),
                    "factory_recall": float(np.mean(fac_rec)) if fac_rec else 0.0,
                    "factory_mean_labels": float(np.mean(fac_n)) if fac_n else 0.0},
        tasks={"n": len(t_r), "top1": topk(t_r, 1), "top3": topk(t_r, 3), "mrr": mrr(t_r),
               "industry_n": len(ind_ok), "industry_top1": float(np.mean(ind_ok)) if ind_ok else 0.0},
        misses=misses,
        unresolved_labels=sorted(unresolved),
    )  # fmt: skip


# ----------------------------------------------------------------------------------------------- split and fit


def split_half(items: Sequence[LabeledItem]) -> tuple[list[LabeledItem], list[LabeledItem]]:
    """Deterministic stratified halves: items grouped by primary label (off-topic and factories as groups), alternated.

    Args:
        items: labelled texts.
    Returns:
        ``(half_a, half_b)``.
    """
    groups: dict[str, list[LabeledItem]] = defaultdict(list)
    for it in items:
        key = "__off__" if it.off_topic else ("__factory__" if it.kind == "factory" else it.scenarios[0])
        groups[key].append(it)
    a, b = [], []
    flip = 0
    for key in sorted(groups):
        for it in groups[key]:
            (a if flip % 2 == 0 else b).append(it)
            flip += 1
    return a, b


def fit_on(classifier: Classifier, items: Sequence[LabeledItem], note: str = "") -> Any:
    """Fit the classifier's calibration on labelled items (labels resolved against its edition).

    Args:
        classifier: the classifier to calibrate (modified in place).
        items: labelled texts.
        note: recorded in the calibration's ``fit``.
    Returns:
        The new ``Calibration``.
    """
    texts, labels, off = [], [], []
    for it in items:
        texts.append(it.text)
        labels.append([c for c in (_resolve(x, classifier.scenarios) for x in it.scenarios) if c])
        off.append(it.off_topic)
    return classifier.fit_calibration(texts, labels, off, note=note)


class CachedEncoder:
    """Wraps an encoder and memoises sentence vectors, so repeated evaluations embed each sentence once.

    Args:
        encoder: any object with ``encode(list[str])``, ``name`` and ``dim``.
    """

    def __init__(self, encoder: Any) -> None:
        self.inner = encoder
        self.name = encoder.name
        self.dim = getattr(encoder, "dim", None)
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        """Encode, reusing vectors of texts seen before."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            for t, v in zip(todo, np.asarray(self.inner.encode(todo), dtype=np.float32), strict=True):
                self._cache[t] = v
        return (
            np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, self.dim or 0), np.float32)
        )


_ENCODERS: dict[str, CachedEncoder] = {}


def _build(args: argparse.Namespace) -> Classifier:
    scen = read_entries_csv(args.edition_dir)
    tasks = read_entries_csv(args.tasks_dir) if args.tasks_dir else []
    # the segmentation dictionary of these editions, as the product has it
    use_domain_terms(reference_terms([*scen, *tasks]))
    encoder = None
    if args.encoder:
        if args.encoder not in _ENCODERS:
            from nlp.similarity.encoders import get_encoder  # optional; owned by the similarity module

            _ENCODERS[args.encoder] = CachedEncoder(get_encoder(args.encoder))
        encoder = _ENCODERS[args.encoder]
    return Classifier(scen, tasks, encoder=encoder)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: print evaluation figures (and optionally refit the shipped calibration).

    Args:
        argv: arguments (``sys.argv[1:]`` when None).
    Returns:
        Exit status.
    """
    ap = argparse.ArgumentParser(prog="python -m nlp.evaluate", description="Evaluate the classifier.")
    ap.add_argument("labeled", help="labelled .jsonl file (or data/demo/manifest.json)")
    ap.add_argument("--edition-dir", default="data/scenario_guide_2021")
    ap.add_argument("--tasks-dir", default=None, help="task list folder, e.g. data/factory_tasks_2021")
    ap.add_argument("--industries", default="data/industries_gbt4754.csv", help="GB/T 4754 divisions CSV")
    ap.add_argument("--encoder", default=None, help="dense encoder name (nlp.similarity.encoders)")
    ap.add_argument(
        "--split",
        choices=["none", "half"],
        default="none",
        help="half: fit the calibration on one stratified half, report on the other (and swap)",
    )
    ap.add_argument("--fit-calibration", action="store_true", help="fit on all items and save to nlp/data")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--misses", action="store_true", help="list the texts whose primary label is not top-1")
    args = ap.parse_args(argv)

    industries = None
    if args.industries and Path(args.industries).exists():
        with Path(args.industries).open(encoding="utf-8", newline="") as fh:
            industries = list(csv.DictReader(fh))
    path = Path(args.labeled)
    items = load_demo_manifest(path) if path.suffix == ".json" else load_labeled(path)
    clf = _build(args)
    out: dict[str, Any] = {}
    if args.split == "half":
        a, b = split_half(items)
        for name, fit_items, test_items in (("A->B", a, b), ("B->A", b, a)):
            clf_h = _build(args)
            fit_on(clf_h, fit_items, note=f"half {name[0]}")
            out[f"fit {name[0]}, test {name[-1]}"] = evaluate(clf_h, test_items, industries=industries)
            out[f"fit {name[0]}, test {name[0]} (in-sample)"] = evaluate(
                clf_h, fit_items, industries=industries
            )
    if args.fit_calibration:
        cal = fit_on(clf, items, note=f"all of {path.name}")
        save_calibration(clf.profile, cal)
        print(
            f"calibration '{clf.profile}' saved: {json.dumps(cal.to_dict(), ensure_ascii=False)}",
            file=sys.stderr,
        )
    out["as shipped (calibration in nlp/data)" if not args.fit_calibration else "fit on all (in-sample)"] = (
        evaluate(clf, items, industries=industries)
    )
    if args.json:
        print(json.dumps({k: v.to_dict() for k, v in out.items()}, ensure_ascii=False, indent=2))
    else:
        for k, rep in out.items():
            print(f"== {k} [{clf.profile}, edition {clf.edition}] ==")
            print(rep.render())
            if args.misses:
                for m in rep.misses:
                    print(f"  miss {m['id']}: {m['true']} at rank {m['true_rank']}, top-1 {m['predicted']} "
                          f"{m['predicted_name']} ({m['score']:.2f})")  # fmt: skip
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
