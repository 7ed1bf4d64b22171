"""Agreement of the two independent annotations of the real corpus (Cohen's κ per field).

    python tools/label_agreement.py            # prints the table, writes data/labeled/real/agreement.json

Annotator A wrote each record from its sources and labelled it (``parts/*.jsonl``); annotator B labelled the bare
texts without seeing A's labels (``annotator_b/*.jsonl``). Adjudicated decisions, where present, are in
``adjudication.jsonl`` and are what ``corpus.jsonl`` carries.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "labeled" / "real"


def _read(paths):
    out = {}
    for p in paths:
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                out[d["id"]] = d
    return out


def main() -> int:
    a = _read(sorted((REAL / "parts").glob("*.jsonl")))
    b = _read(sorted((REAL / "annotator_b").glob("*.jsonl")))
    guide = {}
    import csv

    with (ROOT / "data" / "scenario_guide_2021" / "entries.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            guide[r["code"]] = r["link"]
    ids = [i for i in a if i in b]
    res = {"records_a": len(a), "records_both": len(ids)}

    def kappa(name, pairs):
        if not pairs:
            return
        ya, yb = zip(*pairs, strict=True)
        agree = sum(x == y for x, y in pairs) / len(pairs)
        k = cohen_kappa_score(ya, yb) if len(set(ya) | set(yb)) > 1 else 1.0
        res[name] = {"n": len(pairs), "agreement": round(agree, 3), "kappa": round(float(k), 3)}

    def is_pos(d):
        return d["kind"] != "negative"

    kappa("is_scenario", [(is_pos(a[i]), is_pos(b[i])) for i in ids])
    kappa("kind", [(a[i]["kind"], b[i]["kind"]) for i in ids])
    both = [i for i in ids if is_pos(a[i]) and is_pos(b[i]) and a[i]["scenarios"] and b[i]["scenarios"]]
    kappa("primary_link", [(guide[a[i]["scenarios"][0]], guide.get(b[i]["scenarios"][0], "?")) for i in both])
    kappa("primary_scenario", [(a[i]["scenarios"][0], b[i]["scenarios"][0]) for i in both])
    # B's primary 环节 within A's labelled 环节 set (how the product is scored)
    inset = [guide.get(b[i]["scenarios"][0], "?") in set(a[i]["links"]) for i in both]
    res["b_primary_link_in_a_links"] = round(sum(inset) / max(len(inset), 1), 3)
    negs = [i for i in ids if not is_pos(a[i]) and not is_pos(b[i])]
    kappa("genre", [(a[i].get("genre"), b[i].get("genre")) for i in negs])
    facts = [i for i in ids if a[i]["kind"] == "factory" and b[i]["kind"] == "factory"]
    kappa("task", [(a[i].get("task"), b[i].get("task")) for i in facts])
    print(json.dumps(res, ensure_ascii=False, indent=1))
    (REAL / "agreement.json").write_text(
        json.dumps(res, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
