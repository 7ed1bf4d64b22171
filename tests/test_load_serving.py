"""What keeps a server's requests quick while it stores a stream of texts (issue 18): the stored analysis of a
submitted text runs in a worker process and stores what this process would compute; dossier renders and
self-checks keep their warm workers apart; the API server warms its workers and indexes before answering."""

from __future__ import annotations

import json
import time

from sample_texts import BASE, FACTORY

from kb.ingest import worker
from kb.service.same_project import FACTS_KIND, facts_for_analysis, facts_version


def _wait(pred, seconds: float = 300.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.2)
    return False


def test_a_text_analysed_in_a_worker_stores_what_this_process_computes(kb):
    cases = [
        (BASE.format(co="甲公司"), {"title": "甲", "year": 2022, "applicant": "甲公司"}),
        (FACTORY.format(co="乙公司"), {"title": "乙", "kind": "factory", "claimed": "智能仓储"}),
        (BASE.format(co="丙公司"), {"title": "丙", "year": 2019}),
    ]
    for text, meta in cases:
        sid, created = kb.store.add_text_created(text, meta, index_now=False, analysis_in_worker=True)
        assert created
        stored = {k: kb.storage.get_analysis(sid, k) for k in ("check", "classify")}
        here = kb.analysis.analyze(sid, force=True)  # computed again, in this process
        for k in ("check", "classify"):
            assert stored[k][0] == kb.analysis.versions()[k]
            assert json.dumps(stored[k][1], sort_keys=True) == json.dumps(
                here[k], sort_keys=True, default=str
            )
        # the same-project facts (LAC: most of an ingest's CPU) come from the worker too, equal to this process's
        facts = kb.storage.get_analysis(sid, FACTS_KIND)
        assert facts is not None and facts[0] == facts_version(meta.get("applicant", ""))
        assert facts[1] == facts_for_analysis(text, meta.get("applicant", ""))
    assert worker.idle_workers(int(kb.config.selfcheck_memory_mb), 0, "analysis") >= 1  # kept for the next
    kb.similarity.flush()


def test_dossier_renders_never_take_or_leave_the_warm_self_check_workers(kb):
    mem = int(kb.config.selfcheck_memory_mb)
    assert kb.analysis.self_check(BASE.format(co="甲公司"))["zishu"] > 0
    assert _wait(lambda: worker.idle_workers(mem) >= int(kb.config.selfcheck_workers))
    warm = {w.proc.pid for w in worker._idle[(mem, 0, "")]}
    sid = kb.store.add_text(BASE.format(co="乙公司"), {"title": "乙"})
    assert kb.reports.dossier_pdf(sid).startswith(b"%PDF")
    from kb.service.reports import RENDER_NICE

    assert (
        worker.idle_workers(2048, RENDER_NICE, "render") == 1
    )  # the render worker waits in a pool of its own
    assert {w.proc.pid for w in worker._idle[(mem, 0, "")]} == warm
    key = kb.analysis._selfcheck_preparation()[1]["key"]
    assert all(key in w.prepared for w in worker._idle[(mem, 0, "")])
    assert kb.analysis.self_check(BASE.format(co="丙公司"))["zishu"] > 0
    assert not any(worker._busy.values())  # every request's worker was given back or ended


def test_the_api_server_warms_its_workers_and_indexes_before_answering(kb):
    from fastapi.testclient import TestClient

    from kb.api import create_app

    kb.store.add_text(BASE.format(co="甲公司"), {"title": "甲"})
    key = kb.apikeys.add("r", "reviewer")
    mem = int(kb.config.selfcheck_memory_mb)
    with TestClient(create_app(kb, rate_per_min=0, warm=True)) as client:
        assert kb.similarity._engine is not None and kb.similarity._ref_engine is not None
        assert _wait(lambda: worker.idle_workers(mem) >= int(kb.config.selfcheck_workers))
        assert _wait(lambda: worker.idle_workers(mem, 0, "analysis") >= 1)
        r = client.get("/api/v1/search", params={"q": "追溯码"}, headers={"X-API-Key": key})
        assert r.status_code == 200 and r.json()["results"]


def test_the_api_batches_are_indexed_and_published_by_a_worker_and_loaded_here(db_target):
    from kb.service import open_kb
    from kb.service.sweeps import PUBLISH_NICE

    k = open_kb(db_target, index_publish_s=3600.0, index_publish_texts=2)
    k.init()
    idle_before = worker.idle_workers(0, PUBLISH_NICE, "publish")  # kept by an earlier test of this process
    first = k.store.add_text(BASE.format(co="甲公司"), {"title": "甲"})  # published here, at once
    snaps = k.similarity._snapshots()
    before = int(snaps.current_name()[1:])
    ids = [
        k.store.add_text_created(FACTORY.format(co=co), {"title": co}, index_now=False)[0]
        for co in ("乙公司", "丙公司")
    ]
    assert k.similarity.flush(timeout=300)
    assert int(snaps.current_name()[1:]) == before + 1
    # it published, and waits for the next batch: a worker taken from the idle ones is given back, or one started
    assert worker.idle_workers(0, PUBLISH_NICE, "publish") == max(idle_before, 1)
    eng = k.similarity._engine  # the new version, already loaded by the publishing thread
    assert k.similarity._engine_version == snaps.current_name() and {first, *ids} <= set(eng.ids())
    assert ids[1] in [m["id"] for m in k.similarity.similar(ids[0], k=5)["matches"]]
    k.storage.close()
