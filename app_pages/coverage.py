"""覆盖分析: heatmaps region × 环节 and industry × scenario, counts by year, gaps, quotas, drill-down, Excel."""

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.resources import get_kb, require

require("analytics")
kb = get_kb()
st.title("覆盖分析")

opts = kb.reviews.inbox_options()
c1, c2, c3 = st.columns([2, 1, 1])
years = c1.multiselect("年度", opts["year"], placeholder="全部年度", key="cov_year")
kind = c2.selectbox("类型", ["全部", "优秀场景", "示范工厂"], key="cov_kind")
filters = {"year": years, "kind": {"优秀场景": "scenario", "示范工厂": "factory"}.get(kind)}
cov = kb.coverage.summary(filters)
c3.download_button(
    "下载 Excel",
    data=kb.coverage.excel(filters),
    file_name="覆盖分析.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    type="primary",
    key="cov_excel",
)
if not cov["items"]:
    st.info("知识库中还没有申报材料。")
    st.stop()
st.caption(
    f"共 {cov['submissions']} 份申报材料。场景归属：人工确认的标签优先，其次为模型预测，再次为申报填写的场景。"
)


def heatmap(rows: list[dict], x: str, y: str, xt: str, yt: str) -> alt.Chart:
    df = pd.DataFrame(rows)
    return (
        alt.Chart(df)
        .mark_rect()
        .encode(
            x=alt.X(f"{x}:N", title=xt, axis=alt.Axis(labelAngle=-45, labelLimit=160)),
            y=alt.Y(f"{y}:N", title=yt, axis=alt.Axis(labelLimit=200)),
            color=alt.Color("count:Q", title="数量", scale=alt.Scale(scheme="blues")),
            tooltip=[
                alt.Tooltip(f"{y}:N", title=yt),
                alt.Tooltip(f"{x}:N", title=xt),
                alt.Tooltip("count:Q", title="数量"),
            ],
        )
        .properties(height=max(240, 22 * df[y].nunique()))
    )


t1, t2, t3, t4, t5 = st.tabs(["地区 × 环节", "行业 × 场景", "年度", "空白", "推荐配额"])
with t1:
    st.altair_chart(heatmap(cov["region_link"], "link", "region", "环节", "地区"), width="stretch")
with t2:
    st.altair_chart(
        heatmap(cov["industry_scenario"], "scenario", "industry", "典型场景", "行业"), width="stretch"
    )
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
d1, d2, d3 = st.columns(3)
region = d1.selectbox("地区", ["全部"] + sorted(items["region"].unique()), key="dd_region")
link = d2.selectbox("环节", ["全部"] + sorted(items["link"].unique()), key="dd_link")
industry = d3.selectbox("行业", ["全部"] + sorted(items["industry"].unique()), key="dd_industry")
sel = items
for col, val in (("region", region), ("link", link), ("industry", industry)):
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
    with st.expander("正文", expanded=False):
        st.text(kb.store.get(int(sid)).text)
