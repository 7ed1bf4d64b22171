"""The Streamlit workbench run headlessly with AppTest against a small real knowledge base.

Every page renders without exception for the roles that may open it, the main widgets act (login, filters,
sorting, status save, bulk status, self-check by paste and by upload, duplicate pair navigation, user admin),
and the access rules hold. Also unit tests of the UI aggregations in ``kb.service.summaries``.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from sample_texts import BASE, FACTORY, XSS

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app_streamlit.py")
PW = "secret-pw"

META = """文件,标题,申报单位,地区,行业,类型,年度,推荐单位
a.txt,齿轮质量追溯,江南精工有限公司,浙江省,汽车制造业,优秀场景,2021,浙江省
b.txt,齿轮批次追溯,北方齿轮有限公司,江苏省,汽车制造业,优秀场景,2022,江苏省
c.txt,石化智能工厂,东海石化有限公司,山东省,化学原料和化学制品制造业,示范工厂,2021,山东省
x.txt,=HYPERLINK("http://evil"),某某设备有限公司,宁波市,通用设备制造业,优秀场景,2021,宁波市
"""


@pytest.fixture(scope="module")
def app_kb(tmp_path_factory: pytest.TempPathFactory):
    """A small knowledge base (two near-duplicates, a factory, a text with <script>) that the app opens."""
    from app_pages.resources import get_kb

    d = tmp_path_factory.mktemp("app")
    src = d / "in"
    src.mkdir()
    (src / "a.txt").write_text(BASE.format(co="江南精工有限公司"), encoding="utf-8")
    (src / "b.txt").write_text(
        BASE.format(co="北方齿轮有限公司").replace("两天", "两个工作日"), encoding="utf-8"
    )
    (src / "c.txt").write_text(FACTORY.format(co="东海石化有限公司"), encoding="utf-8")
    (src / "x.txt").write_text(XSS, encoding="utf-8")
    (src / "_metadata.csv").write_text(META, encoding="utf-8")
    old = os.environ.get("SCENARIO_KB_DB")
    os.environ["SCENARIO_KB_DB"] = str(d / "kb.sqlite")
    get_kb.clear()
    kb = get_kb()
    kb.init()
    kb.store.ingest([src])
    for role in ("reviewer", "analyst", "admin"):
        kb.accounts.add_user(role, PW, role)
    yield kb
    get_kb.clear()
    if old is None:
        os.environ.pop("SCENARIO_KB_DB", None)
    else:
        os.environ["SCENARIO_KB_DB"] = old


def ids_by_source(kb) -> dict[str, int]:
    return {s.source: s.id for s in kb.store.list_submissions()}


def app(kb, role: str | None = None):
    """A fresh browser session, logged in as ``role`` (through the real password check) when given."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    if role:
        at.session_state["kb_session"] = kb.accounts.login(role, PW)
    at.run()
    assert not at.exception
    return at


def goto(at, page: str):
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    return at


def page_html(at) -> str:
    """The HTML the page shows (st.html), less the constant script that translates Streamlit's own strings in
    every page (app_pages/streamlit_zh.py): what a submission text could inject."""
    from app_pages import streamlit_zh

    ours = f"<script>{streamlit_zh.script()}</script>"
    return "\n".join(h.value for h in at.get("html") if h.value != ours)


def texts(at) -> str:
    """All visible text of markdown, captions, alerts, metrics and st.text elements."""
    out = []
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "text", "subheader", "title"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- access
def test_anonymous_user_gets_only_selfcheck_and_login(app_kb):
    at = app(app_kb)
    assert at.title[0].value == "申报自检"
    assert not at.dataframe  # no submission table anywhere on the open page
    for page in ("inbox", "detail", "dupes", "coverage", "reference", "admin"):
        goto(at, page)  # the link resolves, but only to the login page: no submission data shown
        assert at.title[0].value == "登录", page
        assert at.query_params["next"] == [page] or at.query_params["next"] == page
        assert not at.dataframe and "齿轮" not in texts(at)


