"""Duplicate detection on the demo corpus: precision / recall per planted family role, per encoder.

The demo corpus (``data/demo/manifest.json``) plants six families: verbatim copies, light edits, a
sentence-by-sentence paraphrase (F03) and a section copy (F04), among unrelated texts of the same
domains that share template sentences. For each encoder setting the script ingests the corpus once
(a temporary knowledge base: the same texts and reference texts as ``scenario-kb demo``), builds a
similarity engine with the service's settings and runs ``dupes()``.

* recall per role: a non-original member counts as found when it lands in the same predicted family
  as its original;
* pair precision: of all pairs of texts that share a predicted family, the share that share a
  planted family (a family joining unrelated texts lowers it);
* ``--calibrate`` also prints the sentence-level cosine thresholds (max F1 of Chinese STS-B pairs
  scored ≥ 4 against the rest), the source of ``engine.PARAPHRASE_COS``.

Usage::

    python bench/bench_demo_dupes.py [--settings tfidf,tfidf+use,use] [--calibrate] [--json out.json]

A setting is ``ENCODER`` or ``ENCODER+PARAPHRASE_ENCODER`` (e.g. ``tfidf+use``: TF-IDF index,
USE sentence vectors for the paraphrase layer); ``e5`` is accepted but slow on CPU.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEMO = ROOT / "data" / "demo"
ROLES = ("verbatim", "light_edit", "paraphrase", "section_copy")


def _source(entry: dict[str, Any]) -> str:
    f = entry["file"]
    return f.split("/", 1)[1] if f.startswith("batch/") else f.rsplit("/", 1)[-1]


def load_demo(workdir: Path) -> tuple[dict[int, str], dict[int, dict[str, Any]], list[str], Any]:
    """Ingest the demo corpus into a temporary KB; returns texts, manifest rows by id, reference texts, KB."""
    from kb.service import open_kb

    k = open_kb(str(workdir / "demo.sqlite"), index_dir=str(workdir / "index"))
    k.init()
    k.store.ingest([DEMO])
    manifest = {_source(e): e for e in json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))}
    texts, truth = {}, {}
    for s in k.store.list_submissions():
        texts[s.id] = k.store.get(s.id).text
        truth[s.id] = manifest[s.source]
    return texts, truth, k.reference.boilerplate_texts(), k


def evaluate(families: list[list[int]], truth: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Recall per role and pair precision of predicted families against the manifest."""
    fam_of = {i: n for n, members in enumerate(families) for i in members}
    by_file = {e["file"]: i for i, e in truth.items()}
    recall: dict[str, list[int]] = {r: [0, 0] for r in ROLES}
    missed = []
    for i, e in truth.items():
        role = e.get("family_role")
        if role in recall:
            recall[role][1] += 1
            orig = by_file[e["family_source"]]
            if i in fam_of and fam_of.get(orig) == fam_of[i]:
                recall[role][0] += 1
            else:
                missed.append(e["file"])
    good = bad = 0
    wrong = []
    for members in families:
        for a, b in itertools.combinations(sorted(members), 2):
            fa, fb = truth[a].get("family"), truth[b].get("family")
            if fa is not None and fa == fb:
                good += 1
            else:
                bad += 1
                wrong.append((truth[a]["file"], truth[b]["file"]))
    return {
        "recall": {r: (f, n) for r, (f, n) in recall.items()},
        "precision": good / (good + bad) if good + bad else 1.0,
        "pairs_true": good,
        "pairs_false": bad,
        "missed": missed,
        "wrong_pairs": wrong[:10],
        "families": len(families),
    }


def run_setting(setting: str, texts: dict[int, str], refs: list[str], kb: Any) -> tuple[Any, dict[str, Any]]:
    """Build an engine for one setting and sweep it; returns the DupeReport and timings."""
    from nlp.similarity.engine import SimilarityConfig, SimilarityEngine

    enc, _, para = setting.partition("+")
    cfg = SimilarityConfig(
        **{**kb.config.similarity_options(), "index_backend": "numpy", "paraphrase_encoder": para or None}
    )
    t0 = time.perf_counter()
    eng = SimilarityEngine(enc, config=cfg, reference_texts=refs)
    for i in sorted(texts):
        eng.add(i, texts[i])
    eng.build()
    t1 = time.perf_counter()
    rep = eng.dupes()
    t2 = time.perf_counter()
    rep2 = eng.dupes()  # second sweep: sentence vectors cached
    t3 = time.perf_counter()
    lex, sem = eng.candidate_pairs()
    linked = {(p.a, p.b) for p in rep.pairs}
    others = [(a, b) for a, b in lex | sem if (a, b) not in linked]
    top_other = max((eng.semantic_coverage(a, b).coverage for a, b in others), default=0.0)
    levels = {}
    for p in rep.pairs:
        levels[(p.a, p.b)] = (p.level, round(p.similarity, 3), p.coverage)
    return rep, {
        "build_s": round(t1 - t0, 2),
        "dupes_s": round(t2 - t1, 2),
        "dupes_again_s": round(t3 - t2, 2),
        "candidates": rep.stats["candidates"],
        "max_coverage_unlinked": round(top_other, 3),
        "families_same": len(rep2.families) == len(rep.families),
        "levels": levels,
    }


