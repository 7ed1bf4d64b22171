"""申报详情: the text with its findings highlighted, outline, metrics, classification, similar texts, decision."""

import pandas as pd
import streamlit as st

from app_pages.render import CSS, SEVERITY_ICONS, SEVERITY_LABELS, highlighted_text, legend
from app_pages.resources import get_kb, md, page_path, require, show_error
from kb.models import REVIEW_STATUSES

sess = require("review")
kb = get_kb()
st.title("申报详情")

if not kb.store.count():
    st.info("知识库中还没有申报材料：管理员可在“管理”页导入。")
    st.stop()
first = kb.store.list_submissions(limit=1)[0].id
c1, c2 = st.columns([1, 3])
sid = c1.number_input("申报编号", min_value=1, value=int(st.session_state.get("detail_sid") or first))
st.session_state["detail_sid"] = int(sid)
try:
    rep = kb.reviews.submission_report(int(sid))
except Exception as exc:
    show_error(exc)
    st.stop()

sub, check, cls = rep["submission"], rep["check"] or {}, rep["classify"] or {}
c2.subheader(md(sub["title"] or sub["source"]))
st.caption(
    " ｜ ".join(
        md(x)
        for x in (
            sub["kind_label"], sub["region"], sub["region_type"], sub["industry"], sub["applicant"],
            f"{sub['year']}年" if sub["year"] else "", f"来源：{sub['source']}",
        )
        if x
    )
)  # fmt: skip
if rep["analysis_error"]:
    st.warning(md(rep["analysis_error"]))
for w in sub.get("warnings", []):
    st.caption(f":material/warning: {md(w)}")

m = st.columns(5)
m[0].metric("字数", check.get("zishu", "—"))
m[1].metric("薄弱分", f"{check['weakness']:.0f}" if check.get("weakness") is not None else "—")
findings = list(check.get("findings", [])) + list(cls.get("findings", []))
m[2].metric("错误", sum(f["severity"] == "error" for f in findings))
m[3].metric("警告", sum(f["severity"] == "warning" for f in findings))
top_sim = max((x.get("similarity") or 0 for x in rep["similar"]), default=None)
m[4].metric("最高相似度", f"{top_sim:.0%}" if top_sim is not None else "—")

tab_text, tab_struct, tab_cls, tab_sim, tab_review = st.tabs(
    ["正文与问题", "结构与指标", "场景归类", "相似材料", "审核"]
)
with tab_text:
    left, right = st.columns([3, 2])
    with left:
        st.html(CSS + legend([("#ffd5d5", "错误"), ("#fff0b3", "警告"), ("#e3efff", "提示")]))
        st.html(highlighted_text(sub["text"], rep["marks"]))
    with right:
        st.markdown("**发现的问题**（悬停正文中的标记可看说明）")
        if not findings:
            st.success("未发现问题。")
        for f in sorted(findings, key=lambda f: ("error", "warning", "info").index(f["severity"])):
            icon = SEVERITY_ICONS.get(f["severity"], SEVERITY_ICONS["info"])
            with st.container(border=True):
                st.markdown(f"{icon} **{f['code']}** {SEVERITY_LABELS.get(f['severity'], '')}")
                st.text(f["message"])
        contrib = check.get("contributions") or {}
        if contrib:
            st.markdown("**薄弱分构成**")
            st.dataframe(
                pd.DataFrame(
                    [{"问题代码": k, "分值": v} for k, v in sorted(contrib.items(), key=lambda kv: -kv[1])]
                ),
                hide_index=True,
                width="stretch",
            )

with tab_struct:
    st.markdown("**章节结构**")
    secs = check.get("sections", [])
    if secs:
        st.dataframe(
            pd.DataFrame(
                [
                    {"层级": s.get("level"), "标题": s.get("heading"), "对应部分": s.get("part") or "",
                     "推断": "是" if s.get("inferred") else "", "篇幅（字符）": s["body_span"][1] - s["body_span"][0]}
                    for s in secs
                ]
            ),
            hide_index=True, width="stretch",
        )  # fmt: skip
    else:
        st.info("没有识别出章节。")
    st.markdown("**量化指标**")
    mets = check.get("metrics", [])
    if mets:
        st.dataframe(
            pd.DataFrame(
                [
                    {"指标": x.get("indicator"), "实施前": x.get("before"), "实施后": x.get("after"),
                     "变化": x.get("change"), "单位": x.get("change_unit") or x.get("unit"),
                     "有基准": "是" if x.get("has_baseline") else "否",
                     "原文": sub["text"][x["span"][0] : x["span"][1]]}
                    for x in mets
                ]
            ),
            hide_index=True, width="stretch",
        )  # fmt: skip
    else:
        st.info("没有识别出量化指标。")

