"""The four journeys of issue 17 in headless Debian Chromium on the demo knowledge base, at 1280×800 and 1024×768.

- reviewer: login → inbox → click a row (its 详情 link) → 申报详情 (the verdict on top, the PDF and workbook
  downloads are real files) → 全文对照 (next / previous bring a match into view on both sides) → F5 keeps the
  login and the URL → logout (the link then goes through the login);
- analyst: the coverage heatmaps show every axis label, a click on a cell filters the drill-down to that cell (and
  a click on the other heatmap replaces the filter), F5 keeps the filter;
- applicant: the self-check of an off-topic text shows the CLS003 error in Chinese;
- admin: login → inbox → a row → 申报详情 → 管理 → 重建索引 → F5 → logout.

On every page: the main column does not overflow sideways and no button is cut off. A failing test leaves a
screenshot and the page source of each tab under the artefacts folder (``SCENARIO_KB_ARTIFACTS``, else
``artifacts/pytest-N`` beside pytest's temporary folders; the path is printed with the failure, see conftest.py).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from browser_kit import (
    By,
    WebDriverWait,
    artifacts_dir,
    body_text,
    choose,
    chromium,
    click_button,
    downloaded,
    idle,
    login,
    nav,
    nav_label,
    open_tab,
    selected,
    served_kb,
    visitor,
    wait_element,
    wait_text,
)
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.action_chains import ActionChains

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
PW = "demo"  # the demo accounts (kb.service.accounts.ensure_demo_users)
SIZES = [(1280, 800), (1024, 768)]
OFF_TOPIC = (
    "国庆黄金周期间，本市各大商场客流明显回升。记者昨日在市中心步行街看到，不少市民携家人出游购物，餐饮门店门前"
    "排起长队。商场负责人介绍，今年推出了满减优惠和会员积分翻倍活动，预计节日期间销售额同比增长两成。市场监管部门"
    "提醒消费者理性消费，注意保留购物凭证，遇到纠纷可拨打投诉热线。天气预报显示，假期后半段本市以晴好天气为主。"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """The demo knowledge base (its duplicate sweep stored) served by ``python -m app_pages.server``."""

    def prepare(kb) -> SimpleNamespace:
        kb.store.ingest([ROOT / "data" / "demo"])
        kb.accounts.ensure_demo_users()
        families = kb.similarity.duplicate_families()["families"]  # stored: the server reuses the sweep
        threshold = float(kb.config.dup_threshold)
        copied = [f for f in families if (f.get("max_similarity") or 0) >= threshold]
        # the submission the reviewer opens: the lowest id in a family of copies (on the inbox's first page)
        target = min(int(m["id"]) for f in copied for m in f["members"])
        subs = kb.store.list_submissions()
        ids = sorted(s.id for s in subs)
        y2021 = min(
            s.id for s in subs if s.meta.year == 2021
        )  # classified against the 2021 guide by its year
        return SimpleNamespace(target=target, row=ids.index(target), cov=kb.coverage.summary({}), y2021=y2021)

    d = tmp_path_factory.mktemp("journeys")
    with served_kb(d, prepare) as (url, ns):
        ns.url, ns.tmp = url, d
        yield ns


@pytest.fixture(params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def page(request: pytest.FixtureRequest, demo, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path):
    """A fresh browser (no cookie) whose viewport is the parameter's size."""
    drv = visitor(tmp_path, artifacts_dir(tmp_path_factory), request.param)
    yield drv
    drv.quit()


