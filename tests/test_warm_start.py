"""The app warms the shared knowledge base once per server: the first self-check finds the models loaded."""

from __future__ import annotations


def test_warm_up_loads_the_models_the_first_self_check_needs(kb):
    from app_pages.resources import warm_up
    from kb.ingest.worker import idle_workers

    assert "active" not in kb.analysis._classifiers
    warm_up(kb)
    assert "active" in kb.analysis._classifiers  # the classifier of the active editions, built once
    assert kb.similarity._engine is not None  # the similarity index
    # the self-check runs in worker processes; one that already ran a self-check waits in the pool
    assert idle_workers(int(kb.config.selfcheck_memory_mb)) >= 1
    clf = kb.analysis._classifiers["active"]
    res = kb.analysis.self_check("一、企业概况\n某公司生产齿轮。\n二、实施内容\n部署制造执行系统。\n")
    assert res["zishu"] > 0 and kb.analysis._classifiers["active"] is clf  # reused, not rebuilt
