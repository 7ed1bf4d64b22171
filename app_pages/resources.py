"""Shared resources (cached once per process, safe across sessions) and the navigation."""

from __future__ import annotations

import html

import streamlit as st

from kb.service import KB, open_kb


@st.cache_resource(show_spinner="正在加载知识库…")
def get_kb() -> KB:
    """The knowledge base of this server process (DB from SCENARIO_KB_DB / config)."""
    kb = open_kb()
    kb.storage.ensure_ready()
    return kb


def esc(text: object) -> str:
    """Escape user text for st.markdown/unsafe HTML."""
    return html.escape(str(text), quote=True)


def edition_banner() -> None:
    kb = get_kb()
    for list_kind in ("guide", "tasks"):
        ed = kb.active_edition(list_kind)
        if ed.variant == "official":
            st.success("参考版本：" + ed.banner, icon="✅")
        else:
            st.warning("参考版本：" + ed.banner, icon="⚠️")


def build_navigation() -> st.navigation:
    pages = [st.Page("app_pages/overview.py", title="知识库概览", icon="📚", default=True)]
    return st.navigation(pages)