# ---------------------------------------------------------------------------------------------- checks
LAYOUT_JS = """
const main = document.querySelector('[data-testid="stMain"]');
const box = main.getBoundingClientRect();
const vw = document.documentElement.clientWidth;
function clippers(e) {  // the ancestors (inside the main column) that cut their content off sideways
  const out = [];
  for (let p = e.parentElement; p && p !== main; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX;
    if (o !== 'visible') out.push(p);
  }
  return out;
}
const wide = [];
main.querySelectorAll('*').forEach(e => {
  const r = e.getBoundingClientRect();
  if (r.width && r.right > box.right + 1 && e.offsetParent !== null && clippers(e).length === 0)
    wide.push((e.getAttribute('data-testid') || e.tagName.toLowerCase()) + ' → ' + Math.round(r.right));
});
const clipped = [];
main.querySelectorAll('button, a[data-testid="stPageLink-NavLink"], label[data-baseweb="checkbox"]').forEach(b => {
  if (b.offsetParent === null || b.closest('[data-testid="stElementToolbar"]')) return;
  const r = b.getBoundingClientRect();
  if (!r.width) return;
  const label = (b.innerText || b.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ');
  if (r.left < -1 || r.right > vw + 1) { clipped.push(label + ' (off the page)'); return; }
  if ([b, ...b.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1)) {  // "下载覆盖…"
    clipped.push(label + ' (label cut off)'); return;
  }
  for (const p of clippers(b)) {
    const q = p.getBoundingClientRect();
    if (r.left < q.left - 1 || r.right > q.right + 1) { clipped.push(label + ' (cut by its container)'); return; }
  }
});
return {overflow: main.scrollWidth - main.clientWidth, page: document.documentElement.scrollWidth - vw,
        wide: wide.slice(0, 8), clipped: clipped};
"""


def assert_layout(drv: Any, where: str) -> None:
    """No sideways overflow of the main column or of the page, and no button cut off, at this viewport."""
    got = drv.execute_script(LAYOUT_JS)
    size = "×".join(map(str, drv.size))
    assert got["overflow"] <= 1 and got["page"] <= 1, f"{where} at {size}: overflows sideways: {got}"
    assert not got["clipped"], f"{where} at {size}: buttons cut off: {got['clipped']}"


# Latin words a page may show besides codes and acronyms (all capitals, as LEN001, PDF, MES) and words with a
# digit (ids, file names): the names of file formats and the demo accounts' user names (data, not UI). Streamlit's
# own strings ("Upload", "per file", "Stop", "Press Enter to submit form", "Download as CSV", "Show password"…)
# are not here: app_pages/streamlit_zh.py translates them, and this scan fails when one comes back.
ALLOWED_LATIN = {
    "Excel",
    "docx",
    "pdf",
    "txt",
    "md",
    "csv",
    "xlsx",
    "html",
    "reviewer",
    "analyst",
    "admin",
    "Ctrl",
}
ENGLISH_JS = """
const skip = 'svg, textarea, input, [data-testid="stIconMaterial"], [translate="no"], .kb-text, .kb-pair, '
  + '.kb-findings, [data-testid="stDataFrame"] table';  // icons by ligature name; submission texts (data)
const out = [];
const it = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = it.nextNode(); n; n = it.nextNode()) {
  const p = n.parentElement;
  if (!p || !n.nodeValue.trim() || p.closest(skip) || !p.getClientRects().length) continue;
  if (getComputedStyle(p).visibility === 'hidden' || p.closest('script, style')) continue;
  out.push(n.nodeValue);
}
document.querySelectorAll('[aria-label], [title], [placeholder]').forEach(e => {
  if (e.closest('svg')) return;
  for (const a of ['aria-label', 'title', 'placeholder']) if (e.getAttribute(a)) out.push(e.getAttribute(a));
});
return out;
"""


def english_words(drv: Any) -> dict[str, str]:
    """Latin words on the page outside the allow-list (text, tooltips, aria labels, placeholders), each with
    the string it was found in."""
    found = {}
    for s in drv.execute_script(ENGLISH_JS):
        s2 = re.sub(r"https?://\S+|[\w.-]+\.(?:txt|docx|pdf|md|csv|xlsx|html)\b", " ", s)  # links, files
        for w in re.findall(r"[A-Za-z][A-Za-z0-9_-]*", s2):
            if w in ALLOWED_LATIN or re.fullmatch(r"[A-Z][A-Z0-9_-]*", w) or re.search(r"\d", w):
                continue
            found.setdefault(w, s.strip()[:80])
    return found


def check_page(drv: Any, where: str) -> None:
    """The page fits the viewport (:func:`assert_layout`) and speaks Chinese (no English word of Streamlit's
    own chrome or ours left, :func:`english_words`)."""
    assert_layout(drv, where)
    words = english_words(drv)
    assert not words, f"{where}: English on the page: {words}"


