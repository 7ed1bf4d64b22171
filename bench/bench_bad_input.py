"""Timings of the bad-input guards (measured here, not asserted in tests): the bad corpus ingest, zip-bomb
refusal and the parse time limit.

Usage::

    .venv/bin/python bench/bench_bad_input.py

Prints seconds per step; the tests in ``tests/test_bad_input.py`` check the behaviour (errors, messages,
store untouched) with the same generated files.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_bad_input import GOOD, _bomb, _docx_bytes, _pdf_with_text, build_bad_corpus, slow_pdf  # noqa: E402

from kb.ingest import read_document, read_path  # noqa: E402
from kb.service import open_kb  # noqa: E402


def _timed(label: str, fn) -> None:  # noqa: ANN001
    t0 = time.perf_counter()
    try:
        fn()
        what = "ok"
    except Exception as exc:  # the guards raise; the figure is how long they took
        what = type(exc).__name__
    print(f"{label:<44} {time.perf_counter() - t0:7.2f} s  ({what})")


def main() -> int:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        kb = open_kb(str(tmp / "kb.sqlite"))
        kb.init()
        bad = build_bad_corpus(tmp / "bad")
        _timed("ingest of the bad corpus (analyze off)", lambda: kb.store.ingest([bad], analyze=False))
        template = _docx_bytes(GOOD[0])
        honest = _bomb(tmp / "b1.docx", template, "word/document.xml", 300)
        lying = _bomb(tmp / "b2.docx", template, "word/document.xml", 300, declared=1000)
        _timed("zip bomb (honest header) refused", lambda: list(read_path(honest)))
        _timed("zip bomb (lying header) refused", lambda: list(read_path(lying)))
        read_document(_pdf_with_text(tmp / "warm.pdf"))
        slow = slow_pdf(tmp / "slow.pdf")
        _timed("slow PDF with parse_timeout_s=1.5", lambda: list(read_path(slow, parse_timeout_s=1.5)))
        k2 = open_kb(str(tmp / "t.sqlite"), parse_timeout_s=1)
        k2.init()
        folder = tmp / "in"
        folder.mkdir()
        slow_pdf(folder / "slow.pdf", chars=60_000)
        _timed(
            "ingest of a slow PDF with parse_timeout_s=1", lambda: k2.store.ingest([folder], analyze=False)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
