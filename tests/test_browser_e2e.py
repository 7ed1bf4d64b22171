"""End to end in headless Debian Chromium against a running ``streamlit run`` server on a temporary demo KB.

Covers: the applicant reaches the self-check only (no reviewer page, no submission data), a self-check by file
upload, login, sorting the inbox, opening a submission (a ``<script>`` text shows as text and never runs),
opening a duplicate pair and jumping between matches, and downloading the Excel export. Screenshots go to
``test-artifacts/``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from browser_kit import (
    By,
    Keys,
    WebDriverWait,
    choose,
    chromium,
    click_button,
    click_until,
    idle,
    nav,
    nav_label,
    open_tab,
    selected,
    served_kb,
    set_viewport,
    wait_element,
)
from browser_kit import downloaded as _downloaded
from browser_kit import wait_text as _wait_text
from sample_texts import BASE, XSS
from selenium.common.exceptions import NoAlertPresentException

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
PW = "e2e-pass"

META = """文件,标题,申报单位,地区,行业,类型,年度
a.txt,齿轮质量追溯,江南精工有限公司,浙江省,汽车制造业,优秀场景,2021
b.txt,齿轮批次追溯,北方齿轮有限公司,江苏省,汽车制造业,优秀场景,2022
x.txt,<script>标题</script>,某某设备有限公司,宁波市,通用设备制造业,优秀场景,2021
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """A demo knowledge base and a workbench server on a free local port."""
    d = tmp_path_factory.mktemp("e2e")
    src = d / "in"
    src.mkdir()
    (src / "a.txt").write_text(BASE.format(co="江南精工有限公司"), encoding="utf-8")
    (src / "b.txt").write_text(
        BASE.format(co="北方齿轮有限公司").replace("两天", "两个工作日"), encoding="utf-8"
    )
    (src / "x.txt").write_text(XSS, encoding="utf-8")
    (src / "_metadata.csv").write_text(META, encoding="utf-8")

    def prepare(kb) -> dict[str, int]:
        kb.store.ingest([src])
        kb.accounts.add_user("reviewer", PW, "reviewer")
        kb.accounts.add_user("admin", PW, "admin")
        return {s.source: s.id for s in kb.store.list_submissions()}

    with served_kb(d, prepare) as (url, ids):
        yield {"url": url, "ids": ids, "tmp": d}


@pytest.fixture(scope="module")
def browser(server):
    drv = chromium(server["tmp"] / "downloads", server["tmp"] / "chromium-profile", (1280, 800))
    ARTIFACTS.mkdir(exist_ok=True)
    yield drv
    drv.quit()


# ---------------------------------------------------------------------------------------------- helpers
def wait_text(drv, text: str, timeout: float = 60) -> None:
    try:
        _wait_text(drv, text, timeout)
    except AssertionError:
        shot(drv, "timeout")
        raise


def shot(drv, name: str) -> Path:
    path = ARTIFACTS / f"e2e-{name}.png"
    drv.save_screenshot(str(path))
    return path


def no_alert(drv) -> bool:
    try:
        _ = drv.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


