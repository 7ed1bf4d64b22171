"""Hostile inputs: time and peak memory per class (issue 14).

Usage::

    .venv/bin/python bench/bench_hostile.py            # every class
    .venv/bin/python bench/bench_hostile.py --case pdf_bomb_1g
    .venv/bin/python bench/bench_hostile.py --case selfcheck_parallel --code ../other-checkout   # before/after

Each case runs in a fresh child process; the figure is its wall time and its peak RSS, the larger of the
child's own and that of the worker processes it started (``ru_maxrss`` of self and of reaped children).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "hostile"))
if "--code" in sys.argv:  # measure another checkout's kb/nlp (e.g. before a change)
    sys.path.insert(0, sys.argv[sys.argv.index("--code") + 1])


def _regex_repeat() -> str:
    from nlp.checks import check_text

    check_text("提升" + "幅度达" * 60_000 + "30%", kind="scenario")
    return "check_text on a 180,000-char repeated phrase (fill words) — was exponential"


def _regex_digits() -> str:
    from nlp.checks import check_text

    check_text("单价" + "9" * 200_000, kind="scenario")
    return "check_text on 单价 + 200,000 digits — was quadratic (minutes)"


def _regex_headings() -> str:
    from nlp.checks import check_text

    check_text("# " * 100_000 + "企业概况", kind="scenario")
    return "check_text on one line of 100,000 '# ' — was RecursionError"


def _worker_slow_pdf() -> str:
    from hostile_util import pdf_with_content

    from kb.errors import LimitExceededError
    from kb.ingest.worker import run_bounded

    with tempfile.TemporaryDirectory() as d:
        p = pdf_with_content(Path(d) / "slow.pdf", b"BT /F1 1 Tf 10 10 Td (" + b"a" * 400_000 + b") Tj ET")
        try:
            run_bounded("pdf", p, 5)
        except LimitExceededError:
            return "slow PDF under a 5 s limit: clear LimitExceededError (worker start included)"
    return "slow PDF parsed within 5 s"


def _ingest_poisoned() -> str:
    from kb.service import open_kb

    with tempfile.TemporaryDirectory() as d:
        folder = Path(d) / "in"
        folder.mkdir()
        lines = ["标题,年度,正文"]
        for i in range(1000):
            year = "1e400" if i % 100 == 7 else "2023"
            body = f"企业概况：第{i}家公司实施智能排产。实施成效：效率提升{i % 50 + 1}%。"
            lines.append(f'行{i},{year},"{body}' if i == 500 else f"行{i},{year},{body}")
        (folder / "batch.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        k = open_kb(str(Path(d) / "kb.sqlite"))
        k.init()
        rep = k.store.ingest([folder], analyze=False)
        bad = sum(o.status == "error" for o in rep.outcomes)
        k.storage.close()
    return f"1,000-row CSV with 10 bad 年度 + 1 unclosed quote: {bad} rejected, {1000 - bad} stored"


def _docx_full() -> str:
    from hostile_util import docx_from_body, w_p

    from kb.ingest.docx import read_docx

    body = "".join(
        f"<w:sdt><w:sdtContent>{w_p(f'答案{i}')}</w:sdtContent></w:sdt>"
        f"<w:tbl><w:tr><w:tc>{w_p('外')}<w:tbl><w:tr><w:tc>{w_p(f'内{i}')}</w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>"
        for i in range(5000)
    )
    with tempfile.TemporaryDirectory() as d:
        text, _ = read_docx(docx_from_body(Path(d) / "f.docx", body))
    return f"docx with 5,000 content controls + 5,000 nested tables: {len(text)} chars read"


def _pdf_bomb(mb: int) -> str:
    from hostile_util import inflating_pdf

    from kb.errors import LimitExceededError
    from kb.ingest import read_document

    with tempfile.TemporaryDirectory() as d:
        p = inflating_pdf(Path(d) / "bomb.pdf", mb)
        size = p.stat().st_size
        try:
            read_document(p)
        except LimitExceededError:
            return f"{size / 1e6:.1f} MB PDF inflating to {mb} MB: refused (LimitExceededError)"
    return "bomb parsed?!"


def _auth() -> str:
    from kb.errors import AuthError
    from kb.service import open_kb

    with tempfile.TemporaryDirectory() as d:
        k = open_kb(str(Path(d) / "kb.sqlite"))
        k.init()
        k.accounts.add_user("known", "right-pw", "reviewer")
        out = []
        for user in ("known", "unknown-user"):
            t0 = time.perf_counter()
            try:
                k.accounts.login(user, "wrong")
            except AuthError:
                pass
            out.append(f"{user} {1000 * (time.perf_counter() - t0):.0f} ms")
        k.storage.close()
    return "wrong password vs unknown user: " + ", ".join(out)


def _similarity() -> str:
    import random

    from nlp.similarity.align import align

    rng = random.Random(7)
    words = [
        "企业",
        "智能",
        "排产",
        "系统",
        "效率",
        "提升",
        "不良品率",
        "降至",
        "交付",
        "周期",
        "检测",
        "数据",
        "，",
        "。",
    ]
    a = "".join(rng.choice(words) for _ in range(400))
    periodic = "企业概况：某公司实施智能排产系统，生产效率提升30%，不良品率由2.1%降至0.8%。" * 20
    return (
        f"align(text×8, text).sim = {align(a * 8, a).sim:.3f} (was {2 / 9:.3f}); "
        f"for a text that itself repeats one sentence 20× {align(periodic * 8, periodic).sim:.3f}"
    )


NORMAL_DRAFT = (
    "一、企业概况\n某公司主要生产汽车零部件，年产值12亿元。\n二、场景概述\n针对多品种小批量订单，建设智能排产与质量追溯场景。\n"
    "三、实施内容\n部署制造执行系统和机器视觉检测设备，为每个批次生成追溯码，排产由人工改为算法优化。\n"
    "四、实施成效\n不良品率由2.1%降至0.8%，追溯时间由48小时缩短到10分钟，生产效率提升25%。\n"
    "五、推广价值\n方案可复制到同行业的离散制造企业。\n"
) * 4


def _hostile_drafts(tmp: Path) -> dict[str, tuple[object, str | None]]:
    from hostile_util import pdf_with_content

    unit = "企业概况：某公司实施智能排产，生产效率提升{n}%，不良品率由2.{n}%降至0.8%，交付周期缩短{n}天。\n"
    slow = pdf_with_content(tmp / "slow.pdf", b"BT /F1 1 Tf 10 10 Td (" + b"a" * 400_000 + b") Tj ET")
    return {
        "paste 200k chars": ("".join(unit.format(n=i % 97) for i in range(4_000))[:200_000], None),
        "paste repeated phrase": ("提升" + "幅度达" * 60_000 + "30%", None),
        "upload slow PDF": (slow.read_bytes(), "slow.pdf"),
    }


def _selfcheck_parallel() -> str:
    """A normal user's self-check latency, and the longest stall of this (server) process, alone and while a
    hostile self-check (paste or upload) runs in parallel, the way Streamlit serves sessions: threads of one
    process. The hostile thread also renders its result as the page does (highlighted text)."""
    import statistics
    import threading

    from kb.ingest import worker
    from kb.service import open_kb

    try:
        from app_pages.render import highlighted_text
    except ImportError:  # rendering is part of the page, not of every checkout
        highlighted_text = None

    def heartbeat(stop: threading.Event, gaps: list[float]) -> None:
        last = time.perf_counter()
        while not stop.is_set():
            time.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last - 0.005)
            last = now

    def normals(k, n: int) -> list[float]:
        out = []
        for _ in range(n):
            t0 = time.perf_counter()
            k.analysis.self_check(NORMAL_DRAFT)
            out.append(time.perf_counter() - t0)
        return out

    def fmt(lat: list[float], gaps: list[float]) -> str:
        q = sorted(lat)
        p95 = q[min(len(q) - 1, int(0.95 * len(q)))]
        return (
            f"normal p50 {1000 * statistics.median(q):.0f} ms, p95 {1000 * p95:.0f}, max {1000 * q[-1]:.0f}; "
            f"server stall max {1000 * max(gaps, default=0):.0f} ms"
        )

    lines = []
    with tempfile.TemporaryDirectory() as d:
        k = open_kb(str(Path(d) / "kb.sqlite"))
        k.init()
        k.analysis.self_check(NORMAL_DRAFT)  # warm (the models load once)
        idle = getattr(worker, "idle_workers", None)
        for _ in range(240):  # the pool is topped up in the background
            if idle is None or idle(int(getattr(k.config, "selfcheck_memory_mb", 2048))) >= 2:
                break
            time.sleep(0.5)
        stop, gaps = threading.Event(), []
        hb = threading.Thread(target=heartbeat, args=(stop, gaps), daemon=True)
        hb.start()
        lat = normals(k, 15)
        stop.set()
        hb.join()
        lines.append(f"alone: {fmt(lat, gaps)}")
        for name, (payload, filename) in _hostile_drafts(Path(d)).items():
            stop, gaps, outcomes = threading.Event(), [], []

            def hostile(payload=payload, filename=filename, stop=stop, outcomes=outcomes) -> None:
                while not stop.is_set():
                    t0 = time.perf_counter()
                    try:
                        res = k.analysis.self_check(payload, filename)
                        if highlighted_text is not None:
                            highlighted_text(res["text"], res["marks"])
                        outcomes.append(f"ok {time.perf_counter() - t0:.1f} s")
                    except Exception as exc:  # noqa: BLE001 - the hostile draft may fail; that is the point
                        outcomes.append(f"{type(exc).__name__} {time.perf_counter() - t0:.1f} s")

            ht = threading.Thread(target=hostile, daemon=True)
            hb = threading.Thread(target=heartbeat, args=(stop, gaps), daemon=True)
            ht.start()
            hb.start()
            time.sleep(0.5)  # the hostile request is under way
            lat = normals(k, 15)
            stop.set()
            ht.join()
            hb.join()
            lines.append(f"{name} ({', '.join(dict.fromkeys(outcomes))}): {fmt(lat, gaps)}")
        k.storage.close()
    return " | ".join(lines)


CASES = {
    "regex_repeat": _regex_repeat,
    "regex_digits": _regex_digits,
    "regex_headings": _regex_headings,
    "worker_slow_pdf": _worker_slow_pdf,
    "ingest_poisoned": _ingest_poisoned,
    "docx_full": _docx_full,
    "pdf_bomb_512m": lambda: _pdf_bomb(512),
    "pdf_bomb_1g": lambda: _pdf_bomb(1024),
    "auth_timing": _auth,
    "similarity_paste": _similarity,
    "selfcheck_parallel": _selfcheck_parallel,
}


def _child(name: str) -> None:
    t0 = time.perf_counter()
    note = CASES[name]()
    wall = time.perf_counter() - t0
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    print(json.dumps({"case": name, "s": round(wall, 2), "peak_mb": round(peak_kb / 1024), "note": note}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", choices=sorted(CASES))
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument(
        "--code", default=str(ROOT), help="checkout whose kb/nlp are measured (default: this one)"
    )
    args = ap.parse_args()
    if args.child:
        _child(args.case)
        return
    names = [args.case] if args.case else list(CASES)
    print(f"{'case':<18} {'time s':>7} {'peak MB':>8}  note")
    for name in names:
        env = dict(os.environ, PYTHONPATH=args.code)
        r = subprocess.run(
            [sys.executable, __file__, "--case", name, "--child", "--code", args.code],
            capture_output=True,
            text=True,
            env=env,
        )
        line = (r.stdout.strip().splitlines() or [""])[-1]
        try:
            d = json.loads(line)
        except json.JSONDecodeError:
            print(f"{name:<18} failed: {r.stderr.strip().splitlines()[-1:]}")
            continue
        print(f"{name:<18} {d['s']:>7} {d['peak_mb']:>8}  {d['note']}")


if __name__ == "__main__":
    main()
