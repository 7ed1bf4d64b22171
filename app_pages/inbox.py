"""评审工作台: the reviewer inbox — filter, sort, page, set statuses and notes (one by one or in bulk)."""

import pandas as pd
import streamlit as st

from app_pages.labels import codes_label
from app_pages.resources import STATUS_ICONS, get_kb, open_detail, require, show_error
from kb.models import KIND_LABELS, REVIEW_STATUSES

sess = require("review", "inbox")
kb = get_kb()
st.title("评审工作台")

SORTS = {
    "编号": "id", "薄弱分": "weakness", "最高相似度": "similarity", "字数": "zishu", "审核状态": "status",
    "预测场景": "predicted", "标题": "title", "地区": "region", "行业": "industry", "类型": "kind", "年度": "year",
}  # fmt: skip
opts = kb.reviews.inbox_options()
with st.container(border=True):
    c1, c2, c3, c4 = st.columns(4)
    kind = c1.selectbox("类型", ["全部", "优秀场景", "示范工厂"], key="f_kind")
    regions = c2.multiselect("地区", opts["region"], key="f_region", placeholder="全部地区")
    industries = c3.multiselect("行业", opts["industry"], key="f_industry", placeholder="全部行业")
    years = c4.multiselect("年度", opts["year"], key="f_year", placeholder="全部年度")
    c1, c2, c3, c4 = st.columns(4)
    statuses = c1.multiselect("审核状态", list(REVIEW_STATUSES), key="f_status", placeholder="全部状态")
    q = c2.text_input("搜索标题 / 申报单位 / 文件名", key="f_q")
    sort_label = c3.selectbox("排序", list(SORTS), key="sort")
    page_size = c4.selectbox("每页条数", [25, 50, 100, 200], index=1, key="page_size")
    # the toggles on a row of their own: in a quarter column their labels were cut off at 1024 px
    with st.container(horizontal=True, gap="medium"):
        descending = st.toggle("降序", key="desc", value=False)
        flagged = st.toggle("只看有问题的", key="f_flagged", help="有错误/警告，或相似度超过阈值")

filters = {
    "kind": {"优秀场景": "scenario", "示范工厂": "factory"}.get(kind),
    "region": regions,
    "industry": industries,
    "year": years,
    "q": q.strip(),
}
page_no = int(st.session_state.get("page_no", 1))
try:
    res = kb.reviews.inbox(
        filters, status=statuses, flagged_only=flagged, sort=SORTS[sort_label], descending=descending,
        page=page_no, page_size=page_size,
    )  # fmt: skip
except Exception as exc:
    show_error(exc)
    st.stop()

top = st.columns([3, 2, 2], vertical_alignment="bottom")
top[0].markdown(f"共 **{res['total']}** 份，第 {res['page']} / {res['pages']} 页")
export_kw = {"status": statuses, "flagged_only": flagged, "sort": SORTS[sort_label], "descending": descending}
top[2].download_button(
    "下载评审表", data=lambda: kb.reports.export_inbox("xlsx", filters, **export_kw), file_name="评审表.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="inbox_excel",
    icon=":material/download:", help="当前筛选条件下的全部材料（所有页），与命令行导出的评审表相同",
)  # fmt: skip
st.session_state["page_no"] = res["page"]  # clamped by the service when the filters shrink the list
top[1].number_input("页码", 1, res["pages"], key="page_no")
if not res["rows"]:
    st.info("没有符合条件的申报材料。管理员可在“管理”页导入材料，或放宽筛选条件。")
    st.stop()

