"""Duplicate sweeps: candidate pairs (MinHash LSH and semantic neighbours with a ratio margin), each
candidate aligned, and the linked pairs grouped into families. No all-pairs loop is ever run.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import logging
import multiprocessing as mp
import os
import pickle
import threading
import time
from collections.abc import Callable
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nlp.similarity.align import SharedSpan, align_norm
from nlp.similarity.config import CANDIDATE_COS, SEMANTIC_MARGIN
from nlp.similarity.encoders import TfidfEncoder, backend_of
from nlp.similarity.families import Pair, build_families
from nlp.similarity.knn import neighbour_rows
from nlp.similarity.records import DupeReport

if TYPE_CHECKING:
    from nlp.similarity.engine import SimilarityEngine

log = logging.getLogger(__name__)


@dataclass
class Neighbours:
    """Each text's nearest neighbours in the engine's vector index (the encoder's document vectors).

    ``nb[r]`` are the ids of ``ids[r]``'s neighbours, best first (-1: none; the text itself excluded),
    ``sc[r]`` their cosines, ``knn[r]`` the mean cosine of ``ids[r]`` to its neighbours.
    """

    ids: np.ndarray
    nb: np.ndarray
    sc: np.ndarray
    knn: np.ndarray
    # how the lists were found (:func:`nlp.similarity.knn.neighbour_rows`): rows searched / reused, exact or IVF
    stats: dict[str, Any] = field(default_factory=dict)

    def margin(self) -> np.ndarray:
        """Ratio margin of every neighbour: ``cos(a, b) / ((knn(a) + knn(b)) / 2)`` (0 where undefined)."""
        valid = self.nb >= 0
        a = np.broadcast_to(self.ids[:, None], self.nb.shape)
        order = np.argsort(self.ids)
        at = np.clip(
            np.searchsorted(self.ids, np.where(valid, self.nb, a), sorter=order), 0, len(self.ids) - 1
        )
        denom = (self.knn[:, None] + self.knn[order[at]]) / 2
        return np.divide(self.sc, denom, out=np.zeros_like(self.sc), where=valid & (denom > 0))


def neighbours(
    eng: SimilarityEngine,
    k: int | None = None,
    memo: PairMemo | None = None,
    content: dict[int, bytes] | None = None,
) -> Neighbours:
    """The ``k`` (default ``semantic_k``) nearest neighbours of every text, from the engine's index.

    Kept on the engine until a text is added or removed, so that a sweep and the same-project links
    that follow it search the index once. With a ``memo`` (and ``content``, each id's content digest)
    the lists of the previous sweep are reused where they still hold (:func:`nlp.similarity.knn.neighbour_rows`).
    """
    eng._ensure_vectors()
    assert eng.index is not None
    k = eng.config.semantic_k if k is None else k
    cached = getattr(eng, "_neighbours", None)
    if cached is not None and cached[0] == (eng._version, k):
        return cached[1]
    ids = np.array(eng.ids(), dtype=np.int64)
    nb, sc, stats = neighbour_rows(eng, ids, k + 1, memo, content)
    # drop the text itself (wherever it ranks: ties may put another text first), keep k in order
    keep = (nb != ids[:, None]) & (nb >= 0)
    order = np.argsort(~keep, axis=1, kind="stable")[:, :k]  # kept entries first, in rank order
    kept = np.take_along_axis(keep, order, axis=1)
    out_nb = np.where(kept, np.take_along_axis(nb, order, axis=1), -1)
    out_sc = np.where(kept, np.take_along_axis(sc, order, axis=1), 0.0)
    valid = out_nb >= 0
    knn = np.where(valid, out_sc, 0.0).sum(axis=1) / np.maximum(valid.sum(axis=1), 1)
    res = Neighbours(ids, out_nb, out_sc, knn, stats)
    eng._neighbours = ((eng._version, k), res)
    return res


def candidate_pairs(
    eng: SimilarityEngine, memo: PairMemo | None = None, content: dict[int, bytes] | None = None
) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """Lexical and semantic candidate pairs of a sweep.

    Lexical: LSH buckets, MinHash Jaccard ≥ ``min_jaccard``. Semantic: each text's top
    ``semantic_k`` neighbours (:func:`neighbours`) with a document cosine ≥ ``semantic_candidate_cos``
    (a floor) AND a ratio margin ≥ ``semantic_margin`` (:data:`SEMANTIC_MARGIN`):
    ``cos(a, b) / ((knn(a) + knn(b)) / 2)`` where ``knn(x)``
    is x's mean cosine to its own neighbours. In a collection of same-genre texts every text has
    ten neighbours at a similar cosine; the margin keeps the pairs that stand out from both
    texts' neighbourhoods (measured at 10⁴: 90,645 → 900 semantic candidates, planted pairs in the
    candidates 1.00 verbatim / light / paraphrase, partial 0.99 → 0.98).

    With a ``memo`` (and ``content``: each id's content digest) the neighbour lists of the previous sweep are
    reused where they still hold (:func:`neighbours`).
    """
    eng._ensure_vectors()
    assert eng.index is not None
    lex_arr = lexical_pairs(eng, memo, content)
    lex = set(zip(lex_arr[:, 0].tolist(), lex_arr[:, 1].tolist(), strict=True))
    if len(eng.texts) < 2:
        return lex, set()
    thr = eng.config.semantic_candidate_cos
    if thr is None:
        thr = CANDIDATE_COS.get(backend_of(eng.encoder), 0.8)
    nbr = neighbours(eng, memo=memo, content=content)
    nb, sc = nbr.nb, nbr.sc
    a = np.broadcast_to(nbr.ids[:, None], nb.shape)
    ok = (nb >= 0) & (sc >= thr)
    gate = eng.config.semantic_margin
    if gate is None:
        gate = SEMANTIC_MARGIN.get(backend_of(eng.encoder), 0.0)
    if gate > 0:
        ok &= nbr.margin() >= gate
    lo, hi = np.minimum(a[ok], nb[ok]), np.maximum(a[ok], nb[ok])
    sem = set(zip(lo.tolist(), hi.tolist(), strict=True))
    return lex, sem


def lexical_pairs(
    eng: SimilarityEngine, memo: PairMemo | None = None, content: dict[int, bytes] | None = None
) -> np.ndarray:
    """The sweep's lexical candidates: pairs sharing an LSH bucket with MinHash Jaccard ≥ ``min_jaccard``.

    With a ``memo`` holding the pairs of the previous sweep (and ``content``, every text's content digest), a sweep
    after texts were only added reads the buckets the new texts entered (:meth:`NearDupIndex.candidate_pairs_after`)
    instead of every bucket; a removed or changed text, other LSH settings or a bucket pushed past its size limit
    read them all. The pairs are the same either way; ``memo.lex["pass"]`` says which pass ran.
    """
    nd, mj = eng.neardup, float(eng.config.min_jaccard)
    params = (nd.k, nd.num_perm, nd.threshold, nd.seed, nd.max_bucket, nd.bands, nd.rows, mj)
    if memo is None or content is None:
        return nd.candidate_pairs(mj)
    ids = np.array(sorted(content), dtype=np.int64)
    keys = np.array([content[int(i)] for i in ids], dtype="S16")
    prev, pairs, how = memo.lex, None, "all buckets"
    if prev is not None and prev.get("params") == params and len(prev["ids"]):
        at = np.minimum(np.searchsorted(ids, prev["ids"]), len(ids) - 1)
        if np.all(ids[at] == prev["ids"]) and np.all(keys[at] == prev["keys"]):  # none removed or changed
            new = ids[~np.isin(ids, prev["ids"])]
            pairs = nd.candidate_pairs_after(prev["pairs"], new.tolist(), mj)
            how = f"buckets of {len(new)} new texts" if pairs is not None else "all buckets"
    if pairs is None:
        pairs = nd.candidate_pairs(mj)
    memo.lex = {"params": params, "ids": ids, "keys": keys, "pairs": pairs, "pass": how}
    return pairs


@dataclass
class PairMemo:
    """Results of earlier sweeps per candidate pair, for incremental sweeps.

    ``results`` maps ``(key_a, key_b)`` (the two texts' keys from :func:`text_keys`: content and the text's own
    boilerplate, in id order) to ``(similarity_excl, level, similarity_all, coverage, spans)``; ``spans`` is kept
    only for pairs that linked at the sweep's threshold (None otherwise: a later sweep at a lower threshold
    aligns such a pair again when it would link). ``context`` is the digest of everything else a result depends
    on (:func:`memo_context`): settings, the fitted encoder, the reference texts, the code version; a different
    context empties the memo.
    """

    context: str = ""
    results: dict[tuple[bytes, bytes], tuple] = field(default_factory=dict)
    # neighbour lists of the last sweep (see :func:`neighbours`): encoder, k, ids, content keys, nb, sc
    knn: dict[str, Any] | None = None
    # lexical candidates of the last sweep (see :func:`lexical_pairs`): LSH settings, ids, content keys, pairs, pass
    lex: dict[str, Any] | None = None

    def save(self, path: str | Path) -> None:
        """Write the memo (pickle, written aside and renamed)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
        with open(tmp, "wb") as f:
            d = {
                "version": SWEEP_CODE_VERSION,
                "context": self.context,
                "results": self.results,
                "knn": self.knn,
                "lex": self.lex,
            }
            pickle.dump(d, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)

    @classmethod
    def load(cls, path: str | Path) -> PairMemo:
        """Read a memo written by :meth:`save`; an empty one when the file is missing or unreadable."""
        try:
            with open(path, "rb") as f:
                d = pickle.load(f)
            return cls(str(d["context"]), dict(d["results"]), d.get("knn"), d.get("lex"))
        except FileNotFoundError:
            return cls()
        except Exception:  # noqa: BLE001 - a damaged memo only costs a full sweep
            log.warning("pair memo %s is unreadable; sweeping every pair", path)
            return cls()


# Bump when alignment, the paraphrase decision or the stored tuple change: stored pair results are then void.
SWEEP_CODE_VERSION = "1"
# Settings that never change a pair's result (left out of the memo context and the stored sweep's key).
OPERATIONAL_SETTINGS = ("sweep_workers",)


def memo_context(eng: SimilarityEngine, extra: str = "") -> str:
    """Digest of what a pair's result depends on besides its two texts and their boilerplate spans."""
    cfg = {k: v for k, v in eng.config.to_dict().items() if k not in OPERATIONAL_SETTINGS}
    bp = eng.boilerplate
    key = json.dumps(
        [
            cfg,
            eng.encoder.name,  # carries the fitted model's fingerprint (tfidf)
            eng.paraphrase.encoder().name,
            eng.levels.to_dict(),
            hashlib.sha1("\x00".join(eng.reference_texts).encode()).hexdigest(),
            None if bp is None else [bp.min_len, bp.min_sentence_chars],
            SWEEP_CODE_VERSION,
            extra,
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha1(key.encode()).hexdigest()


def content_keys(eng: SimilarityEngine, ids: list[int]) -> dict[int, bytes]:
    """A 16-byte digest of each text."""
    return {i: hashlib.blake2b(eng.texts[i].encode("utf-8"), digest_size=16).digest() for i in ids}


def text_keys(
    eng: SimilarityEngine, ids: list[int], content: dict[int, bytes] | None = None
) -> dict[int, bytes]:
    """Per-text key of stored pair results: the text's content and which of its sentences are boilerplate.

    A learned boilerplate set that changes only invalidates the pairs of the texts it masks differently
    (reference-text passages are covered by :func:`memo_context`).
    """
    content = content if content is not None else content_keys(eng, ids)
    bp = eng.boilerplate
    if bp is None:
        return {i: content[i] for i in ids}
    fps = eng._bp_text_keys
    out: dict[int, bytes] = {}
    for i in ids:
        fp = fps.get(i)
        if fp is None:
            fp = fps[i] = bp.text_key(eng.texts[i])
        out[i] = hashlib.blake2b(content[i] + fp, digest_size=16).digest()
    return out


def _align_pair(eng: SimilarityEngine, a: int, b: int, thr: float) -> tuple:
    """Align one candidate pair and decide its level: ``(sim_excl, level, sim, coverage, spans | None)``."""
    na, nb = eng._norm(a), eng._norm(b)
    al = align_norm(
        na,
        nb,
        min_len=eng.config.min_match_chars,
        mask_a=eng._mask(a, eng.texts[a]),
        mask_b=eng._mask(b, eng.texts[b]),
        levels=eng.levels,
    )
    scov = eng.paraphrase.decide(al, (a, eng.texts[a], na), (b, eng.texts[b], nb))
    cov = None if scov is None else scov.coverage
    links = al.sim_excl >= thr or al.level in LINKING
    spans = tuple(astuple(s) for s in al.spans) if links else None
    return (al.sim_excl, al.level, al.sim, cov, spans)


# What the forked workers read, by job number (registered just before a pool forks, so each pool's children
# see their job copy-on-write; nothing but the job number and chunk bounds is pickled). Two threads may sweep
# at once: each has its own number.
_JOBS: dict[int, tuple[SimilarityEngine, list[tuple[int, int]], float]] = {}
_JOB_NUMBERS = itertools.count(1)


def _align_chunk(job: int, bounds: tuple[int, int]) -> list[tuple]:
    eng, pairs, thr = _JOBS[job]
    return [_align_pair(eng, a, b, thr) for a, b in pairs[bounds[0] : bounds[1]]]


def resolve_workers(eng: SimilarityEngine, workers: int | None = None) -> int:
    """Worker processes of a sweep: ``workers`` or the ``sweep_workers`` setting (0: one per CPU, at most
    :data:`MAX_WORKERS`), bounded by the CPUs; 1 where forking is not safe (no ``fork``, or a paraphrase
    encoder other than TF-IDF, whose model runtime may not survive a fork)."""
    w = eng.config.sweep_workers if workers is None else workers
    cpus = os.cpu_count() or 1
    w = min(cpus, MAX_WORKERS) if w <= 0 else min(w, cpus)
    if "fork" not in mp.get_all_start_methods():
        return 1
    if not isinstance(eng.paraphrase.encoder(), TfidfEncoder):
        return 1
    return max(1, w)


MAX_WORKERS = 8
# Fewer pairs than this are aligned in the calling process (forking costs more than it saves).
PARALLEL_MIN_PAIRS = 200


def align_pairs(
    eng: SimilarityEngine,
    pairs: list[tuple[int, int]],
    thr: float,
    *,
    workers: int = 1,
    min_parallel: int = PARALLEL_MIN_PAIRS,
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple]:
    """Align candidate pairs, in ``workers`` forked processes when there are at least ``min_parallel`` pairs.

    The workers are forked from this process, so they read the engine (texts, vectors, boilerplate, caches)
    copy-on-write; each gets contiguous chunks of the sorted pairs (texts recur within a chunk and hit the
    worker's own caches). Results come back in input order and equal the serial ones.
    """
    n = len(pairs)
    if workers <= 1 or n < max(min_parallel, 2):
        out = []
        for k, (a, b) in enumerate(pairs):
            out.append(_align_pair(eng, a, b, thr))
            if progress and k % 1000 == 0:
                progress(k, n)
        return out
    step = max(1, min(500, -(-n // (workers * 4))))
    bounds = [(s, min(s + step, n)) for s in range(0, n, step)]
    eng._ensure_vectors()  # nothing lazy left to build in a child
    job = next(_JOB_NUMBERS)
    _JOBS[job] = (eng, pairs, thr)
    out = []
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            for part in pool.imap(functools.partial(_align_chunk, job), bounds):
                out.extend(part)
                if progress:
                    progress(len(out), n)
    finally:
        del _JOBS[job]
    return out


LINKING = frozenset({"identical", "minor_edits", "paraphrase"})


def dupes(
    eng: SimilarityEngine,
    threshold: float | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    memo: PairMemo | None = None,
    memo_extra: str = "",
    min_parallel: int = PARALLEL_MIN_PAIRS,
) -> DupeReport:
    """Sweep the collection for duplicate families.

    Args:
        threshold: symmetric similarity (boilerplate excluded) that links two texts; pairs at
            the levels identical / minor_edits / paraphrase link regardless.
        progress: optional callback ``(done, total)`` over candidate pairs.
        workers: processes aligning the candidate pairs (default: the ``sweep_workers`` setting; see
            :func:`resolve_workers`); the result does not depend on it.
        memo: results of earlier sweeps per pair (:class:`PairMemo`): pairs found there are reused, the
            others aligned; afterwards it holds exactly this sweep's candidate pairs.
        memo_extra: more context of the memo (e.g. the caller's code version).
        min_parallel: fewer pairs to align than this run in this process.

    Returns:
        A :class:`DupeReport`: ``families`` (members with shared spans) and ``pairs``; ``stats`` counts the
        pairs aligned now (``pairs_computed``) and taken from the memo (``pairs_reused``).
    """
    t0 = time.perf_counter()
    thr = eng.config.dup_threshold if threshold is None else threshold
    eng._ensure_boilerplate()
    tb = time.perf_counter()
    content: dict[int, bytes] | None = None
    if memo is not None:
        content = content_keys(eng, eng.ids())
        ctx = memo_context(eng, memo_extra)
        if memo.context != ctx:
            memo.context, memo.results, memo.knn, memo.lex = ctx, {}, None, None
    lex, sem = candidate_pairs(eng, memo, content)
    nstats = neighbours(eng, memo=memo, content=content).stats if len(eng.texts) >= 2 else {}
    t1 = time.perf_counter()
    cands = sorted(lex | sem)
    results: list[tuple | None] = [None] * len(cands)
    keys: dict[int, bytes] = {}
    if memo is not None:
        keys = text_keys(eng, sorted({x for p in cands for x in p}), content)
        for n, (a, b) in enumerate(cands):
            r = memo.results.get((keys[a], keys[b]))
            if r is not None and (r[4] is not None or not (r[0] >= thr or r[1] in LINKING)):
                results[n] = r
    todo = [n for n, r in enumerate(results) if r is None]
    nw = resolve_workers(eng, workers)
    done = align_pairs(eng, [cands[n] for n in todo], thr, workers=nw, min_parallel=min_parallel,
                       progress=progress)  # fmt: skip
    for n, r in zip(todo, done, strict=True):
        results[n] = r
    t2 = time.perf_counter()
    if memo is not None:
        memo.results = {(keys[a], keys[b]): r for (a, b), r in zip(cands, results, strict=True)}
    pairs: list[Pair] = []
    vec_cache: dict[int, np.ndarray] = {}
    assert eng.index is not None
    for (a, b), r in zip(cands, results, strict=True):
        assert r is not None
        sim_excl, level, sim, cov, spans = r
        if not (sim_excl >= thr or level in LINKING):
            continue
        for x in (a, b):
            if x not in vec_cache:
                vec_cache[x] = eng.index.get([x])[0]
        cos = float(vec_cache[a] @ vec_cache[b])
        pairs.append(Pair(a, b, sim_excl, level, [SharedSpan(*s) for s in spans], sim, cos, cov))
    meta = {
        i: {k: eng.meta[i][k] for k in eng.config.meta_keys if k in eng.meta.get(i, {})}
        for p in pairs
        for i in (p.a, p.b)
    }
    eng.cache.flush()
    fams = build_families(pairs, thr, levels=LINKING, meta=meta)
    pairs.sort(key=lambda p: (-p.similarity, p.a, p.b))
    stats = {
        "texts": len(eng.texts),
        "candidates_lexical": len(lex),
        "candidates_semantic": len(sem),
        "candidates": len(cands),
        "pairs_computed": len(todo),
        **{f"neighbour_{k}": v for k, v in nstats.items()},
        **({"lexical_pass": memo.lex["pass"]} if memo is not None and memo.lex else {}),
        "pairs_reused": len(cands) - len(todo),
        "workers": nw if len(todo) >= max(min_parallel, 2) else 1,
        "paraphrase_pairs": sum(p.level == "paraphrase" for p in pairs),
        "paraphrase_encoder": eng.paraphrase.encoder().name,
        "pairs": len(pairs),
        "families": len(fams),
        "threshold": thr,
        "boilerplate_sentences": len(eng.boilerplate) if eng.boilerplate else 0,
        "seconds_boilerplate": round(tb - t0, 3),
        "seconds_candidates": round(t1 - tb, 3),
        "seconds_align": round(t2 - t1, 3),
        "seconds_total": round(time.perf_counter() - t0, 3),
    }
    return DupeReport(fams, pairs, stats)


def dupes_with_memo(eng: SimilarityEngine, threshold: float, path: str | Path, extra: str = "") -> DupeReport:
    """:func:`dupes` with the :class:`PairMemo` stored at ``path``: pairs whose texts, boilerplate sentences,
    settings and code version are unchanged are reused (``stats.pairs_reused`` / ``stats.pairs_computed``), and
    the memo is written back. Ingesting k texts thus aligns about the k texts' candidate pairs only."""
    memo = PairMemo.load(path)
    rep = dupes(eng, threshold, memo=memo, memo_extra=extra)
    try:
        memo.save(path)
    except OSError as exc:  # a read-only index folder still answers, it only forgets the pairs
        log.warning("could not store the sweep's pair results at %s: %s", path, exc)
    return rep
