"""Time of the classifier with the learned judgment on 3,000-字 texts, and of fitting the judgment model.

    python bench/bench_judgment.py [--n 20]

Prints: fit seconds (cold, no disk cache), per-text classify milliseconds (p50 / p90) with and without the
judgment, on the longest real-corpus texts padded to 3,000 字.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp.classify import Classifier  # noqa: E402
from nlp.count import count_zishu  # noqa: E402
from nlp.evaluate import load_labeled, read_entries_csv  # noqa: E402
from nlp.judgment.corpus import load_real  # noqa: E402
from nlp.judgment.model import extra_sets, load_model  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20)
    args = ap.parse_args()
    entries = read_entries_csv(ROOT / "data" / "scenario_guide_2021")
    corpus = ROOT / "data" / "labeled" / "real" / "corpus.jsonl"
    extra, judged = extra_sets(load_labeled(ROOT / "data" / "labeled" / "dev_2021.jsonl"), entries)
    t = time.perf_counter()
    model = load_model(corpus, entries, extra, judged, cache_dir=tempfile.mkdtemp())
    fit_s = time.perf_counter() - t
    recs = sorted(load_real(corpus), key=lambda r: -len(r.text))[: args.n]
    texts = []
    for r in recs:
        x = r.text
        while count_zishu(x) < 3000:
            x += "\n" + r.text
        texts.append(x[: int(len(x) * 3000 / count_zishu(x))])
    out = {
        "fit_s": round(fit_s, 2),
        "texts": len(texts),
        "zishu_mean": round(statistics.mean(map(count_zishu, texts))),
    }
    for name, clf in (
        ("lexical", Classifier(entries)),
        ("with_judgment", Classifier(entries, judgment=model)),
    ):
        clf.classify(texts[0])
        ms = []
        for x in texts:
            t = time.perf_counter()
            clf.classify(x)
            ms.append((time.perf_counter() - t) * 1000)
        ms.sort()
        out[name] = {"p50_ms": round(ms[len(ms) // 2], 1), "p90_ms": round(ms[int(len(ms) * 0.9)], 1)}
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
