"""A hostile self-check beside a normal visitor, through the real Streamlit server and two headless Chromiums.

Usage::

    .venv/bin/python bench/bench_ui_hostile.py [--rounds 12] [--glyphs 600000] [--a-browser-nice 19] [--json out.json]

Starts ``python -m app_pages.server`` (what ``scenario-kb serve`` runs) on a fresh knowledge base as ``init`` leaves
it, with the default settings, and opens two headless Debian Chromiums (two Streamlit sessions of one server
process). Visitor B, ``--rounds`` times: opens the self-check page in a fresh session (timed until the form is
there), pastes a generated normal draft and submits it (timed from the click until the result's checklist is
shown), opens the login page (timed until its form is there). First alone; then while visitor A, in the other
browser, submits hostile drafts one after another, each on a fresh page: a generated 200,000-character paste of a
repeated phrase, a generated slow PDF (``--glyphs`` letters on one page: parsing it runs past
``selfcheck_timeout_s``), and a PDF whose stream inflates to 64 MB (refused past the inflate limit). Prints B's
p50 / p95 / max per action, alone and beside A (and per hostile draft in flight), the load average during each
phase, and what A's drafts got. Needs chromium, chromium-driver and selenium (``scripts/install.sh --test``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "hostile")]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from browser_kit import By, WebDriverWait, body_text, chromium, click_button, workbench_server  # noqa: E402
from hostile_util import inflating_pdf, pdf_with_content  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402

GUARD_S = 300.0
POLL_S = 0.05
RUNNING = "正在检查"
FILL = ["幅度达", "提升", "由2.1%降至", "客户包括", "实施智能排产", "（一）", "单价100元/吨", "效率提高"]
PARTS = [
    "一、企业概况\n{co}主要生产{ind}，年产值{rev}亿元。\n",
    "二、场景概述\n针对{pain}，建设{goal}场景。\n",
    "三、实施内容\n部署{sys}和机器视觉检测设备，采集设备运行与质量数据，建立{model}模型。\n",
    "四、实施成效\n不良品率由{a}%降至{b}%，生产效率提升{c}%，交付周期缩短{d}天。\n",
    "五、推广价值\n方案可复制到同行业的离散制造企业。\n",
]
WORDS = {
    "ind": ["汽车零部件", "电子元器件", "工程机械", "食品饮料"],
    "pain": ["质量追溯困难", "排产依赖经验", "设备故障频发"],
    "goal": ["智能排产", "质量追溯", "预测性维护"],
    "sys": ["制造执行系统", "设备物联网平台", "高级计划排程系统"],
    "model": ["故障预测", "质量分析", "排产优化"],
}


def normal_draft(rng: random.Random) -> str:
    """A generated ~400-character application draft (the five canonical parts)."""
    w = {k: rng.choice(v) for k, v in WORDS.items()}
    return "".join(PARTS).format(
        co=f"示例{rng.randint(1, 999)}号制造有限公司", rev=rng.randint(2, 80), a=round(rng.uniform(2, 9), 1),
        b=round(rng.uniform(0.2, 1.9), 1), c=rng.randint(5, 60), d=rng.randint(2, 30), **w,
    )  # fmt: skip


def hostile_drafts(rng: random.Random, tmp: Path, glyphs: int) -> list[tuple[str, str | None, Path | None]]:
    """``(name, pasted text, uploaded file)`` of A's drafts, generated."""
    phrase = "".join(rng.sample(FILL, 3))
    paste = (phrase * (200_000 // len(phrase) + 1))[:200_000]
    letters = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(glyphs))
    slow = pdf_with_content(
        tmp / "slow.pdf", b"BT /F1 1 Tf 10 10 Td (" + letters + b") Tj ET", compress=False
    )
    bomb = inflating_pdf(tmp / "bomb.pdf", 64, unit=rng.choice([b"0 0 m ", b"1 1 l ", b"q Q "]))
    return [
        ("paste of a 200,000-char repeated phrase", paste, None),
        (f"upload of a slow PDF ({glyphs:,} glyphs, {slow.stat().st_size // 1024} KB)", None, slow),
        (f"upload of a PDF inflating to 64 MB ({bomb.stat().st_size // 1024} KB)", None, bomb),
    ]


def until(drv, cond, timeout: float = GUARD_S) -> None:
    WebDriverWait(
        drv, timeout, poll_frequency=POLL_S, ignored_exceptions=[StaleElementReferenceException]
    ).until(cond)


def has(selector: str):
    return lambda d: bool(d.find_elements(By.CSS_SELECTOR, selector))


TEXTAREA = 'textarea[aria-label="粘贴正文"]'
SET_VALUE = """
const el = document.querySelector(arguments[0]);
Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(el, arguments[1]);
el.dispatchEvent(new Event('input', {bubbles: true}));
"""


def open_selfcheck(drv, url: str) -> float:
    t0 = time.perf_counter()
    drv.get(url)
    until(drv, lambda d: has(TEXTAREA)(d) and "开始自检" in body_text(d))
    return time.perf_counter() - t0


def b_round(drv, url: str, rng: random.Random) -> dict[str, float]:
    """One round of visitor B: open the self-check page, check a normal draft, open the login page."""
    out = {"open self-check page": open_selfcheck(drv, url)}
    box = drv.find_element(By.CSS_SELECTOR, TEXTAREA)
    box.send_keys(normal_draft(rng))
    t0 = time.perf_counter()
    click_button(drv, "开始自检")
    until(drv, lambda d: "自检清单" in body_text(d))
    out["self-check (click to result)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    drv.get(url + "/login")
    until(drv, has('input[aria-label="用户名"]'))
    out["open login page"] = time.perf_counter() - t0
    return out


def a_submit(
    drv, url: str, text: str | None, upload: Path | None, under_way: threading.Event
) -> tuple[str, float]:
    """Visitor A submits one hostile draft on a fresh page; returns (what the page showed, seconds)."""
    open_selfcheck(drv, url)
    if upload is not None:
        drv.find_element(By.CSS_SELECTOR, 'input[type="file"]').send_keys(str(upload))
        until(drv, lambda d: upload.name in body_text(d))
    else:
        drv.execute_script(SET_VALUE, TEXTAREA, text)
    t0 = time.perf_counter()
    click_button(drv, "开始自检")
    until(drv, lambda d: RUNNING in body_text(d) or finished(d))
    under_way.set()
    until(drv, finished)
    wall = time.perf_counter() - t0
    page = body_text(drv)
    if "自检清单" in page:
        return ("result shown, checked in part (LIM001)" if "LIM001" in page else "result shown"), wall
    return next(line for line in page.splitlines() if "[KB" in line)[:110], wall


def finished(drv) -> bool:
    """A's page shows the result's checklist or an error (``[KB0xx] …``) and no longer its spinner."""
    page = body_text(drv)
    return RUNNING not in page and ("自检清单" in page or "[KB" in page)


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def renice_browser(drv, nice: int) -> None:
    """Lower the CPU priority of a browser (chromedriver, Chromium and the processes it starts later)."""
    for pid in descendants(drv.service.process.pid):
        try:
            os.setpriority(os.PRIO_PROCESS, pid, nice)
        except OSError:
            pass


def stats(xs: list[float]) -> str:
    if not xs:
        return "—"
    q = sorted(xs)
    p95 = q[min(len(q) - 1, round(0.95 * (len(q) - 1)))]
    return f"p50 {1000 * statistics.median(q):,.0f} / p95 {1000 * p95:,.0f} / max {1000 * q[-1]:,.0f} ms (n={len(q)})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=12, help="rounds of visitor B alone, and again beside A")
    ap.add_argument("--glyphs", type=int, default=600_000, help="letters on the slow PDF's page")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument(
        "--a-browser-nice",
        type=int,
        default=0,
        help="niceness of A's Chromium (19: it stands for a browser on A's own machine, not on the server's cores)",
    )
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    from kb.service import open_kb

    with tempfile.TemporaryDirectory(prefix="bench-ui-hostile-") as d:
        tmp = Path(d)
        k = open_kb(str(tmp / "kb.sqlite"))
        k.init()
        k.storage.close()
        drafts = hostile_drafts(rng, tmp, args.glyphs)
        with workbench_server(tmp / "kb.sqlite", tmp / "server.log", timeout=GUARD_S) as url:
            a = chromium(tmp / "dl-a", tmp / "profile-a")
            b = chromium(tmp / "dl-b", tmp / "profile-b")
            try:
                open_selfcheck(a, url)
                if args.a_browser_nice:
                    renice_browser(a, args.a_browser_nice)
                for _ in range(2):  # warm: the server's knowledge base, the worker pool, both browsers
                    b_round(b, url, rng)
                time.sleep(5)  # the pool is topped up in the background after a self-check

                alone: dict[str, list[float]] = {}
                loads_alone = []
                for _ in range(args.rounds):
                    for key, v in b_round(b, url, rng).items():
                        alone.setdefault(key, []).append(v)
                    loads_alone.append(os.getloadavg()[0])

                stop, under_way = threading.Event(), threading.Event()
                current: list[str] = [""]
                outcomes: list[tuple[str, str, float]] = []
                a_errors: list[str] = []

                def visitor_a() -> None:
                    try:
                        while not stop.is_set():
                            for name, text, upload in drafts:
                                if stop.is_set():
                                    return
                                current[0] = name
                                got, wall = a_submit(a, url, text, upload, under_way)
                                outcomes.append((name, got, wall))
                    except Exception as exc:  # noqa: BLE001 - reported, the figures of B stand
                        a_errors.append(f"{type(exc).__name__}: {exc}")

                ta = threading.Thread(target=visitor_a, daemon=True)
                ta.start()
                under_way.wait(GUARD_S)  # A's first draft is being checked
                beside: dict[str, list[float]] = {}
                by_kind: dict[str, list[float]] = {}
                loads_beside = []
                for _ in range(args.rounds):
                    kind = current[0]
                    r = b_round(b, url, rng)
                    for key, v in r.items():
                        beside.setdefault(key, []).append(v)
                    by_kind.setdefault(kind, []).append(r["self-check (click to result)"])
                    loads_beside.append(os.getloadavg()[0])
                stop.set()
                ta.join(GUARD_S)
            finally:
                a.quit()
                b.quit()

    report = {
        "alone": {k: stats(v) for k, v in alone.items()},
        "beside A": {k: stats(v) for k, v in beside.items()},
        "B's self-check by A's draft in flight": {k: stats(v) for k, v in by_kind.items()},
        "load average (1 min) alone": f"{min(loads_alone):.1f}–{max(loads_alone):.1f}",
        "load average (1 min) beside A": f"{min(loads_beside):.1f}–{max(loads_beside):.1f}",
        "A's drafts": [f"{n}: {g} after {w:.1f} s" for n, g, w in outcomes],
        "A's errors": a_errors,
        "cores": os.cpu_count(),
        "A's browser niceness": args.a_browser_nice,
    }
    for key, value in report.items():
        if isinstance(value, dict):
            print(f"{key}:")
            for k2, v2 in value.items():
                print(f"  {k2}: {v2}")
        elif isinstance(value, list):
            print(f"{key}:")
            for v2 in value:
                print(f"  {v2}")
        else:
            print(f"{key}: {value}")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
