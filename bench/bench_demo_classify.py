"""Demo figures: the demo knowledge base's stored classifications scored against the demo manifest.

These are DEMO figures, never the product's accuracy: the demo texts are fictional, single-topic and written
by the same hands as the guide's keyword lists (they carry on average several of their true scenario's own
keywords), even though since the honest-demo change they no longer name the guide's scenarios or 环节. The
product's accuracy is measured on labelled sets (``scenario-kb eval``, docs/classification.md).

    .venv/bin/python bench/bench_demo_classify.py                 # data/demo
    .venv/bin/python bench/bench_demo_classify.py --demo OTHER    # another build of the corpus

Builds a temporary knowledge base exactly as ``scenario-kb demo`` does (files and workbook rows, checks and
classification at ingest) and prints one JSON object: 优秀场景 texts (primary scenario top-1 / top-3, 环节
top-1), 示范工厂 texts (primary scenario top-1 / top-3, task top-1), off-topic rejection, false rejection and
CLS001 on misclaimed versus other texts.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _source(entry: dict) -> str:
    f = entry["file"]
    return f.split("/", 1)[1] if f.startswith("batch/") else f.rsplit("/", 1)[-1]


def score(demo: Path) -> dict[str, str]:
    """Stored classifications of a fresh demo KB against ``demo/manifest.json``."""
    from kb.service import open_kb

    manifest = {_source(e): e for e in json.loads((demo / "manifest.json").read_text(encoding="utf-8"))}
    c = dict.fromkeys(
        "scen scen_top1 scen_top3 link_top1 fac fac_top1 fac_top3 fac_task1 off off_rejected "
        "on false_rejected mis cls001_mis other cls001_other".split(),
        0,
    )
    with tempfile.TemporaryDirectory() as d:
        kb = open_kb(str(Path(d) / "demo.sqlite"))
        kb.init()
        kb.store.ingest([demo])
        source = {s.id: s.source for s in kb.store.list_submissions()}
        for sid, (_version, r) in kb.storage.analyses("classify").items():
            e = manifest[source[sid]]
            codes = [s["code"] for s in r["scenarios"]]
            if e["off_topic"]:
                c["off"] += 1
                c["off_rejected"] += bool(r["off_topic"])
                continue
            c["on"] += 1
            c["false_rejected"] += bool(r["off_topic"])
            cls = any(f.get("code") == "CLS001" for f in r.get("findings", []))
            key = "mis" if e["misclaimed"] else "other"
            c[key] += 1
            c[f"cls001_{key}"] += cls
            true = e["true_scenarios"][0]
            if e["kind"] == "factory":
                c["fac"] += 1
                c["fac_top1"] += codes[:1] == [true]
                c["fac_top3"] += true in codes[:3]
                c["fac_task1"] += bool(r["tasks"]) and r["tasks"][0]["code"] == e["true_task"]
            else:
                c["scen"] += 1
                c["scen_top1"] += codes[:1] == [true]
                c["scen_top3"] += true in codes[:3]
                c["link_top1"] += bool(r["links"]) and r["links"][0]["name"] == e["true_link"]
    return {
        "优秀场景 scenario top-1": f"{c['scen_top1']}/{c['scen']}",
        "优秀场景 scenario top-3": f"{c['scen_top3']}/{c['scen']}",
        "优秀场景 环节 top-1": f"{c['link_top1']}/{c['scen']}",
        "示范工厂 primary scenario top-1": f"{c['fac_top1']}/{c['fac']}",
        "示范工厂 primary scenario top-3": f"{c['fac_top3']}/{c['fac']}",
        "示范工厂 task top-1": f"{c['fac_task1']}/{c['fac']}",
        "off-topic rejected": f"{c['off_rejected']}/{c['off']}",
        "wrongly rejected": f"{c['false_rejected']}/{c['on']}",
        "CLS001 on misclaimed": f"{c['cls001_mis']}/{c['mis']}",
        "CLS001 on the others": f"{c['cls001_other']}/{c['other']}",
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--demo", type=Path, default=ROOT / "data" / "demo", help="corpus folder with manifest.json"
    )
    args = ap.parse_args(argv)
    print(json.dumps(score(args.demo), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
