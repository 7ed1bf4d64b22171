"""Shared bottlenecks: building the server's classifier (seconds) must not hold the knowledge base's lock, which
every session's calls take. Order of events, not time: the build is held at its start until another session's
calls have returned; were the lock held during the build, those calls would wait for it and come second."""

from __future__ import annotations

import sys
import threading
from typing import Any

from kb.service.bounded import build_classifier

GUARD_S = 120.0  # only ends a wait that the code under test would otherwise never end
NORMAL = "一、企业概况\n某公司生产齿轮。\n二、实施内容\n部署制造执行系统。\n三、实施成效\n效率提升30%。\n"


def _hold_at_build(started: threading.Event, release: threading.Event) -> Any:
    """A trace function for the building thread: at the entry of ``build_classifier`` it says so and waits for
    ``release`` (the build itself is the real one; it only starts later)."""

    def tracer(frame, event, arg):
        if event == "call" and frame.f_code is build_classifier.__code__:
            sys.settrace(None)
            started.set()
            release.wait(GUARD_S)
        return None

    return tracer


def test_other_calls_go_on_while_the_classifier_builds(kb):
    started, release = threading.Event(), threading.Event()
    events: list[str] = []
    built: list[Any] = []

    def build() -> None:
        sys.settrace(_hold_at_build(started, release))
        try:
            built.append(kb.analysis.classifier())
        finally:
            sys.settrace(None)
        events.append("built")

    t = threading.Thread(target=build)
    t.start()
    assert started.wait(GUARD_S), "the classifier build never started"
    # another session meanwhile: calls that take the knowledge base's lock
    spec = kb.analysis.classifier_spec()
    terms = kb.reference.dictionary_terms()
    check = kb.analysis.check_text(NORMAL)
    events.append("other")
    release.set()
    t.join(GUARD_S)
    assert events == ["other", "built"]
    assert spec["key"] and terms and check["zishu"] > 0
    # built once: the next caller gets the same classifier
    assert built and kb.analysis.classifier() is built[0]


def test_a_second_caller_waits_for_the_same_build_and_an_invalidated_build_is_not_kept(kb):
    started, release = threading.Event(), threading.Event()
    got: dict[str, Any] = {}

    def first() -> None:
        sys.settrace(_hold_at_build(started, release))
        try:
            got["first"] = kb.analysis.classifier()
        finally:
            sys.settrace(None)

    def second() -> None:
        got["second"] = kb.analysis.classifier()

    t1 = threading.Thread(target=first)
    t1.start()
    assert started.wait(GUARD_S)
    t2 = threading.Thread(target=second)
    t2.start()  # finds the build in progress and waits for it (not for the lock)
    kb.analysis.classifier_spec()  # the lock is free meanwhile
    release.set()
    t1.join(GUARD_S)
    t2.join(GUARD_S)
    assert got["second"] is got["first"]  # one build for both callers

    # an edition change (invalidate) during a build: the caller gets its classifier, the cache does not keep it
    started, release = threading.Event(), threading.Event()
    t3 = threading.Thread(target=first)
    kb.invalidate()
    t3.start()
    assert started.wait(GUARD_S)
    kb.invalidate()
    release.set()
    t3.join(GUARD_S)
    assert got["first"] is not None
    assert kb.analysis.classifier() is not got["first"]
