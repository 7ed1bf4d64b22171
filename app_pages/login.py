"""Login / logout. The applicant self-check needs no login."""

import streamlit as st

from app_pages.resources import (
    SESSION_KEY,
    current_session,
    get_kb,
    md,
    oidc_configured,
    page_path,
    show_error,
)
from kb.auth import ROLE_LABELS
from kb.errors import AuthError, KBError
from kb.throttle import LoginThrottledError

sess = current_session()
st.title("登录")
if sess is not None:
    if st.session_state.pop("kb_just_logged_in", False):
        st.switch_page(
            page_path("inbox" if sess.can("review") else "coverage" if sess.can("analytics") else "selfcheck")
        )
    st.success(f"已登录：{md(sess.username)}（{ROLE_LABELS.get(sess.role, sess.role)}）")
    if st.button("退出登录", type="primary"):
        del st.session_state[SESSION_KEY]
        if oidc_configured():
            st.logout()
        st.rerun()
    st.stop()

if st.session_state.pop("kb_expired", False):
    st.warning("登录已过期，请重新登录。")
st.caption("评审专家、分析人员和管理员登录后使用工作台；申报企业无需登录，请直接使用左侧“申报自检”。")
with st.form("login", clear_on_submit=False):
    username = st.text_input("用户名")
    password = st.text_input("密码", type="password")
    submitted = st.form_submit_button("登录", type="primary")
if submitted:
    try:
        address = getattr(getattr(st, "context", None), "ip_address", None)
        st.session_state[SESSION_KEY] = get_kb().accounts.login(username, password, address)
    except LoginThrottledError as exc:
        st.error(str(exc).split("] ", 1)[-1])
    except AuthError:
        st.error("用户名或密码不正确：请重试，或请管理员重置密码。")
    except KBError as exc:
        show_error(exc)
    else:
        st.session_state["kb_just_logged_in"] = True
        st.rerun()
if oidc_configured():
    st.divider()
    st.button("使用单位统一身份认证登录", on_click=st.login)
