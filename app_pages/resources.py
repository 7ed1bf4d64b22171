"""Shared resources (cached once per process, safe across sessions), access control and the navigation."""

from __future__ import annotations

import html
import json
import logging
import re
import threading
import time
import weakref
from typing import Any

import streamlit as st

from app_pages import streamlit_zh
from kb.auth import ROLE_LABELS, Session
from kb.errors import KBError
from kb.service import KB, open_kb

SESSION_KEY = "kb_session"
PAGES_DIR = "app_pages"
STATUS_ICONS = {"待审": "⏳", "通过": "✅", "存疑": "❓", "退回": "↩️"}


log = logging.getLogger(__name__)


WARM_TEXT = (
    "一、企业概况\n某公司主要生产汽车零部件。\n二、实施内容\n部署制造执行系统和机器视觉检测设备，为每个批次生成追溯码。\n"
    "三、实施成效\n不良品率由2.1%降至0.8%，追溯时间由48小时缩短到10分钟。\n"
)


class WarmUp:
    """What the background warm-up of one server's knowledge base has loaded so far (one thread writes, every
    page may read). A step that failed counts as finished: the request that needs it loads it itself."""

    STEPS = (
        ("self-check", "自检模型"),
        ("classifier", "归类模型"),
        ("similarity index", "相似度索引"),
        ("inbox summaries", "工作台摘要"),
    )

    def __init__(self) -> None:
        self._done = {name: threading.Event() for name, _label in self.STEPS}
        self.labels = dict(self.STEPS)
        self.started = time.monotonic()

    def finish(self, step: str) -> None:
        self._done[step].set()

    def left(self, steps: tuple[str, ...] | None = None) -> list[str]:
        """The Chinese names of ``steps`` (all by default) not loaded yet, in loading order."""
        want = steps or tuple(self._done)
        return [self.labels[s] for s, _label in self.STEPS if s in want and not self._done[s].is_set()]

    def wait(self, steps: tuple[str, ...], timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for ``steps``; True when all are loaded."""
        deadline = time.monotonic() + timeout
        for s in steps:
            if not self._done[s].wait(max(0.0, deadline - time.monotonic())):
                return False
        return True


# What a self-check needs loaded: the self-check worker processes and the similarity index (reference look-up).
SELFCHECK_NEEDS = ("self-check", "similarity index")


@st.cache_resource(show_spinner="正在加载知识库…")
def get_kb() -> KB:
    """The knowledge base of this server process (DB from SCENARIO_KB_DB / config), shared by all sessions."""
    kb = open_kb()
    kb.storage.ensure_ready()
    kb.reference.active_edition("guide")  # loads the bundled editions on a fresh database
    # Load the models and indexes and fill the inbox summary cache in the background, once per server, so that
    # the first self-check and the first sort by a derived column answer at once.
    threading.Thread(target=warm_up, args=(kb, warm_state(kb)), daemon=True, name="kb-warm").start()
    return kb


_WARM: weakref.WeakKeyDictionary[KB, WarmUp] = weakref.WeakKeyDictionary()
_WARM_LOCK = threading.Lock()


def warm_state(kb: KB) -> WarmUp:
    """The warm-up progress of ``kb`` (one per knowledge base object of this process)."""
    with _WARM_LOCK:
        return _WARM.setdefault(kb, WarmUp())


def warm_up(kb: KB, state: WarmUp | None = None) -> None:
    """Load once per server what the first requests need: the self-check workers, the classifier, the reference
    index, the similarity index, and the inbox summaries (an optimisation only: failures are logged)."""
    state = state or WarmUp()
    steps = {
        "self-check": lambda: kb.analysis.self_check(WARM_TEXT),  # warms the self-check worker processes
        "classifier": kb.analysis.classifier,  # this process's own, for the stored analyses
        "similarity index": kb.similarity.engine,
        "inbox summaries": lambda: kb.analysis.row_summaries(kb.storage.submission_ids()),
    }
    start = time.perf_counter()
    for name, _label in WarmUp.STEPS:
        try:
            steps[name]()
        except Exception:
            log.exception("warming %s failed", name)
        finally:
            state.finish(name)
    log.info("warm-up finished in %.1f s", time.perf_counter() - start)


def esc(text: object) -> str:
    """Escape user text for st.markdown/unsafe HTML."""
    return html.escape(str(text), quote=True)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: object) -> str:
    """Escape user text for st.markdown / st.caption (no links, images, emphasis or HTML from user input)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


# Terms of the bundled editions' status notes, in the words the pages use.
STATUS_TERMS = {"（reconstruction）": "", "reconstruction": "重构", "reconstructed": "重构内容",
                "attested": "有公开出处", "recalled": "据记忆整理", "unverified": "未核实", "official": "官方"}  # fmt: skip


def edition_text(text: str) -> str:
    for en, zh in STATUS_TERMS.items():
        text = text.replace(en, zh)
    return text


def edition_banner() -> None:
    """Show which reference editions are in use, warning when they are not the official text."""
    kb = get_kb()
    for list_kind in ("guide", "tasks"):
        ed = kb.reference.active_edition(list_kind)
        if ed.variant == "official":
            st.success("参考版本：" + edition_text(ed.banner), icon=":material/verified:")
        else:
            st.warning("参考版本：" + edition_text(ed.banner), icon=":material/warning:")


# ---------------------------------------------------------------------- access
TOKEN_COOKIE = "kb_token"
TOKEN_KEY = "kb_token"
# Every page: (name, title, icon, area needed or None, section). The order is the sidebar's.
PAGES = [
    ("inbox", "评审工作台", ":material/inbox:", "review", "评审"),
    ("detail", "申报详情", ":material/description:", "review", "评审"),
    ("dupes", "查重", ":material/difference:", "review", "评审"),
    ("coverage", "覆盖分析", ":material/grid_on:", "analytics", "分析"),
    ("reference", "参考库", ":material/menu_book:", "reference", "分析"),
    ("admin", "管理", ":material/settings:", "admin", "系统"),
    ("selfcheck", "申报自检", ":material/fact_check:", None, "申报企业"),
]
PAGE_AREAS = {name: area for name, _t, _i, area, _s in PAGES}


def oidc_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section (Streamlit's OIDC login)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _oidc_session() -> Session | None:
    """A session for a user logged in through OIDC, with the role mapped in ``[scenario_kb.oidc_roles]``."""
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


def _cookie_token() -> str:
    """The login token the browser sent with this connection (a cookie set after an earlier login)."""
    try:
        return str(st.context.cookies.get(TOKEN_COOKIE) or "")
    except Exception:  # no browser (bare mode)
        return ""


def start_session(sess: Session) -> None:
    """Log this browser in: keep the session and issue the signed token the browser keeps as a cookie."""
    st.session_state[SESSION_KEY] = sess
    st.session_state[TOKEN_KEY] = get_kb().accounts.issue_token(sess)
    st.session_state.pop("kb_cookie_clear", None)


def end_session() -> None:
    """Log out: revoke the token on the server (it is refused even if a copy survives) and drop the cookie."""
    kb = get_kb()
    for token in {st.session_state.get(TOKEN_KEY), _cookie_token()} - {None, ""}:
        kb.accounts.revoke_token(str(token))
    st.session_state.pop(SESSION_KEY, None)
    st.session_state.pop(TOKEN_KEY, None)
    st.session_state["kb_cookie_clear"] = True


def _sync_cookie() -> None:
    """Set (or clear after logout) the token cookie in the browser; the script carries no user text."""
    token = st.session_state.get(TOKEN_KEY)
    if token:
        sess = st.session_state.get(SESSION_KEY)
        max_age = max(0, int(sess.expires - time.time())) if sess is not None else 0
        value = json.dumps(f"{TOKEN_COOKIE}={token}; path=/; max-age={max_age}; SameSite=Strict")
    elif st.session_state.get("kb_cookie_clear"):
        value = json.dumps(f"{TOKEN_COOKIE}=; path=/; max-age=0; SameSite=Strict")
    else:
        return
    st.sidebar.html(f"<script>document.cookie = {value};</script>", unsafe_allow_javascript=True)


def current_session() -> Session | None:
    """The logged-in user of this browser session, or ``None`` (expired or revoked sessions are dropped).

    After a reload the browser session is new: the user comes back from the signed token cookie, if it is still
    valid (not expired, not revoked by a logout, the user unchanged).
    """
    sess = st.session_state.get(SESSION_KEY)
    token = st.session_state.get(TOKEN_KEY)
    if sess is not None and token and get_kb().accounts.session_from_token(token) is None:
        sess = None  # revoked elsewhere (logout in another tab, user changed by the admin)
        st.session_state.pop(SESSION_KEY, None)
        st.session_state.pop(TOKEN_KEY, None)
    if sess is not None and not sess.valid:
        del st.session_state[SESSION_KEY]
        st.session_state.pop(TOKEN_KEY, None)
        st.session_state["kb_expired"] = True
        sess = None
    if sess is None and not st.session_state.get("kb_cookie_clear"):
        cookie = _cookie_token()
        if cookie:
            sess = get_kb().accounts.session_from_token(cookie)
            if sess is not None:
                st.session_state[SESSION_KEY] = sess
                st.session_state[TOKEN_KEY] = cookie
    if sess is None and oidc_configured():
        sess = _oidc_session()
        if sess is not None:
            st.session_state[SESSION_KEY] = sess
    return sess


def require(area: str, page: str = "") -> Session:
    """Stop the page unless the current user may open ``area`` (see ``kb.auth.AREA_ROLES``).

    A visitor who is not logged in goes to the login page, which brings them back to this page with the same
    query parameters (``page`` names it) once logged in.
    """
    sess = current_session()
    if sess is None and page:
        params = {k: st.query_params.get(k) for k in st.query_params if k != "next"}
        st.switch_page(page_path("login"), query_params={"next": page, **params})
    if sess is None or not sess.can(area):
        st.error("无权访问此页面：请先在“登录”页以有权限的账户登录。", icon="🔒")
        st.stop()
    return sess


def default_page(sess: Session | None) -> str:
    if sess is not None and sess.can("review"):
        return "inbox"
    if sess is not None and sess.can("analytics"):
        return "coverage"
    return "selfcheck"


def show_error(exc: Exception) -> None:
    """Show a domain error (its message says what to do next) or an unexpected one."""
    if isinstance(exc, KBError):
        st.error(md(exc), icon=":material/warning:")
    else:
        log.exception("unexpected error on a page", exc_info=exc)
        st.error(
            f"出现意外错误，请重试或联系管理员（{type(exc).__name__}）：{md(exc)}", icon=":material/warning:"
        )


def upload_help() -> str:
    """The help of a file uploader: the size limit in Chinese (Streamlit's own line under it is translated)."""
    return f"拖入文件或点击“选择文件”；单个文件不超过 {st.get_option('server.maxUploadSize')} MB。"


def page_path(name: str) -> str:
    """Path of a page script, as ``st.switch_page`` wants it."""
    return f"{PAGES_DIR}/{name}.py"


def open_detail(sid: int) -> None:
    """Go to the detail page of submission ``sid`` (its link: ``/detail?id=N``)."""
    st.switch_page(page_path("detail"), query_params={"id": str(int(sid))})


# ---------------------------------------------------------------------- links: widget state <-> query string
def bind_param(key: str, param: str, parse: Any, default: Any = None) -> None:
    """Before a widget with ``key`` is drawn: take its value from the query parameter ``param`` when the URL
    changed since this page last wrote it (a link was opened), so every view can be reopened from its URL."""
    raw = st.query_params.get_all(param) if isinstance(default, list) else st.query_params.get(param)
    seen_key = f"_qp_seen_{key}"
    if raw not in (None, []) and (raw != st.session_state.get(seen_key) or key not in st.session_state):
        try:
            st.session_state[key] = parse(raw)
            st.session_state[seen_key] = raw
            return
        except (ValueError, TypeError, KeyError):
            pass
    if key not in st.session_state and default is not None:
        st.session_state[key] = default


def write_param(key: str, param: str, value: Any) -> None:
    """After the widget: show its value in the URL (``None``/empty removes the parameter)."""
    if value in (None, "", []):
        if param in st.query_params:
            del st.query_params[param]
        st.session_state[f"_qp_seen_{key}"] = None
        return
    if isinstance(value, list):
        vals = [str(v) for v in value]
        if st.query_params.get_all(param) != vals:
            st.query_params[param] = vals
        st.session_state[f"_qp_seen_{key}"] = vals
    else:
        if st.query_params.get(param) != str(value):
            st.query_params[param] = str(value)
        st.session_state[f"_qp_seen_{key}"] = str(value)


def build_navigation() -> Any:
    """The pages this user may open, grouped by section; the self-check is always there.

    For a visitor who is not logged in, the workbench pages are registered hidden so that their links still
    resolve: the page sends the visitor through the login and back.
    """
    sess = current_session()
    can = sess.can if sess is not None else (lambda _area: False)
    default = default_page(sess)

    def page(name: str, title: str, icon: str, hidden: bool = False) -> Any:
        return st.Page(
            page_path(name), title=title, icon=icon, url_path=name, default=name == default,
            visibility="hidden" if hidden else "visible",
        )  # fmt: skip

    sections: dict[str, list[Any]] = {}
    hidden: list[Any] = []
    for name, title, icon, area, section in PAGES:
        if area is None or can(area):
            sections.setdefault(section, []).append(page(name, title, icon))
        elif sess is None:
            hidden.append(page(name, title, icon, hidden=True))
    sections["账户"] = [
        page("login", "退出登录" if sess else "登录", ":material/logout:" if sess else ":material/login:")
    ] + hidden
    nav = st.navigation(sections)
    streamlit_zh.install()
    _sync_cookie()
    if sess is not None:
        st.sidebar.caption(f"当前用户：{md(sess.username)}（{ROLE_LABELS.get(sess.role, sess.role)}）")
    try:
        guide = get_kb().reference.active_edition("guide")
        label = "官方正式文本" if guide.variant == "official" else "重构版，非官方原文"
        st.sidebar.caption(f"参考指引：{guide.edition} 年版（{label}）")
    except Exception as exc:  # a missing DB must not hide the navigation
        log.warning("edition unavailable: %s", exc)
    return nav