def top_of(drv: Any, text: str) -> float:
    """The page y of the first leaf element in the main column whose text is ``text``."""
    y = drv.execute_script(
        "const e = [...document.querySelectorAll('[data-testid=\"stMain\"] *')]"
        ".find(x => x.childElementCount === 0 && x.textContent.trim() === arguments[0]);"
        "return e ? e.getBoundingClientRect().top : null;",
        text,
    )
    assert y is not None, f"“{text}” is not on the page"
    return float(y)


def open_inbox_row(drv: Any, row: int) -> int:
    """Click the 详情 link of inbox row ``row`` (0-based, on the grid's canvas) and switch to the tab it opens;
    returns the submission number shown in that row."""
    cell = WebDriverWait(drv, 60).until(  # the grid draws its rows after the rest of the page
        lambda d: next(iter(d.find_elements(By.CSS_SELECTOR, f'[data-testid="glide-cell-2-{row}"]')), None)
    )
    sid = int(cell.get_attribute("textContent"))
    canvas = drv.find_element(
        By.CSS_SELECTOR, '[data-testid="stDataFrame"] canvas[data-testid="data-grid-canvas"]'
    )
    drv.execute_script("arguments[0].scrollIntoView({block: 'start'});", canvas)
    time.sleep(0.5)
    rect = canvas.rect
    y = 36 + 35 * row + 17 - rect["height"] / 2  # header 36 px, rows 35 px; offsets from the canvas centre
    runs: list[list[int]] = []
    for _attempt in range(3):  # a loaded machine may draw the pointer late: look again
        runs = []  # the grid shows a pointer over the 选择 checkbox, then over the link text
        for x in range(4, 300, 4):
            ActionChains(drv).move_to_element_with_offset(canvas, x - rect["width"] / 2, y).perform()
            time.sleep(0.02)
            if drv.execute_script("return arguments[0].style.cursor", canvas) == "pointer":
                if runs and runs[-1][-1] == x - 4:
                    runs[-1].append(x)
                else:
                    runs.append([x])
        if len(runs) >= 2:
            break
        time.sleep(2)
    assert len(runs) >= 2, f"the 详情 column has no link in this row (pointer at {runs})"
    link_x = (runs[1][0] + runs[1][-1]) // 2
    tabs = set(drv.window_handles)
    ActionChains(drv).move_to_element_with_offset(canvas, link_x - rect["width"] / 2, y).click().perform()
    WebDriverWait(drv, 60).until(lambda d: len(d.window_handles) > len(tabs))
    drv.switch_to.window(next(iter(set(drv.window_handles) - tabs)))
    return sid


def logged_in(drv: Any) -> bool:
    """The sidebar names the logged-in user."""
    return "当前用户：" in body_text(drv)


def logout_and_check(drv: Any, url: str, link: str) -> None:
    """Log out from the sidebar; the link then goes through the login page."""
    nav(drv, "退出登录")
    click_button(drv, "退出登录")
    wait_text(drv, "用户名")
    drv.get(url + link)
    wait_text(drv, "登录后将打开")
    assert "评审结论要点" not in body_text(drv)


def in_view(drv: Any, css: str) -> bool:
    """The element is inside the visible part of its scrolling container (the pair view's text boxes)."""
    return drv.execute_script(
        """const e = document.querySelector(arguments[0]); if (!e) return false;
        let p = e.parentElement;
        while (p && !(p.scrollHeight > p.clientHeight + 2 && getComputedStyle(p).overflowY !== 'visible')) p = p.parentElement;
        const r = e.getBoundingClientRect(), q = (p || document.documentElement).getBoundingClientRect();
        return r.bottom > q.top && r.top < q.bottom;""",
        css,
    )


def active_match(drv: Any) -> int:
    wait_text(drv, "处共享段落")
    m = re.search(r"第 (\d+) / (\d+) 处共享段落", body_text(drv))
    assert m, "no match counter"
    return int(m.group(1))


