"""Where a full sweep's candidate time goes: the approximate-index probe, exact neighbour search and the LSH pass,
each timed apart on the same engine (a generated corpus from bench/gen_corpus.py).

Usage::

    .venv/bin/python bench/bench_sweep_candidates.py --corpus var/bench/corpus_1e5p.jsonl --n 100000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp.similarity import knn  # noqa: E402
from nlp.similarity.engine import SimilarityConfig, SimilarityEngine  # noqa: E402


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return round(time.perf_counter() - t, 1), out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True, help="JSONL from bench/gen_corpus.py")
    ap.add_argument("--n", type=int, default=100_000)
    a = ap.parse_args(argv)
    eng = SimilarityEngine("tfidf", config=SimilarityConfig())
    with a.corpus.open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n >= a.n:
                break
            eng.add(n + 1, json.loads(line)["text"])
    build_s, _ = timed(eng.build)
    eng._ensure_vectors()
    ids = np.array(eng.ids(), dtype=np.int64)
    c, k = eng.config, eng.config.semantic_k + 1
    probe_s, (_, _, info) = timed(knn._ann_rows, eng, ids, k, c.sweep_ann_recall, c.sweep_ann_max_scan)
    exact_s, _ = timed(knn._exact_rows, eng, ids, k)
    lsh_s, pairs = timed(eng.neardup.candidate_pairs, c.min_jaccard)
    print(json.dumps({"texts": len(ids), "build_s": build_s, "ann_probe_s": probe_s, "ann": info,
                      "exact_search_s": exact_s, "lsh_pass_s": lsh_s, "lexical_pairs": len(pairs),
                      "load": round(os.getloadavg()[0], 1)}, ensure_ascii=False))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
