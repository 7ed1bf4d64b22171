"""参考库: browse and search the guide and the task list; switch editions (admin); edition status banner."""

import pandas as pd
import streamlit as st

from app_pages.resources import edition_banner, edition_text, get_kb, require, show_error

sess = require("reference", "reference")
kb = get_kb()
st.title("参考库")
edition_banner()

q = st.text_input("搜索（名称、说明、关键词、编码）", key="ref_q")
t_guide, t_tasks, t_ed = st.tabs(["典型场景参考指引", "示范工厂揭榜任务", "版本"])
COLS = {"code": "编码", "link": "环节/领域", "subsector": "细分行业", "name": "名称", "status": "来源状态",
        "keywords": "关键词", "indicators": "指标", "scope": "说明"}  # fmt: skip
for tab, list_kind in ((t_guide, "guide"), (t_tasks, "tasks")):
    with tab:
        rows = [
            {**r, "status": edition_text(str(r["status"]))} if "status" in r else r
            for r in kb.reference.reference_rows(list_kind, q)
        ]
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
                 "文本": "官方" if e["variant"] == "official" else "重构", "状态": edition_text(str(e["status"])),
                 "条目数": e["entries"], "在用": "✅" if e["active"] else ""}
                for e in eds
            ]
        ),
        hide_index=True, width="stretch",
    )  # fmt: skip
    if sess.can("admin"):
        LISTS = {"guide": "参考指引", "tasks": "揭榜任务"}
        VARIANTS = {"": "自动（官方优先）", "official": "官方", "reconstruction": "重构"}
        with st.form("switch_edition"):
            c1, c2, c3 = st.columns(3)
            lk = c1.selectbox("清单", list(LISTS), format_func=LISTS.get)
            edition = c2.selectbox("版本", sorted({e["edition"] for e in eds}))
            variant = c3.selectbox("文本", list(VARIANTS), format_func=VARIANTS.get)
            reclassify = st.checkbox(
                "同时按新版本重新归类全部已有材料",
                value=kb.analysis.classify_policy() == "active",
                help="不勾选时，每份材料按其申报年度对应的指引版本归类（2021—2024 年的材料用 2021 年版），切换版本不改变已有归类。",
            )
            if st.form_submit_button("切换到该版本"):
                st.session_state["edition_switch"] = {"lk": lk, "edition": edition, "variant": variant,
                                                      "reclassify": reclassify}  # fmt: skip
        pending = st.session_state.get("edition_switch")
        if pending:
            current = kb.reference.active_edition(pending["lk"])
            with st.container(border=True):
                st.warning(
                    f"确认把{LISTS[pending['lk']]}从 {current.edition} 年版切换到 {pending['edition']} 年版"
                    f"（{VARIANTS[pending['variant']]}）？",
                    icon=":material/help:",
                )
                st.markdown(
                    "切换后：\n"
                    "- 页面顶部的版本横幅、申报自检和新导入材料的检查使用新版本；\n"
                    "- 套话（照抄指南）判定改用新版本的文本，查重结果会重新计算；\n"
                    + (
                        "- **全部已有材料将按新版本重新归类**（打开时重新计算）。"
                        if pending["reclassify"]
                        else "- 已有材料仍按其申报年度对应的版本归类，不会被重新归类。"
                    )
                )
                b1, b2 = st.columns(2)
                if b1.button("确认切换", type="primary", key="edition_confirm"):
                    try:
                        ed = kb.reference.use_edition(
                            pending["lk"], pending["edition"], pending["variant"] or None
                        )
                        kb.analysis.set_classify_policy("active" if pending["reclassify"] else "year")
                        st.session_state["edition_switched"] = ed.banner
                    except Exception as exc:
                        show_error(exc)
                    st.session_state.pop("edition_switch", None)
                    st.rerun()  # the banner and the sidebar follow
                if b2.button("取消", key="edition_cancel"):
                    st.session_state.pop("edition_switch", None)
                    st.rerun()
        if st.session_state.get("edition_switched"):
            st.success("已切换：" + edition_text(st.session_state.pop("edition_switched")))
    else:
        st.caption("切换版本需要管理员权限。")
