"""Hostile class 2: one slow or memory-hungry input must fail only itself. Parsing and the self-check's checks
run in worker processes of their own with CPU-time, wall-time and memory limits; no shared lock."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hostile_util import pdf_with_content
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.errors import LimitExceededError
from kb.ingest.worker import run_bounded
from kb.service.bounded import run_checks


def _slow_pdf(path: Path, chars: int) -> Path:
    return pdf_with_content(path, b"BT /F1 1 Tf 10 10 Td (" + b"a" * chars + b") Tj ET")


def test_a_slow_parse_does_not_hold_up_another_request(tmp_path: Path):
    """While one worker grinds on a slow PDF, a small file parses in another; order of events, not time. The
    slow one's own outcome is whatever its budget makes it (the time or the memory limit; parsed, on a machine
    fast enough): what is asserted is that the small file did not wait for it."""
    slow = _slow_pdf(tmp_path / "slow.pdf", 400_000)
    fast = pdf_with_content(tmp_path / "fast.pdf", b"BT /F1 12 Tf 72 700 Td (quick text) Tj ET")
    run_bounded("pdf", fast, 120)  # a warm worker for the fast request
    events: list[str] = []
    started = threading.Event()

    def slow_request() -> None:
        started.set()
        try:
            run_bounded("pdf", slow, 8)
            events.append("slow-done")
        except LimitExceededError:
            events.append("slow-limit")

    t = threading.Thread(target=slow_request)
    t.start()
    started.wait()
    text, _ = run_bounded("pdf", fast, 120)
    events.append("fast-done")
    t.join()
    assert "quick text" in text
    assert events[0] == "fast-done" and events[1:] in (["slow-limit"], ["slow-done"])


@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(reps=st.integers(60_000, 120_000))
def test_memory_past_the_worker_limit_is_a_clear_error(reps: int):
    """Analysis that allocates past the worker's address-space limit fails with a memory error; the calling
    process is untouched and the next request is served."""
    with pytest.raises(LimitExceededError, match="内存超过上限"):
        run_bounded(  # no size budget: the whole text is analysed
            run_checks,
            "企业概况。效率提升30%，成本降低5%。" * reps,
            120,
            memory_mb=450,
            kind="scenario",
            check_max_chars=0,
            check_max_sentences=0,
            check_max_figures=0,
        )
    assert (
        run_bounded(run_checks, "企业概况。效率提升30%。", 120, memory_mb=450, kind="scenario")["zishu"] > 0
    )


def test_cpu_time_limit_ends_the_worker_with_a_clear_error(tmp_path: Path):
    slow = _slow_pdf(tmp_path / "slow.pdf", 400_000)
    with pytest.raises(LimitExceededError, match="超过"):
        run_bounded("pdf", slow, 2)


def test_a_worker_crash_in_native_code_names_the_memory_setting():
    """Native code that runs out of room under the worker's memory cap can crash (SIGSEGV, seen in CI on the slow
    PDF of test_hostile_ui_selfcheck.py) instead of raising MemoryError: the error still names the setting to
    raise, and the next request gets a fresh worker."""
    import ctypes

    from kb.errors import IngestError

    with pytest.raises(IngestError) as err:
        run_bounded(ctypes.string_at, 0, 30, label="crash.pdf", memory_setting="selfcheck_memory_mb")
    msg = str(err.value)
    assert "crash.pdf" in msg and "意外退出" in msg and "selfcheck_memory_mb" in msg
    assert run_bounded(run_checks, "一、企业概况\n测试。", 60)["findings"] is not None