# ---------------------------------------------------------------------------------------------- the journey
def test_applicant_reaches_only_the_selfcheck(server, browser):
    drv = browser
    drv.get(server["url"])
    wait_text(drv, "申报自检")
    links = [nav_label(a) for a in drv.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebarNavLink"]')]
    assert "申报自检" in links and "登录" in links
    assert not {"评审工作台", "申报详情", "查重", "覆盖分析", "管理"} & set(links)
    shot(drv, "01-applicant-home")
    for path in ("inbox", "detail", "dupes", "coverage", "admin"):
        drv.get(f"{server['url']}/{path}")
        wait_text(drv, "登录后将打开")  # a workbench link leads to the login, never to the data
        body = drv.find_element(By.TAG_NAME, "body").text
        assert "评审工作台" not in body and "齿轮质量追溯" not in body and "江南精工" not in body
        assert f"next={path}" in drv.current_url
    shot(drv, "02-applicant-blocked")


def test_selfcheck_by_file_upload(server, browser):
    drv = browser
    drv.get(server["url"])  # the self-check is the default page of an anonymous visitor
    wait_text(drv, "开始自检")
    draft = server["tmp"] / "草稿.txt"
    draft.write_bytes((BASE.format(co="试用企业有限公司") * 12).encode("gb18030"))
    drv.find_element(By.CSS_SELECTOR, 'input[type="file"]').send_keys(str(draft))
    wait_text(drv, "草稿.txt")
    click_button(drv, "开始自检")
    wait_text(drv, "必须修改", timeout=90)
    body = drv.find_element(By.TAG_NAME, "body").text
    assert "LEN001" in body and "江南精工" not in body
    shot(drv, "03-selfcheck-result")


def test_reviewer_login_sort_open_detail(server, browser):
    drv = browser
    drv.get(server["url"] + "/login")
    wait_text(drv, "用户名")
    wait_element(drv, 'input[aria-label="用户名"]').send_keys("reviewer")
    pw = wait_element(drv, 'input[aria-label="密码"]')
    pw.send_keys(PW)
    pw.send_keys(Keys.ENTER)
    wait_text(drv, "批量操作")
    shot(drv, "04-inbox")
    choose(drv, "排序", "字数")
    drv.find_element(By.XPATH, "//label[.//p[text()='降序']]").click()
    idle(drv)
    ids = server["ids"]
    # the longest text (a gear-tracing copy) is first after sorting by 字数, descending
    assert selected(drv, "申报材料").startswith((f"#{ids['a.txt']} ", f"#{ids['b.txt']} "))
    choose(drv, "排序", "编号")
    shot(drv, "05-inbox-sorted")
    choose(drv, "申报材料", f"#{ids['x.txt']} ")
    click_button(drv, "打开详情")
    wait_text(drv, "评审结论要点")
    body = drv.find_element(By.TAG_NAME, "body").text
    assert "<script>alert('x')</script>设备预测性维护" in body
    assert no_alert(drv)
    scripts = drv.execute_script(
        "return Array.from(document.querySelectorAll('script')).filter(s => s.textContent.includes('alert(')).length"
    )
    assert scripts == 0
    assert drv.find_elements(By.CSS_SELECTOR, ".kb-text mark")
    # the verdict comes first; each finding with a passage links to it
    links = drv.find_elements(By.CSS_SELECTOR, '.kb-findings a[href^="#f-"]')
    assert links, "no finding links to its passage"
    target = links[0].get_attribute("href").split("#")[1]
    drv.execute_script("arguments[0].click();", links[0])
    time.sleep(0.5)
    assert drv.execute_script("return location.hash") == "#" + target
    assert drv.find_elements(By.ID, target)
    shot(drv, "06-detail")


def test_duplicate_pair_and_jump(server, browser):
    drv = browser
    nav(drv, "查重")
    wait_text(drv, "重复家族")
    click_until(drv, "并排对照", "共享段落")
    body = drv.find_element(By.TAG_NAME, "body").text
    assert "去套话后" in body and "第 1 /" in body
    assert drv.find_elements(By.CSS_SELECTOR, "#a-m1") and drv.find_elements(By.CSS_SELECTOR, "#b-m1")
    click_button(drv, "下一处 ▶")
    wait_text(drv, "第 2 /")
    shot(drv, "07-pair")


def test_excel_download(server, browser):
    import openpyxl

    drv = browser
    nav(drv, "覆盖分析")
    wait_text(drv, "下载覆盖明细（Excel）")
    shot(drv, "08-coverage")
    click_button(drv, "下载覆盖明细（Excel）")
    wb = openpyxl.load_workbook(downloaded(drv, "覆盖明细.xlsx"))
    assert "覆盖明细" in wb.sheetnames
    titles = [c.value for c in wb["覆盖明细"]["B"]][1:]
    assert "<script>标题</script>" in titles
    click_button(drv, "下载覆盖分析（Excel）")
    wb = openpyxl.load_workbook(downloaded(drv, "覆盖分析.xlsx"))
    assert "空白" in wb.sheetnames  # the workbook of `scenario-kb export coverage`


def downloaded(drv, name: str) -> Path:
    """Wait for a finished download; keep a copy with the test artefacts."""
    try:
        return _downloaded(drv, name, keep=ARTIFACTS)
    except AssertionError:
        shot(drv, "download-timeout")
        raise


def test_reload_keeps_login_and_detail_downloads(server, browser):
    drv = browser
    ids = server["ids"]
    set_viewport(drv, (1280, 800))
    drv.get(f"{server['url']}/detail?id={ids['b.txt']}")
    wait_text(drv, "评审结论要点")
    assert "齿轮批次追溯" in drv.find_element(By.TAG_NAME, "body").text
    drv.refresh()  # F5: still logged in, still the same submission
    wait_text(drv, "评审结论要点")
    body = drv.find_element(By.TAG_NAME, "body").text
    assert "齿轮批次追溯" in body and "用户名" not in body
    assert f"id={ids['b.txt']}" in drv.current_url
    shot(drv, "09-detail-after-reload")
    click_button(drv, "评审档案（PDF）")
    assert downloaded(drv, f"评审档案_{ids['b.txt']}.pdf").read_bytes().startswith(b"%PDF")
    # a download click reruns the page: a click during that run can hit a button whose deferred data the run replaces
    idle(drv)
    click_button(drv, "评审表（Excel）")
    import openpyxl

    wb = openpyxl.load_workbook(downloaded(drv, f"评审表_{ids['b.txt']}.xlsx"))
    assert wb.worksheets[0].max_row == 2  # the header and this submission


def test_pair_link_scrolls_both_sides(server, browser):
    drv = browser
    ids = server["ids"]
    set_viewport(drv, (1024, 768))
    drv.get(f"{server['url']}/dupes?pair={ids['a.txt']}-{ids['b.txt']}&match=2")
    wait_text(drv, "第 2 /")
    drv.execute_script(
        "document.querySelectorAll('.kb-pair mark.flash').forEach(m => m.classList.remove('flash'))"
    )
    mark = WebDriverWait(drv, 30).until(
        lambda d: next(
            iter(d.find_elements(By.CSS_SELECTOR, '.kb-pair[data-side="a"] mark[data-n="1"]')), None
        )
    )
    drv.execute_script("arguments[0].click();", mark)
    time.sleep(0.5)
    flashed = drv.execute_script(
        "return Array.from(document.querySelectorAll('.kb-pair mark.flash')).map(m => m.closest('.kb-pair').dataset.side)"
    )
    assert set(flashed) == {"a", "b"}  # a click on side a emphasises match 1 on both sides
    shot(drv, "10-pair-link")


def test_logout_then_link_goes_through_login_and_back(server, browser):
    drv = browser
    ids = server["ids"]
    set_viewport(drv, (1280, 800))
    drv.get(server["url"] + "/login")
    wait_text(drv, "退出登录")
    click_button(drv, "退出登录")
    wait_text(drv, "用户名")
    drv.get(f"{server['url']}/detail?id={ids['a.txt']}")  # the old cookie was revoked and dropped
    wait_text(drv, "登录后将打开")
    wait_element(drv, 'input[aria-label="用户名"]').send_keys("reviewer")
    pw = wait_element(drv, 'input[aria-label="密码"]')
    pw.send_keys(PW)
    pw.send_keys(Keys.ENTER)
    wait_text(drv, "评审结论要点")
    assert "齿轮质量追溯" in drv.find_element(By.TAG_NAME, "body").text
    assert f"id={ids['a.txt']}" in drv.current_url
    shot(drv, "11-link-through-login")


def test_admin_rebuilds_the_index_and_switches_the_edition(server, browser):
    drv = browser
    drv.get(server["url"] + "/login")
    wait_text(drv, "退出登录")
    click_button(drv, "退出登录")
    wait_text(drv, "用户名")
    wait_element(drv, 'input[aria-label="用户名"]').send_keys("admin")
    pw = wait_element(drv, 'input[aria-label="密码"]')
    pw.send_keys(PW)
    pw.send_keys(Keys.ENTER)
    wait_text(drv, "批量操作")
    nav(drv, "管理")
    open_tab(drv, "索引")
    click_button(drv, "重建索引")
    wait_text(drv, "索引已重建", timeout=120)
    shot(drv, "12-admin-rebuild")
    nav(drv, "参考库")
    open_tab(drv, "版本")
    choose(drv, "版本", "2025")
    click_button(drv, "切换到该版本")
    wait_text(drv, "确认把参考指引从 2021 年版切换到 2025 年版")
    assert "不会被重新归类" in drv.find_element(By.TAG_NAME, "body").text
    click_button(drv, "确认切换")
    wait_text(drv, "已切换")
    body = drv.find_element(By.TAG_NAME, "body").text
    assert "参考指引：2025 年版" in body  # the sidebar banner follows
    shot(drv, "13-edition-switched")
