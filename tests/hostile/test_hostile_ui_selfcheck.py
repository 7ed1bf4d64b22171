"""Hostile class 9 through the real Streamlit server: two visitors of the anonymous self-check page, each in a
headless Chromium of its own (two Streamlit sessions of one ``python -m app_pages.server`` process, the default
settings). Visitor A uploads a PDF that takes far longer to parse than the self-check's time budget; while A's page
still shows its spinner, visitor B's normal self-check is answered and its result shown; A then gets an error
naming the budget it ran past. Order of events, not time (bench/bench_ui_hostile.py measures the latencies)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from browser_kit import (
    By,
    artifacts_dir,
    body_text,
    click_button,
    idle,
    served_kb,
    visitor,
    wait_element,
    wait_text,
)
from hostile_util import pdf_with_content
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GUARD_S = 300  # only ends a wait that would otherwise never end; nothing is asserted about time
NORMAL = (
    "一、企业概况\n某公司主要生产汽车零部件，年产值12亿元。\n二、实施内容\n部署制造执行系统和机器视觉检测设备，"
    "排产由人工改为算法优化。\n三、实施成效\n不良品率由2.1%降至0.8%，生产效率提升{n}%。\n"
)
RUNNING = "正在检查"  # the page's spinner while the self-check runs


def slow_pdf(path: Path, glyphs: int, seed: int) -> Path:
    """A one-page PDF whose text line has ``glyphs`` generated letters: tiny to upload, slow to lay out (the
    parser builds an object per glyph; about a million take minutes, far past ``selfcheck_timeout_s``)."""
    rng = random.Random(seed)
    letters = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(glyphs))
    return pdf_with_content(path, b"BT /F1 1 Tf 10 10 Td (" + letters + b") Tj ET", compress=False)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """A knowledge base as ``init`` leaves it, served by ``python -m app_pages.server`` with default settings."""
    with served_kb(tmp_path_factory.mktemp("ui-hostile")) as (url, _):
        yield url


@pytest.fixture()
def two_visitors(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory):
    drivers = [visitor(tmp_path / n, artifacts_dir(tmp_path_factory)) for n in "ab"]
    yield drivers
    for drv in drivers:
        drv.quit()


def paste_and_check(drv, text: str) -> None:
    box = wait_element(drv, 'textarea[aria-label="粘贴正文"]')
    box.clear()
    box.send_keys(text)
    click_button(drv, "开始自检")


def running(drv) -> bool:
    return RUNNING in body_text(drv)


@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(glyphs=st.integers(1_000_000, 1_200_000), seed=st.integers(0, 2**16), n=st.integers(10, 90))
def test_a_hostile_upload_never_holds_up_another_visitor(
    server, two_visitors, tmp_path: Path, glyphs, seed, n
):
    url = server
    a, b = two_visitors
    for drv in (a, b):
        drv.get(url)  # the self-check is the start page of a visitor who is not logged in
        wait_text(drv, "开始自检", timeout=GUARD_S)
    # B once, so that the server has warmed up and its self-check workers are waiting in the pool
    paste_and_check(b, NORMAL.format(n=n))
    wait_text(b, "自检清单", timeout=GUARD_S)
    b.get(url)  # a fresh page (and session) for the measured self-check
    wait_text(b, "开始自检", timeout=GUARD_S)

    pdf = slow_pdf(tmp_path / "slow-draft.pdf", glyphs, seed)
    a.find_element(By.CSS_SELECTOR, 'input[type="file"]').send_keys(str(pdf))
    wait_text(a, "slow-draft.pdf", timeout=GUARD_S)
    click_button(a, "开始自检")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(a, GUARD_S, poll_frequency=0.1).until(running)  # A's upload is being checked

    paste_and_check(b, NORMAL.format(n=n + 1))
    WebDriverWait(b, GUARD_S, poll_frequency=0.1).until(lambda d: "自检清单" in body_text(d))
    # B's result is on its page while A's page still says its self-check is running
    a_now = body_text(a)
    assert RUNNING in a_now and "自检清单" not in a_now and "时限" not in a_now
    idle(b)
    b_page = body_text(b)
    assert "字数" in b_page and "必须修改" in b_page and "意外错误" not in b_page

    # A's upload fails alone, with the budget it ran past named (time, or memory should the parser outgrow it)
    WebDriverWait(a, GUARD_S, poll_frequency=0.5).until(lambda d: not running(d))
    idle(a)
    a_page = body_text(a)
    assert "意外错误" not in a_page and "自检清单" not in a_page
    assert ("时限" in a_page and "selfcheck_timeout_s" in a_page) or (
        "内存" in a_page and "selfcheck_memory_mb" in a_page
    ), a_page[-600:]