def test_link_while_logged_out_goes_through_login_and_back(app_kb):
    sid = ids_by_source(app_kb)["b.txt"]
    at = app(app_kb)
    at.switch_page("app_pages/detail.py")
    at.query_params["id"] = str(sid)
    at.run()
    assert at.title[0].value == "登录" and "登录后将打开" in texts(at)
    assert at.query_params["next"] in ("detail", ["detail"]) and at.query_params["id"] in (
        str(sid),
        [str(sid)],
    )
    at.switch_page("app_pages/login.py")  # where the browser now is (AppTest reruns the page it last opened)
    at.run()
    at.text_input[0].input("reviewer")
    at.text_input[1].input(PW)
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "申报详情"
    assert int(at.number_input(key="detail_sid").value) == sid
    assert "齿轮批次追溯" in texts(at)


def test_login_form_rejects_a_wrong_password_and_accepts_the_right_one(app_kb):
    at = goto(app(app_kb), "login")
    at.text_input[0].input("reviewer")
    at.text_input[1].input("wrong")
    at.button[0].click()
    at.run()
    assert "用户名或密码不正确" in texts(at)
    assert "kb_session" not in at.session_state
    at.text_input[1].input(PW)
    at.button[0].click()
    at.run()
    assert at.session_state["kb_session"].role == "reviewer"
    assert at.title[0].value == "评审工作台"


def test_roles_see_their_pages_only(app_kb):
    analyst = app(app_kb, "analyst")
    assert analyst.title[0].value == "覆盖分析"
    with pytest.raises(ValueError):
        analyst.switch_page("app_pages/inbox.py")
    with pytest.raises(ValueError):
        analyst.switch_page("app_pages/admin.py")
    goto(analyst, "reference")
    reviewer = app(app_kb, "reviewer")
    with pytest.raises(ValueError):
        reviewer.switch_page("app_pages/admin.py")
    admin = app(app_kb, "admin")
    for page in ("inbox", "detail", "dupes", "coverage", "reference", "admin", "selfcheck"):
        goto(admin, page)


def test_expired_session_is_dropped(app_kb):
    from kb.auth import Session

    at = app(app_kb)
    at.session_state["kb_session"] = Session("reviewer", "reviewer", 0.0)
    at.run()
    assert "kb_session" not in at.session_state
    goto(at, "inbox")
    assert at.title[0].value == "登录" and not at.data_editor


def test_revoked_token_ends_the_session(app_kb):
    """A logout elsewhere (another tab, the same token) ends this browser session at its next action."""
    from app_pages.resources import TOKEN_KEY

    sess = app_kb.accounts.login("reviewer", PW)
    token = app_kb.accounts.issue_token(sess)
    at = app(app_kb)
    at.session_state["kb_session"] = sess
    at.session_state[TOKEN_KEY] = token
    goto(at, "inbox")
    assert at.title[0].value == "评审工作台"
    app_kb.accounts.revoke_token(token)
    at.run()
    assert "kb_session" not in at.session_state and at.title[0].value == "登录" and not at.data_editor


# ---------------------------------------------------------------------------------------------- inbox
def test_inbox_lists_filters_and_sorts(app_kb):
    at = app(app_kb, "reviewer")
    df = at.data_editor[0].value
    assert len(df) == app_kb.store.count() == 4
    assert f"共 **{app_kb.store.count()}** 份" in texts(at)
    at.selectbox(key="f_kind").set_value("示范工厂")
    at.run()
    assert at.data_editor[0].value["类型"].tolist() == ["示范工厂"]
    at.selectbox(key="f_kind").set_value("全部")
    at.selectbox(key="sort").set_value("字数")
    at.toggle(key="desc").set_value(True)
    at.run()
    zishu = at.data_editor[0].value["字数"].tolist()
    assert zishu == sorted(zishu, reverse=True) and len(zishu) == 4


def test_inbox_pages_through_rows(app_kb):
    res = app_kb.reviews.inbox(page_size=3, page=2)
    assert res["pages"] == 2 and len(res["rows"]) == 1
    assert app_kb.reviews.inbox(page_size=3, page=99)["page"] == 2  # clamped
    sorted_rows = app_kb.reviews.inbox(sort="weakness", descending=True, page_size=2)
    assert sorted_rows["total"] == 4 and len(sorted_rows["rows"]) == 2


