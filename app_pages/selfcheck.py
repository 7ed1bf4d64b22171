"""申报自检: an applicant checks a draft privately — nothing is stored, no other submission is shown."""

import time

import pandas as pd
import streamlit as st

from app_pages.labels import CODE_TITLES, checklist, code_label, local_time
from app_pages.render import CSS, SEVERITY_ICONS, SEVERITY_LABELS, highlighted_text, legend, selfcheck_html
from app_pages.resources import SELFCHECK_NEEDS, get_kb, md, show_error, upload_help, warm_state

kb = get_kb()
st.title("申报自检")
st.caption(
    "粘贴或上传申报材料草稿，查看与《智能制造典型场景参考指引》的匹配度、字数与结构检查、缺失要素和相似的公开参考案例。"
    "草稿只在本次浏览中处理，不会保存，也不会与其他企业的申报材料比对展示。"
)

with st.form("selfcheck"):
    c1, c2 = st.columns([1, 2])
    kind = c1.radio("申报类型", ["优秀场景", "示范工厂"], horizontal=True)
    guide = kb.reference.active_edition("guide").entries
    names = {e.code: f"{e.code} {e.name}（{e.link}）" for e in guide}
    claimed = c2.selectbox(
        "拟申报的典型场景（可选）", [""] + list(names), format_func=lambda c: names.get(c, "不指定")
    )
    text = st.text_area("粘贴正文", height=240, placeholder="在此粘贴申报材料正文……")
    upload = st.file_uploader(
        "或上传文件（.docx / .txt / .pdf）", type=["docx", "txt", "md", "pdf"], help=upload_help()
    )
    go = st.form_submit_button("开始自检", type="primary")


def wait_until_warm() -> None:
    """A self-check asked for while the server is still loading its models: say what is left, answer once warm."""
    warm = warm_state(kb)
    if not warm.left(SELFCHECK_NEEDS):
        return
    box = st.empty()
    while left := warm.left(SELFCHECK_NEEDS):
        box.info(
            f"正在加载模型…（服务刚启动，还需加载：{'、'.join(left)}；加载完成后立即开始检查，请勿关闭页面）",
            icon=":material/hourglass_top:",
        )
        warm.wait(SELFCHECK_NEEDS, 0.5)
    box.empty()


if go:
    try:
        payload, name = (upload.getvalue(), upload.name) if upload is not None else (text, None)
        wait_until_warm()
        with st.spinner("正在检查……"):
            st.session_state["selfcheck_result"] = dict(
                kb.analysis.self_check(
                    payload, name, "factory" if kind == "示范工厂" else "scenario", claimed or None
                ),
                checked_at=local_time(time.time()),
            )
    except Exception as exc:
        st.session_state.pop("selfcheck_result", None)
        show_error(exc)

res = st.session_state.get("selfcheck_result")
if not res:
    st.stop()

st.divider()
m = st.columns(4)
m[0].metric("字数", res["zishu"], help="按字处理软件的规则：每个汉字、全角标点计 1，每个英文单词或数字计 1")
m[1].metric("必须修改", len(res["errors"]))
m[2].metric("建议修改", len(res["warnings"]))
m[3].metric(
    "薄弱分",
    f"{res['weakness']:.0f}" if res["weakness"] is not None else "—",
    help="0 为最好；各项问题的分值之和",
)
if res["off_topic"]:
    st.warning("正文与智能制造典型场景的关联度低：请对照参考指引说明场景内容。")

items = checklist(res["errors"] + res["warnings"], res["off_topic"])
with st.container(border=True):
    st.markdown(f"**自检清单**：{sum(r['ok'] for r in items)} / {len(items)} 项通过")
    for r in items:
        if r["ok"]:
            st.markdown(f":green[:material/check_circle:] {r['item']}")
        else:
            st.markdown(f":red[:material/cancel:] **{r['item']}** — {r['todo']}")
            for f in r["findings"]:
                st.caption(md(f"{code_label(f.get('code', ''))}：{f.get('message', '')}"))
    st.download_button(
        "下载自检结果（可打印）", data=selfcheck_html(res, items, CODE_TITLES, res.get("checked_at", "")), file_name="自检结果.html",
        mime="text/html", key="selfcheck_print", icon=":material/print:",
        help="在浏览器中打开后可直接打印或另存为 PDF；结果不会保存在系统中",
    )  # fmt: skip

t_fix, t_fit, t_text, t_ref = st.tabs(["检查与修改建议", "场景匹配", "正文标注", "参考案例"])
with t_fix:
    if res["missing"]:
        st.error("缺少的部分：" + md("、".join(res["missing"])))
    for sev, items in (("error", res["errors"]), ("warning", res["warnings"]), ("info", res["infos"])):
        for f in items:
            icon = SEVERITY_ICONS[sev]
            with st.container(border=True):
                st.markdown(f"{icon} **{SEVERITY_LABELS[sev]}** · {code_label(f['code'])}")
                st.text(f["message"])
    if not (res["errors"] or res["warnings"]):
        st.success("没有发现需要修改的问题。")
with t_fit:
    if not res["fit"]:
        st.info("没有匹配到参考指引中的典型场景。")
    for s in res["fit"][:5]:
        with st.expander(
            f"{s.get('code')} {s.get('name')}（{s.get('link')}）— 匹配度 {s.get('score', 0):.2f}",
            expanded=False,
        ):
            for ev in s.get("evidence", [])[:4]:
                sp = ev.get("span") or [0, 0]
                st.text("“" + (ev.get("text") or res["text"][sp[0] : sp[1]]) + "”")
                if ev.get("keywords"):
                    st.caption("关键词：" + "、".join(ev["keywords"]))
    if res["tasks"]:
        st.markdown("**揭榜任务匹配**")
        st.dataframe(
            pd.DataFrame([{"编码": t.get("code"), "任务": t.get("name"), "得分": t.get("score")} for t in res["tasks"][:5]]),
            hide_index=True, width="stretch",
        )  # fmt: skip
with t_text:
    st.html(CSS + legend([("#ffd5d5", "必须修改"), ("#fff0b3", "建议修改"), ("#e3efff", "提示")]))
    st.html(highlighted_text(res["text"], res["marks"]))
with t_ref:
    st.caption("仅展示公开的参考指引条目和参考案例，不含任何企业的申报材料。")
    if not res["reference"]:
        st.info("暂无相似的参考材料。")
    for r in res["reference"]:
        with st.container(border=True):
            st.markdown("**" + md(f"{r.get('code', '')} {r.get('name') or r.get('title', '')}") + "**")
            body = r.get("text") or r.get("scope") or ""
            if body:
                st.text(body[:400])
if st.button("清除本次结果"):
    st.session_state.pop("selfcheck_result", None)
    st.rerun()
