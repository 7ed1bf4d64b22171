"""Shared pieces of the browser tests: a workbench server on a free port, headless Debian Chromium, and the waits
and clicks that Streamlit pages need (tests/test_browser_e2e.py, tests/test_browser_journeys.py)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


def require_chromium() -> Any:
    """Selenium's ``webdriver`` module; skips the test module (a failure under ``SCENARIO_KB_REQUIRE_ALL=1``, see
    conftest.py) when Debian's chromium and chromedriver or selenium are missing."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(
            "需要 Debian 的 chromium 和 chromedriver（/usr/bin/chromium, /usr/bin/chromedriver）："
            "运行 `bash scripts/install.sh --test` 或 `apt-get install chromium chromium-driver`",
            allow_module_level=True,
        )
    return pytest.importorskip("selenium.webdriver", reason="selenium 未安装：pip install -e '.[test]'")


webdriver = require_chromium()
from selenium.common.exceptions import (  # noqa: E402
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def workbench_server(db: Path, log_path: Path, timeout: float = 120) -> Iterator[str]:
    """``python -m app_pages.server`` (what ``scenario-kb serve`` runs) on ``db`` and a free local port; yields
    its URL once the health check answers, stops it afterwards."""
    port = free_port()
    env = dict(os.environ, SCENARIO_KB_DB=str(db), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "app_pages.server", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout
    try:
        while True:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail("streamlit 未能启动：\n" + log_path.read_text(errors="replace")[-3000:])
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def served_kb(folder: Path, prepare: Callable[[Any], Any] | None = None) -> Iterator[tuple[str, Any]]:
    """A knowledge base as ``init`` leaves it in ``folder`` (``kb.sqlite``), then ``prepare(kb)`` (ingest, users…;
    its result is yielded), served by :func:`workbench_server`: yields ``(url, prepared)``."""
    from kb.service import open_kb

    db = folder / "kb.sqlite"
    kb = open_kb(str(db))
    kb.init()
    try:
        prepared = prepare(kb) if prepare else None
    finally:
        kb.storage.close()
    with workbench_server(db, folder / "server.log") as url:
        yield url, prepared


def artifacts_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where a failing browser test keeps its screenshot and page source (conftest.py): ``SCENARIO_KB_ARTIFACTS``
    (scripts/test.sh: ``test-artifacts/``), else beside pytest's numbered temporary folders
    (``artifacts/pytest-N``), where pytest's own clean-up of old runs does not remove it."""
    base = tmp_path_factory.getbasetemp()
    return Path(os.environ.get("SCENARIO_KB_ARTIFACTS") or base.parent / "artifacts" / base.name)


def visitor(folder: Path, artifacts: Path, size: tuple[int, int] = (1280, 800)) -> Any:
    """A fresh headless browser (no cookie; downloads and profile in ``folder``) whose failures are kept in
    ``artifacts``."""
    drv = chromium(folder / "downloads", folder / "profile", size)
    drv.artifacts = artifacts  # conftest.py saves a screenshot and the page source there on failure
    drv.size = size
    return drv


def chromium(downloads: Path, profile: Path, size: tuple[int, int] = (1280, 800)) -> Any:
    """Headless Chromium whose page viewport is exactly ``size`` (width, height); downloads go to ``downloads``."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    downloads.mkdir(parents=True, exist_ok=True)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1] + 200}", "--lang=zh-CN"):  # fmt: skip
        opts.add_argument(flag)
    opts.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    drv = webdriver.Chrome(service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)), options=opts)
    drv.set_page_load_timeout(60)
    drv.downloads = downloads
    set_viewport(drv, size)
    return drv


def set_viewport(drv: Any, size: tuple[int, int]) -> None:
    """Make the page viewport exactly ``size`` (the window adds its own frame in headless mode too)."""
    drv.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False},
    )


# ---------------------------------------------------------------------------------------------- waits
def body_text(drv: Any) -> str:
    return drv.find_element(By.TAG_NAME, "body").text


def idle(drv: Any, timeout: float = 60) -> None:
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


def wait_text(drv: Any, text: str, timeout: float = 60) -> None:
    """Wait until ``text`` is visible on the page and the script has stopped running."""
    try:
        WebDriverWait(drv, timeout).until(lambda d: text in body_text(d))
    except TimeoutException as exc:
        raise AssertionError(f"页面上没有出现“{text}”（{drv.current_url}）") from exc
    idle(drv)


def wait_element(drv: Any, css: str, timeout: float = 60) -> Any:
    """The element matching ``css`` once the page shows it: right after ``drv.get`` the old page's text can still
    be on screen, so a test that types into a widget waits for the widget itself, not for a caption."""
    try:
        return WebDriverWait(drv, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()), None)
        )
    except TimeoutException as exc:
        raise AssertionError(f"页面上没有出现 {css}（{drv.current_url}）") from exc


# ---------------------------------------------------------------------------------------------- actions
def click_button(drv: Any, label: str) -> None:
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


def click_until(drv: Any, label: str, text: str, timeout: float = 90, tries: int = 3) -> None:
    """Click the button ``label`` until ``text`` shows: on a loaded machine a click that lands while the page is
    re-rendering can be dropped by the browser, so a button still shown with the page idle is clicked again."""
    for attempt in range(tries):
        click_button(drv, label)
        try:
            wait_text(drv, text, timeout)
            return
        except AssertionError:
            idle(drv)
            if text in body_text(drv):
                return
            if attempt == tries - 1:
                raise


def nav_label(link: Any) -> str:
    """The page title of a sidebar link (its text ends with the title, after the icon)."""
    return link.text.strip().splitlines()[-1].strip()


def nav(drv: Any, title: str) -> None:
    """Open a page from the sidebar (opened first when the viewport hides it)."""
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
    drv.execute_script("arguments[0].click();", link)
    # the sidebar shows the title already: wait for the main column to show it (the page has been run)
    try:
        WebDriverWait(drv, 60, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d: title in d.find_element(By.CSS_SELECTOR, '[data-testid="stMain"]').text
        )
    except TimeoutException as exc:
        raise AssertionError(f"页面“{title}”没有打开（{drv.current_url}）") from exc
    idle(drv)


def _combo(drv: Any, label: str) -> Any:
    return WebDriverWait(drv, 30).until(
        lambda d: next(
            iter(d.find_elements(By.CSS_SELECTOR, f'input[role="combobox"][aria-label="{label}"]')), None
        )
    )


def choose(drv: Any, label: str, option: str) -> None:
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


def selected(drv: Any, label: str) -> str:
    """The value shown in the selectbox labelled ``label``."""
    return _combo(drv, label).get_attribute("value") or ""


def open_tab(drv: Any, label: str) -> None:
    tab = WebDriverWait(drv, 30).until(
        lambda d: next(
            (t for t in d.find_elements(By.XPATH, "//*[@role='tab']") if t.text.strip() == label), None
        )
    )
    tab.click()
    idle(drv)


def login(drv: Any, url: str, username: str, password: str) -> None:
    """Log in on the login page (the page it leads to is left to the caller to wait for)."""
    drv.get(url + "/login")
    wait_text(drv, "用户名")
    wait_element(drv, 'input[aria-label="用户名"]').send_keys(username)
    pw = wait_element(drv, 'input[aria-label="密码"]')
    pw.send_keys(password)
    pw.send_keys(Keys.ENTER)


def downloaded(drv: Any, name: str, keep: Path | None = None, timeout: float = 60) -> Path:
    """Wait for a finished download called ``name`` (a copy is kept in ``keep`` when given)."""
    deadline = time.time() + timeout
    path = drv.downloads / name
    while time.time() < deadline:
        if path.exists() and path.stat().st_size and not list(drv.downloads.glob("*.crdownload")):
            if keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, keep / name)
            return path
        time.sleep(0.5)
    raise AssertionError(f"{name} 未下载：{[f.name for f in drv.downloads.iterdir()]}")


def save_artifacts(drv: Any, folder: Path, name: str) -> Path:
    """A screenshot and the page source of every open tab, in ``folder/name``; returns that folder."""
    out = folder / name
    out.mkdir(parents=True, exist_ok=True)
    current = drv.current_window_handle
    for n, handle in enumerate(drv.window_handles):
        drv.switch_to.window(handle)
        drv.save_screenshot(str(out / f"tab{n}.png"))
        (out / f"tab{n}.html").write_text(f"<!-- {drv.current_url} -->\n" + drv.page_source, encoding="utf-8")
    drv.switch_to.window(current)
    return out