def calibrate(data: Path) -> None:
    """Sentence-cosine thresholds (max F1, STS-B score ≥ 4) for raw TF-IDF and USE."""
    import numpy as np

    sys.path.insert(0, str(ROOT / "bench"))
    from bench_encoders import best_threshold, load_sts

    from nlp.similarity.encoders import get_encoder

    a, b, y = load_sts(data / "stsb_zh_test.tsv", None)
    pos = y >= 4
    print(f"STS-B zh test: {len(y)} pairs, {int(pos.sum())} scored ≥ 4")
    for name in ("tfidf", "use"):
        try:
            enc = get_encoder("tfidf", dim=None).fit(a + b) if name == "tfidf" else get_encoder(name)
        except ImportError as exc:
            print(f"  {name}: unavailable ({exc})")
            continue
        cos = (enc.encode(a) * enc.encode(b)).sum(1)
        t, f1 = best_threshold(cos, pos)
        pred = cos >= t
        prec = float((pred & pos).sum() / max(1, pred.sum()))
        fpr = float((pred & (y <= 2)).sum() / max(1, (y <= 2).sum()))
        label = "tfidf raw char 1-2" if name == "tfidf" else name
        print(
            f"  {label:20s} max-F1 threshold {t:.3f}  F1 {f1:.3f}  precision {prec:.3f}  FPR(score≤2) {fpr:.3f}"
        )
    _ = np


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--settings", default="tfidf,tfidf+use,use")
    ap.add_argument("--calibrate", action="store_true")
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "bench-data"))
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    if args.calibrate:
        calibrate(Path(args.data))
    with tempfile.TemporaryDirectory() as tmp:
        texts, truth, refs, kb = load_demo(Path(tmp))
        print(f"demo corpus: {len(texts)} texts, {len(refs)} reference texts")
        out = {}
        head = "setting        " + "  ".join(f"{r:>12s}" for r in ROLES)
        print(head + "   precision  families  cand  build s  dupes s (again)")
        for setting in args.settings.split(","):
            rep, info = run_setting(setting, texts, refs, kb)
            ev = evaluate([f.member_ids() for f in rep.families], truth)
            rec = "  ".join(f"{f:>5d}/{n:<2d} {f / n if n else 0:4.2f}" for f, n in ev["recall"].values())
            print(
                f"{setting:14s} {rec}   {ev['precision']:8.3f}  {ev['families']:8d}  {info['candidates']:4d}"
                f"  {info['build_s']:7.1f}  {info['dupes_s']:7.2f} ({info['dupes_again_s']:.2f})"
            )
            planted = {}
            for (a, b), lv in info["levels"].items():
                fa, fb = truth[a].get("family"), truth[b].get("family")
                if fa is not None and fa == fb:
                    planted[f"{fa} {truth[a]['family_role']}/{truth[b]['family_role']}"] = lv
            for k in sorted(planted):
                level, sim, cov = planted[k]
                cov_s = "-" if cov is None else f"{cov:.2f}"
                print(f"    {k:32s} {level:12s} lexical {sim:.2f}  coverage {cov_s}")
            print(
                f"    highest coverage among the other {info['candidates'] - len(info['levels'])} candidate pairs: "
                f"{info['max_coverage_unlinked']:.2f}"
            )
            if ev["missed"] or ev["wrong_pairs"]:
                print(f"    missed: {ev['missed']}  wrong pairs: {ev['wrong_pairs']}")
            out[setting] = {**ev, **{k: v for k, v in info.items() if k != "levels"}}
        kb.storage.close()
    if args.json:
        Path(args.json).write_text(
            json.dumps(out, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
