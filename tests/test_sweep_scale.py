"""The sweep's speed-ups change nothing: forked workers give the serial result, and an incremental sweep (pairs
of unchanged texts taken from the stored per-pair results) gives the from-scratch result. Real texts of the
labelled corpus, with copies made from them."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from nlp.similarity.engine import SimilarityConfig, SimilarityEngine
from nlp.similarity.sweep import PairMemo, resolve_workers

CORPUS = Path(__file__).resolve().parent.parent / "data" / "labeled" / "real" / "corpus.jsonl"


def real_texts(n: int) -> list[str]:
    recs = [json.loads(x) for x in CORPUS.read_text(encoding="utf-8").splitlines() if x.strip()]
    return [r["text"] for r in recs if len(r["text"]) >= 300][:n]


def with_copies(texts: list[str], seed: int = 3) -> list[str]:
    """The texts, then copies of some of them: verbatim, one sentence dropped, and half of one + half of another."""
    rng = random.Random(seed)
    out = list(texts)
    for n in range(12):
        src = rng.choice(texts)
        sents = [s + "。" for s in src.split("。") if s]
        if n % 3 == 0:
            out.append(src)
        elif n % 3 == 1:
            del sents[rng.randrange(len(sents))]
            out.append("".join(sents))
        else:
            other = rng.choice(texts)
            out.append("".join(sents[: len(sents) // 2]) + other[len(other) // 2 :])
    return out


def engine(texts: list[str]) -> SimilarityEngine:
    eng = SimilarityEngine("tfidf", config=SimilarityConfig(), encoder_options={"dim": 64})
    for i, t in enumerate(texts, 1):
        eng.add(i, t, {"source": f"t{i}.txt"})
    eng.build()
    return eng


def view(rep) -> tuple:
    d = rep.to_dict()
    return d["families"], d["pairs"]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return with_copies(real_texts(90))


def test_parallel_workers_give_the_serial_result(texts):
    eng = engine(texts)
    serial = eng.dupes(0.3, workers=1)
    parallel = eng.dupes(0.3, workers=2, min_parallel=1)
    assert serial.stats["workers"] == 1 and parallel.stats["workers"] == 2
    assert serial.stats["candidates"] >= 12 and serial.stats["pairs"] >= 8  # the copies are found
    assert view(parallel) == view(serial)


def test_workers_are_bounded_by_the_cpus_and_the_setting(texts):
    eng = engine(texts[:5])
    import os

    cpus = os.cpu_count() or 1
    assert resolve_workers(eng, 1) == 1
    assert resolve_workers(eng, 10_000) == cpus
    eng.config.sweep_workers = 1
    assert resolve_workers(eng) == 1
    eng.config.sweep_workers = 0
    assert 1 <= resolve_workers(eng) <= min(cpus, 8)


def test_incremental_sweep_reuses_old_pairs_and_equals_a_fresh_sweep(texts):
    old, new = texts[:70] + texts[90:96], texts[70:90] + texts[96:]
    eng = engine(old)
    memo = PairMemo()
    first = eng.dupes(0.3, memo=memo)
    assert first.stats["pairs_reused"] == 0 and first.stats["pairs_computed"] == first.stats["candidates"]
    assert len(memo.results) == first.stats["candidates"]
    again = eng.dupes(0.3, memo=memo)  # nothing changed: every pair is reused
    assert again.stats["pairs_computed"] == 0 and view(again) == view(first)

    for i, t in enumerate(new, len(old) + 1):
        eng.add(i, t, {"source": f"t{i}.txt"})
    eng.build()
    inc = eng.dupes(0.3, memo=memo)
    eng._neighbours = None  # from scratch: the neighbour lists searched again too
    fresh = eng.dupes(0.3)
    assert inc.stats["pairs_reused"] > 0 and inc.stats["pairs_computed"] > 0
    assert inc.stats["pairs_reused"] + inc.stats["pairs_computed"] == inc.stats["candidates"]
    # the old texts' neighbour lists are kept and merged with the new texts, not searched again
    assert inc.stats["neighbour_rows_reused"] > 0 and inc.stats["neighbour_fresh"] == len(new)
    # only the LSH buckets the new texts entered were read; the lexical candidates are those of a full pass
    assert first.stats["lexical_pass"] == "all buckets"
    assert inc.stats["lexical_pass"] == f"buckets of {len(new)} new texts"
    assert memo.lex is not None and np.array_equal(
        memo.lex["pairs"], eng.neardup.candidate_pairs(eng.config.min_jaccard)
    )
    assert view(inc) == view(fresh)

    # a lower threshold needs the spans of pairs that did not link before: they are aligned again, same result
    low = eng.dupes(0.1, memo=memo)
    assert view(low) == view(eng.dupes(0.1))

    # a changed setting voids every stored pair
    eng.config.minor_edits = 0.55
    changed = eng.dupes(0.3, memo=memo)
    assert changed.stats["pairs_reused"] == 0
    assert view(changed) == view(eng.dupes(0.3))


def test_the_memo_survives_a_save_and_load(texts, tmp_path):
    eng = engine(texts[:40])
    memo = PairMemo()
    first = eng.dupes(0.3, memo=memo)
    memo.save(tmp_path / "pairs.pkl")
    back = PairMemo.load(tmp_path / "pairs.pkl")
    assert back.context == memo.context and back.results == memo.results
    rep = eng.dupes(0.3, memo=back)
    assert rep.stats["pairs_reused"] == first.stats["candidates"] and view(rep) == view(first)
    (tmp_path / "bad.pkl").write_bytes(b"not a pickle")
    assert PairMemo.load(tmp_path / "bad.pkl").results == {}
    assert PairMemo.load(tmp_path / "missing.pkl").results == {}


def test_kb_resweep_after_ingest_reuses_pairs_and_equals_a_fresh_sweep(kb, tmp_path):
    texts = with_copies(real_texts(30), seed=5)
    first_dir, more_dir = tmp_path / "first", tmp_path / "more"
    first_part = [*range(0, 20), *range(30, 36)]  # originals and copies in both batches
    more_part = [*range(20, 30), *range(36, len(texts))]
    for d, part in ((first_dir, first_part), (more_dir, more_part)):
        d.mkdir()
        for n in part:
            (d / f"t{n:03d}.txt").write_text(texts[n], encoding="utf-8")
    kb.store.ingest([first_dir])
    first = kb.similarity.dupes()
    assert first["stats"]["pairs_reused"] == 0 and first["stats"]["candidates"] > 0

    stored = len(kb.store.list_submissions())
    kb.store.ingest([more_dir])
    added = (
        len(kb.store.list_submissions()) - stored
    )  # verbatim copies of stored texts are not ingested again
    inc = kb.similarity.dupes()
    assert inc["stats"]["cached"] is False
    assert inc["stats"]["pairs_reused"] > 0 and inc["stats"]["pairs_computed"] > 0
    # the stored memo kept the lexical candidates: only the new texts' LSH buckets were read
    assert added > 0 and inc["stats"]["lexical_pass"] == f"buckets of {added} new texts"

    # from scratch: no stored sweep, no stored pairs
    sweeps = kb.similarity._sweeps_dir()
    for f in sweeps.iterdir():
        f.unlink()
    fresh = kb.similarity.dupes()
    assert fresh["stats"]["pairs_reused"] == 0
    assert fresh["stats"]["candidates"] == inc["stats"]["candidates"]
    assert fresh["families"] == inc["families"] and fresh["pairs"] == inc["pairs"]


def test_approximate_neighbours_give_the_exact_families():
    """From ``sweep_ann_min`` rows the sweep's neighbours come from an IVF index whose recall was measured against
    exact search first; on real texts its families and pairs are the exact sweep's."""
    eng = engine(with_copies(real_texts(1000)))  # every real text of 300 characters or more, and copies
    assert len(eng) >= 320  # the IVF index needs 8 lists of 40 training texts
    exact = eng.dupes(0.3)
    assert exact.stats["neighbour_search"] == "exact"
    nb_exact = eng.neighbours()

    eng.config.sweep_ann_min = 1
    eng._neighbours = None
    # at the default scan limit the IVF index is refused: reaching the recall compares each text with most texts
    refused = eng.dupes(0.3)
    assert refused.stats["neighbour_search"] == "exact" and refused.stats["neighbour_search_scan"] > 0.1
    assert view(refused) == view(exact)

    eng.config.sweep_ann_max_scan = 1.0
    eng._neighbours = None
    approx = eng.dupes(0.3)
    assert approx.stats["neighbour_search"] == "ivf"
    assert approx.stats["neighbour_search_recall"] >= 0.99
    assert approx.stats["neighbour_search_nprobe"] <= approx.stats["neighbour_search_nlist"]
    assert view(approx) == view(exact)
    from nlp.similarity.knn import neighbour_recall

    assert neighbour_recall(nb_exact.nb, eng.neighbours().nb) >= 0.99

    # a recall no nprobe can reach: exact search
    eng.config.sweep_ann_recall = 1.01
    eng._neighbours = None
    assert eng.dupes(0.3).stats["neighbour_search"] == "exact"