# ---------------------------------------------------------------------------------------------- journeys
def test_reviewer_journey(page, demo):
    import openpyxl

    drv, url = page, demo.url
    login(drv, url, "reviewer", PW)
    wait_text(drv, "批量操作")
    check_page(drv, "评审工作台")
    sid = open_inbox_row(drv, demo.row)
    assert sid == demo.target
    wait_text(drv, "评审结论要点")
    assert drv.current_url.endswith(f"/detail?id={sid}")  # the new tab is logged in through the cookie
    # the verdict first, in the first screen: above the downloads and the findings, the copy flagged
    verdict = top_of(drv, "评审结论要点")
    assert verdict < drv.size[1]
    assert verdict < top_of(drv, "下载") < top_of(drv, "结构与指标")
    body = body_text(drv)
    assert "需复核" in body and f"并排对照 #{sid} 与 #" in body
    check_page(drv, "申报详情")
    click_button(drv, "评审档案（PDF）")
    assert downloaded(drv, f"评审档案_{sid}.pdf").read_bytes().startswith(b"%PDF")
    click_button(drv, "评审表（Excel）")
    sheet = openpyxl.load_workbook(downloaded(drv, f"评审表_{sid}.xlsx")).worksheets[0]
    assert sheet.max_row == 2 and sid in [c.value for c in sheet[2]]
    drv.refresh()  # F5: still logged in, still this submission
    wait_text(drv, "评审结论要点")
    assert logged_in(drv) and drv.current_url.endswith(f"/detail?id={sid}")

    # 全文对照 from the verdict's link; next / previous bring the match into view on both sides
    link = next(a for a in drv.find_elements(By.CSS_SELECTOR, 'a[data-testid="stPageLink-NavLink"]')
                if f"并排对照 #{sid} 与 #" in a.text)  # fmt: skip
    drv.execute_script("arguments[0].click();", link)
    assert active_match(drv) == 1
    assert "pair=" in drv.current_url and "match=1" in drv.current_url
    n = int(re.search(r"第 1 / (\d+) 处", body_text(drv)).group(1))
    check_page(drv, "全文对照")
    click_button(drv, "下一处 ▶")
    idle(drv)
    cur = active_match(drv)
    assert cur == (2 if n > 1 else 1)
    time.sleep(0.8)  # the page scrolls both sides to the active match
    for side in "ab":
        assert in_view(drv, f'.kb-pair[data-side="{side}"] mark.active[data-n="{cur}"]'), side
    assert f"match={cur}" in drv.current_url
    click_button(drv, "◀ 上一处")
    assert active_match(drv) == 1
    pair_url = drv.current_url
    drv.refresh()
    assert active_match(drv) == 1
    assert logged_in(drv) and drv.current_url == pair_url
    logout_and_check(drv, url, f"/detail?id={sid}")


def test_analyst_journey(page, demo):
    drv, url = page, demo.url
    login(drv, url, "analyst", PW)
    wait_text(drv, "下钻到材料")
    check_page(drv, "覆盖分析")
    assert "评审工作台" not in [
        a.text for a in drv.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebarNavLink"]')
    ]
    charts = (
        ("地区 × 环节", "region_link", "link", "region", ("环节", "地区")),
        ("行业 × 场景", "industry_scenario", "scenario", "industry", ("典型场景", "行业")),
    )
    for n, (tab, key, x, y, (xt, yt)) in enumerate(charts):
        open_tab(drv, tab)
        svg = WebDriverWait(drv, 30).until(
            lambda d, n=n: (
                d.find_elements(By.CSS_SELECTOR, '[data-testid="stVegaLiteChart"] svg') + [None] * 2
            )[n]
        )
        texts = drv.execute_script(
            "return [...arguments[0].querySelectorAll('.role-axis-label text')].map(t => t.textContent)", svg
        )
        expected = {short(r[f]) for r in demo.cov[key] for f in (x, y)}
        assert expected <= set(texts), f"{tab}: labels missing: {sorted(expected - set(texts))[:10]}"
        # a click on a cell: the drill-down shows that cell's submissions
        cells = svg.find_elements(By.CSS_SELECTOR, ".role-mark path[aria-label]")
        cell = max(
            cells,
            key=lambda c: int(
                dict(kv.split(": ", 1) for kv in c.get_attribute("aria-label").split("; "))["数量"]
            ),
        )
        fields = dict(kv.split(": ", 1) for kv in cell.get_attribute("aria-label").split("; "))
        drv.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'center'});", cell)
        time.sleep(0.3)
        ActionChains(drv).move_to_element(cell).click().perform()
        WebDriverWait(drv, 30).until(lambda d, v=fields[xt], label=xt: selected(d, label) == v)
        idle(drv)
        assert selected(drv, yt) == fields[yt]
        others = {"环节", "地区", "行业", "典型场景"} - {xt, yt}
        assert all(selected(drv, o) == "全部" for o in others), "the other heatmap's filter is still on"
        assert drill_rows(drv, int(fields["数量"])) == int(fields["数量"])
        check_page(drv, f"覆盖分析（{tab}）")
    cell_url = drv.current_url
    assert "industry=" in cell_url and "scenario=" in cell_url and "region=" not in cell_url
    drv.refresh()
    wait_text(drv, "下钻到材料")
    assert logged_in(drv) and drv.current_url == cell_url
    assert selected(drv, "行业") == fields["行业"] and drill_rows(drv, int(fields["数量"])) == int(
        fields["数量"]
    )
    logout_and_check(drv, url, "/coverage")


