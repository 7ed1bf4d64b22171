"""Overview: the reference scenarios of the active edition and the ingested submissions."""

import pandas as pd
import streamlit as st

from app_pages.resources import edition_banner, get_kb

kb = get_kb()
st.title("智能制造场景知识库")
edition_banner()

guide = kb.active_edition("guide")
st.subheader(f"典型场景（{len(guide.entries)} 个）")
st.dataframe(
    pd.DataFrame([{"编码": e.code, "环节": e.link, "典型场景": e.name, "状态": e.status} for e in guide.entries]),
    hide_index=True,
    width="stretch",
)

subs = kb.list_submissions()
st.subheader(f"已入库申报材料（{len(subs)} 份）")
if subs:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "编号": s.id,
                    "标题": s.meta.title,
                    "类型": "示范工厂" if s.meta.kind == "factory" else "优秀场景",
                    "地区": s.meta.region,
                    "行业": s.meta.industry,
                    "年度": s.meta.year,
                    "来源文件": s.source,
                }
                for s in subs
            ]
        ),
        hide_index=True,
        width="stretch",
    )
else:
    st.info("知识库中还没有申报材料：运行 `scenario-kb demo` 载入演示数据，或 `scenario-kb ingest 文件夹`。")
