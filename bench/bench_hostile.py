"""Hostile inputs: time and peak memory per class (issue 14).

Usage::

    .venv/bin/python bench/bench_hostile.py            # every class
    .venv/bin/python bench/bench_hostile.py --case pdf_bomb_1g

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
    args = ap.parse_args()
    if args.child:
        _child(args.case)
        return
    names = [args.case] if args.case else list(CASES)
    print(f"{'case':<18} {'time s':>7} {'peak MB':>8}  note")
    for name in names:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        r = subprocess.run(
            [sys.executable, __file__, "--case", name, "--child"], capture_output=True, text=True, env=env
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
