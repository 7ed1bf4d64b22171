"""覆盖分析 (``/coverage?year=…&kind=…&region=…&link=…&industry=…``): heatmaps region × 环节 and industry ×
scenario (click a cell to drill down), counts by year, gaps, quotas, drill-down, the CLI's workbooks."""

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.resources import bind_param, get_kb, page_path, require, write_param
from kb.errors import KBError

KINDS = {"全部": None, "优秀场景": "scenario", "示范工厂": "factory"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

sess = require("analytics", "coverage")
kb = get_kb()
st.title("覆盖分析")

opts = kb.reviews.inbox_options()
bind_param("cov_year", "year", lambda v: [int(x) for x in v if int(x) in opts["year"]], default=[])
bind_param("cov_kind", "kind", lambda v: {k: n for n, k in KINDS.items() if k}[v], default="全部")
c1, c2 = st.columns([2, 1])
years = c1.multiselect("年度", opts["year"], placeholder="全部年度", key="cov_year")
kind = c2.selectbox("类型", list(KINDS), key="cov_kind")
write_param("cov_year", "year", list(years))
write_param("cov_kind", "kind", KINDS[kind])
filters = {"year": years, "kind": KINDS[kind]}
cov = kb.coverage.summary(filters)


def workbook() -> bytes:
    """The workbook of ``scenario-kb export coverage`` (matrices, gaps and heatmaps; without the heatmap
    images when no CJK font is installed)."""
    try:
        return kb.coverage.export("xlsx", filters)["xlsx"]
    except KBError:
        return kb.coverage.export("xlsx", filters, charts=False)["xlsx"]


# the downloads on a row of their own: beside the filters their labels were cut off at 1024 px
with st.container(horizontal=True, key="cov_downloads"):
    st.download_button(
        "下载覆盖分析（Excel）", data=workbook, file_name="覆盖分析.xlsx", mime=XLSX, type="primary",
        key="cov_excel", icon=":material/download:", help="与命令行导出的覆盖分析相同：各矩阵、空白和热力图",
    )  # fmt: skip
    st.download_button(
        "下载覆盖明细（Excel）", data=lambda: kb.coverage.excel(filters), file_name="覆盖明细.xlsx", mime=XLSX,
        key="cov_detail_excel", icon=":material/download:", help="每份材料一行：地区、行业、环节、场景和归属依据",
    )  # fmt: skip
if not cov["items"]:
    st.info("知识库中还没有申报材料。")
    st.stop()
st.caption(
    f"共 {cov['submissions']} 份申报材料。场景归属：人工确认的标签优先，其次为模型预测，再次为申报填写的场景。"
)


# a heatmap wider than the main column scrolls inside its own box instead of pushing the page sideways
st.html("<style>.st-key-hm_box_rl, .st-key-hm_box_is { overflow-x: auto; }</style>")


def heatmap(rows: list[dict], x: str, y: str, xt: str, yt: str, name: str) -> alt.Chart:
    """Every label shown (long ones shortened, the full text in the tooltip); a click selects the cell."""
    df = pd.DataFrame(rows)
    short = "length(datum.label) > 10 ? slice(datum.label, 0, 9) + '…' : datum.label"
    # labelLimit: the theme's pixel limit cut the shortened labels again ("中国恒岳装备集团…")
    axis = {"labelOverlap": False, "labelExpr": short, "labelLimit": 240, "labelFontSize": 11}
    return (
        alt.Chart(df)
        .mark_rect()
        .encode(
            x=alt.X(f"{x}:N", title=xt, axis=alt.Axis(labelAngle=-60, **axis)),
            y=alt.Y(f"{y}:N", title=yt, axis=alt.Axis(**axis)),
            color=alt.Color("count:Q", title="数量", scale=alt.Scale(scheme="blues"),
                            legend=alt.Legend(format="d", tickMinStep=1, orient="top")),
            tooltip=[
                alt.Tooltip(f"{y}:N", title=yt),
                alt.Tooltip(f"{x}:N", title=xt),
                alt.Tooltip("count:Q", title="数量"),
            ],
        )
        .add_params(alt.selection_point(name=name, fields=[x, y]))
        .properties(width=alt.Step(30), height=alt.Step(26))
    )  # fmt: skip


def drill_from(event: object, chart: str, x: str, y: str, keys: dict[str, str]) -> None:
    """A new click on a cell of ``chart`` sets the drill-down below to that cell: its two fields, and 全部 for the
    others (before their widgets are drawn). A selection is applied once, so the filters stay editable after it."""
    try:
        points = next(iter(event.selection.values()))  # type: ignore[attr-defined]
    except (AttributeError, StopIteration):
        return
    seen_key = f"_drill_seen_{chart}"
    seen = repr(points) if points else None
    if seen == st.session_state.get(seen_key):
        return
    st.session_state[seen_key] = seen
    if points:
        for field, key in keys.items():
            value = points[0].get(field) if field in (x, y) else None
            st.session_state[key] = "全部" if value is None else str(value)


DRILL = {"region": "dd_region", "link": "dd_link", "industry": "dd_industry", "scenario": "dd_scenario"}
t1, t2, t3, t4, t5 = st.tabs(["地区 × 环节", "行业 × 场景", "年度", "空白", "推荐配额"])
with t1:
    st.caption("点击格子查看该地区、该环节的材料（见页面下方“下钻到材料”）；悬停可看完整名称。")
    with st.container(key="hm_box_rl"):
        ev = st.altair_chart(
            heatmap(cov["region_link"], "link", "region", "环节", "地区", "cell_rl"), width="content",
            on_select="rerun", key="hm_region_link",
        )  # fmt: skip
    drill_from(ev, "region_link", "link", "region", DRILL)
with t2:
    st.caption("点击格子查看该行业的材料；悬停可看完整的场景名称。")
    with st.container(key="hm_box_is"):
        ev = st.altair_chart(
            heatmap(cov["industry_scenario"], "scenario", "industry", "典型场景", "行业", "cell_is"),
            width="content", on_select="rerun", key="hm_industry_scenario",
        )  # fmt: skip
    drill_from(ev, "industry_scenario", "scenario", "industry", DRILL)
with t3:
    df = pd.DataFrame(cov["year_kind"])
    st.altair_chart(
        alt.Chart(df).mark_bar().encode(
            x=alt.X("year:N", title="年度"), y=alt.Y("count:Q", title="数量"), color=alt.Color("kind:N", title="类型"),
            xOffset="kind:N", tooltip=["year", "kind", "count"],
        ),
        width="stretch",
    )  # fmt: skip
with t4:
    g1, g2 = st.columns(2)
    g1.markdown(f"**没有申报的典型场景（{len(cov['gaps']['scenarios'])} 个）**")
    g1.dataframe(
        pd.DataFrame(cov["gaps"]["scenarios"]).rename(
            columns={"code": "编码", "link": "环节", "scenario": "典型场景"}
        ),
        hide_index=True,
        width="stretch",
    )
    g2.markdown(f"**没有申报的行业（{len(cov['gaps']['industries'])} 个）**")
    g2.dataframe(
        pd.DataFrame(cov["gaps"]["industries"]).rename(columns={"code": "代码", "name": "行业"}),
        hide_index=True,
        width="stretch",
    )
with t5:
    st.caption(
        "依据通知：每个省（自治区、直辖市）推荐不超过 20 个场景、10 个工厂；计划单列市和新疆生产建设兵团 10 / 5；每家中央企业 6 / 3。"
    )
    q = pd.DataFrame(cov["quotas"])
    if not q.empty:
        q["状态"] = q["over"].map({True: "⚠️ 超额", False: "✅"})
        q = q.drop(columns="over").rename(
            columns={"recommender": "推荐单位", "region_type": "类型", "year": "年度", "scenarios": "场景数",
                     "scenario_limit": "场景上限", "factories": "工厂数", "factory_limit": "工厂上限"}
        )  # fmt: skip
        st.dataframe(q, hide_index=True, width="stretch")

st.subheader("下钻到材料")
items = pd.DataFrame(cov["items"])
choices = {}
for (col, key), label, box in zip(
    DRILL.items(), ("地区", "环节", "行业", "典型场景"), st.columns(4), strict=True
):
    options = ["全部"] + sorted(str(v) for v in items[col].unique() if v)
    bind_param(key, col, lambda v, o=options: v if v in o else "全部", default="全部")
    if st.session_state.get(key) not in options:
        st.session_state[key] = "全部"
    choices[col] = box.selectbox(label, options, key=key)
    write_param(key, col, None if choices[col] == "全部" else choices[col])
sel = items
for col, val in choices.items():
    if val != "全部":
        sel = sel[sel[col] == val]
st.dataframe(
    sel[["id", "title", "kind", "region", "industry", "year", "link", "scenario", "source"]].rename(
        columns={"id": "编号", "title": "标题", "kind": "类型", "region": "地区", "industry": "行业", "year": "年度",
                 "link": "环节", "scenario": "典型场景", "source": "归属依据"}
    ),
    hide_index=True, width="stretch",
)  # fmt: skip
if not sel.empty:
    ids = sorted(set(sel["id"].tolist()))
    sid = st.selectbox(
        "查看正文",
        ids,
        format_func=lambda i: f"#{i} {items.loc[items['id'] == i, 'title'].iloc[0]}",
        key="dd_sid",
    )
    if sess.can("review"):
        st.page_link(page_path("detail"), label=f"打开 #{sid} 的申报详情", query_params={"id": str(sid)},
                     icon=":material/description:")  # fmt: skip
    with st.expander("正文", expanded=False):
        st.text(kb.store.get(int(sid)).text)
