"""管理: upload a batch, import the official reference text, rebuild indexes, manage users."""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages.labels import encoder_label, local_time
from app_pages.resources import get_kb, md, require, show_error, upload_help
from kb.auth import ROLE_LABELS
from kb.models import ROLES
from kb.upload_names import unique_upload_path

sess = require("admin", "admin")
kb = get_kb()
st.title("管理")
t_batch, t_ref, t_index, t_users = st.tabs(["导入申报材料", "导入官方参考文本", "索引", "用户"])

with t_batch:
    st.caption(
        "支持 .docx .pdf .txt .md，以及一行一份材料的 .csv/.xlsx 汇总表。相同内容不会重复导入；有问题的文件会跳过并列出原因。"
    )
    files = st.file_uploader(
        "选择文件",
        type=["docx", "pdf", "txt", "md", "csv", "xlsx"],
        accept_multiple_files=True,
        key="batch_files",
        help=upload_help(),
    )
    year = st.number_input("缺省年度（材料未写年度时使用）", 2015, 2100, value=2021)
    if st.button("导入", type="primary", disabled=not files, key="batch_go"):
        bar = st.progress(0.0, text="正在导入……")
        with tempfile.TemporaryDirectory(prefix="kb-upload-") as tmp:
            for f in files:
                unique_upload_path(Path(tmp), f.name).write_bytes(f.getvalue())  # same names kept apart
            try:
                rep = kb.store.ingest(
                    [tmp], defaults={"year": int(year)},
                    progress=lambda done, total, path: bar.progress(done / max(total, 1), text=f"{done}/{total} {Path(path).name}"),
                )  # fmt: skip
            except Exception as exc:
                show_error(exc)
                st.stop()
        d = rep.to_dict()
        bar.progress(1.0, text="完成")
        st.success(f"新增 {d['added']} 份，重复 {d['duplicates']} 份，跳过 {d['skipped']} 份。")
        st.dataframe(
            pd.DataFrame(d["outcomes"]).rename(
                columns={"path": "文件", "status": "结果", "reason": "说明", "submission_id": "编号", "title": "标题"}
            ),
            hide_index=True, width="stretch",
        )  # fmt: skip

with t_ref:
    c1, c2 = st.columns(2)
    lk = c1.selectbox(
        "清单", ["guide", "tasks"], format_func={"guide": "典型场景参考指引", "tasks": "示范工厂揭榜任务"}.get
    )
    edition = c2.text_input("版本（年份）", value="2021")
    off = st.file_uploader(
        "官方附件（.docx / .pdf / .txt）",
        type=["docx", "pdf", "txt", "md"],
        key="ref_file",
        help=upload_help(),
    )
    if off is not None:
        with tempfile.TemporaryDirectory(prefix="kb-ref-") as tmp:
            path = unique_upload_path(Path(tmp), off.name)
            path.write_bytes(off.getvalue())
            try:
                entries, diff = kb.reference.preview_reference_import(path, lk, edition)
                st.markdown(f"识别出 **{len(entries)}** 条。与当前版本相比：")
                st.text(diff.summary())
                if st.button("确认导入并启用", type="primary", key="ref_go"):
                    ed = kb.reference.import_reference(path, lk, edition)
                    st.success("已导入并启用：" + ed.banner)
            except Exception as exc:
                show_error(exc)

with t_index:
    st.caption("导入大量材料或更换编码器后重建相似度索引；校验会检查索引与数据库是否一致。")
    try:
        stale = kb.similarity.index_stale()
        st.metric(
            "索引状态", "需要重建" if stale else "与数据库一致", help="比较索引中的材料与数据库中的材料"
        )
    except Exception as exc:
        show_error(exc)
    c1, c2 = st.columns(2)
    if c1.button("重建索引", key="idx_rebuild"):
        bar = st.progress(0.0, text="正在重建……")
        try:
            out = kb.similarity.index_rebuild(
                progress=lambda done, total: bar.progress(
                    min(done / max(total, 1), 1.0), text=f"{done}/{total}"
                )
            )
            bar.progress(1.0, text="完成")
            st.success(
                f"索引已重建：共 {out.get('count', 0)} 份材料，编码器：{encoder_label(out.get('encoder', ''))}。"
            )
        except Exception as exc:
            show_error(exc)
    if c2.button("校验索引", key="idx_verify"):
        try:
            rep = kb.similarity.index_verify()
            (st.success if rep.get("ok") else st.warning)(
                f"数据库 {rep.get('db_count', 0)} 份，索引 {rep.get('index_count', 0)} 份；"
                f"索引缺少 {len(rep.get('missing', []))} 份，多出 {len(rep.get('extra', []))} 份。"
                + ("" if rep.get("ok") else "请重建索引。")
            )
        except Exception as exc:
            show_error(exc)

with t_users:
    users = kb.accounts.users()
    done = st.session_state.pop("users_done", None)
    if done:
        st.success(done, icon=":material/check:")
    st.dataframe(
        pd.DataFrame(
            [{"用户名": u["username"], "角色": ROLE_LABELS.get(u["role"], u["role"]), "启用": "是" if u.get("active") else "否",
              "创建时间（北京时间）": local_time(u.get("created_at", ""))} for u in users]
        ),
        hide_index=True, width="stretch",
    )  # fmt: skip
    st.caption("修改角色、重置密码或删除用户后，该用户已登录的会话立即失效，需要重新登录。")
    with st.form("add_user", clear_on_submit=True):
        st.markdown("**添加用户或重置密码**")
        c1, c2, c3 = st.columns(3)
        name = c1.text_input("用户名")
        pw = c2.text_input("密码", type="password")
        role = c3.selectbox("角色", list(ROLES), format_func=ROLE_LABELS.get)
        if st.form_submit_button("添加或重置用户"):
            try:
                existed = any(u["username"] == name.strip() for u in users)
                kb.accounts.add_user(name, pw, role)
                st.session_state["users_done"] = (
                    f"已{'重置' if existed else '添加'}用户 {md(name.strip())}（{ROLE_LABELS.get(role, role)}）。"
                )
                st.rerun()
            except Exception as exc:
                show_error(exc)
    # the administrator's own account is not offered: an admin cannot lock themselves out
    others = {u["username"]: u["role"] for u in users if u["username"] != sess.username}
    if others:
        with st.container(border=True):
            st.markdown("**修改角色**")
            c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
            who = c1.selectbox("用户", list(others), key="role_user")
            new_role = c2.selectbox(
                "新角色", list(ROLES), index=list(ROLES).index(others[who]) if others[who] in ROLES else 0,
                format_func=ROLE_LABELS.get, key=f"role_new_{who}",
            )  # fmt: skip
            if c3.button("修改角色", key="role_go", disabled=new_role == others[who]):
                try:
                    kb.accounts.set_role(who, new_role)
                    st.session_state["users_done"] = (
                        f"已将 {md(who)} 的角色改为{ROLE_LABELS.get(new_role, new_role)}；该用户需重新登录。"
                    )
                    st.rerun()
                except Exception as exc:
                    show_error(exc)
        with st.container(border=True):
            st.markdown("**删除用户**")
            c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
            victim = c1.selectbox("要删除的用户", list(others), key="del_user")
            sure = st.checkbox(
                f"确认删除 {md(victim)}：其登录立即失效，此操作不能撤销", key=f"del_sure_{victim}"
            )
            if c2.button("删除", key="del_user_go", disabled=not sure):
                try:
                    kb.accounts.remove_user(victim)
                    st.session_state["users_done"] = f"已删除用户 {md(victim)}，其登录已失效。"
                    st.rerun()
                except Exception as exc:
                    show_error(exc)