def test_inbox_saves_a_status_edit_and_a_bulk_status(app_kb):
    at = app(app_kb, "reviewer")
    editor = at.data_editor[0]
    first, second = (int(x) for x in editor.value["编号"].tolist()[:2])
    at.session_state[editor.key] = {
        "edited_rows": {0: {"状态": "存疑", "备注": "数据前后不一致"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="save_edits").click()
    at.run()
    assert not at.exception
    dec = app_kb.storage.latest_decisions()[first]
    assert (dec["status"], dec["note"], dec["reviewer"]) == ("存疑", "数据前后不一致", "reviewer")

    editor = at.data_editor[0]
    at.session_state[editor.key] = {
        "edited_rows": {0: {"选择": True}, 1: {"选择": True}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.selectbox(key="bulk_status").set_value("退回")
    at.button(key="bulk_apply").click()
    at.run()
    latest = app_kb.storage.latest_decisions()
    assert latest[first]["status"] == latest[second]["status"] == "退回"
    at.multiselect(key="f_status").set_value(["退回"])
    at.run()
    assert sorted(at.data_editor[0].value["编号"].tolist()) == sorted([first, second])


def test_inbox_opens_the_detail_page(app_kb):
    at = app(app_kb, "reviewer")
    df = at.data_editor[0].value
    sid = int(df["编号"].tolist()[-1])
    assert df["详情"].tolist()[-1] == f"detail?id={sid}"  # each row links to its detail page
    at.selectbox(key="open_sid").set_value(sid)
    at.button(key="open_detail").click()
    at.run()
    assert at.title[0].value == "申报详情"
    assert at.session_state["detail_sid"] == sid and at.query_params["id"] in (str(sid), [str(sid)])


def test_detail_link_opens_the_submission_with_the_verdict_first(app_kb):
    ids = ids_by_source(app_kb)
    at = app(app_kb, "reviewer")
    at.switch_page("app_pages/detail.py")
    at.query_params["id"] = str(ids["a.txt"])
    at.run()
    assert not at.exception, at.exception
    assert int(at.number_input(key="detail_sid").value) == ids["a.txt"]
    shown = texts(at)
    assert "评审结论要点" in shown and "最高相似度" in shown
    # the classification with its confidence (under the scenario code, so that the code fits at 1024 px)
    [scenario] = [m for m in at.metric if m.label == "预测场景"]
    assert scenario.value and str(scenario.delta).startswith("置信度 ")
    # the near-duplicate b.txt is named in the verdict with a link to the side-by-side view
    assert f"与 #{ids['b.txt']} 的相似度" in shown
    links = [el for el in at.get("page_link")]
    assert any(f"{ids['a.txt']}-{ids['b.txt']}" in str(el.proto) for el in links)
    # each finding with a passage links to its anchor in the text
    body = page_html(at)
    assert 'href="#f-1"' in body or "定位原文" not in body
    assert 'id="f-' in body or 'href="#f-' not in body
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"评审档案（PDF）", "评审表（Excel）"} <= set(labels)


# ---------------------------------------------------------------------------------------------- detail
def test_detail_escapes_script_and_highlights_findings(app_kb):
    sid = ids_by_source(app_kb)["x.txt"]
    at = app(app_kb, "reviewer")
    at.session_state["detail_sid"] = sid
    goto(at, "detail")
    body = page_html(at)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert "<script>" not in body
    assert '<mark class="sev-' in body  # at least one finding highlighted at its span
    assert "字数" in texts(at)


def test_detail_saves_decision_and_confirms_label(app_kb):
    sid = ids_by_source(app_kb)["a.txt"]
    at = app(app_kb, "reviewer")
    at.session_state["detail_sid"] = sid
    goto(at, "detail")
    at.radio[0].set_value("通过")
    at.text_area[0].input("材料完整")
    [save] = [b for b in at.button if b.label == "保存"]
    save.click()
    at.run()
    dec = app_kb.storage.latest_decisions()[sid]
    assert (dec["status"], dec["note"]) == ("通过", "材料完整")
    [confirm] = [b for b in at.button if b.label == "确认标签"]
    confirm.click()
    at.run()
    labels = [x for x in app_kb.storage.labels("scenario") if x["submission_id"] == sid]
    top = app_kb.analysis.analyze(sid)["classify"]["scenarios"][0][
        "code"
    ]  # the form's default is the top-ranked one
    assert [(x["code"], x["reviewer"]) for x in labels] == [(top, "reviewer")]


# ---------------------------------------------------------------------------------------------- duplicates
def test_dupes_family_pair_view_and_review_mark(app_kb):
    ids = ids_by_source(app_kb)
    at = goto(app(app_kb, "reviewer"), "dupes")
    fams = at.dataframe[0].value
    assert "查重结果计算于" in texts(at)
    assert (
        len(fams) == 1
        and f"#{ids['a.txt']}" in fams["成员"].iloc[0]
        and f"#{ids['b.txt']}" in fams["成员"].iloc[0]
    )
    at.button(key="open_pair").click()
    at.run()
    assert not at.exception
    shown = texts(at)
    assert "相似度" in shown and "去套话后" in shown and "第 **1** /" in shown
    body = page_html(at)
    assert 'id="a-m1"' in body and 'href="#b-m1"' in body and 'id="b-m1"' in body
    at.button(key="next_match").click()
    at.run()
    n = len(app_kb.similarity.pair_view(ids["a.txt"], ids["b.txt"])["matches"])
    assert f"第 **{2 if n > 1 else 1}** /" in texts(at)
    [mark] = [b for b in at.button if b.label == "标记该家族已复核"]
    mark.click()
    at.run()
    assert len(app_kb.storage.family_reviews()) == 1
    assert "✅ reviewer" in at.dataframe[0].value["已复核"].iloc[0]


# ---------------------------------------------------------------------------------------------- self-check
def _counts(kb) -> tuple[int, int, int]:
    return kb.store.count(), len(kb.storage.latest_decisions()), len(kb.storage.ingest_log())


def test_selfcheck_paste_reports_checks_and_stores_nothing(app_kb):
    before = _counts(app_kb)
    at = app(app_kb)
    at.text_area[0].input(BASE.format(co="试用企业有限公司") * 12)
    at.button[0].click()
    at.run()
    assert not at.exception
    res = at.session_state["selfcheck_result"]
    assert res["zishu"] > 3000 and any(f["code"] == "LEN001" for f in res["errors"])
    shown = texts(at)
    assert "必须修改" in shown and "LEN001" in shown
    assert res["fit"] and all("code" in r for r in res["reference"])
    assert _counts(app_kb) == before


def test_selfcheck_while_the_models_load_waits_and_then_answers(app_kb):
    """A self-check asked for while the server is still warming up waits for the models (saying which are left)
    and answers as soon as they are loaded."""
    import threading

    from app_pages import resources
    from app_pages.resources import SELFCHECK_NEEDS, WarmUp, warm_state

    cold = WarmUp()
    assert cold.left(SELFCHECK_NEEDS) == ["自检模型", "相似度索引"]
    assert not cold.wait(SELFCHECK_NEEDS, 0.01)
    warm = warm_state(app_kb)
    resources._WARM[app_kb] = cold  # this server has just started: nothing is loaded yet
    try:
        at = app(app_kb)
        at.text_area[0].input(BASE.format(co="试用企业有限公司"))
        at.button[0].click()
        loader = threading.Timer(1.0, lambda: [cold.finish(s) for s, _label in WarmUp.STEPS])
        loader.start()  # the warm-up finishes while the page waits
        at.run()
        loader.join()
        assert not at.exception
        assert at.session_state["selfcheck_result"]["zishu"] > 0 and "自检清单" in texts(at)
        assert "正在加载模型" not in texts(at)  # the waiting notice is gone once the answer is there
        assert cold.left() == []
    finally:
        resources._WARM[app_kb] = warm


def test_selfcheck_reads_as_a_checklist_and_prints(app_kb):
    from app_pages.labels import CODE_TITLES, checklist
    from app_pages.render import selfcheck_html

    before = _counts(app_kb)
    at = app(app_kb)
    at.text_area[0].input(BASE.format(co="试用企业有限公司") * 12)
    at.button[0].click()
    at.run()
    shown = texts(at)
    assert "自检清单" in shown and "字数符合要求" in shown and "LEN001 字数超过上限" in shown
    assert [b.proto.label for b in at.get("download_button")] == ["下载自检结果（可打印）"]
    res = at.session_state["selfcheck_result"]
    items = checklist(res["errors"] + res["warnings"], res["off_topic"])
    assert not items[0]["ok"] and items[0]["findings"][0]["code"] == "LEN001"
    page = selfcheck_html(
        dict(res, errors=[{"code": "X", "severity": "error", "message": XSS}]), items, CODE_TITLES
    )
    assert "&lt;script&gt;" in page and "<script>" not in page and "自检清单" in page
    assert _counts(app_kb) == before


def test_selfcheck_upload_txt_and_docx(app_kb):
    import docx

    before = _counts(app_kb)
    at = app(app_kb)
    at.file_uploader[0].set_value(("draft.txt", XSS.encode("gb18030"), "text/plain"))
    at.button[0].click()
    at.run()
    res = at.session_state["selfcheck_result"]
    assert res["text"].startswith("<script>") and "预测性维护" in res["text"]
    body = page_html(at)
    assert "&lt;script&gt;" in body and "<script>" not in body

    d = docx.Document()
    for line in FACTORY.format(co="试用化工有限公司").splitlines():
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    at = app(app_kb)
    at.radio[0].set_value("示范工厂")
    at.file_uploader[0].set_value(("draft.docx", buf.getvalue(), "application/octet-stream"))
    at.button[0].click()
    at.run()
    res = at.session_state["selfcheck_result"]
    assert res["kind"] == "factory" and "聚乙烯" in res["text"]
    assert _counts(app_kb) == before


def test_selfcheck_never_returns_other_submissions(app_kb):
    stored_titles = {s.meta.title for s in app_kb.store.list_submissions()}
    res = app_kb.analysis.self_check(
        BASE.format(co="江南精工有限公司")
    )  # an exact copy of a stored submission
    guide_codes = {e.code for e in app_kb.reference.active_edition("guide").entries} | {
        e.code for e in app_kb.reference.active_edition("tasks").entries
    }
    assert res["reference"] and all(r["code"] in guide_codes for r in res["reference"])
    assert not {r.get("name") for r in res["reference"]} & stored_titles
    assert "id" not in str(res["reference"])


def test_selfcheck_rejects_unsupported_upload(app_kb):
    at = app(app_kb)
    at.file_uploader[0].set_value(("draft.txt", b"", "text/plain"))
    at.button[0].click()
    at.run()
    assert at.error and "selfcheck_result" not in at.session_state


# ---------------------------------------------------------------------------------------------- coverage
def test_coverage_page_and_excel_export(app_kb):
    import openpyxl

    at = app(app_kb, "analyst")
    assert not at.exception and at.title[0].value == "覆盖分析"
    assert len(at.get("arrow_vega_lite_chart")) >= 1 or len(at.get("vega_lite_chart")) >= 1
    at.selectbox(key="dd_region").set_value("江苏省")
    at.run()
    drill = at.dataframe[-1].value
    assert set(drill["地区"]) == {"江苏省"}
    wb = openpyxl.load_workbook(io.BytesIO(app_kb.coverage.excel()))
    assert {"覆盖明细", "地区×环节", "行业×场景", "年度", "推荐配额", "空白"} <= set(wb.sheetnames)
    titles = [c.value for c in wb["覆盖明细"]["B"]][1:]
    assert '\'=HYPERLINK("http://evil")' in titles
    assert all(c.data_type != "f" for row in wb["覆盖明细"].iter_rows() for c in row)


def test_quota_usage_uses_the_notice_limits(app_kb):
    rows = {(q["recommender"], q["year"]): q for q in app_kb.coverage.quota_usage()}
    zj = rows[("浙江省", 2021)]
    assert (zj["region_type"], zj["scenarios"], zj["scenario_limit"], zj["factory_limit"]) == (
        "省级",
        1,
        20,
        10,
    )
    nb = rows[("宁波市", 2021)]
    assert (nb["region_type"], nb["scenario_limit"], nb["factory_limit"]) == ("计划单列市", 10, 5)
    assert not any(q["over"] for q in rows.values())


def test_coverage_gaps_list_uncovered_scenarios(app_kb):
    cov = app_kb.coverage.summary()
    covered = {i["code"] for i in cov["items"] if i["code"]}
    guide = {e.code for e in app_kb.reference.active_edition("guide").entries}
    assert {g["code"] for g in cov["gaps"]["scenarios"]} == guide - covered
    assert "汽车制造业" not in {g["name"] for g in cov["gaps"]["industries"]}


# ---------------------------------------------------------------------------------------------- reference, admin
def test_reference_page_searches_and_shows_banner(app_kb):
    at = goto(app(app_kb, "analyst"), "reference")
    assert at.warning or at.success  # the edition banner
    all_rows = len(at.dataframe[0].value)
    at.text_input(key="ref_q").input("数字孪生")
    at.run()
    hits = at.dataframe[0].value
    assert 0 < len(hits) < all_rows and hits["名称"].str.contains("孪生").any()


def test_admin_adds_a_user_and_uploads_a_batch(app_kb):
    at = goto(app(app_kb, "admin"), "admin")
    at.text_input[1].input("expert2")
    at.text_input[2].input("pw-expert2")
    [add] = [b for b in at.button if b.label == "添加或重置用户"]
    add.click()
    at.run()
    assert app_kb.accounts.login("expert2", "pw-expert2").role == "reviewer"
    before = app_kb.store.count()
    at.file_uploader(key="batch_files").set_value(
        [("new1.txt", FACTORY.format(co="西山钢铁有限公司").encode("utf-8"), "text/plain"),
         ("bad.txt", b"", "text/plain")]
    )  # fmt: skip
    at.run()
    at.button(key="batch_go").click()
    at.run()
    assert not at.exception
    assert app_kb.store.count() == before + 1
    assert "新增 1 份" in texts(at)


def test_admin_changes_a_role_and_removes_a_user_ending_their_sessions(app_kb):
    app_kb.accounts.add_user("expert3", "pw-expert3", "reviewer")
    token = app_kb.accounts.issue_token(app_kb.accounts.login("expert3", "pw-expert3"))
    assert app_kb.accounts.session_from_token(token).role == "reviewer"
    at = goto(app(app_kb, "admin"), "admin")
    assert "admin" not in at.selectbox(key="role_user").options  # not one's own account
    at.selectbox(key="role_user").set_value("expert3")
    at.run()
    at.selectbox(key="role_new_expert3").set_value("analyst")
    at.run()
    at.button(key="role_go").click()
    at.run()
    assert not at.exception
    assert "已将 expert3 的角色改为分析人员" in texts(at)
    assert app_kb.accounts.login("expert3", "pw-expert3").role == "analyst"
    assert app_kb.accounts.session_from_token(token) is None  # the reviewer session ended
    token = app_kb.accounts.issue_token(app_kb.accounts.login("expert3", "pw-expert3"))
    at.selectbox(key="del_user").set_value("expert3")
    at.run()
    assert at.button(key="del_user_go").disabled  # asks for the confirmation first
    at.checkbox(key="del_sure_expert3").check()
    at.run()
    at.button(key="del_user_go").click()
    at.run()
    assert not at.exception and "已删除用户 expert3" in texts(at)
    assert "expert3" not in [u["username"] for u in app_kb.accounts.users()]
    assert app_kb.accounts.session_from_token(token) is None


def test_admin_rebuilds_and_verifies_the_index(app_kb):
    at = goto(app(app_kb, "admin"), "admin")
    at.button(key="idx_rebuild").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert f"索引已重建：共 {app_kb.store.count()} 份材料" in texts(at)
    at.button(key="idx_verify").click()
    at.run()
    assert "索引缺少 0 份，多出 0 份" in texts(at)
    assert "与数据库一致" in texts(at)


def test_inbox_codes_carry_their_meaning(app_kb):
    at = app(app_kb, "reviewer")
    problems = " ".join(at.data_editor[0].value["问题"].tolist())
    assert "LEN002 字数过少" in problems


def test_coverage_filters_and_drill_down_live_in_the_url(app_kb):
    at = app(app_kb, "analyst")
    at.query_params["year"] = ["2021"]
    at.query_params["region"] = "浙江省"
    at.run()
    assert not at.exception, at.exception
    assert at.multiselect(key="cov_year").value == [2021]
    assert set(at.dataframe[-1].value["地区"]) == {"浙江省"}
    at.selectbox(key="dd_region").set_value("全部")
    at.selectbox(key="cov_kind").set_value("示范工厂")
    at.run()
    assert "region" not in at.query_params and at.query_params["kind"] in ("factory", ["factory"])
    # every axis label is drawn (no label dropped for overlap), long ones shortened with the full name in the tooltip
    import json

    charts = list(at.get("vega_lite_chart")) + list(at.get("arrow_vega_lite_chart"))
    specs = [json.loads(c.proto.spec) for c in charts]
    axes = [
        enc["axis"]
        for sp in specs
        for k, enc in sp.get("encoding", {}).items()
        if k in "xy" and "axis" in enc
    ]
    assert axes and all(ax.get("labelOverlap") is False and "labelExpr" in ax for ax in axes[:4])


# ---------------------------------------------------------------------------------------------- pure helpers
def test_highlighted_text_escapes_everything_and_keeps_the_text():
    from app_pages.render import highlighted_text

    text = 'a<b>"c"&d'
    out = highlighted_text(text, [{"span": [1, 4], "code": "X<1>", "severity": "error", "message": '"m"'}])
    assert "<b>" not in out and "&lt;b&gt;" in out and 'title="X&lt;1&gt; &quot;m&quot;"' in out
    assert out.count("<mark") == 1


def test_highlight_segments_cover_text_exactly():
    from kb.service.summaries import highlight_segments

    text = "0123456789"
    segs = highlight_segments(text, [{"span": [2, 6]}, {"span": [4, 8]}, {"span": [9, 30]}])
    assert "".join(p for p, _ in segs) == text
    assert [len(c) for _, c in segs] == [0, 1, 2, 1, 0, 1]


def test_safe_cell_neutralises_formulas():
    from kb.export import safe_cell

    assert [safe_cell(v) for v in ("=1+1", "+1", "-2", "@x", "ok", 3)] == [
        "'=1+1",
        "'+1",
        "'-2",
        "'@x",
        "ok",
        3,
    ]


def test_summarize_analyses_counts_and_flags():
    from kb.service.summaries import summarize_analyses

    check = {
        "zishu": 3200,
        "weakness": 45.0,
        "findings": [
            {"code": "LEN001", "severity": "error"},
            {"code": "QNT001", "severity": "warning"},
            {"code": "STR002", "severity": "info"},
        ],
    }
    classify = {"scenarios": [{"code": "G21-02", "name": "数字孪生工厂建设", "link": "工厂设计", "score": 0.9}],
                "findings": [{"code": "CLS001", "severity": "warning"}]}  # fmt: skip
    row = summarize_analyses(check, classify)
    assert (row["zishu"], row["errors"], row["warnings"]) == (3200, 1, 2)
    assert row["flags"] == ["LEN001", "QNT001", "CLS001"] and row["predicted_code"] == "G21-02"
    assert summarize_analyses(None, None)["analysed"] is False


# ---------------------------------------------------------------------------------------------- the UI speaks Chinese
# Latin words the pages may show: the product name (in commands, scenario-kb), file types, the product name of a
# format, and the user names of this test knowledge base (data, not UI). Codes (LEN001, G21-25), acronyms and
# units (PDF, MES, MB) pass by shape: all capitals, optionally with digits; so do names with a digit (expert2, the
# encoder tfidf-c12-…). Streamlit's own strings (the uploader's "Upload", "per file") are not in what AppTest
# sees: tests/test_browser_journeys.py scans the pages rendered in Chromium for them.
ALLOWED_LATIN = {"scenario", "kb", "Excel", "txt", "docx", "pdf", "md", "csv", "xlsx", "reviewer", "analyst", "admin"}  # fmt: skip


def ui_strings(at) -> list[str]:
    """Every string of the page chrome: titles, text, alerts, metrics, widget labels and options, tabs, headers
    of tables. Not the submission texts (st.html bodies), which are data."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success",
                 "text", "toast"):  # fmt: skip
        out += [str(e.value) for e in at.get(kind)]
    out += [f"{m.label} {m.value} {m.proto.help}" for m in at.metric]
    for kind in ("button", "download_button", "text_input", "text_area", "number_input", "selectbox", "multiselect",
                 "radio", "toggle", "checkbox", "file_uploader", "page_link", "date_input"):  # fmt: skip
        for w in at.get(kind):
            out.append(str(getattr(w.proto, "label", "")) + " " + str(getattr(w.proto, "help", "")))
            out += [str(o) for o in getattr(w, "options", []) or []]
            out.append(str(getattr(w.proto, "placeholder", "")))
    out += [str(t.proto.label) for t in at.get("tab")] + [str(e.label) for e in at.get("expander")]
    for kind in ("dataframe", "data_editor"):
        out += [" ".join(map(str, df.value.columns)) for df in at.get(kind)]
    return out


def english_words(strings: list[str]) -> set[str]:
    import re

    words = set()
    for s in strings:
        s = re.sub(
            r":material/[a-z_]+:|:(?:red|orange|blue|green|gray|violet)\[", " ", s.replace("\\", "")
        )  # icons
        s = re.sub(r"https?://\S+|\b[\w.-]+\.(?:txt|docx|pdf|md|csv|xlsx)\b", " ", s)  # links and file names
        for w in re.findall(r"[A-Za-z][A-Za-z0-9_-]*", s):
            # codes, acronyms, ids and hashes (anything with a digit) are not words of the UI
            if w in ALLOWED_LATIN or re.fullmatch(r"[A-Z][A-Z0-9_-]*", w) or re.search(r"\d", w):
                continue
            words.add(w)
    return words


def test_every_page_speaks_chinese(app_kb):
    ids = ids_by_source(app_kb)
    found: dict[str, set[str]] = {}
    at = app(app_kb)  # the applicant's self-check, with a result
    at.text_area[0].input(BASE.format(co="试用企业有限公司"))
    at.button[0].click()
    at.run()
    found["selfcheck"] = english_words(ui_strings(at))
    found["login"] = english_words(ui_strings(goto(app(app_kb), "login")))
    at = app(app_kb, "admin")
    for page in ("inbox", "detail", "dupes", "coverage", "reference", "admin", "login"):
        goto(at, page)
        if page == "dupes":
            at.query_params["pair"] = f"{ids['a.txt']}-{ids['b.txt']}"
            at.run()
        found[page] = english_words(ui_strings(at))
    assert not {p: w for p, w in found.items() if w}, found


# ---------------------------------------------------------------------------------------------- editions (last: it switches)
def test_switching_the_edition_asks_first_and_the_banner_follows(app_kb):
    sid = ids_by_source(app_kb)["a.txt"]
    before = app_kb.analysis.analyze(sid)["classify"]
    at = goto(app(app_kb, "admin"), "reference")
    try:
        at.selectbox[-2].set_value("2025")  # 版本
        [switch] = [b for b in at.button if b.label == "切换到该版本"]
        switch.click()
        at.run()
        assert app_kb.reference.active_edition("guide").edition == "2021"  # nothing changed yet
        shown = texts(at)
        assert "确认把参考指引从 2021 年版切换到 2025 年版" in shown and "不会被重新归类" in shown
        at.button(key="edition_confirm").click()
        at.run()
        assert not at.exception, at.exception
        assert app_kb.reference.active_edition("guide").edition == "2025"
        banners = " ".join(str(w.value) for w in list(at.warning) + list(at.success))
        assert "2025" in banners and "已切换" in banners
        # a 2021 submission keeps its 2021 classification
        after = app_kb.analysis.analyze(sid)["classify"]
        assert after["edition"]["edition"] == before["edition"]["edition"] == "2021"
    finally:
        app_kb.reference.use_edition("guide", "2021")
        app_kb.analysis.set_classify_policy("year")
