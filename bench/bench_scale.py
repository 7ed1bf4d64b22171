"""Scale benchmark of the similarity engine on a generated corpus (bench/gen_corpus.py).

Measures: add (MinHash sketch + BM25 tokens), index build (TF-IDF fit on ≤20k texts + LSA-256 +
faiss flat), duplicate sweep (LSH + semantic candidates, alignment, families), search p50/p99
(hybrid BM25 + semantic), ``similar`` p50, peak memory (ru_maxrss), planted-pair recall by variant
and pair precision (a found pair is correct when both texts are in the same planted family), and the
sweep against a brute-force all-pairs alignment baseline — the baseline is SAMPLED (``--brute-sample``
random pairs timed, then extrapolated to n·(n−1)/2 pairs) and reported as a ratio.

Encoder: ``tfidf`` (char 1–2-gram TF-IDF + LSA 256; dense models are too slow for 10⁵ texts on
2 cores). Keyword tokens: ``bigram`` (the engine default; ``--tokenizer jieba`` for jieba words,
~8 ms per 1,400-字 text).

``--demo-search`` instead measures keyword-search QUALITY on the demo corpus (data/demo): each
scenario name of the 2021 guide is a query, the relevant texts are those whose manifest
``true_scenarios`` hold it; prints MRR, P@5 and R@10 for jieba words vs character bigrams, keyword
only and hybrid.

Usage::

    python bench/bench_scale.py --n 10000 [--corpus var/bench/corpus_1e4.jsonl] [--json out.json]
    python bench/bench_scale.py --demo-search
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from gen_corpus import generate  # noqa: E402

from kb.config import SETTINGS  # noqa: E402
from nlp.similarity.align import NormText, align_norm  # noqa: E402
from nlp.similarity.engine import SimilarityConfig, SimilarityEngine  # noqa: E402
from nlp.similarity.sweep import PairMemo  # noqa: E402


def load1() -> float:
    """The 1-minute load average (the machine is shared: figures are read against it)."""
    return round(os.getloadavg()[0], 1)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _families(recs: list[dict]) -> dict[int, int]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for r in recs:
        if r["source"]:
            parent[find(r["id"])] = find(r["source"])
    return {r["id"]: find(r["id"]) for r in recs}


def demo_search() -> dict:
    """Keyword / hybrid search quality on the demo corpus, jieba words vs character bigrams."""
    import csv

    from kb.ingest import read_path

    demo = ROOT / "data" / "demo"
    manifest = json.loads((demo / "manifest.json").read_text(encoding="utf-8"))
    texts: dict[str, str] = {}  # manifest "file" (table rows: "<file>#row=N") -> text
    for f in sorted({m["file"].split("#")[0] for m in manifest}):
        for d in read_path(demo / f, parse_timeout_s=0):
            if getattr(d, "text", None):
                texts[str(Path(f).parent / d.source) if "#" in d.source else f] = d.text
    docs = [
        (n, texts[m["file"]], set(m.get("true_scenarios") or []))
        for n, m in enumerate(manifest, 1)
        if m["file"] in texts
    ]
    with open(ROOT / "data" / "scenario_guide_2021" / "entries.csv", encoding="utf-8") as f:
        names = {r["code"]: r["name"] for r in csv.DictReader(f)}
    queries = [(c, n) for c, n in names.items() if any(c in rel for _, _, rel in docs)]
    print(f"demo search: {len(docs)} texts, {len(queries)} scenario-name queries", flush=True)
    out: dict = {"texts": len(docs), "queries": len(queries)}
    for tok in ("jieba", "bigram"):
        eng = SimilarityEngine("tfidf", config=SimilarityConfig(keyword_tokenizer=tok))
        t = time.perf_counter()
        for i, text, _ in docs:
            eng.add(i, text, {})
        add_s = time.perf_counter() - t
        eng.build()
        for mode in ("keyword", "hybrid"):
            mrr = p5 = r10 = 0.0
            for code, name in queries:
                rel = {i for i, _, r in docs if code in r}
                got = [h.id for h in eng.search(name, k=10, mode=mode)]
                first = next((n for n, i in enumerate(got, 1) if i in rel), None)
                mrr += 1 / first if first else 0.0
                p5 += len(set(got[:5]) & rel) / 5
                r10 += len(set(got) & rel) / len(rel)
            q = len(queries)
            res = {"mrr": round(mrr / q, 3), "p@5": round(p5 / q, 3), "r@10": round(r10 / q, 3)}
            out[f"{tok}/{mode}"] = res
            print(f"  {tok:6s} {mode:7s} MRR {res['mrr']:.3f}  P@5 {res['p@5']:.3f}  R@10 {res['r@10']:.3f}")
        out[f"{tok}/add_ms_per_text"] = round(add_s / len(docs) * 1000, 2)
        print(f"  {tok:6s} add {out[f'{tok}/add_ms_per_text']} ms/text", flush=True)
    return out


def _facts_chunk(chunk: list[tuple[int, str]]) -> list[tuple[int, dict, float, float]]:
    """Facts of texts in a worker: ``(id, facts, wall s, CPU s)`` each (what ingest computes once per text)."""
    from kb.service.same_project import facts_for_analysis

    out = []
    for i, text in chunk:
        t, c = time.perf_counter(), time.process_time()
        d = facts_for_analysis(text, "")
        out.append((i, d, time.perf_counter() - t, time.process_time() - c))
    return out


def facts_of(recs: list[dict], cache: Path | None, workers: int) -> tuple[dict, dict]:
    """The facts of every record, from ``cache`` (JSONL: id, text digest, facts) where the text is unchanged, the
    others extracted in ``workers`` forked processes and appended to it. Returns ``({id: Facts}, stats)``."""
    import hashlib
    import multiprocessing as mp

    from nlp.judgment.same_project import Facts

    def digest(text: str) -> str:
        return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()

    known: dict[tuple[int, str], dict] = {}
    if cache is not None and cache.exists():
        for line in cache.open(encoding="utf-8"):
            d = json.loads(line)
            known[(d["id"], d["h"])] = d["facts"]
    facts: dict[int, Facts] = {}
    todo = []
    for r in recs:
        d = known.get((r["id"], digest(r["text"])))
        if d is None:
            todo.append((r["id"], r["text"]))
        else:
            facts[r["id"]] = Facts.from_dict(d)
    stats: dict = {"from_cache": len(facts), "extracted": len(todo)}
    if not todo:
        return facts, stats
    t = time.perf_counter()
    chunks = [todo[s : s + 50] for s in range(0, len(todo), 50)]
    walls, cpus = [], []
    text_of = dict(todo)
    f = None if cache is None else cache.open("a", encoding="utf-8")
    try:
        with mp.get_context("fork").Pool(max(1, workers)) as pool:
            for part in pool.imap(_facts_chunk, chunks):
                for i, d, w, c in part:
                    facts[i] = Facts.from_dict(d)
                    walls.append(w)
                    cpus.append(c)
                    if f is not None:
                        f.write(
                            json.dumps({"id": i, "h": digest(text_of[i]), "facts": d}, ensure_ascii=False)
                            + "\n"
                        )
    finally:
        if f is not None:
            f.close()
    stats.update(
        workers=max(1, workers),
        wall_s=round(time.perf_counter() - t, 1),
        ms_per_text_wall=round(float(np.mean(walls)) * 1000, 1),
        ms_per_text_p50=round(float(np.percentile(walls, 50)) * 1000, 1),
        ms_per_text_cpu=round(float(np.mean(cpus)) * 1000, 1),
        load=load1(),
    )
    return facts, stats


def same_project_stage(rep, eng, facts: dict, model) -> tuple[dict, dict]:
    """The knowledge base's same-project stage on a sweep report: ``(report dict with links, stage stats)``."""
    from kb.service.same_project import link_same_project

    d = rep.to_dict()
    t = time.perf_counter()
    st = link_same_project(d, eng, facts, {i: (eng.meta[i].get("source", ""), "") for i in facts}, model)
    st["wall_s"] = round(time.perf_counter() - t, 2)
    st["families_after"] = len(d["families"])
    st["load"] = load1()
    return d, st


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--corpus", type=Path, default=None, help="JSONL from gen_corpus (else generated)")
    ap.add_argument("--tokenizer", default="bigram", choices=["bigram", "jieba"])
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--brute-sample", type=int, default=3000)
    ap.add_argument(
        "--ivf",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="measure IVF recall on our vectors (default: only up to 20,000 texts)",
    )
    ap.add_argument("--similar-sample", type=int, default=100, help="planted copies queried with similar()")
    ap.add_argument(
        "--similar-budget",
        type=int,
        default=None,
        help="LSH candidates aligned per similar() query (default: the engine's; 0 = all)",
    )
    ap.add_argument("--demo-search", action="store_true", help="search quality on data/demo instead")
    ap.add_argument(
        "--workers",
        type=int,
        default=None,
        help="sweep worker processes (default: the engine's sweep_workers)",
    )
    ap.add_argument(
        "--add",
        type=int,
        default=0,
        help="then add this many more texts of the corpus (lines n+1…) and sweep again incrementally",
    )
    ap.add_argument(
        "--verify-incremental",
        action="store_true",
        help="compare the incremental sweep with a sweep from scratch (doubles the time of that step)",
    )
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument(
        "--same-project",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run the knowledge base's same-project stage after each sweep (facts extracted once per text)",
    )
    ap.add_argument(
        "--facts-cache",
        type=Path,
        default=None,
        help="JSONL of extracted facts (id, text digest): reused where the text is unchanged, new ones appended",
    )
    ap.add_argument(
        "--facts-workers",
        type=int,
        default=2,
        help="processes extracting the facts that are not in the cache",
    )
    ap.add_argument(
        "--ann-min",
        type=int,
        default=None,
        help="rows searched from which the sweep's neighbours come from the approximate index (default: the "
        "engine's sweep_ann_min; 0 = always exact)",
    )
    ap.add_argument(
        "--ann-max-scan",
        type=float,
        default=None,
        help="share of the collection the approximate index may compare a text with (default: the engine's "
        "sweep_ann_max_scan; 1 = accept any nprobe that reaches the recall)",
    )
    ap.add_argument(
        "--facts-only",
        action="store_true",
        help="only extract the facts of the n + add texts into --facts-cache (what ingest does once per text), then stop",
    )
    ap.add_argument(
        "--knn-check",
        type=int,
        default=0,
        help="after the sweep, neighbour recall of the sweep's lists against exact search on this many texts",
    )
    ap.add_argument(
        "--candidate-cos",
        type=float,
        default=None,
        help="document-cosine gate of semantic sweep candidates (default: the engine's per-encoder value)",
    )
    ap.add_argument(
        "--margin",
        type=float,
        default=None,
        help="ratio-margin gate of semantic sweep candidates (default: the engine's; 0 = off)",
    )
    ap.add_argument(
        "--threshold",
        type=float,
        default=next(x.default for x in SETTINGS if x.name == "dup_threshold"),
        help="family-linking similarity (default: the knowledge base's dup_threshold setting)",
    )
    a = ap.parse_args(argv)
    if a.demo_search:
        res = demo_search()
        if a.json:
            a.json.parent.mkdir(parents=True, exist_ok=True)
            a.json.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
        return 0
    out: dict = {
        "n": a.n,
        "threshold": a.threshold,
        "encoder": "tfidf (char 1-2 gram, LSA 256)",
        "keyword_tokens": a.tokenizer,
    }

    out["load_start"] = load1()
    if a.corpus and a.corpus.exists():
        every = [json.loads(x) for x in a.corpus.open(encoding="utf-8")][: a.n + a.add]
    else:
        every = list(generate(a.n + a.add, a.seed))  # a prefix of the stream is the n-text corpus
    recs, extra = every[: a.n], every[a.n :]
    if len(extra) < a.add:
        ap.error(f"--add {a.add}: the corpus has only {len(every)} texts")
    out["avg_chars"] = round(sum(len(r["text"]) for r in recs) / len(recs))
    if a.facts_only:
        _, out["facts"] = facts_of(every, a.facts_cache, a.facts_workers)
        print(f"facts (ingest-time, once per text): {out['facts']}", flush=True)
        if a.json:
            a.json.parent.mkdir(parents=True, exist_ok=True)
            a.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
        return 0
    print(f"corpus: {len(recs)} texts, {out['avg_chars']} chars on average", flush=True)

    eng = SimilarityEngine(
        "tfidf",
        config=SimilarityConfig(
            keyword_tokenizer=a.tokenizer,
            semantic_candidate_cos=a.candidate_cos,
            **({} if a.margin is None else {"semantic_margin": a.margin}),
            **({} if a.similar_budget is None else {"similar_lexical_budget": a.similar_budget}),
            **({} if a.ann_min is None else {"sweep_ann_min": a.ann_min}),
            **({} if a.ann_max_scan is None else {"sweep_ann_max_scan": a.ann_max_scan}),
        ),
        encoder_options={"dim": 256},
    )
    out["corpus_rss_mb"] = round(peak_mb())
    t = time.perf_counter()
    for r in recs:
        eng.add(r["id"], r["text"], r["meta"])
    out["add_s"] = round(time.perf_counter() - t, 1)
    out["add_ms_per_text"] = round(out["add_s"] * 1000 / len(recs), 2)
    print(f"add (sketch + keywords): {out['add_s']} s ({out['add_ms_per_text']} ms/text)", flush=True)

    t = time.perf_counter()
    eng.build()
    out["build_s"] = round(time.perf_counter() - t, 1)
    print(f"index build (tfidf fit + encode + faiss): {out['build_s']} s", flush=True)
    out["rss_after_build_mb"] = round(peak_mb())

    t = time.perf_counter()
    bp = eng.learn_boilerplate()
    out["boilerplate_s"] = round(time.perf_counter() - t, 1)
    print(f"boilerplate learned ({len(bp)} sentences): {out['boilerplate_s']} s", flush=True)

    rng = random.Random(1)
    ids = [r["id"] for r in recs]
    words = ["数字孪生", "能耗", "机器视觉", "预测性维护", "仓储", "排产", "质量追溯", "AGV", "5G", "设备"]
    eng.search("预热", k=10)  # first query builds lazy structures (keyword segments); not timed
    lat, lat_f = [], []
    for i in range(a.queries):
        q = " ".join(rng.sample(words, 2))
        filters = {"year": 2022} if i % 4 == 0 else None
        t = time.perf_counter()
        eng.search(q, k=10, filters=filters)
        (lat_f if filters else lat).append((time.perf_counter() - t) * 1000)
    both = lat + lat_f
    out["search_p50_ms"] = round(float(np.percentile(both, 50)), 1)
    out["search_p99_ms"] = round(float(np.percentile(both, 99)), 1)
    out["search_filtered_p50_ms"] = round(float(np.percentile(lat_f, 50)), 1) if lat_f else None
    print(
        f"search p50 {out['search_p50_ms']} ms  p99 {out['search_p99_ms']} ms  "
        f"(filtered queries p50 {out['search_filtered_p50_ms']} ms)",
        flush=True,
    )

    lat = []
    for x in random.Random(2).sample(ids, 30):
        t = time.perf_counter()
        eng.similar(x, k=10)
        lat.append((time.perf_counter() - t) * 1000)
    out["similar_p50_ms"] = round(float(np.percentile(lat, 50)), 1)
    # quality of `similar`: is a planted copy's family (its source or a sibling) among its top 10?
    fam = _families(recs)
    copies = [r for r in recs if r["source"]]
    sample = random.Random(3).sample(copies, min(a.similar_sample, len(copies)))
    hits: Counter = Counter()
    totals: Counter = Counter()
    lat_c = []
    for r in sample:
        t = time.perf_counter()
        got = eng.similar(r["id"], k=10)
        lat_c.append((time.perf_counter() - t) * 1000)
        totals[r["variant"]] += 1
        hits[r["variant"]] += any(fam.get(m.id) == fam[r["id"]] for m in got)
    out["similar_recall_at_10"] = {v: round(hits[v] / totals[v], 3) for v in sorted(totals)}
    out["similar_copies_p50_ms"] = round(float(np.percentile(lat_c, 50)), 1) if lat_c else None
    print(
        f"similar p50 {out['similar_p50_ms']} ms (random texts), {out['similar_copies_p50_ms']} ms (planted copies); "
        f"family in top 10: {out['similar_recall_at_10']}",
        flush=True,
    )

    t = time.perf_counter()
    last = [t]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            print(f"  sweep: {done}/{total} candidate pairs aligned", flush=True)

    memo = PairMemo()  # filled by this sweep: the incremental sweep below reuses it
    out["load_sweep_start"] = load1()
    rep = eng.dupes(a.threshold, progress=progress, memo=memo, workers=a.workers)
    out["sweep_s"] = round(time.perf_counter() - t, 1)
    out["load_sweep_end"] = load1()
    out["sweep_stats"] = rep.stats
    print(
        f"duplicate sweep: {out['sweep_s']} s  {rep.stats}  (load {out['load_sweep_start']} → {out['load_sweep_end']})",
        flush=True,
    )

    truth = {
        (min(r["id"], r["source"]), max(r["id"], r["source"])): r["variant"] for r in recs if r["source"]
    }
    found = {(p.a, p.b) for p in rep.pairs}
    by_var = Counter(truth.values())
    hit_var = Counter(v for k, v in truth.items() if k in found)
    out["recall_by_variant"] = {v: round(hit_var[v] / by_var[v], 3) for v in by_var}
    correct = sum(1 for x, y in found if fam[x] == fam[y])
    out["pair_precision"] = round(correct / len(found), 3) if found else None
    out["pairs_found"] = len(found)
    print(
        f"recall by variant: {out['recall_by_variant']}  pair precision: {out['pair_precision']}", flush=True
    )
    if a.knn_check:
        from nlp.similarity.knn import neighbour_recall

        nbr = eng.neighbours()
        pick = np.sort(
            np.random.default_rng(5).choice(len(nbr.ids), min(a.knn_check, len(nbr.ids)), replace=False)
        )
        ex_nb, _ = eng.index.batch_search(eng.index.get(nbr.ids[pick]), eng.config.semantic_k + 1)
        out["knn_recall_vs_exact"] = round(neighbour_recall(ex_nb, nbr.nb[pick], nbr.ids[pick]), 4)
        print(
            f"neighbour recall of the sweep's lists vs exact ({len(pick)} texts): {out['knn_recall_vs_exact']}"
        )

    model = None
    if a.same_project:
        from kb.service.same_project import load_same_project_model

        model = load_same_project_model()
    if model is not None:
        facts, fst = facts_of(recs, a.facts_cache, a.facts_workers)
        out["facts"] = fst
        print(f"facts (ingest-time, once per text): {fst}", flush=True)
        _, out["same_project"] = same_project_stage(rep, eng, facts, model)
        print(f"same-project stage: {out['same_project']}", flush=True)

    if extra:
        inc: dict = {"texts_added": len(extra), "load_start": load1()}
        t = time.perf_counter()
        for r in extra:
            eng.add(r["id"], r["text"], r["meta"])
        inc["add_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        eng.build()  # vectors of the new texts only (the TF-IDF model is kept, as the knowledge base does)
        inc["build_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        eng.learn_boilerplate()
        inc["boilerplate_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        rep2 = eng.dupes(a.threshold, memo=memo, workers=a.workers)
        inc["sweep_s"] = round(time.perf_counter() - t, 1)
        inc["sweep_stats"] = rep2.stats
        inc["load_end"] = load1()
        truth2 = {
            (min(r["id"], r["source"]), max(r["id"], r["source"])): r["variant"] for r in every if r["source"]
        }
        found2 = {(p.a, p.b) for p in rep2.pairs}
        by2 = Counter(truth2.values())
        hit2 = Counter(v for k, v in truth2.items() if k in found2)
        inc["recall_by_variant"] = {v: round(hit2[v] / by2[v], 3) for v in by2}
        print(
            f"incremental: +{len(extra)} texts: add {inc['add_s']} s, encode {inc['build_s']} s, boilerplate "
            f"{inc['boilerplate_s']} s, sweep {inc['sweep_s']} s  {rep2.stats}  (load {inc['load_start']} → "
            f"{inc['load_end']})",
            flush=True,
        )
        if a.verify_incremental:
            t = time.perf_counter()
            kept = eng.neighbours()
            eng._neighbours = None  # from scratch: every neighbour list searched again, not the merged ones
            fresh = eng.dupes(a.threshold, workers=a.workers)
            again = eng.neighbours()
            inc["neighbours_equal_fresh"] = bool(
                (np.sort(again.nb, axis=1) == np.sort(kept.nb, axis=1)).all()
                and np.allclose(again.sc, kept.sc, atol=1e-5)
            )
            inc["fresh_sweep_s"] = round(time.perf_counter() - t, 1)
            d1, d2 = rep2.to_dict(), fresh.to_dict()
            inc["equals_fresh_sweep"] = (d1["families"], d1["pairs"]) == (d2["families"], d2["pairs"])
            print(
                f"  from scratch: {inc['fresh_sweep_s']} s; same result: {inc['equals_fresh_sweep']}, same "
                f"neighbour lists: {inc['neighbours_equal_fresh']}",
                flush=True,
            )
        if model is not None:
            more, inc["facts"] = facts_of(extra, a.facts_cache, a.facts_workers)
            facts.update(more)
            _, inc["same_project"] = same_project_stage(rep2, eng, facts, model)
            print(
                f"  facts of the new texts: {inc['facts']}; same-project stage: {inc['same_project']}",
                flush=True,
            )
        out["incremental"] = inc

    t = time.perf_counter()
    for _ in range(a.brute_sample):
        x, y = rng.sample(ids, 2)
        align_norm(NormText(eng.texts[x]), NormText(eng.texts[y]), min_len=13)
    per_pair = (time.perf_counter() - t) / a.brute_sample
    n = len(ids)
    brute = per_pair * n * (n - 1) / 2
    out["brute_force_per_pair_ms"] = round(per_pair * 1000, 3)
    out["brute_force_extrapolated_s"] = round(brute)
    out["sweep_vs_brute_ratio"] = round(brute / max(out["sweep_s"], 1e-9))
    print(
        f"brute force (sampled {a.brute_sample} pairs, extrapolated to {n * (n - 1) // 2} pairs): "
        f"{brute / 3600:.1f} h; sweep is {out['sweep_vs_brute_ratio']}x faster",
        flush=True,
    )

    if a.ivf if a.ivf is not None else len(recs) <= 20_000:
        from nlp.similarity.index import make_index

        ivf = make_index("faiss", eng.encoder.dim, kind="ivf")
        all_ids = eng.index.ids()
        ivf.add(all_ids, eng.index.get(all_ids))
        out["ivf_check"] = ivf.optimize(sample=300)
        print(f"IVF recall@10 on our vectors: {out['ivf_check']}", flush=True)

    out["peak_rss_mb"] = round(peak_mb())
    print(f"peak memory (ru_maxrss, add + build + search + sweep): {out['peak_rss_mb']} MB", flush=True)

    # persistence: save here, load in a fresh process (what a server or CLI start does)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        eng.save(Path(tmp) / "engine")
        out["save_s"] = round(time.perf_counter() - t, 1)
        out["saved_mb"] = round(sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file()) / 2**20)
        # the child's own high-water mark from /proc (ru_maxrss keeps the parent's across fork + exec)
        child = (
            "import json, sys, time; sys.path.insert(0, sys.argv[2]);"
            "from nlp.similarity.engine import SimilarityEngine; t = time.perf_counter();"
            "e = SimilarityEngine.load(sys.argv[1]); e.search('设备', k=10); dt = time.perf_counter() - t;"
            "hwm = [int(x.split()[1]) for x in open('/proc/self/status') if x.startswith('VmHWM')][0];"
            "print(json.dumps([len(e), dt, hwm / 1024]))"
        )
        res = subprocess.run(
            [sys.executable, "-c", child, str(Path(tmp) / "engine"), str(ROOT)],
            capture_output=True,
            text=True,
            check=True,
        )
        count, load_s, load_rss = json.loads(res.stdout.strip().splitlines()[-1])
        assert count == len(eng)
        out["load_s"] = round(load_s, 1)
        out["load_rss_mb"] = round(load_rss)
    print(
        f"save {out['save_s']} s ({out['saved_mb']} MB on disk); load + first search in a fresh process "
        f"{out['load_s']} s, {out['load_rss_mb']} MB",
        flush=True,
    )
    out["load_end"] = load1()
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