def test_a_new_text_updates_only_the_neighbour_lists_it_enters(texts):
    eng = engine(texts[:80])
    memo = PairMemo()
    eng.dupes(0.3, memo=memo)
    eng.add(81, texts[0], {"source": "copy.txt"})  # a verbatim copy enters its source's list and few others
    eng.build()
    inc = eng.dupes(0.3, memo=memo)
    assert inc.stats["neighbour_rows_searched"] == 1 and inc.stats["neighbour_fresh"] == 1
    assert 1 <= inc.stats["neighbour_rows_updated"] < 40
    kept = eng.neighbours()  # the incremental lists
    eng._neighbours = None  # from scratch: every list searched again
    fresh = eng.dupes(0.3)
    again = eng.neighbours()  # same lists (a verbatim copy ties with its source: either may come first)
    assert (np.sort(again.nb, axis=1) == np.sort(kept.nb, axis=1)).all() and (
        abs(again.sc - kept.sc) < 1e-5
    ).all()
    assert view(inc) == view(fresh)


def test_lexical_candidates_after_additions_equal_a_full_pass(texts):
    from nlp.similarity.neardup import NearDupIndex

    nd = NearDupIndex()
    for i, t in enumerate(texts[:60] + texts[90:94], 1):
        nd.add(i, t)
    before = nd.candidate_pairs(0.3)
    later = list(enumerate(texts[60:90] + texts[94:], 65))  # ids after the first 64
    for i, t in later:
        nd.add(i, t)
    after = nd.candidate_pairs_after(before, [i for i, _ in later], 0.3)
    full = nd.candidate_pairs(0.3)
    assert len(full) > len(before) > 0  # the later copies brought pairs of their own
    assert after is not None and np.array_equal(after, full)
    assert np.array_equal(nd.candidate_pairs_after(full, [], 0.3), full)  # nothing new: nothing read


