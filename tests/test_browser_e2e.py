"""End to end in headless Debian Chromium against a running ``streamlit run`` server on a temporary demo KB.

Covers: the applicant reaches the self-check only (no reviewer page, no submission data), a self-check by file
upload, login, sorting the inbox, opening a submission (a ``<script>`` text shows as text and never runs),
opening a duplicate pair and jumping between matches, and downloading the Excel export. Screenshots go to
``test-artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sample_texts import BASE, XSS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
PW = "e2e-pass"

META = """文件,标题,申报单位,地区,行业,类型,年度
a.txt,齿轮质量追溯,江南精工有限公司,浙江省,汽车制造业,优秀场景,2021
b.txt,齿轮批次追溯,北方齿轮有限公司,江苏省,汽车制造业,优秀场景,2022
x.txt,<script>标题</script>,某某设备有限公司,宁波市,通用设备制造业,优秀场景,2021
"""

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip(
        "需要 Debian 的 chromium 和 chromedriver（/usr/bin/chromium, /usr/bin/chromedriver）："
        "运行 `bash scripts/install.sh --test` 或 `apt-get install chromium chromium-driver`",
        allow_module_level=True,
    )
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium 未安装：pip install -e '.[test]'")
from selenium.common.exceptions import (  # noqa: E402
    NoAlertPresentException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """A demo knowledge base and a Streamlit server on a free local port."""
    from kb.service import open_kb

    d = tmp_path_factory.mktemp("e2e")
    src = d / "in"
    src.mkdir()
    (src / "a.txt").write_text(BASE.format(co="江南精工有限公司"), encoding="utf-8")
    (src / "b.txt").write_text(
        BASE.format(co="北方齿轮有限公司").replace("两天", "两个工作日"), encoding="utf-8"
    )
    (src / "x.txt").write_text(XSS, encoding="utf-8")
    (src / "_metadata.csv").write_text(META, encoding="utf-8")
    db = d / "kb.sqlite"
    kb = open_kb(str(db))
    kb.init()
    kb.store.ingest([src])
    kb.accounts.add_user("reviewer", PW, "reviewer")
    kb.accounts.add_user("admin", PW, "admin")
    ids = {s.source: s.id for s in kb.store.list_submissions()}
    kb.storage.close()

    port = _free_port()
    env = dict(os.environ, SCENARIO_KB_DB=str(db), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    log = open(d / "server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app_streamlit.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            log.close()
            pytest.fail("streamlit 未能启动：\n" + (d / "server.log").read_text(errors="replace")[-3000:])
        time.sleep(0.5)
    yield {"url": url, "ids": ids, "tmp": d}
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser(server):
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    profile = server["tmp"] / "chromium-profile"
    downloads = server["tmp"] / "downloads"
    downloads.mkdir()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", "--window-size=1280,800", "--lang=zh-CN"):  # fmt: skip
        opts.add_argument(flag)
    opts.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    drv = webdriver.Chrome(service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)), options=opts)
    drv.set_page_load_timeout(60)
    drv.downloads = downloads
    ARTIFACTS.mkdir(exist_ok=True)
    yield drv
    drv.quit()


# ---------------------------------------------------------------------------------------------- helpers
def wait_text(drv, text: str, timeout: float = 60) -> None:
    """Wait until ``text`` is visible on the page and the script has stopped running."""
    try:
        WebDriverWait(drv, timeout).until(lambda d: text in d.find_element(By.TAG_NAME, "body").text)
    except TimeoutException:
        shot(drv, "timeout")
        raise
    idle(drv)


def idle(drv, timeout: float = 60) -> None:
    """Wait for Streamlit's "running" indicator to go away."""
    time.sleep(0.4)
    WebDriverWait(drv, timeout).until(
        lambda d: (
            not d.find_elements(
                By.CSS_SELECTOR, '[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]'
            )
        )
    )
    time.sleep(0.3)


def shot(drv, name: str) -> Path:
    path = ARTIFACTS / f"e2e-{name}.png"
    drv.save_screenshot(str(path))
    return path


