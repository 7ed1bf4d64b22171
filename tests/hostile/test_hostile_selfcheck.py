"""Hostile class 9: the anonymous self-check. Its whole work (parse, checks, classification) runs in the bounded
worker pool, within the self-check's own time and memory budget (``selfcheck_timeout_s``, ``selfcheck_memory_mb``):
a huge or hostile draft fails only itself, with a Chinese error naming the limit, while another user's self-check
is answered from a warm worker."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.errors import LimitExceededError
from kb.ingest.worker import idle_workers

NORMAL = "一、企业概况\n某公司生产齿轮。\n二、实施内容\n部署制造执行系统。\n三、实施成效\n效率提升30%。\n"
UNIT = "企业概况：某公司实施智能排产，生产效率提升{n}%，不良品率由2.{n}%降至0.8%，交付周期缩短{n}天。\n"


def _open(tmp_path: Path, **overrides):
    from kb.service import open_kb

    k = open_kb(str(tmp_path / "kb.sqlite"), **overrides)
    k.init()
    return k


def _wait_for_idle(memory_mb: int, n: int) -> None:
    """Wait until the pool holds ``n`` warm workers (started in the background after a self-check)."""
    for _ in range(600):
        if idle_workers(memory_mb) >= n:
            return
        time.sleep(0.5)


GUARD_S = 300  # a time budget only there to end a hang: the tests assert outcomes and order, never times


@pytest.fixture(scope="module")
def kbs(tmp_path_factory):
    """A knowledge base with the default size budgets (and a time budget that only guards against a hang), and
    one whose self-check has no size budgets and a one-second time budget."""
    normal = _open(tmp_path_factory.mktemp("normal"), selfcheck_timeout_s=GUARD_S)
    hostile = _open(
        tmp_path_factory.mktemp("hostile"),
        selfcheck_timeout_s=1,
        max_text_chars=0,
        check_max_chars=0,
        check_max_sentences=0,
        check_max_figures=0,
        classify_max_chars=0,
        classify_max_units=0,
    )
    yield normal, hostile
    normal.storage.close()
    hostile.storage.close()


def _draft(reps: int) -> str:
    return "".join(UNIT.format(n=i % 97) for i in range(reps))


@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(reps=st.integers(4_500, 5_500))
def test_a_hostile_self_check_is_bounded_while_another_is_answered(kbs, reps: int):
    """Order of events and the worker's own outcome, not time. A ~250,000-character paste: its work is bounded by
    the size budgets (whatever the machine's speed, it is checked and classified in part, and says so), and it
    is still being worked on when a normal self-check started after it has been answered from a warm worker."""
    normal, _ = kbs
    assert normal.analysis.self_check(NORMAL)["zishu"] > 0
    _wait_for_idle(int(normal.config.selfcheck_memory_mb), 2)
    draft = _draft(reps)
    events: list[str] = []
    results: list[dict] = []
    started = threading.Event()

    def hostile_request() -> None:
        started.set()
        results.append(normal.analysis.self_check(draft))
        events.append("hostile-done")

    t = threading.Thread(target=hostile_request)
    t.start()
    started.wait()
    res = normal.analysis.self_check(NORMAL)
    events.append("normal-done")
    t.join()
    assert res["zishu"] > 0 and res["fit"]
    assert events == ["normal-done", "hostile-done"]
    [big] = results
    lim = {f["detail"]["setting"] for f in big["warnings"] if f["code"] == "LIM001"}
    assert {"check_max_chars", "classify_max_chars"} <= lim  # checked in part: the budget bounds the work
    assert big["zishu"] > int(normal.config.check_max_chars)  # 字数 of the whole draft


@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(reps=st.integers(40_000, 45_000))
def test_a_draft_past_the_time_budget_fails_alone_with_an_error_naming_it(kbs, reps: int):
    """No size budgets and a one-second time budget: a ~2,000,000-character paste (segmenting it alone takes
    longer than that on any machine) is ended by a self-check budget with an error naming its setting: the
    time budget, or the memory budget should the analysis outgrow it first. The pool then serves the next one."""
    normal, hostile = kbs
    with pytest.raises(LimitExceededError) as info:
        hostile.analysis.self_check(_draft(reps))
    exc = info.value
    if "内存" in exc.reason:
        assert "selfcheck_memory_mb" in exc.fix
    else:
        assert "时限" in exc.reason or "CPU" in exc.reason
        assert "selfcheck_timeout_s" in exc.fix
    assert normal.analysis.self_check(NORMAL)["zishu"] > 0  # the pool recovers


def test_an_over_budget_draft_is_checked_in_part_with_findings_naming_the_limits(tmp_path: Path):
    k = _open(tmp_path, check_max_chars=4_000, classify_max_chars=5_000)
    draft = "".join(UNIT.format(n=i % 97) for i in range(300))
    res = k.analysis.self_check(draft)
    lim = {f["detail"]["setting"]: f for f in res["warnings"] if f["code"] == "LIM001"}
    assert {"check_max_chars", "classify_max_chars"} <= set(lim)
    assert "4,000" in lim["check_max_chars"]["message"] and "请" in lim["check_max_chars"]["message"]
    assert res["zishu"] > 4_000  # 字数 of the whole draft
    k.storage.close()


def test_memory_past_the_self_check_budget_is_a_clear_error(tmp_path: Path):
    k = _open(tmp_path, selfcheck_memory_mb=600)
    with pytest.raises(LimitExceededError) as info:
        k.analysis.self_check(NORMAL)
    assert "内存" in info.value.reason and "600 MB" in info.value.reason
    assert "selfcheck_memory_mb" in info.value.fix
    k.storage.close()
