"""Reading official attachments (the guide, the task list, the notice as .txt/.md, .docx or .pdf) with the
readers of submission ingest.

It sits beside ``kb.reference`` rather than inside it: ``kb.ingest`` resolves regions through
``kb.reference``, so the reference package must not import ``kb.ingest`` (no import cycles).
"""

from __future__ import annotations

from pathlib import Path

from kb.errors import IngestError
from kb.ingest import read_document
from kb.ingest.text import decode_bytes
from kb.reference import ReferenceDataError


def read_official_file(path: Path) -> str:
    """Read the text of an official attachment (.txt/.md, .docx or .pdf).

    Text files are decoded as UTF-8, then GB18030, then by charset-normalizer's best guess.
    .docx files give their paragraphs and tables in document order (one table row per line,
    cells separated by a tab). PDFs need a text layer.

    Args:
        path: the file.

    Returns:
        The text, lines separated by ``\\n``.

    Raises:
        ReferenceDataError: unknown format, undecodable text, or a PDF without a text layer.
    """
    path = Path(path)
    if not path.is_file():
        raise ReferenceDataError("文件不存在；请检查路径。", path=path)
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise ReferenceDataError(
            "不支持旧版 .doc 格式；请在 Word/WPS 中另存为 .docx 后导入，或直接粘贴文本。", path=path
        )
    if suffix not in (".txt", ".md", ".text", "", ".docx", ".pdf"):
        raise ReferenceDataError(
            f"不支持的文件类型 {suffix}；请使用 .txt、.docx 或 .pdf，或直接粘贴文本。", path=path
        )
    # The same readers as submission ingest (encoding detection, bounded .docx/.pdf parsing).
    try:
        if suffix in (".docx", ".pdf"):
            text = read_document(path)[0]
        else:
            text = decode_bytes(path.read_bytes(), str(path))[0]
    except IngestError as exc:
        raise ReferenceDataError(f"{exc.reason}；{exc.fix}", path=path) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")
