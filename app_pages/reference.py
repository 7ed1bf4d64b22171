"""参考库: browse and search the guide and the task list; switch editions (admin); edition status banner."""

import pandas as pd
import streamlit as st

from app_pages.resources import edition_banner, get_kb, md, require, show_error

sess = require("reference")
kb = get_kb()
st.title("参考库")
edition_banner()

q = st.text_input("搜索（名称、说明、关键词、编码）", key="ref_q")
t_guide, t_tasks, t_ed = st.tabs(["典型场景参考指引", "示范工厂揭榜任务", "版本"])
COLS = {"code": "编码", "link": "环节/领域", "subsector": "细分行业", "name": "名称", "status": "来源状态",
        "keywords": "关键词", "indicators": "指标", "scope": "说明"}  # fmt: skip
for tab, list_kind in ((t_guide, "guide"), (t_tasks, "tasks")):
    with tab:
        rows = kb.reference.reference_rows(list_kind, q)
        st.caption(f"{len(rows)} 条")
        if rows:
            st.dataframe(
                pd.DataFrame(rows).rename(columns=COLS), hide_index=True, width="stretch", height=520,
                column_config={"说明": st.column_config.TextColumn(width="large")},
            )  # fmt: skip
with t_ed:
    eds = kb.reference.reference_list()
    st.dataframe(
        pd.DataFrame(
            [
                {"清单": "参考指引" if e["list_kind"] == "guide" else "揭榜任务", "版本": e["edition"],
                 "文本": "官方" if e["variant"] == "official" else "重构", "状态": e["status"],
                 "条目数": e["entries"], "在用": "✅" if e["active"] else ""}
                for e in eds
            ]
        ),
        hide_index=True, width="stretch",
    )  # fmt: skip
    if sess.can("admin"):
        with st.form("switch_edition"):
            c1, c2, c3 = st.columns(3)
            lk = c1.selectbox(
                "清单", ["guide", "tasks"], format_func={"guide": "参考指引", "tasks": "揭榜任务"}.get
            )
            edition = c2.selectbox("版本", sorted({e["edition"] for e in eds}))
            variant = c3.selectbox(
                "文本",
                ["", "official", "reconstruction"],
                format_func={"": "自动（官方优先）", "official": "官方", "reconstruction": "重构"}.get,
            )
            if st.form_submit_button("切换到该版本"):
                try:
                    ed = kb.reference.use_edition(lk, edition, variant or None)
                    st.success("已切换：" + md(ed.banner))
                except Exception as exc:
                    show_error(exc)
    else:
        st.caption("切换版本需要管理员权限。")
