"""PDF (text layer only). A scanned PDF without text is reported as such."""

from __future__ import annotations

from pathlib import Path

from kb.errors import IngestError, ScannedPdfError


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it wraps: pdfplumber wraps pdfminer's errors in ``PdfminerException(original)``."""
    seen: list[BaseException] = [exc]
    for e in seen:
        seen.extend(
            x for x in (e.__cause__, e.__context__, *e.args) if isinstance(x, BaseException) and x not in seen
        )
    return seen


def _is_encryption_error(exc: BaseException) -> bool:
    """pdfminer's ``PDFPasswordIncorrect`` (or the like), possibly wrapped."""
    return any(
        "password" in f"{type(e).__name__} {e}".lower() or "encrypt" in str(e).lower() for e in _chain(exc)
    )


MAX_PAGES = 200
"""Pages read from one PDF; later pages are dropped and the document is marked partial."""


def read_pdf(path: Path, max_pages: int = MAX_PAGES) -> str:
    """Extract the text layer of a PDF, page by page (at most ``max_pages`` pages)."""
    return read_pdf_pages(path, max_pages)[0]


def read_pdf_pages(path: Path, max_pages: int = MAX_PAGES) -> tuple[str, int]:
    """Extract the text layer of the first ``max_pages`` pages.

    Args:
        path: the PDF file.
        max_pages: pages read at most.

    Returns:
        ``(text, page_count)`` where ``page_count`` is the number of pages of the whole file.
    """
    head = path.read_bytes()[:1024]
    if b"%PDF" not in head:
        raise IngestError(str(path), "文件不是 PDF（缺少 %PDF 文件头）", "请确认文件类型")
    from kb.ingest.pdf_bounds import check_pdf_bounds

    check_pdf_bounds(path)  # inflate and page limits, before any parser inflates a stream
    try:
        import pdfplumber

        with pdfplumber.open(str(path)) as pdf:
            pages = []
            page_count = len(pdf.pages)
            for i, page in enumerate(pdf.pages):
                if i >= max_pages:
                    break
                pages.append(page.extract_text() or "")
    except Exception as exc:
        name = type(exc).__name__
        if any(isinstance(e, MemoryError) for e in _chain(exc)):
            # out of memory under a worker's limit (e.g. a page of a million glyphs): a memory error, not a
            # "damaged PDF" (the worker reports it as the memory limit, naming its setting)
            raise MemoryError(f"{path.name}: PDF 版面解析内存不足") from exc
        if _is_encryption_error(exc):
            raise IngestError(
                str(path), "PDF 已加密（需要密码才能打开）", "请提供未加密的 PDF 或导出为 Word"
            ) from exc
        raise IngestError(
            str(path), f"无法解析 PDF（{name}: {exc}）", "请重新导出 PDF 或提供 Word 版本"
        ) from exc
    text = "\n".join(p.strip() for p in pages if p.strip())
    if not text.strip():
        raise ScannedPdfError(
            str(path), "PDF 没有文字层（可能是扫描件）", "请提供带文字层的 PDF 或 Word 版本，或先做 OCR 识别"
        )
    return text, page_count