df = pd.DataFrame(
    [
        {
            "选择": False,
            "详情": f"detail?id={r['id']}",
            "编号": r["id"],
            "标题": r["title"],
            "类型": KIND_LABELS.get(r["kind"], r["kind"]),
            "地区": r["region"],
            "行业": r["industry"],
            "申报场景": r["claimed"],
            "预测场景": r["predicted"],
            "字数": r["zishu"],
            "薄弱分": r["weakness"],
            "最高相似度": r["similarity"],
            "相似来源": f"#{r['similar_to']}" if r["similar_to"] else "",
            "相似问题": "；".join(
                x
                for x in (
                    codes_label(r["sim_codes"]),
                    ("同一项目：" + "、".join(f"#{i}" for i in r["same_project"]))
                    if r["same_project"]
                    else "",
                )
                if x
            ),
            "问题": codes_label(r["flags"]) + ("（未分析）" if not r["analysed"] else ""),
            "状态": r["status"],
            "备注": r["note"],
        }
        for r in res["rows"]
    ]
)
editor_key = (
    f"inbox_{hash((str(filters), tuple(statuses), flagged, sort_label, descending, res['page'], page_size))}"
)
editor_key += f"_{st.session_state.get('inbox_nonce', 0)}"
edited = st.data_editor(
    df,
    key=editor_key,
    hide_index=True,
    width="stretch",
    height=min(38 + 35 * len(df), 720),
    disabled=[c for c in df.columns if c not in ("选择", "状态", "备注")],
    column_config={
        "选择": st.column_config.CheckboxColumn("选择", width="small"),
        "编号": st.column_config.NumberColumn("编号", format="%d", width="small"),
        "标题": st.column_config.TextColumn("标题", width="large"),
        "字数": st.column_config.NumberColumn("字数", format="%d"),
        "薄弱分": st.column_config.ProgressColumn("薄弱分", min_value=0, max_value=100, format="%.0f"),
        "最高相似度": st.column_config.ProgressColumn(
            "最高相似度", min_value=0.0, max_value=1.0, format="percent"
        ),
        "状态": st.column_config.SelectboxColumn("状态", options=list(REVIEW_STATUSES), required=True),
        "备注": st.column_config.TextColumn("备注", max_chars=500),
        "问题": st.column_config.TextColumn("问题", width="large", help="问题代码及其含义"),
        "相似问题": st.column_config.TextColumn(
            "相似问题",
            width="medium",
            help="全库查重的 SIM 问题代码，以及判为同一项目的其他材料（无共享段落也可能）",
        ),
        "详情": st.column_config.LinkColumn(
            "详情", display_text="打开", width="small", help="点击“打开”在新标签页打开这份材料的申报详情"
        ),
    },
)


def _bump() -> None:
    st.session_state["inbox_nonce"] = st.session_state.get("inbox_nonce", 0) + 1


changed = edited[(edited["状态"] != df["状态"]) | (edited["备注"].fillna("") != df["备注"].fillna(""))]
selected = edited.loc[edited["选择"], "编号"].astype(int).tolist()
if st.button(f"保存修改（{len(changed)} 条）", type="primary", disabled=changed.empty, key="save_edits"):
    for _, row in changed.iterrows():
        kb.reviews.set_decision(int(row["编号"]), sess.username, row["状态"], str(row["备注"] or ""))
    _bump()
    st.toast(f"已保存 {len(changed)} 条审核状态")
    st.rerun()
c2, c3 = st.columns(2)
with c2, st.container(border=True):
    st.markdown(f"**批量操作**：已选 {len(selected)} 条")
    b1, b2 = st.columns(2)
    bulk_status = b1.selectbox("设为", list(REVIEW_STATUSES), key="bulk_status", label_visibility="collapsed")
    if b2.button("批量设置状态", disabled=not selected, key="bulk_apply"):
        n = kb.reviews.set_decisions(
            selected, sess.username, bulk_status, st.session_state.get("bulk_note", "")
        )
        _bump()
        st.toast(f"已将 {n} 条设为 {STATUS_ICONS.get(bulk_status, '')}{bulk_status}")
        st.rerun()
    st.text_input("批量备注（可选）", key="bulk_note")
with c3, st.container(border=True):
    st.markdown("**打开申报详情**")
    labels = {r["id"]: f"#{r['id']} {r['title']}" for r in res["rows"]}
    target = st.selectbox(
        "申报材料", list(labels), format_func=labels.get, key="open_sid", label_visibility="collapsed"
    )
    if st.button("打开详情", key="open_detail"):
        open_detail(int(target))
