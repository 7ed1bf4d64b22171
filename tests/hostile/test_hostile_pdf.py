"""Hostile class 5: PDFs that inflate a thousandfold or hold too many pages. Refused before any parser inflates
them, with a clear error; the rest of the batch goes in; nothing else in the store changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_util import inflating_pdf, pdf_with_content
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.errors import LimitExceededError
from kb.ingest.pdf_bounds import MAX_PAGE_OBJECTS, MAX_STREAM_MB, check_pdf_bounds


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(mb=st.integers(MAX_STREAM_MB + 1, 600), unit=st.sampled_from([b"0 0 m ", b"\x00", b"BT ET "]))
def test_a_stream_that_inflates_past_the_limit_is_refused(tmp_path_factory, mb: int, unit: bytes):
    path = inflating_pdf(tmp_path_factory.mktemp("pdf") / "bomb.pdf", mb, unit)
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(LimitExceededError, match="解压后超过"):
        check_pdf_bounds(path)


@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(extra=st.integers(1, 3000))
def test_too_many_page_objects_are_refused(tmp_path_factory, extra: int):
    path = tmp_path_factory.mktemp("pdf") / "pages.pdf"
    pdf_with_content(path, b"BT ET")
    path.write_bytes(path.read_bytes() + b"%" + b"/Type /Page " * (MAX_PAGE_OBJECTS + extra))
    with pytest.raises(LimitExceededError, match="页面对象"):
        check_pdf_bounds(path)


def test_a_bomb_in_a_batch_is_rejected_and_the_rest_stored(kb, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    inflating_pdf(folder / "bomb.pdf", 512)
    (folder / "fine.txt").write_text("企业概况：某公司。实施成效：效率提升20%。", encoding="utf-8")
    before = kb.store.count()
    report = kb.store.ingest([folder], analyze=False)
    by = {Path(o.path).name: o for o in report.outcomes}
    assert by["bomb.pdf"].status == "error" and "解压后超过" in by["bomb.pdf"].reason
    assert by["fine.txt"].status == "added" and kb.store.count() == before + 1


def test_a_normal_pdf_still_reads(tmp_path: Path):
    from kb.ingest import read_document

    path = pdf_with_content(tmp_path / "ok.pdf", b"BT /F1 12 Tf 72 700 Td (Scenario text layer) Tj ET")
    check_pdf_bounds(path)
    assert "Scenario text layer" in read_document(path)[0]


@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(glyphs=st.integers(400_000, 500_000))
def test_a_page_that_outgrows_the_worker_memory_is_a_memory_error_not_a_damaged_pdf(tmp_path_factory, glyphs):
    """A tiny PDF whose one page holds hundreds of thousands of glyphs: the layout parser builds an object per
    glyph and runs out of the worker's memory. The error says so (not 无法解析 PDF, which sends the applicant
    off to re-export a PDF that is not damaged); the next file is parsed."""
    from kb.ingest.worker import run_bounded

    path = tmp_path_factory.mktemp("pdf") / "dense.pdf"
    pdf_with_content(path, b"BT /F1 1 Tf 10 10 Td (" + b"ab" * (glyphs // 2) + b") Tj ET", compress=False)
    with pytest.raises(LimitExceededError, match="内存超过上限"):
        run_bounded("pdf", path, 300, memory_mb=500)
    fine = pdf_with_content(path.with_name("fine.pdf"), b"BT /F1 12 Tf 72 700 Td (quick text) Tj ET")
    assert "quick text" in run_bounded("pdf", fine, 300, memory_mb=500)[0]
