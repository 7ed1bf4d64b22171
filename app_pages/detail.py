"""申报详情 (``/detail?id=N``): the verdict first (errors, warnings, similarity, classification), the findings linked
to their passages, the decision and the downloads; then the text with the passages marked; then the details."""

import pandas as pd
import streamlit as st

from app_pages.labels import CODE_TITLES, LEVELS, code_label, local_time, source_label
from app_pages.render import CSS, findings_list, highlighted_text, legend
from app_pages.resources import bind_param, get_kb, md, page_path, require, show_error, write_param
from kb.models import REVIEW_STATUSES

SEVERITY_ORDER = ("error", "warning", "info")

sess = require("review", "detail")
kb = get_kb()
st.title("申报详情")

if not kb.store.count():
    st.info("知识库中还没有申报材料：管理员可在“管理”页导入。")
    st.stop()
first = kb.store.list_submissions(limit=1)[0].id
bind_param("detail_sid", "id", int, default=int(first))
c1, c2 = st.columns([1, 3])
sid = int(c1.number_input("申报编号", min_value=1, step=1, key="detail_sid"))
write_param("detail_sid", "id", sid)
try:
    rep = kb.reviews.submission_report(sid)
except Exception as exc:
    show_error(exc)
    st.stop()

sub, check, cls = rep["submission"], rep["check"] or {}, rep["classify"] or {}
c2.subheader(md(sub["title"] or sub["source"]), anchor=False)
st.caption(
    md(" ｜ ".join(
        str(x)
        for x in (
            sub["kind_label"], sub["region"], sub["region_type"], sub["industry"], sub["applicant"],
            f"{sub['year']}年" if sub["year"] else "", f"来源：{source_label(sub['source'])}",
        )
        if x
    ))
)  # fmt: skip
if rep["analysis_error"]:
    st.warning(rep["analysis_error"])
for w in sub.get("warnings", []):
    st.caption(f":material/warning: {md(w)}")

# ------------------------------------------------------------------ verdict
findings = sorted(
    list(check.get("findings", [])) + list(cls.get("findings", [])),
    key=lambda f: (
        SEVERITY_ORDER.index(f.get("severity", "info")) if f.get("severity") in SEVERITY_ORDER else 3
    ),
)
sim_review = rep.get("similarity_review") or {}
sim_findings = list(
    sim_review.get("findings", [])
)  # SIM001–SIM003 against the collection (not stored checks)
n_err = sum(f["severity"] == "error" for f in findings + sim_findings)
n_warn = sum(f["severity"] == "warning" for f in findings + sim_findings)
top = max(rep["similar"], key=lambda x: x.get("similarity") or 0, default=None)
top_sim = (top or {}).get("similarity")
threshold = float(kb.config.dup_threshold)
scen = (cls.get("scenarios") or [None])[0]

with st.container(border=True):
    st.markdown("**评审结论要点**")
    m = st.columns([1, 1, 1.4, 1.8])  # the scenario code must fit at 1024 px (five columns cut it to "G2…")
    m[0].metric("错误", n_err)
    m[1].metric("警告", n_warn)
    m[2].metric("最高相似度", f"{top_sim:.0%}" if top_sim is not None else "—")
    m[3].metric(
        "预测场景", scen["code"] if scen else "—",
        delta=f"置信度 {scen.get('score', 0):.0%}" if scen else None, delta_color="off", delta_arrow="off",
        help=(f"{scen.get('name', '')}；置信度是归类模型对首选场景的匹配得分" if scen else None),
    )  # fmt: skip
    verdict = []
    if n_err:
        verdict.append(f"有 **{n_err}** 个必须修改的错误")
    if n_warn:
        verdict.append(f"**{n_warn}** 个警告")
    if top_sim is not None and top_sim >= threshold:
        verdict.append(
            f"与 #{top['id']} 的相似度 **{top_sim:.0%}**（{LEVELS.get(top.get('level'), top.get('level') or '')}），需复核"
        )
    if cls.get("off_topic"):
        verdict.append("文本与智能制造典型场景关联度低，疑似偏题")
    if scen:
        verdict.append(f"归类为 {md(scen['code'])} {md(scen.get('name', ''))}（{md(scen.get('link', ''))}）")
    same_project = [f for f in sim_findings if f.get("detail", {}).get("level") == "同一项目"]
    for f in same_project:
        verdict.append(f"可能与 #{f['detail'].get('other')} 为同一项目，需复核")
    if n_err or (top_sim is not None and top_sim >= threshold) or cls.get("off_topic"):
        st.error("；".join(verdict) + "。", icon=":material/report:")
    elif n_warn:
        st.warning("；".join(verdict) + "。", icon=":material/warning:")
    else:
        st.success(
            ("未发现问题；" + "；".join(verdict)) if verdict else "未发现问题。", icon=":material/check:"
        )
    if top is not None and top_sim is not None and top_sim >= threshold:
        st.page_link(
            page_path("dupes"), label=f"并排对照 #{sid} 与 #{top['id']}", icon=":material/difference:",
            query_params={"pair": f"{sid}-{top['id']}", "match": "1"},
        )  # fmt: skip

