"""PDF (text layer only). A scanned PDF without text is reported as such."""

from __future__ import annotations

from pathlib import Path

from kb.errors import IngestError, ScannedPdfError


def read_pdf(path: Path, max_pages: int = 200) -> str:
    """Extract the text layer of a PDF, page by page."""
    head = path.read_bytes()[:1024]
    if b"%PDF" not in head:
        raise IngestError(str(path), "文件不是 PDF（缺少 %PDF 文件头）", "请确认文件类型")
    try:
        import pdfplumber

        with pdfplumber.open(str(path)) as pdf:
            pages = []
            for i, page in enumerate(pdf.pages):
                if i >= max_pages:
                    break
                pages.append(page.extract_text() or "")
    except Exception as exc:
        name = type(exc).__name__
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower() or name == "PDFPasswordIncorrect":
            raise IngestError(str(path), "PDF 已加密", "请提供未加密的 PDF 或导出为 Word") from exc
        raise IngestError(str(path), f"无法解析 PDF（{name}: {exc}）", "请重新导出 PDF 或提供 Word 版本") from exc
    text = "\n".join(p.strip() for p in pages if p.strip())
    if not text.strip():
        raise ScannedPdfError(
            str(path), "PDF 没有文字层（可能是扫描件）", "请提供带文字层的 PDF 或 Word 版本，或先做 OCR 识别"
        )
    return text