def test_buckets_pushed_past_their_limit_lose_their_pairs_as_in_a_full_pass(texts):
    """A full pass skips buckets over ``max_bucket``: the incremental pass drops the old pairs of a bucket that a new
    text pushed over, except pairs that still share a bucket within the limit in another band."""
    from nlp.similarity.neardup import NearDupIndex

    src, other = texts[0], texts[1]
    sents = [x + "。" for x in src.split("。") if x]
    edited = "".join(sents[:-2]) + "".join(sents[-1:])  # shares some bands with src, not all
    nd = NearDupIndex(max_bucket=3)
    for i, t in {1: src, 3: edited, 9: edited, 4: other, 5: other}.items():
        nd.add(i, t)
    before = {tuple(p) for p in nd.candidate_pairs(0.3).tolist()}
    assert {(1, 3), (1, 9), (3, 9), (4, 5)} <= before  # buckets of src and its edits hold 3
    for i, t in {6: src, 8: other}.items():  # now 4: over the limit; other's buckets hold 3
        nd.add(i, t)
    after = nd.candidate_pairs_after(np.array(sorted(before)), [6, 8], 0.3)
    full = nd.candidate_pairs(0.3)
    assert after is not None and np.array_equal(after, full)
    now = {tuple(p) for p in full.tolist()}
    assert (1, 3) not in now and (1, 9) not in now  # they shared only the buckets now over the limit
    # the two edited copies also share buckets of their own (bands where they differ from src), as do src's copies
    assert {(3, 9), (1, 6), (4, 5), (4, 8)} <= now


def test_a_removed_text_makes_the_sweep_read_every_bucket(texts):
    eng = engine(texts[:50] + texts[90:96])
    memo = PairMemo()
    eng.dupes(0.3, memo=memo)
    eng.remove(3)
    eng.build()
    rep = eng.dupes(0.3, memo=memo)
    eng._neighbours = None
    assert rep.stats["lexical_pass"] == "all buckets" and view(rep) == view(eng.dupes(0.3))