# ------------------------------------------------------------------ similarity report (CNKI 报告单 style)
sim_rep = sim_review.get("report")
if sim_rep or sim_findings:
    with st.container(border=True):
        st.markdown("**相似度检测**")
        if sim_rep:
            m = st.columns(3)
            m[0].metric("总文字复制比", f"{sim_rep['总文字复制比']:.1%}")
            m[1].metric("去除套话复制比", f"{sim_rep['去除套话复制比']:.1%}")
            m[2].metric("单篇最大文字复制比", f"{(sim_rep['单篇最大文字复制比'] or 0):.1%}")
        for f in sim_findings:
            box = st.error if f["severity"] == "error" else st.warning
            box(f"{code_label(f['code'])}：{md(f.get('message', ''))}")
            other = f.get("detail", {}).get("other")
            if other:
                st.page_link(
                    page_path("dupes"), label=f"并排对照 #{sid} 与 #{other}", icon=":material/difference:",
                    query_params={"pair": f"{sid}-{other}", "match": "1"},
                )  # fmt: skip

# ------------------------------------------------------------------ decision and downloads
left, right = st.columns([3, 2])
with left.container(border=True):
    dec = rep["decision"]
    with st.form("decision"):
        status = st.radio(
            "审核状态",
            list(REVIEW_STATUSES),
            index=list(REVIEW_STATUSES).index(dec["status"]),
            horizontal=True,
        )
        note = st.text_area("评审意见", value=dec.get("note", ""), height=90)
        if st.form_submit_button("保存", type="primary"):
            kb.reviews.set_decision(sid, sess.username, status, note)
            st.toast("审核状态已保存")
            st.rerun()
    if dec.get("reviewer"):
        st.caption(f"最近一次：{md(dec['reviewer'])} 于 {local_time(dec.get('created_at'))}（北京时间）")
with right.container(border=True):
    st.markdown("**下载**")
    st.download_button(
        "评审档案（PDF）", data=lambda: kb.reports.dossier_pdf(sid), file_name=f"评审档案_{sid}.pdf",
        mime="application/pdf", key="dl_pdf", icon=":material/picture_as_pdf:", width="stretch",
        on_click="ignore",  # a download needs no rerun of the page (its similarity review is not free)
    )  # fmt: skip
    st.download_button(
        "评审档案（网页版）", data=lambda: kb.reports.dossier_html(sid).encode("utf-8"),
        file_name=f"评审档案_{sid}.html", mime="text/html", key="dl_html", icon=":material/description:",
        width="stretch", on_click="ignore",
    )  # fmt: skip
    st.download_button(
        "评审表（Excel）", data=lambda: kb.reports.export_inbox("xlsx", {"ids": [sid]}),
        file_name=f"评审表_{sid}.xlsx", key="dl_sheet", icon=":material/table:", width="stretch",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
    )  # fmt: skip

# ------------------------------------------------------------------ findings linked to the text
marks = []
for n, f in enumerate(findings, 1):
    spans = [sp for sp in (f.get("spans") or []) if isinstance(sp, list | tuple) and len(sp) == 2]
    f["has_span"] = bool(spans)
    for s, e in spans:
        marks.append({"span": [int(s), int(e)], "code": f.get("code", ""), "severity": f.get("severity", "info"),
                      "message": f.get("message", ""), "n": n})  # fmt: skip
left, right = st.columns([2, 3])
with left:
    st.markdown(f"**发现的问题（{len(findings)}）**")
    if findings:
        st.html(CSS + findings_list(findings, CODE_TITLES))
    else:
        st.success("未发现问题。")
