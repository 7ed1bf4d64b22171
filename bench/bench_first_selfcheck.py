"""Benchmark: the first self-check after a cold server start, in headless Chromium.

Each run starts a fresh server process on a copy of the demo knowledge base, waits for its health check, waits
``--after`` seconds (``warm``: until the server logs the end of its warm-up; a plain server, which warms nothing
before a browser connects, idles ``--idle`` seconds), opens the self-check page as an applicant, pastes the longest
demo text of at most 3,000 字 (1,984 字) and times the click on 开始自检 until the result is on the page.

Two ways of starting the server are compared:

- ``launcher``: ``python -m app_pages.server`` (what ``scenario-kb serve`` runs): the knowledge base is opened and
  warmed (checks, classifier, indexes, inbox summaries) when the server starts;
- ``plain``: ``streamlit run app_streamlit.py``: the warm-up starts when the first browser connects.

Usage::

    .venv/bin/python bench/bench_first_selfcheck.py [--runs 3] [--after 0,warm] [--modes launcher,plain]

Needs Debian's chromium and chromedriver and selenium (the test extra). Prints one line per run and the medians.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

COMMANDS = {
    "launcher": [sys.executable, "-m", "app_pages.server"],
    "plain": [sys.executable, "-m", "streamlit", "run", str(ROOT / "app_streamlit.py")],
}
WARM_LINE = re.compile(r"warm-up finished in ([0-9.]+) s")


def build_demo(folder: Path) -> tuple[Path, str]:
    """The demo knowledge base (duplicate sweep stored) and the longest demo text under 3,000 字."""
    from kb.service import open_kb
    from nlp import count

    db = folder / "demo.sqlite"
    kb = open_kb(str(db))
    kb.init()
    kb.store.ingest([ROOT / "data" / "demo"])
    kb.similarity.duplicate_families()
    texts = [kb.store.get(s.id).text for s in kb.store.list_submissions()]
    text = max((t for t in texts if count.count_zishu(t) <= 3000), key=count.count_zishu)
    kb.storage.close()
    return db, text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def browser(profile: Path):
    from selenium import webdriver

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", f"--user-data-dir={profile}", "--window-size=1280,1000"):  # fmt: skip
        opts.add_argument(flag)
    return webdriver.Chrome(
        service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"), options=opts
    )


def paste(drv, box, text: str) -> None:
    """Put ``text`` into the text area at once, as a paste does (typing it would take seconds)."""
    drv.execute_script(
        "const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;"
        "set.call(arguments[0], arguments[1]);"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        box,
        text,
    )


def wait_for(pred, timeout: float, poll: float = 0.05) -> None:
    deadline = time.perf_counter() + timeout
    while not pred():
        if time.perf_counter() > deadline:
            raise TimeoutError("timed out")
        time.sleep(poll)


def one_run(mode: str, after: str, db_src: Path, text: str, work: Path, idle_s: float) -> dict[str, float]:
    from selenium.webdriver.common.by import By

    run_dir = Path(tempfile.mkdtemp(dir=work))
    db = run_dir / "demo.sqlite"
    shutil.copy(db_src, db)
    index = db_src.with_name(db_src.stem + ".index")
    if index.exists():
        shutil.copytree(index, db.with_name(db.stem + ".index"))
    port = free_port()
    log_path = run_dir / "server.log"
    env = dict(os.environ, SCENARIO_KB_DB=str(db), PYTHONPATH=str(ROOT))
    cmd = COMMANDS[mode] + ["--server.headless", "true", "--server.port", str(port), "--server.address",
                            "127.0.0.1", "--browser.gatherUsageStats", "false"]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        drv = None
        try:

            def healthy() -> bool:
                try:
                    return urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok"
                except OSError:
                    return False

            wait_for(healthy, 120, 0.1)
            t_health = time.perf_counter() - t0
            if after == "warm" and mode == "launcher":
                wait_for(lambda: WARM_LINE.search(log_path.read_text(errors="replace")), 300, 0.2)
            elif after == "warm":  # nothing warms before a browser connects: idle as long as a warm-up takes
                time.sleep(idle_s)
            else:
                time.sleep(float(after))
            drv = browser(run_dir / "profile")
            t1 = time.perf_counter()
            drv.get(url)
            wait_for(lambda: drv.find_elements(By.CSS_SELECTOR, 'textarea[aria-label="粘贴正文"]'), 120)
            t_page = time.perf_counter() - t1
            t_since_health = time.perf_counter() - t0 - t_health
            box = drv.find_element(By.CSS_SELECTOR, 'textarea[aria-label="粘贴正文"]')
            paste(drv, box, text)
            buttons: list = []

            def submit_ready() -> bool:
                buttons[:] = [b for b in drv.find_elements(By.TAG_NAME, "button") if "开始自检" in b.text]
                return bool(buttons)

            wait_for(submit_ready, 60)
            button = buttons[0]
            t2 = time.perf_counter()
            button.click()
            wait_for(lambda: "必须修改" in drv.find_element(By.TAG_NAME, "body").text, 300)
            t_check = time.perf_counter() - t2
        finally:
            if drv is not None:
                drv.quit()
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    warm = [float(x) for x in WARM_LINE.findall(log_path.read_text(errors="replace"))]
    return {"health_s": t_health, "click_after_health_s": t_since_health + 0.0, "page_s": t_page, "selfcheck_s": t_check, "warmups": len(warm) if mode == "launcher" else -1,
            "warmup_s": warm[0] if warm else float("nan")}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--after", default="0,warm", help="seconds between health and the browser, or 'warm'")
    ap.add_argument("--modes", default="launcher,plain")
    ap.add_argument(
        "--idle", type=float, default=30, help="plain mode, after=warm: seconds the server idles first"
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-first-selfcheck-") as tmp:
        work = Path(tmp)
        db, text = build_demo(work)
        from nlp import count

        print(f"demo KB ready; draft of {count.count_zishu(text)} 字")
        for mode in args.modes.split(","):
            for after in args.after.split(","):
                rows = [one_run(mode, after, db, text, work, args.idle) for _ in range(args.runs)]
                for r in rows:
                    print(f"{mode:8} after={after:5} health {r['health_s']:.1f} s  page {r['page_s']:.1f} s  "
                          f"click at health + {r['click_after_health_s']:.1f} s  "
                          f"first self-check {r['selfcheck_s']:.2f} s  (warm-ups logged: {r['warmups']}, "
                          f"warm-up {r['warmup_s']:.1f} s)")  # fmt: skip
                med = statistics.median(r["selfcheck_s"] for r in rows)
                print(f"== {mode} after={after}: median first self-check {med:.2f} s over {len(rows)} runs")


if __name__ == "__main__":
    main()