with tab_cls:
    if sub["claimed"]:
        st.markdown(f"申报填写的场景：**{md(sub['claimed'])}**")
    if cls.get("off_topic"):
        st.warning("文本与智能制造典型场景关联度低，疑似偏题。")
    for s in cls.get("scenarios", [])[:5]:
        with st.expander(
            md(f"{s.get('code')} {s.get('name')}（{s.get('link')}）") + f" — 得分 {s.get('score', 0):.2f}"
        ):
            for ev in s.get("evidence", [])[:5]:
                sp = ev.get("span") or ev.get("spans", [[0, 0]])[0]
                st.text("“" + (ev.get("text") or sub["text"][sp[0] : sp[1]]) + "”")
                if ev.get("keywords"):
                    st.caption("关键词：" + "、".join(ev["keywords"]))
    if cls.get("tasks"):
        st.markdown("**揭榜任务匹配**")
        st.dataframe(
            pd.DataFrame([{"编码": t.get("code"), "任务": t.get("name"), "得分": t.get("score")} for t in cls["tasks"]]),
            hide_index=True, width="stretch",
        )  # fmt: skip
    codes = [s["code"] for s in cls.get("scenarios", [])] or [
        e.code for e in kb.reference.active_edition("guide").entries
    ]
    names = {e.code: e.name for e in kb.reference.active_edition("guide").entries}
    with st.form("confirm_label"):
        code = st.selectbox("确认场景标签", codes, format_func=lambda c: f"{c} {names.get(c, '')}")
        if st.form_submit_button("确认标签"):
            kb.reviews.confirm_label(int(sid), code, sess.username)
            st.toast(f"已确认标签 {md(code)}")
    if rep["labels"]:
        st.caption("已确认：" + md("、".join(f"{x['code']}（{x['reviewer']}）" for x in rep["labels"])))

with tab_sim:
    if rep["similar_error"]:
        st.info(rep["similar_error"])
    if rep["similar"]:
        st.dataframe(
            pd.DataFrame(
                [
                    {"编号": x.get("id"), "标题": x.get("title"), "来源": x.get("source"),
                     "相似度": x.get("similarity"), "去套话后": x.get("similarity_excl_boilerplate"),
                     "级别": x.get("level")}
                    for x in rep["similar"]
                ]
            ),
            hide_index=True, width="stretch",
            column_config={
                "相似度": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="percent"),
                "去套话后": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="percent"),
            },
        )  # fmt: skip
        other = st.selectbox("对照查看", [x["id"] for x in rep["similar"]], format_func=lambda i: f"#{i}")
        if st.button("并排对照"):
            st.session_state["pair"] = (int(sid), int(other))
            st.switch_page(page_path("dupes"))
    elif not rep["similar_error"]:
        st.success("没有发现相似的申报材料。")
    st.markdown("**相似的参考案例**")
    for r in rep["similar_reference"]:
        st.markdown("- " + md(f"{r.get('code', '')} {r.get('name') or r.get('title', '')}"))
    if not rep["similar_reference"]:
        st.caption("暂无。")

with tab_review:
    dec = rep["decision"]
    with st.form("decision"):
        status = st.radio(
            "审核状态",
            list(REVIEW_STATUSES),
            index=list(REVIEW_STATUSES).index(dec["status"]),
            horizontal=True,
        )
        note = st.text_area("评审意见", value=dec.get("note", ""))
        if st.form_submit_button("保存", type="primary"):
            kb.reviews.set_decision(int(sid), sess.username, status, note)
            st.toast("审核状态已保存")
            st.rerun()
    if rep["history"]:
        st.dataframe(
            pd.DataFrame(
                [{"时间": h["created_at"], "评审人": h["reviewer"], "状态": h["status"], "意见": h["note"]} for h in rep["history"]]
            ),
            hide_index=True, width="stretch",
        )  # fmt: skip
