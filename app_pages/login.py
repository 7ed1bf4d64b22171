"""Login / logout. The applicant self-check needs no login. ``/login?next=PAGE&…`` returns to that page."""

import streamlit as st

from app_pages.resources import (
    PAGE_AREAS,
    current_session,
    default_page,
    end_session,
    get_kb,
    oidc_configured,
    page_path,
    show_error,
    start_session,
)
from kb.auth import ROLE_LABELS
from kb.errors import AuthError, KBError
from kb.throttle import LoginThrottledError


def go_on(sess) -> None:
    """After a login: back to the page of the link that brought the user here, else their start page."""
    nxt = str(st.query_params.get("next") or "")
    params = {k: st.query_params.get(k) for k in st.query_params if k != "next"}
    area = PAGE_AREAS.get(nxt, "")
    if nxt in PAGE_AREAS and (area is None or sess.can(area)):
        st.switch_page(page_path(nxt), query_params=params)
    st.switch_page(page_path(default_page(sess)))


sess = current_session()
st.title("登录")
if sess is not None:
    if st.session_state.pop("kb_just_logged_in", False):
        go_on(sess)
    st.success(f"已登录：{sess.username}（{ROLE_LABELS.get(sess.role, sess.role)}）")
    if st.button("退出登录", type="primary", key="logout"):
        end_session()
        if oidc_configured():
            st.logout()
        st.rerun()
    st.stop()

if st.session_state.pop("kb_expired", False):
    st.warning("登录已过期，请重新登录。")
if st.query_params.get("next") in PAGE_AREAS:
    st.info("请先登录，登录后将打开您要访问的页面。")
st.caption("评审专家、分析人员和管理员登录后使用工作台；申报企业无需登录，请直接使用左侧“申报自检”。")
with st.form("login", clear_on_submit=False):
    username = st.text_input("用户名")
    password = st.text_input("密码", type="password")
    submitted = st.form_submit_button("登录", type="primary")
if submitted:
    try:
        address = getattr(getattr(st, "context", None), "ip_address", None)
        start_session(get_kb().accounts.login(username, password, address))
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