with right:
    st.markdown("**正文**（点击左侧“定位原文”跳到对应段落；悬停标记可看说明）")
    st.html(CSS + legend([("#ffd5d5", "错误"), ("#fff0b3", "警告"), ("#e3efff", "提示")]))
    with st.container(height=560):
        st.html(CSS + highlighted_text(sub["text"], marks))

# ------------------------------------------------------------------ details
tab_struct, tab_cls, tab_sim, tab_hist = st.tabs(["结构与指标", "场景归类", "相似材料", "审核记录"])
with tab_struct:
    c = st.columns(2)
    c[0].metric("字数", check.get("zishu", "—"))
    c[1].metric("薄弱分", f"{check['weakness']:.0f}" if check.get("weakness") is not None else "—",
                help="0 为最好；各项问题的分值之和")  # fmt: skip
    contrib = check.get("contributions") or {}
    if contrib:
        st.markdown("**薄弱分构成**")
        st.dataframe(
            pd.DataFrame([{"问题": code_label(k), "分值": v} for k, v in sorted(contrib.items(), key=lambda kv: -kv[1])]),
            hide_index=True, width="stretch",
        )  # fmt: skip
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
    ed = cls.get("edition")
    if ed:
        year, variant = (ed.get("edition", ""), ed.get("variant")) if isinstance(ed, dict) else (ed, None)
        kind = {"official": "（官方正式文本）", "reconstruction": "（重构版）"}.get(variant or "", "")
        how = (
            "按申报年度选用指引版本"
            if kb.analysis.classify_policy() == "year"
            else "管理员已按当前版本统一重新归类"
        )
        st.caption(f"归类依据：{md(year)} 年版参考指引{kind}；{how}")
    for s in cls.get("scenarios", [])[:5]:
        with st.expander(f"{s.get('code')} {s.get('name')}（{s.get('link')}）— 得分 {s.get('score', 0):.2f}"):
            for ev in s.get("evidence", [])[:5]:
                sp = ev.get("span") or ev.get("spans", [[0, 0]])[0]
                st.text("“" + (ev.get("text") or sub["text"][sp[0] : sp[1]]) + "”")
                if ev.get("keywords"):
                    st.caption("关键词：" + md("、".join(ev["keywords"])))
    if cls.get("tasks"):
        st.markdown("**揭榜任务匹配**")
        st.dataframe(
            pd.DataFrame([{"编码": t.get("code"), "任务": t.get("name"), "得分": t.get("score")} for t in cls["tasks"]]),
            hide_index=True, width="stretch",
        )  # fmt: skip
    guide = kb.reference.active_edition("guide").entries
    codes = [s["code"] for s in cls.get("scenarios", [])] or [e.code for e in guide]
    names = {e.code: e.name for e in guide}
    with st.form("confirm_label"):
        code = st.selectbox("确认场景标签", codes, format_func=lambda c: f"{c} {names.get(c, '')}")
        if st.form_submit_button("确认标签"):
            kb.reviews.confirm_label(sid, code, sess.username)
            st.toast(f"已确认标签 {code}")
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
                     "级别": LEVELS.get(x.get("level"), x.get("level"))}
                    for x in rep["similar"]
                ]
            ),
            hide_index=True, width="stretch",
            column_config={
                "相似度": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="percent"),
                "去套话后": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="percent"),
            },
        )  # fmt: skip
        for x in rep["similar"][:5]:
            st.page_link(
                page_path("dupes"), label=f"与 #{x['id']} 并排对照（{(x.get('similarity') or 0):.0%}）",
                query_params={"pair": f"{sid}-{x['id']}", "match": "1"}, icon=":material/difference:",
            )  # fmt: skip
    elif not rep["similar_error"]:
        st.success("没有发现相似的申报材料。")
    st.markdown("**相似的参考案例**")
    for r in rep["similar_reference"]:
        st.markdown(f"- {md(r.get('code', ''))} {md(r.get('name') or r.get('title', ''))}")
    if not rep["similar_reference"]:
        st.caption("暂无。")

with tab_hist:
    if rep["history"]:
        st.dataframe(
            pd.DataFrame(
                [{"时间（北京时间）": local_time(h["created_at"]), "评审人": h["reviewer"], "状态": h["status"],
                  "意见": h["note"]} for h in rep["history"]]
            ),
            hide_index=True, width="stretch",
        )  # fmt: skip
    else:
        st.caption("还没有审核记录。")
