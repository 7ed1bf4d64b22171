"""Benchmark: median milliseconds to classify a 3000-字 text on one core after warm-up, plus eval figures.

Run: ``python bench/bench_classify.py [--encoder NAME] [--runs 30]``. Dense encoding is excluded unless
``--encoder`` is given (then it is included and stated). Pins BLAS/OpenMP to one thread.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp.classify import Classifier  # noqa: E402
from nlp.evaluate import evaluate, load_labeled, read_entries_csv  # noqa: E402


def make_text(items: list, n_chars: int = 3000) -> str:
    """Concatenate labelled scenario texts (in file order) into one text of about ``n_chars`` characters."""
    parts, size = [], 0
    for it in items:
        if it.off_topic:
            continue
        parts.append(it.text)
        size += len(it.text)
        if size >= n_chars:
            break
    return "\n".join(parts)[:n_chars]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--encoder", default=None)
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    except (AttributeError, OSError):
        pass
    scen = read_entries_csv(ROOT / "data/scenario_guide_2021")
    tasks = read_entries_csv(ROOT / "data/factory_tasks_2021")
    encoder = None
    if args.encoder:
        from nlp.similarity.encoders import get_encoder

        encoder = get_encoder(args.encoder)
    t0 = time.perf_counter()
    clf = Classifier(scen, tasks, encoder=encoder)
    build_ms = (time.perf_counter() - t0) * 1000
    items = load_labeled(ROOT / "data/labeled/dev_2021.jsonl")
    texts = [make_text(items[i:] + items[:i]) for i in range(0, 60, 6)]
    for t in texts[:3]:  # warm-up (jieba dictionary, caches)
        clf.classify(t, kind="factory")
    times = []
    for r in range(args.runs):
        t = texts[r % len(texts)]
        s = time.perf_counter()
        clf.classify(t, kind="factory")
        times.append((time.perf_counter() - s) * 1000)
    dense = f"dense encoder {args.encoder} INCLUDED" if args.encoder else "dense encoding excluded (lexical)"
    print(f"classifier build: {build_ms:.0f} ms (37 scenarios + 20 tasks, jieba dictionary load included)")
    print(
        f"classify 3000-字 text, kind=factory, one core, {dense}: median {statistics.median(times):.1f} ms, "
        f"p90 {sorted(times)[int(0.9 * len(times))]:.1f} ms over {len(times)} runs"
    )
    rep = evaluate(clf, items)
    s, k, o = rep.scenario, rep.link, rep.off_topic
    print(
        f"dev_2021 (shipped calibration, fitted on all of it: in-sample): scenario top-1 {s['top1']:.3f} "
        f"top-3 {s['top3']:.3f} MRR {s['mrr']:.3f}; 环节 top-1 {k['top1']:.3f}; tasks top-1 {rep.tasks['top1']:.3f}; "
        f"off-topic rejected {o['rejected']}/{o['n_off_topic']}, false rejections {o['false_rejected']}/{o['n_on_topic']}"
    )


if __name__ == "__main__":
    main()
