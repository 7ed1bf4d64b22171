"""Hostile class 1: text that makes analysis super-linear (repeated phrases, digit runs, ``# `` lines).

Every pattern of the analysis (the RE2 ones of nlp.rx and the module-level ones) and the full metric, section
and check passes run on generated worst cases in a child process; each must answer within its budget.
"""

from __future__ import annotations

import pytest
from hostile_util import ATOMS, Runner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SIZE = 40_000  # characters per payload: quadratic work on it is ~10^9 steps, far past the budget


@pytest.fixture(scope="module")
def runner():
    r = Runner()
    yield r
    r.close()


def _blow_up(unit: str) -> str:
    return (unit * (SIZE // max(len(unit), 1) + 1))[:SIZE]


repeated = st.lists(st.sampled_from(ATOMS), min_size=1, max_size=5).map("".join).map(_blow_up)
digit_runs = st.tuples(
    st.sampled_from(["", "单价", "由", "提升", "图"]), st.sampled_from(["9", "1.", "1,"])
).map(lambda t: t[0] + _blow_up(t[1]))
heading_lines = st.sampled_from(["# ", "#\t", "## ", "# 一、"]).map(lambda u: _blow_up(u) + "企业概况")
payloads = st.one_of(repeated, digit_runs, heading_lines)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(payload=payloads)
def test_every_pattern_and_pass_finishes_within_budget(runner, payload: str):
    res = runner.run("patterns", payload)
    assert res["ok"] and res["n"]["patterns"] >= 30
    for what in ("metrics", "sections", "checks"):
        assert runner.run(what, payload)["ok"]


def test_the_reported_cases(runner):
    """The adversarial pass's three cases, at sizes that froze the old code (hours, minutes, RecursionError)."""
    assert runner.run("checks", "幅度达" * 40 + "提升")["ok"]  # exponential backtracking in _FILL
    assert runner.run("checks", "单价" + "9" * 200_000)["ok"]  # quadratic CON001 digit run
    assert runner.run("sections", "# " * 5000 + "企业概况")["n"] >= 0  # RecursionError
    assert runner.run("checks", "# " * 5000 + "企业概况")["ok"]


def test_every_rule_pattern_is_linear_time():
    """The rule patterns of rules.toml compile on RE2 (no backtracking engine is used for them)."""
    from nlp import rx
    from nlp.checks import check_text

    check_text("单价100元/吨", kind="scenario")
    import re2

    assert rx.REGISTRY and all(isinstance(p, re2._Regexp) for p in rx.REGISTRY.values())
