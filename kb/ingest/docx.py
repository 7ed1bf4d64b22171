"""Word documents (.docx): the whole body in reading order (see :mod:`kb.ingest.docx_walk`)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from kb.errors import EmptyDocumentError, IngestError, LimitExceededError


def check_zip(path: Path, max_uncompressed_mb: int) -> None:
    """Reject archives that are not zip files or that expand beyond the limit (zip bombs)."""
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise IngestError(
            str(path), f"文件已损坏或不是有效的 Office 文档（{exc}）", "请用 Word/WPS 打开后重新另存"
        ) from exc
    if total > max_uncompressed_mb * 1024 * 1024:
        raise LimitExceededError(
            str(path),
            f"解压后大小 {total / 1e6:.0f} MB 超过上限 {max_uncompressed_mb} MB（疑似压缩炸弹）",
            "请检查文件来源；确属正常文件可调大 max_docx_uncompressed_mb",
        )


def read_docx(path: Path, max_uncompressed_mb: int = 200) -> tuple[str, str]:
    """Extract the text of a .docx in order. Returns ``(text, title)`` (title from core properties, may be empty)."""
    check_zip(path, max_uncompressed_mb)
    try:
        import docx

        document = docx.Document(str(path))
    except Exception as exc:
        raise IngestError(
            str(path),
            f"无法解析 Word 文档（{type(exc).__name__}: {exc}）",
            "请用 Word/WPS 打开后另存为 .docx",
        ) from exc
    from kb.ingest.docx_walk import block_lines

    lines = block_lines(document.element.body)
    text = "\n".join(lines)
    if not text.strip():
        raise EmptyDocumentError(str(path), "Word 文档中没有文字", "请确认正文不是图片；图片内容请转为文字")
    title = (document.core_properties.title or "").strip()
    return text, title
