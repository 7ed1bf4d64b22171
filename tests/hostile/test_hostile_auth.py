"""Hostile class 6: accounts and sessions. Generated names and passwords: sessions revoked at once on removal,
demotion or password change; throttling with back-off per user and per address; unknown users answered with the
same bcrypt work as wrong passwords; blank or control-character user names refused."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.auth import validate_username
from kb.errors import AuthError, KBError
from kb.throttle import FREE_FAILURES, LoginThrottle, LoginThrottledError, keys_for

names = st.text(alphabet=st.sampled_from("abcxyz评审员张三01_-."), min_size=1, max_size=12).filter(str.strip)
controls = st.sampled_from(["\n", "\r", "\x1b[31m", "\x00", "\u202e", "\t", "\x7f", "\u2028"])


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(name=names, change=st.sampled_from(["remove", "demote", "password"]))
def test_a_session_is_revoked_at_once(kb, name: str, change: str):
    kb.accounts.add_user(name, "pw-1234", "admin")
    token = kb.accounts.issue_token(kb.accounts.login(name, "pw-1234"))
    assert kb.accounts.session_from_token(token) is not None
    if change == "remove":
        kb.accounts.remove_user(name)
    elif change == "demote":
        kb.accounts.add_user(name, "pw-1234", "reviewer")
    else:
        kb.accounts.add_user(name, "new-pw-5678", "admin")
    assert kb.accounts.session_from_token(token) is None  # checked on every page load
    if change != "remove":
        kb.accounts.remove_user(name)


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(name=names, bad=st.text(min_size=1, max_size=10), addr=st.ip_addresses(v=4).map(str))
def test_failed_logins_are_throttled_with_back_off(name: str, bad: str, addr: str):
    now = [1000.0]
    t = LoginThrottle(clock=lambda: now[0])
    keys = keys_for(name, addr)
    waits = []
    for _ in range(FREE_FAILURES + 4):
        waits.append(t.wait_s(keys))
        t.failed(keys)
    assert waits[:FREE_FAILURES] == [0.0] * FREE_FAILURES
    assert t.wait_s(keys) > 0
    # the same address trying another name is slowed too; the back-off doubles
    assert t.wait_s(keys_for(name + "x", addr)) > 0
    w1 = t.wait_s(keys)
    t.failed(keys)
    assert t.wait_s(keys) >= 2 * w1 - 1e-9
    now[0] += 10_000
    assert t.wait_s(keys) == 0.0


def test_the_service_refuses_inside_the_wait_without_checking_the_password(kb):
    kb.accounts.add_user("guard", "right-pw", "reviewer")
    for _ in range(FREE_FAILURES):
        with pytest.raises(AuthError):
            kb.accounts.login("guard", "wrong", "10.0.0.9")
    with pytest.raises(LoginThrottledError):
        kb.accounts.login("guard", "right-pw", "10.0.0.9")  # even the right password waits


def test_unknown_user_costs_a_bcrypt_check(kb, monkeypatch):
    """Counted, not timed: an unknown name runs exactly one bcrypt check, as a wrong password does."""
    import bcrypt

    calls = []
    real = bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda p, h: calls.append(1) or real(p, h))
    kb.accounts.add_user("known", "right-pw", "reviewer")
    for user in ("known", "nobody-here"):
        calls.clear()
        with pytest.raises(AuthError):
            kb.accounts.login(user, "wrong")
        assert len(calls) == 1, user


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(prefix=names, ctl=controls, blank=st.sampled_from(["", " ", "\u3000", "  \t"]))
def test_user_names_are_validated(prefix: str, ctl: str, blank: str):
    with pytest.raises(KBError):
        validate_username(prefix + ctl + "x")
    with pytest.raises(KBError):
        validate_username(blank)
    assert validate_username(f"  {prefix} ") == prefix.strip()


def test_removing_an_unknown_user_is_an_error(kb):
    with pytest.raises(KBError, match="没有用户"):
        kb.accounts.remove_user("never-existed")


def test_pages_render_user_strings_as_text():
    """Markdown/HTML in a title or applicant is escaped by md() before any st.markdown/caption."""
    import re

    from app_pages.resources import md

    for s in ["![x](http://evil/img.png)", "[点我](http://phish)", "<img src=x onerror=alert(1)>", "**粗**"]:
        out = md(s)
        assert re.search(r"(?<!\\)[\[\]()<>*!]", out) is None, out  # every Markdown/HTML character escaped
        assert out.replace("\\", "") == s