def short(label: object) -> str:
    """The axis label as the heatmap draws it (app_pages/coverage.py: long names cut to 9 characters + …)."""
    s = str(label)
    return s[:9] + "…" if len(s) > 10 else s


def drill_rows(drv: Any, expected: int) -> int:
    """Rows of the drill-down table (the last table on the page: its grid's accessible row count less the header),
    once it shows ``expected`` rows or after 30 s (the table is redrawn after each click)."""
    rows = [-1]

    def count(d: Any) -> bool:
        grids = d.find_elements(By.CSS_SELECTOR, '[data-testid="stDataFrame"] table[role="grid"]')
        try:
            rows[0] = int(grids[-1].get_attribute("aria-rowcount")) - 1 if grids else -1
        except StaleElementReferenceException:
            return False
        return rows[0] == expected

    try:
        WebDriverWait(drv, 30).until(count)
    except TimeoutException:
        pass
    return rows[0]


def test_applicant_selfcheck_of_an_off_topic_text(page, demo):
    drv = page
    drv.get(demo.url)  # the self-check is the start page of a visitor who is not logged in
    wait_element(drv, 'textarea[aria-label="粘贴正文"]').send_keys(OFF_TOPIC)
    click_button(drv, "开始自检")
    wait_text(drv, "必须修改", timeout=120)
    body = body_text(drv)
    assert "CLS003 与典型场景关联度低（疑似偏题）" in body
    assert "这段文字不像一份已实施场景的描述" in body  # the judgment's reasons, in Chinese
    errors = drv.execute_script(
        "return [...document.querySelectorAll('[data-testid=\"stMetric\"]')]"
        ".filter(m => m.innerText.startsWith('必须修改')).map(m => m.innerText)"
    )
    assert errors and int(errors[0].split()[-1]) >= 1
    item = next(line for line in body.splitlines() if "切合智能制造典型场景" in line)
    assert "对照参考指引说明场景内容" in item  # the checklist item fails, with what to do
    icons = set(
        drv.execute_script(  # Material icons are ligatures: their names are text in the DOM
            'return [...document.querySelectorAll(\'[data-testid="stIconMaterial"], [translate="no"]\')].map(i => i.textContent.trim())'
        )
    )
    for line in body.splitlines():
        if "CLS003" in line or "不像一份已实施场景" in line:
            words = re.findall(r"(?<![A-Z0-9])[A-Za-z_]{3,}", line.replace("CLS003", ""))
            assert not [w for w in words if w not in icons], line
    check_page(drv, "申报自检")
    # the result prints: a page of its own with the checklist, the fixes and the time in Beijing time
    click_button(drv, "下载自检结果（可打印）")
    drv.get(downloaded(drv, "自检结果.html").as_uri())
    printed = body_text(drv)
    assert "自检清单" in printed and "CLS003" in printed and "关联度低" in printed
    assert re.search(r"自检时间：\d{4}-\d\d-\d\d \d\d:\d\d（北京时间）", printed), printed[:300]
    assert drv.execute_script(
        "return [...document.styleSheets].some(s => [...s.cssRules].some(r => r.media && r.media.mediaText === 'print'))"
    )


