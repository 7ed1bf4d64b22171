"""Figures of one split of the real corpus broken down by gathering round (how often its texts were looked at).

    python tools/eval_by_round.py --split test

Rounds: ``r1`` records of parts p1–p4 whose text is as first gathered (looked at in every earlier evaluation),
``r1-extended`` records of p1–p4 extended with further sources in December 2026 (``note`` says so), ``r2`` records of
the second gathering (p5, p6: companies new to the corpus, never evaluated before). The model is the shipped one
(``nlp/data/judgment.json``, fitted on ``train`` + ``dev``).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def round_of(rec: object) -> str:
    """The gathering round of a record (see the module docstring)."""
    rid = str(getattr(rec, "id", ""))
    if rid.startswith(("p5-", "p6-")):
        return "r2"
    note = (getattr(rec, "raw", {}) or {}).get("note") or ""
    return "r1-extended" if "extended 2026-12" in note else "r1"


def main(argv: list[str] | None = None) -> int:
    from kb.config import DATA_DIR
    from nlp.evaluate import read_entries_csv
    from nlp.judgment.corpus import load_real
    from nlp.judgment.model import default_cache_dir, extra_sets, load_model
    from nlp.judgment.report import run

    ap = argparse.ArgumentParser(prog="python tools/eval_by_round.py")
    ap.add_argument("--split", default="test", choices=["test", "dev", "train"])
    args = ap.parse_args(argv)
    from nlp.evaluate import load_labeled

    entries = read_entries_csv(DATA_DIR / "scenario_guide_2021")
    tasks = read_entries_csv(DATA_DIR / "factory_tasks_2021")
    corpus = DATA_DIR / "labeled" / "real" / "corpus.jsonl"
    extra, extra_judged = extra_sets(load_labeled(DATA_DIR / "labeled" / "dev_2021.jsonl"), entries)
    model = load_model(corpus, entries, extra, extra_judged, cache_dir=default_cache_dir())
    if model is None:
        print("no judgment model for the 2021 guide", file=sys.stderr)
        return 2
    records = load_real(corpus)
    rounds = ("r1", "r1-extended", "r2")
    relabelled = [
        dataclasses.replace(r, split=f"{r.split}:{round_of(r)}") if r.split == args.split else r
        for r in records
    ]
    for rep in run(relabelled, entries, tasks, model, splits=[f"{args.split}:{x}" for x in rounds]):
        print(rep.render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
