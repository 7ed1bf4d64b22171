"""Assemble ``data/labeled/real/corpus.jsonl`` from the gathering parts and print the datasheet figures.

    python tools/build_real_corpus.py            # parts/*.jsonl + aliases.json -> corpus.jsonl, stats
    python tools/build_real_corpus.py --check    # validate only

Where the two annotators disagreed (``tools/label_agreement.py``), the adjudicated labels of ``adjudication.jsonl``
replace annotator A's (kept in ``labels_a``). Each record gets ``company_key`` (aliases, legal suffixes stripped) and ``split`` (``nlp.judgment.corpus.split_of``,
a pure function of the company key: the split is frozen by construction). Negatives without a company are split by
their id. Records are validated: codes exist in the 2021 guide, ``links`` match the codes, the text does not write
its own labels (a guide scenario name or ``XX环节``), lengths are in range.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp.judgment.corpus import company_key, load_aliases, split_of  # noqa: E402

REAL = ROOT / "data" / "labeled" / "real"
GUIDE = ROOT / "data" / "scenario_guide_2021" / "entries.csv"
TASKS = ROOT / "data" / "factory_tasks_2021" / "entries.csv"


def _entries(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["code"]: r for r in csv.DictReader(fh)}


def validate(rec: dict, guide: dict, tasks: dict) -> list[str]:
    """Problems of one record (empty when fine)."""
    errs = []
    text = rec.get("text") or ""
    if not text.strip():
        errs.append("empty text")
    if rec.get("kind") not in ("scenario", "factory", "negative"):
        errs.append(f"kind {rec.get('kind')!r}")
    if rec.get("kind") == "negative":
        if rec.get("scenarios"):
            errs.append("negative with scenarios")
        if not rec.get("genre"):
            errs.append("negative without genre")
        return errs
    codes = rec.get("scenarios") or []
    if not codes:
        errs.append("no scenarios")
    bad = [c for c in codes if c not in guide]
    if bad:
        errs.append(f"unknown codes {bad}")
    links = list(dict.fromkeys(guide[c]["link"] for c in codes if c in guide))
    if links and (rec.get("links") or [])[:1] != links[:1]:
        errs.append(f"links {rec.get('links')} do not start with the primary code's 环节 {links[0]}")
    for c in codes:
        if c in guide and guide[c]["name"] in text:
            errs.append(f"text names its label {guide[c]['name']}")
    for link in {g["link"] for g in guide.values()}:
        if f"{link}环节" in text:
            errs.append(f"text names a 环节 label {link}环节")
    if rec.get("kind") == "factory" and rec.get("task") and rec["task"] not in tasks:
        errs.append(f"unknown task {rec['task']}")
    if not rec.get("sources"):
        errs.append("no source")
    return errs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    guide, tasks = _entries(GUIDE), _entries(TASKS)
    aliases = load_aliases(REAL / "aliases.json")
    adjudicated = {}
    if (REAL / "adjudication.jsonl").exists():
        for line in (REAL / "adjudication.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                adjudicated[d["id"]] = d
    records, problems = [], []
    for part in sorted((REAL / "parts").glob("*.jsonl")):
        for n, line in enumerate(part.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as exc:
                problems.append(f"{part.name}:{n}: not JSON ({exc})")
                continue
            adj = adjudicated.get(rec.get("id"))
            if adj is not None:  # the adjudicator's decision replaces annotator A's labels
                rec["labels_a"] = {k: rec.get(k) for k in ("kind", "scenarios", "links", "task", "genre")}
                for k in ("kind", "scenarios", "links", "task", "genre"):
                    rec[k] = adj.get(k)
                rec["adjudication"] = adj.get("note", "")
                if rec["kind"] == "negative":
                    rec["group"] = None
            errs = validate(rec, guide, tasks)
            if errs:
                problems.append(f"{part.name}:{n} {rec.get('id')}: {'; '.join(errs)}")
                continue
            name = rec.get("company_short") or rec.get("company") or ""
            key = company_key(name, aliases) if rec["kind"] != "negative" or name else ""
            rec["company_key"] = key
            rec["split"] = split_of(key if key else "negative:" + rec["id"])
            rec["off_topic"] = rec["kind"] == "negative"
            records.append(rec)
    ids = Counter(r["id"] for r in records)
    problems += [f"duplicate id {i}" for i, k in ids.items() if k > 1]
    for p in problems:
        print("problem:", p, file=sys.stderr)
    pos = [r for r in records if not r["off_topic"]]
    neg = [r for r in records if r["off_topic"]]
    groups = Counter(r["group"] for r in pos if r.get("group"))
    stats = {
        "records": len(records),
        "positives": len(pos),
        "companies": len({r["company_key"] for r in pos}),
        "full_length": sum(1 for r in pos if r.get("full_length")),
        "factories": sum(1 for r in pos if r["kind"] == "factory"),
        "negatives": len(neg),
        "negative_genres": dict(Counter(r["genre"] for r in neg)),
        "same_project_groups": sum(1 for k in groups.values() if k >= 2),
        "primary_link": dict(Counter(guide[r["scenarios"][0]]["link"] for r in pos)),
        "any_link": dict(Counter(lk for r in pos for lk in set(r["links"]))),
        "split_records": dict(Counter(r["split"] for r in records)),
        "split_positives": dict(Counter(r["split"] for r in pos)),
        "split_companies": dict(Counter(s for s, _ in {(r["split"], r["company_key"]) for r in pos})),
        "problems": len(problems),
    }
    print(json.dumps(stats, ensure_ascii=False, indent=1))
    if not args.check:
        with (REAL / "corpus.jsonl").open("w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return 1 if problems and args.check else 0


if __name__ == "__main__":
    raise SystemExit(main())
