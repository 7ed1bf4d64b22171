"""查重 (``/dupes?pair=A-B&match=K``): duplicate families, and a pair side by side (全文对照) with the shared
passages coloured by match level, boilerplate marked apart, and navigation between matches on both sides."""

import pandas as pd
import streamlit as st

from app_pages.labels import LEVELS, local_time, source_label
from app_pages.render import CSS, MATCH_COLOURS, PAIR_CSS, legend, pair_script, shared_text
from app_pages.resources import bind_param, get_kb, md, open_detail, require, show_error, write_param


def parse_pair(raw: str) -> tuple[int, int]:
    a, b = (int(x) for x in str(raw).split("-"))
    return a, b


sess = require("review", "dupes")
kb = get_kb()
st.title("查重")

res = kb.similarity.duplicate_families()
if res["error"]:
    st.info(res["error"])
fams = res["families"]
st.caption(
    "相似度 = 两份材料中共享段落（连续 13 字以上相同）的字数之和 ÷ 两份材料的字数之和，"
    "不计从指南、通知中照抄的套话段落。阈值只用于提示复核，不直接否决。"
)
stats = res.get("stats") or {}
if stats.get("computed_at"):
    st.caption(
        f"查重结果计算于 {local_time(stats['computed_at'])}（北京时间），共 {stats.get('texts', 0)} 份材料、"
        f"{stats.get('candidates', 0)} 对候选"
        + (
            f"（新比对 {stats['pairs_computed']} 对，复用此前结果 {stats['pairs_reused']} 对）"
            if "pairs_computed" in stats
            else ""
        )
        + "；材料或设置变化后自动重新计算，未变的材料对沿用此前的比对结果。"
    )

try:
    pair = (
        parse_pair(st.query_params["pair"]) if st.query_params.get("pair") else st.session_state.get("pair")
    )
except ValueError:
    st.warning("链接中的材料对无效：应为 pair=编号-编号。")
    pair = None
if fams:
    # families are shown by number (their stored key is a digest, meaningless to a reader)
    names = {str(f["key"]): f"家族 {n}（#{'、#'.join(str(m['id']) for m in f['members'][:3])}"
             + ("等" if len(f["members"]) > 3 else "") + "）" for n, f in enumerate(fams, 1)}  # fmt: skip
    df = pd.DataFrame(
        [
            {
                "家族": f"家族 {n}",
                "成员数": len(f["members"]),
                "级别": LEVELS.get(f.get("level"), f.get("level")),
                "最高相似度": f.get("max_similarity"),
                "成员": "、".join(f"#{m['id']} {m.get('title', '')}" for m in f["members"]),
                "已复核": f"✅ {f['reviewed']['reviewer']}" if f.get("reviewed") else "",
            }
            for n, f in enumerate(fams, 1)
        ]
    )
    st.subheader(f"重复家族（{len(fams)} 个）")
    st.dataframe(
        df, hide_index=True, width="stretch",
        column_config={"最高相似度": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="percent")},
    )  # fmt: skip
    keys = [str(f["key"]) for f in fams]
    c1, c2 = st.columns([2, 3])
    key = c1.selectbox("查看家族", keys, key="family", format_func=names.get)
    fam = fams[keys.index(key)]
    ids = {int(m["id"]) for m in fam["members"]}
    fam_pairs = [p for p in res["pairs"] if int(p["a"]) in ids and int(p["b"]) in ids] or fam.get("pairs", [])
    with c2, st.form("review_family"):
        note = st.text_input("复核意见", value=(fam.get("reviewed") or {}).get("note", ""))
        if st.form_submit_button("标记该家族已复核"):
            kb.similarity.review_family(key, sess.username, note)
            st.toast(f"{md(names[key])} 已标记为已复核")
            st.rerun()
    if fam_pairs:
        plabels = {
            (
                int(p["a"]),
                int(p["b"]),
            ): f"#{p['a']} ↔ #{p['b']}（{(p.get('similarity') or 0):.0%}，{LEVELS.get(p.get('level'), '')}）"
            for p in fam_pairs
        }
        chosen = st.selectbox("对照查看的两份材料", list(plabels), format_func=plabels.get, key=f"pair_{key}")
        if st.button("并排对照", key="open_pair", type="primary"):
            st.session_state["pair"] = chosen
            st.session_state["match_no"] = 1
            st.query_params["match"] = "1"
            pair = chosen
elif not res["error"]:
    st.success("没有发现重复或高度相似的申报材料。")

if pair:
    st.divider()
    try:
        pv = kb.similarity.pair_view(*pair)
    except Exception as exc:
        show_error(exc)
        st.stop()
    a, b, matches = pv["a"], pv["b"], pv["matches"]
    m = st.columns([1, 1, 1.5, 1])  # a four-character level (轻微改动) must fit at 1024 px
    m[0].metric("相似度", f"{(pv['similarity'] or 0):.1%}")
    m[1].metric("去套话后", f"{(pv['similarity_excl_boilerplate'] or 0):.1%}")
    m[2].metric("匹配级别", LEVELS.get(pv["level"], pv["level"] or "—"))
    m[3].metric("共享段落", len(matches))
    st.session_state["pair"] = (int(a["id"]), int(b["id"]))
    st.query_params["pair"] = f"{a['id']}-{b['id']}"
    active = None
    if matches:
        bind_param("match_no", "match", int, default=1)
        st.session_state["match_no"] = min(max(1, int(st.session_state["match_no"])), len(matches))

        def step(d: int) -> None:
            st.session_state["match_no"] = (int(st.session_state["match_no"]) - 1 + d) % len(matches) + 1

        def match_label(n: int) -> str:
            mm = matches[n - 1]
            lv = "boilerplate" if mm["boilerplate"] else mm["level"]
            return f"第 {n} 处 · {MATCH_COLOURS.get(lv, ('', lv))[1]} · {len(mm['text_a'])} 字"

        nav = st.columns([2, 2, 3, 3])
        nav[0].button("◀ 上一处", key="prev_match", on_click=step, args=(-1,))
        nav[1].button("下一处 ▶", key="next_match", on_click=step, args=(1,))
        nav[2].selectbox("跳到", list(range(1, len(matches) + 1)), key="match_no", format_func=match_label,
                         label_visibility="collapsed")  # fmt: skip
        cur = int(st.session_state["match_no"])
        write_param("match_no", "match", cur)
        active = cur
        mm = matches[cur - 1]
        nav[3].markdown(
            f"第 **{cur}** / {len(matches)} 处共享段落"
            + ("（套话/模板，不计入相似度）" if mm["boilerplate"] else "")
        )
    st.html(
        CSS + PAIR_CSS + legend([MATCH_COLOURS[k] for k in ("identical", "minor_edits", "paraphrase", "boilerplate")]
                                + [("#fff", "点击任一标记，两侧同时跳到该处")])
    )  # fmt: skip
    st.html(pair_script(active), unsafe_allow_javascript=True)
    left, right = st.columns(2)
    for col, side, s in ((left, "a", a), (right, "b", b)):
        with col:
            st.markdown(f"**#{s['id']} {md(s['title'])}**")
            st.caption(md(source_label(s["source"])))
            if st.button("打开详情", key=f"detail_{side}"):
                open_detail(s["id"])
            marks = [{"span": x[side], "n": x["n"], "boilerplate": x["boilerplate"], "level": x["level"]}
                     for x in matches]  # fmt: skip
            with st.container(height=640):
                st.html(CSS + PAIR_CSS + shared_text(s["text"], marks, side, active))