def test_admin_journey(page, demo, tmp_path):
    drv, url = page, demo.url
    login(drv, url, "admin", PW)
    wait_text(drv, "批量操作")
    inbox = drv.current_window_handle
    sid = open_inbox_row(drv, 0)
    wait_text(drv, "评审结论要点")
    assert drv.current_url.endswith(f"/detail?id={sid}")
    drv.close()
    drv.switch_to.window(inbox)
    nav(drv, "管理")
    wait_text(drv, "选择文件")  # the file uploader speaks Chinese (Streamlit's own "Upload", "20MB per file")
    body = body_text(drv)
    assert "选择文件" in body and "每个文件不超过 20 MB" in body, body
    check_page(drv, "管理（导入申报材料）")

    # the index rebuild shows its progress and does not crash
    open_tab(drv, "索引")
    click_button(drv, "重建索引")
    status = ""
    try:  # while it runs: the progress bar, and Streamlit's status widget in Chinese
        WebDriverWait(drv, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stProgress"]'))
        status = drv.execute_script(
            "const w = document.querySelector('[data-testid=\"stStatusWidget\"]'); return w ? w.innerText : '';"
        )
    except (TimeoutException, StaleElementReferenceException):
        pass  # finished before the first look
    assert not re.search(r"[A-Za-z]{3,}", status or ""), status
    wait_text(drv, "索引已重建", timeout=240)
    body = body_text(drv)
    assert "意外错误" not in body and "Error" not in body
    check_page(drv, "管理（索引）")
    drv.refresh()
    wait_text(drv, "导入申报材料")
    assert logged_in(drv) and drv.current_url.endswith("/admin")
    open_tab(drv, "索引")
    wait_text(drv, "与数据库一致")

    switch_editions(drv, url, demo.y2021)
    manage_users(drv, url, tmp_path)
    logout_and_check(drv, url, "/admin")


def tick(drv: Any, label: str, on: bool) -> None:
    """Set the checkbox whose label starts with ``label``."""
    box = WebDriverWait(drv, 30).until(
        lambda d: next(
            (b for b in d.find_elements(By.CSS_SELECTOR, '[data-testid="stCheckbox"] input[type="checkbox"]')
             if (b.get_attribute("aria-label") or "").startswith(label)),
            None,
        )
    )  # fmt: skip
    if box.is_selected() != on:
        outer = box.find_element(By.XPATH, "ancestor::label")
        drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", outer)
        outer.click()
        WebDriverWait(drv, 10).until(lambda d: box.is_selected() == on)
        idle(drv)


def ask_switch(drv: Any, edition: str, reclassify: bool) -> str:
    """参考库 → 版本: ask for the guide ``edition``; returns the confirmation shown (nothing switched yet)."""
    nav(drv, "参考库")
    open_tab(drv, "版本")
    choose(drv, "版本", edition)
    tick(drv, "同时按新版本重新归类全部已有材料", reclassify)
    click_button(drv, "切换到该版本")
    wait_text(drv, f"年版切换到 {edition} 年版")
    return body_text(drv)


def classified_by(drv: Any, url: str, sid: int) -> str:
    """The 归类依据 line of a submission's detail page."""
    drv.get(f"{url}/detail?id={sid}")
    wait_text(drv, "评审结论要点")
    open_tab(drv, "场景归类")
    wait_text(drv, "归类依据")
    return next(line for line in body_text(drv).splitlines() if line.startswith("归类依据"))


def switch_editions(drv: Any, url: str, sid2021: int) -> None:
    """Edition switch: asked first, says what it changes, the banners follow; a 2021 submission keeps the 2021
    guide unless the admin re-classifies on purpose; back to 2021 at the end (the next journey starts there)."""
    assert "2021 年版" in classified_by(drv, url, sid2021)
    body = ask_switch(drv, "2025", reclassify=False)
    assert "确认把参考指引从 2021 年版切换到 2025 年版" in body
    assert "切换后：" in body and "版本横幅" in body and "不会被重新归类" in body
    assert "参考指引：2021 年版" in body  # not switched before the confirmation
    check_page(drv, "参考库（确认切换版本）")
    click_button(drv, "确认切换")
    wait_text(drv, "已切换")
    body = body_text(drv)
    assert "参考指引：2025 年版" in body  # the sidebar follows
    banners = drv.execute_script(
        "return [...document.querySelectorAll('[data-testid=\"stAlert\"]')].map(a => a.innerText)"
    )
    assert any("参考版本" in b and "2025 年版" in b for b in banners), banners  # the page banner follows
    line = classified_by(drv, url, sid2021)
    assert "2021 年版" in line and "按申报年度" in line, line  # not re-classified by the switch

    body = ask_switch(drv, "2025", reclassify=True)  # re-classify on purpose
    assert "全部已有材料将按新版本重新归类" in body
    click_button(drv, "确认切换")
    wait_text(drv, "已切换")
    line = classified_by(drv, url, sid2021)
    assert "2025 年版" in line and "重新归类" in line, line

    body = ask_switch(drv, "2021", reclassify=False)
    assert "确认把参考指引从 2025 年版切换到 2021 年版" in body and "不会被重新归类" in body
    click_button(drv, "确认切换")
    wait_text(drv, "已切换")
    assert "参考指引：2021 年版" in body_text(drv)
    line = classified_by(drv, url, sid2021)
    assert "2021 年版" in line and "按申报年度" in line, line


def manage_users(drv: Any, url: str, tmp_path: Path) -> None:
    """管理 → 用户: add a user, change the role, remove the user; the user's open session ends each time."""
    name, pw = f"expert{drv.size[0]}", "pw-journey-1"
    nav(drv, "管理")
    open_tab(drv, "用户")
    wait_element(drv, 'input[aria-label="用户名"]').send_keys(name)
    wait_element(drv, 'input[aria-label="密码"]').send_keys(pw)
    time.sleep(0.5)
    check_page(drv, "管理（用户，输入中）")  # the form's "Press Enter to submit form" speaks Chinese too
    click_button(drv, "添加或重置用户")
    wait_text(drv, f"已添加用户 {name}（评审专家）")
    other = chromium(tmp_path / "downloads2", tmp_path / "profile2", drv.size)
    other.artifacts, other.size = drv.artifacts, drv.size
    try:
        login(other, url, name, pw)
        wait_text(other, "批量操作")  # a reviewer starts in the inbox
        assert logged_in(other)

        choose(drv, "用户", name)
        choose(drv, "新角色", "分析人员")
        click_button(drv, "修改角色")
        wait_text(drv, f"已将 {name} 的角色改为分析人员")
        nav_any(other, "评审工作台")  # the reviewer session ended with the role change
        wait_text(other, "用户名")
        assert not logged_in(other)
        login(other, url, name, pw)
        wait_text(other, "下钻到材料")  # an analyst starts in 覆盖分析
        assert "评审工作台" not in body_text(other)

        choose(drv, "要删除的用户", name)
        tick(drv, f"确认删除 {name}", True)
        click_button(drv, "删除")
        wait_text(drv, f"已删除用户 {name}")
        check_page(drv, "管理（用户）")
        nav_any(other, "参考库")  # the open session is revoked: the next click goes through the login
        wait_text(other, "用户名")
        assert not logged_in(other)
        other.refresh()  # nor does the cookie bring it back
        wait_text(other, "用户名")
        assert not logged_in(other)
        login(other, url, name, pw)
        wait_text(other, "用户名或密码不正确")
    except Exception:
        from browser_kit import save_artifacts

        save_artifacts(other, drv.artifacts, f"manage_users-other-{drv.size[0]}")
        raise
    finally:
        other.quit()


def nav_any(drv: Any, title: str) -> None:
    """Click a sidebar link without waiting for its page (it may send the user to the login page)."""
    link = WebDriverWait(drv, 30).until(
        lambda d: next(
            (a for a in d.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebarNavLink"]') if nav_label(a) == title),
            None,
        )
    )  # fmt: skip
    drv.execute_script("arguments[0].click();", link)
