"""Every text's nearest neighbours for a sweep: exact while small, an approximate faiss index (IVF) whose
recall against exact search is measured on a sample before it is used, and kept between sweeps (a new text
updates only the neighbour lists it enters).

The sweep needs the top-``k`` neighbours of *every* text: exact search is an n × n inner product (10⁵ texts:
2.6·10¹² multiply-adds, about two minutes on 2 cores). From ``sweep_ann_min`` rows to search, an inverted-file
index (``IVF<nlist>,Flat`` on inner product: the scores are still exact cosines, only the neighbours a query
sees are restricted to the lists it probes) is trained on the engine's own vectors, and ``nprobe`` is doubled
until the neighbour recall on a sample of texts, measured against exact search of the same texts, reaches
``sweep_ann_recall``; when no ``nprobe`` reaches it, or the one that does compares each text with more than
``sweep_ann_max_scan`` of the collection (then exact search is faster), the rows are searched exactly.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from nlp.similarity.engine import SimilarityEngine
    from nlp.similarity.sweep import PairMemo

log = logging.getLogger(__name__)

# IVF lists per √n (faiss's guidance is 4–16 √n; fewer lists train faster, each query scans more of them)
ANN_LISTS_PER_SQRT = 2.0
# k-means training: points per list and iterations (faiss warns below 39 points per list)
ANN_TRAIN_PER_LIST = 40
ANN_TRAIN_ITER = 10
# texts whose exact neighbours are computed to measure the recall, and the first nprobe tried
ANN_SAMPLE = 1000
ANN_FIRST_NPROBE = 8
# rows of one search call (bounds the (rows × k) results and the exact fallback's (rows × n) scores)
SEARCH_STEP = 2048


def neighbour_recall(exact: np.ndarray, approx: np.ndarray, self_ids: np.ndarray | None = None) -> float:
    """Share of the exact neighbours (each row's ids, -1 padding, ``self_ids[r]`` left out) found in the
    approximate row."""
    hits = total = 0
    for r, (e, a) in enumerate(zip(exact, approx, strict=True)):
        want = {int(x) for x in e if x >= 0}
        if self_ids is not None:
            want.discard(int(self_ids[r]))
        total += len(want)
        hits += len(want & {int(x) for x in a if x >= 0})
    return hits / total if total else 1.0


def _exact_rows(eng: SimilarityEngine, ids: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` neighbours (self included) of ``ids`` by exact search of the engine's index."""
    assert eng.index is not None
    nbs: list[np.ndarray] = [np.zeros((0, k), np.int64)]
    scs: list[np.ndarray] = [np.zeros((0, k), np.float32)]
    for s in range(0, len(ids), SEARCH_STEP):
        nb, sc = eng.index.batch_search(eng.index.get(ids[s : s + SEARCH_STEP]), k)
        nbs.append(nb.astype(np.int64, copy=False))
        scs.append(sc.astype(np.float32, copy=False))
    return np.concatenate(nbs), np.concatenate(scs)


def _ann_rows(
    eng: SimilarityEngine, ids: np.ndarray, k: int, target: float, max_scan: float, seed: int = 0
) -> tuple[np.ndarray | None, np.ndarray | None, dict[str, Any]]:
    """Top-``k`` neighbours of ``ids`` through an IVF index trained on the engine's vectors, with the smallest
    ``nprobe`` (doubling from :data:`ANN_FIRST_NPROBE`) whose recall on a sample reaches ``target``.

    Returns ``(None, None, info)`` (the caller searches exactly) when faiss is missing, when no ``nprobe`` reaches
    the recall, or when that ``nprobe`` scans more than ``sweep_ann_max_scan`` of the collection per text: on texts
    whose neighbourhoods have no cluster structure a high recall means scanning a large share of the lists, and
    scanning lists one text at a time costs several times more per vector than the exact search's matrix
    products (measured 8–20× on 2 cores, docs/benchmarks.md). The choice depends on the vectors only (the sample
    and the k-means are seeded), never on timings, so a sweep's result does not change from run to run.
    """
    try:
        import faiss
    except ImportError:
        return None, None, {"search": "exact", "ann": "faiss missing"}
    assert eng.index is not None
    all_ids = eng.index.ids()
    vecs = np.ascontiguousarray(eng.index.get(all_ids), dtype=np.float32)
    n, dim = vecs.shape
    nlist = int(max(8, min(ANN_LISTS_PER_SQRT * np.sqrt(n), n // ANN_TRAIN_PER_LIST)))
    rng = np.random.default_rng(seed)
    train = vecs[np.sort(rng.choice(n, min(n, ANN_TRAIN_PER_LIST * nlist), replace=False))]
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.cp.niter = ANN_TRAIN_ITER
    ivf.cp.seed = seed
    ivf.train(train)
    ivf.add(vecs)  # faiss labels are positions in all_ids
    qpos = np.searchsorted(all_ids, ids)
    sample = qpos[np.sort(rng.choice(len(qpos), min(len(qpos), ANN_SAMPLE), replace=False))]
    exact = None  # the sample's exact neighbours, searched once the first nprobe is cheap enough
    nprobe, recall, scan = ANN_FIRST_NPROBE // 2, 0.0, 1.0
    sizes = np.array([ivf.invlists.list_size(i) for i in range(nlist)])
    while recall < target and nprobe < nlist:
        nprobe = min(nlist, nprobe * 2)
        _, probed = ivf.quantizer.search(vecs[sample], nprobe)
        # the share of the collection a text is compared with; more lists only scan more
        scan = float(sizes[probed].sum()) / (len(sample) * n)
        if scan > max_scan:
            break
        if exact is None:
            _, exact = faiss.knn(vecs[sample], vecs, k, faiss.METRIC_INNER_PRODUCT)
        ivf.nprobe = nprobe
        _, approx = ivf.search(vecs[sample], k)
        recall = neighbour_recall(exact, approx, sample)
    info: dict[str, Any] = {"search": "ivf", "nlist": nlist, "nprobe": nprobe, "recall": round(recall, 4),
                            "scan": round(scan, 4), "sample": len(sample)}  # fmt: skip
    if recall < target or scan > max_scan:
        info["ann"] = f"scans {scan:.3f} > {max_scan} at nprobe {nprobe}" if scan > max_scan else "recall"
        info["search"] = "exact"
        log.info("sweep neighbours: exact search (IVF %s)", info["ann"])
        return None, None, info
    nb = np.full((len(ids), k), -1, np.int64)
    sc = np.full((len(ids), k), -np.inf, np.float32)
    for s in range(0, len(ids), SEARCH_STEP):
        d, lab = ivf.search(vecs[qpos[s : s + SEARCH_STEP]], k)
        ok = lab >= 0
        nb[s : s + SEARCH_STEP] = np.where(ok, all_ids[np.maximum(lab, 0)], -1)
        sc[s : s + SEARCH_STEP] = np.where(ok, d, -np.inf)
    return nb, sc, info


def search_rows(
    eng: SimilarityEngine, ids: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Top-``k`` neighbours (self included) of ``ids`` (sorted) in the whole index: ``(ids, float32 scores,
    how)``. Approximate (:func:`_ann_rows`) when at least ``sweep_ann_min`` rows are searched (0: never)."""
    c = eng.config
    assert eng.index is not None
    how: dict[str, Any] = {"search": "exact"}
    if c.sweep_ann_min and len(ids) >= c.sweep_ann_min and len(eng.index) >= 8 * ANN_TRAIN_PER_LIST:
        nb, sc, how = _ann_rows(eng, ids, k, c.sweep_ann_recall, c.sweep_ann_max_scan)
        if nb is not None and sc is not None:
            return nb, sc, how
    nb, sc = _exact_rows(eng, ids, k)
    return nb, sc, how


def merge_new(
    eng: SimilarityEngine,
    nb: np.ndarray,
    sc: np.ndarray,
    rows: np.ndarray,
    row_ids: np.ndarray,
    new: np.ndarray,
) -> int:
    """Update the lists ``nb[rows]`` / ``sc[rows]`` (best first, of the texts ``row_ids``) in place with the texts
    ``new`` that entered the index since they were computed; returns how many lists changed.

    One product of the rows' vectors with the new vectors; a list is re-sorted only when a new text scores above
    its last entry, and then only with those new texts. Same lists as sorting each row's old entries followed by
    all new texts (stable: on equal scores the old entry first, then the new texts in id order).
    """
    if not len(rows) or not len(new):
        return 0
    assert eng.index is not None
    vn = eng.index.get(new)
    k = nb.shape[1]
    step = max(1, 20_000_000 // len(new))
    changed = 0
    for s in range(0, len(rows), step):
        r = rows[s : s + step]
        scores = eng.index.get(row_ids[s : s + step]) @ vn.T
        hit = scores > sc[r, k - 1][:, None]
        for t in np.flatnonzero(hit.any(axis=1)).tolist():
            cols = np.flatnonzero(hit[t])
            row = r[t]
            cs = np.concatenate([sc[row], scores[t, cols]])
            ci = np.concatenate([nb[row], new[cols]])
            top = np.argsort(-cs, kind="stable")[:k]
            sc[row], nb[row] = cs[top], ci[top]
            changed += 1
    return changed


def neighbour_rows(
    eng: SimilarityEngine,
    ids: np.ndarray,
    k: int,
    memo: PairMemo | None = None,
    content: dict[int, bytes] | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Each id's top-``k`` neighbours (itself included): ``(ids, cosines, stats)``, arrays ``(len(ids), k)``,
    best first.

    Without a memo every text is searched (:func:`search_rows`). With one whose neighbour lists come from the
    same encoder (exact engine index only), a text keeps its stored list when its content and all its listed
    neighbours are unchanged, updated with the texts added (or changed) since (:func:`merge_new`); the other
    texts are searched. The memo then holds the new lists. Adding m texts to n costs one m × n product and the
    search of the m new texts, and re-sorts only the lists a new text enters.
    """
    assert eng.index is not None
    n = len(ids)
    exact = getattr(eng.index, "kind", "flat") == "flat"
    ckeys = None if content is None else np.array([content[int(i)] for i in ids], dtype="S16")
    prev = memo.knn if (memo is not None and exact and ckeys is not None) else None
    nb = np.full((n, k), -1, dtype=np.int64)
    sc = np.full((n, k), -np.inf, dtype=np.float32)
    clean = np.zeros(n, dtype=bool)
    fresh = ids  # texts whose vectors the stored lists have not seen
    if (
        prev is not None
        and prev.get("encoder") == eng.encoder.name
        and prev.get("k") == k
        and len(prev["ids"])
    ):
        pids, pkeys, pnb, psc = prev["ids"], prev["keys"], prev["nb"], prev["sc"]
        order = np.argsort(pids)
        at = order[np.clip(np.searchsorted(pids, ids, sorter=order), 0, len(pids) - 1)]
        same = (pids[at] == ids) & (pkeys[at] == ckeys)
        stable = ids[same]  # sorted, as ids are
        rows = pnb[at]
        kept = (rows < 0) | np.isin(rows, stable)
        clean = same & kept.all(axis=1)
        nb[clean], sc[clean] = rows[clean], psc[at[clean]]
        fresh = ids[~same]
    dirty = ids[~clean]
    how: dict[str, Any] = {"search": "none"}
    if len(dirty):
        nb[~clean], sc[~clean], how = search_rows(eng, dirty, k)
    where = np.flatnonzero(clean)
    changed = merge_new(eng, nb, sc, where, ids[where], fresh) if len(where) else 0
    stats = {
        "rows_reused": int(clean.sum()),
        "rows_searched": int(len(dirty)),
        "fresh": int(len(fresh)),
        "rows_updated": changed,
        **{f"search{'' if key == 'search' else '_' + key}": v for key, v in how.items()},
    }
    if memo is not None and exact and ckeys is not None:
        memo.knn = {"encoder": eng.encoder.name, "k": k, "ids": ids.copy(), "keys": ckeys, "nb": nb, "sc": sc}
    return nb, sc.astype(np.float64), stats