def click_button(drv, label: str) -> None:
    """Click the visible button labelled ``label`` (its last text line: an icon may come first); a button
    replaced while the page re-renders is looked up again."""
    for attempt in range(3):
        try:
            btn = WebDriverWait(drv, 30, ignored_exceptions=(StaleElementReferenceException,)).until(
                lambda d: next(
                    (
                        b
                        for b in d.find_elements(By.TAG_NAME, "button")
                        if b.text.strip()
                        and b.text.strip().splitlines()[-1].strip() == label
                        and b.is_displayed()
                    ),
                    None,
                )
            )
            drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", btn)
            btn.click()
            return
        except StaleElementReferenceException:
            if attempt == 2:
                raise
            time.sleep(1)


def nav_label(link) -> str:
    """The page title of a sidebar link (its text ends with the title, after the icon)."""
    return link.text.strip().splitlines()[-1].strip()


def nav(drv, title: str) -> None:
    link = WebDriverWait(drv, 30).until(
        lambda d: next(
            (
                a
                for a in d.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebarNavLink"]')
                if nav_label(a) == title
            ),
            None,
        )
    )
    link.click()
    wait_text(drv, title)


def _combo(drv, label: str):
    return WebDriverWait(drv, 30).until(
        lambda d: next(
            iter(d.find_elements(By.CSS_SELECTOR, f'input[role="combobox"][aria-label="{label}"]')), None
        )
    )


def choose(drv, label: str, option: str) -> None:
    """Pick the first option containing ``option`` in the selectbox labelled ``label``."""
    box = _combo(drv, label)
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    box.find_element(By.XPATH, "following-sibling::button").click()
    opt = WebDriverWait(drv, 20).until(
        lambda d: next(
            (o for o in d.find_elements(By.CSS_SELECTOR, '[role="option"]') if option in o.text), None
        )
    )
    opt.click()
    idle(drv)


def selected(drv, label: str) -> str:
    return _combo(drv, label).get_attribute("value") or ""


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
    drv.find_element(By.CSS_SELECTOR, 'input[aria-label="用户名"]').send_keys("reviewer")
    pw = drv.find_element(By.CSS_SELECTOR, 'input[aria-label="密码"]')
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
    click_button(drv, "并排对照")
    wait_text(drv, "共享段落")
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


def downloaded(drv, name: str, timeout: float = 60) -> Path:
    """Wait for a finished download called ``name``; keep a copy with the test artefacts."""
    deadline = time.time() + timeout
    path = drv.downloads / name
    while time.time() < deadline:
        if path.exists() and not list(drv.downloads.glob("*.crdownload")):
            shutil.copy(path, ARTIFACTS / f"e2e-{name}")
            return path
        time.sleep(0.5)
    shot(drv, "download-timeout")
    raise AssertionError(f"{name} 未下载：{[f.name for f in drv.downloads.iterdir()]}")


def test_reload_keeps_login_and_detail_downloads(server, browser):
    drv = browser
    ids = server["ids"]
    drv.set_window_size(1280, 800)
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
    drv.set_window_size(1024, 768)
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
    drv.set_window_size(1280, 800)
    drv.get(server["url"] + "/login")
    wait_text(drv, "退出登录")
    click_button(drv, "退出登录")
    wait_text(drv, "用户名")
    drv.get(f"{server['url']}/detail?id={ids['a.txt']}")  # the old cookie was revoked and dropped
    wait_text(drv, "登录后将打开")
    drv.find_element(By.CSS_SELECTOR, 'input[aria-label="用户名"]').send_keys("reviewer")
    pw = drv.find_element(By.CSS_SELECTOR, 'input[aria-label="密码"]')
    pw.send_keys(PW)
    pw.send_keys(Keys.ENTER)
    wait_text(drv, "评审结论要点")
    assert "齿轮质量追溯" in drv.find_element(By.TAG_NAME, "body").text
    assert f"id={ids['a.txt']}" in drv.current_url
    shot(drv, "11-link-through-login")


def open_tab(drv, label: str) -> None:
    tab = WebDriverWait(drv, 30).until(
        lambda d: next(
            (t for t in d.find_elements(By.XPATH, "//*[@role='tab']") if t.text.strip() == label), None
        )
    )
    tab.click()
    idle(drv)


def test_admin_rebuilds_the_index_and_switches_the_edition(server, browser):
    drv = browser
    drv.get(server["url"] + "/login")
    wait_text(drv, "退出登录")
    click_button(drv, "退出登录")
    wait_text(drv, "用户名")
    drv.find_element(By.CSS_SELECTOR, 'input[aria-label="用户名"]').send_keys("admin")
    pw = drv.find_element(By.CSS_SELECTOR, 'input[aria-label="密码"]')
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
