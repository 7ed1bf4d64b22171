"""Shared resources (cached once per process, safe across sessions), access control and the navigation."""

from __future__ import annotations

import html
import logging
import re
import threading
from typing import Any

import streamlit as st

from kb.auth import ROLE_LABELS, Session
from kb.errors import KBError
from kb.service import KB, open_kb

SESSION_KEY = "kb_session"
PAGES_DIR = "app_pages"
STATUS_ICONS = {"待审": "⏳", "通过": "✅", "存疑": "❓", "退回": "↩️"}


log = logging.getLogger(__name__)


@st.cache_resource(show_spinner="正在加载知识库…")
def get_kb() -> KB:
    """The knowledge base of this server process (DB from SCENARIO_KB_DB / config), shared by all sessions."""
    kb = open_kb()
    kb.storage.ensure_ready()
    kb.reference.active_edition("guide")  # loads the bundled editions on a fresh database
    # Fill the inbox summary cache in the background so the first sort by a derived column is fast.
    threading.Thread(target=_warm_summaries, args=(kb,), daemon=True, name="kb-warm").start()
    return kb


def _warm_summaries(kb: KB) -> None:
    try:
        kb.analysis.row_summaries(kb.storage.submission_ids())
    except Exception:  # warming is an optimisation only
        logging.getLogger(__name__).exception("warming the inbox summaries failed")


def esc(text: object) -> str:
    """Escape user text for st.markdown/unsafe HTML."""
    return html.escape(str(text), quote=True)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: object) -> str:
    """Escape user text for st.markdown / st.caption (no links, images, emphasis or HTML from user input)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def edition_banner() -> None:
    """Show which reference editions are in use, warning when they are not the official text."""
    kb = get_kb()
    for list_kind in ("guide", "tasks"):
        ed = kb.reference.active_edition(list_kind)
        if ed.variant == "official":
            st.success("参考版本：" + md(ed.banner), icon=":material/verified:")
        else:
            st.warning("参考版本：" + md(ed.banner), icon=":material/warning:")


# ---------------------------------------------------------------------- access
def oidc_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section (Streamlit's OIDC login)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _oidc_session() -> Session | None:
    """A session for a user logged in through OIDC, with the role mapped in ``[scenario_kb.oidc_roles]``."""
    import time

    try:
        if not st.user.is_logged_in:
            return None
        email = str(st.user.get("email") or st.user.get("sub") or "")
        roles = dict(st.secrets.get("scenario_kb", {}).get("oidc_roles", {}))
    except Exception:
        return None
    role = roles.get(email)
    if role not in ROLE_LABELS:
        return None
    ttl = int(get_kb().config.session_ttl_min)
    return Session(email, role, time.time() + ttl * 60)


def current_session() -> Session | None:
    """The logged-in user of this browser session, or ``None`` (expired sessions are dropped)."""
    sess = st.session_state.get(SESSION_KEY)
    if sess is not None and not sess.valid:
        del st.session_state[SESSION_KEY]
        st.session_state["kb_expired"] = True
        sess = None
    if sess is not None and not get_kb().accounts.session_current(sess):
        # the user was removed, deactivated, demoted or changed password: revoked at once
        del st.session_state[SESSION_KEY]
        st.session_state["kb_expired"] = True
        sess = None
    if sess is None and oidc_configured():
        sess = _oidc_session()
        if sess is not None:
            st.session_state[SESSION_KEY] = sess
    return sess


def require(area: str) -> Session:
    """Stop the page unless the current user may open ``area`` (see ``kb.auth.AREA_ROLES``)."""
    sess = current_session()
    if sess is None or not sess.can(area):
        st.error("无权访问此页面：请先在“登录”页以有权限的账户登录。", icon="🔒")
        st.stop()
    return sess


def show_error(exc: Exception) -> None:
    """Show a domain error (its message says what to do next) or an unexpected one."""
    if isinstance(exc, KBError):
        st.error(md(exc), icon=":material/warning:")
    else:
        st.error(f"出现意外错误：{type(exc).__name__}: {md(exc)}", icon=":material/warning:")


def page_path(name: str) -> str:
    """Path of a page script, as ``st.switch_page`` wants it."""
    return f"{PAGES_DIR}/{name}.py"


def open_detail(sid: int) -> None:
    """Go to the detail page of submission ``sid``."""
    st.session_state["detail_sid"] = int(sid)
    st.switch_page(page_path("detail"))


def build_navigation() -> Any:
    """The pages this user may open, grouped by section; the self-check is always there."""
    sess = current_session()
    can = sess.can if sess is not None else (lambda _area: False)
    if can("review"):
        default = "inbox"
    elif can("analytics"):
        default = "coverage"
    else:
        default = "selfcheck"

    def page(name: str, title: str, icon: str) -> Any:
        return st.Page(page_path(name), title=title, icon=icon, url_path=name, default=name == default)

    sections: dict[str, list[Any]] = {}
    if can("review"):
        sections["评审"] = [
            page("inbox", "评审工作台", ":material/inbox:"),
            page("detail", "申报详情", ":material/description:"),
            page("dupes", "查重", ":material/difference:"),
        ]
    analysis = []
    if can("analytics"):
        analysis.append(page("coverage", "覆盖分析", ":material/grid_on:"))
    if can("reference"):
        analysis.append(page("reference", "参考库", ":material/menu_book:"))
    if analysis:
        sections["分析"] = analysis
    if can("admin"):
        sections["系统"] = [page("admin", "管理", ":material/settings:")]
    sections["申报企业"] = [page("selfcheck", "申报自检", ":material/fact_check:")]
    sections["账户"] = [
        page("login", "退出登录" if sess else "登录", ":material/logout:" if sess else ":material/login:")
    ]
    nav = st.navigation(sections)
    if sess is not None:
        st.sidebar.caption(f"当前用户：{md(sess.username)}（{ROLE_LABELS.get(sess.role, sess.role)}）")
    try:
        guide = get_kb().reference.active_edition("guide")
        label = "官方正式文本" if guide.variant == "official" else "重构版，非官方原文"
        st.sidebar.caption(f"参考指引：{guide.edition} 年版（{label}）")
    except Exception as exc:  # a missing DB must not hide the navigation
        log.warning("edition unavailable: %s", exc)
    return nav
