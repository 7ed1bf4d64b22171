"""Stage 2, extract: the raw content of one file. A text file gives its bytes (decoded in the next stage), a .docx
or .pdf its text and title, a table its rows.

.docx, .pdf and .xlsx are parsed in the bounded worker process (:mod:`kb.ingest.worker`, entered once per file);
plain text and .csv are bounded by the upload size limit alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.errors import UnsupportedFormatError


@dataclass
class Extracted:
    """What a file holds before decoding: ``data`` (text files), ``text`` and ``title`` (documents) or ``rows``
    (tables: ``(row number, {field: value})``); ``notes`` say what was left out (e.g. PDF pages past the limit)."""

    path: Path
    fmt: str
    data: bytes | None = None
    text: str | None = None
    title: str = ""
    notes: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, Any]]] | None = None


def extract(
    path: Path,
    *,
    column_map: dict[str, str] | None = None,
    max_uncompressed_mb: int = 200,
    parse_timeout_s: float = 60,
    max_table_cells: int = 2_000_000,
) -> Extracted:
    """Read the raw content of a file of a supported format (see :func:`kb.ingest.collect.check_file`).

    Args:
        path: the file.
        column_map: extra header → field mapping for tables.
        max_uncompressed_mb: zip-bomb guard for .docx/.xlsx.
        parse_timeout_s: parse time limit of the worker (``<= 0``: no limit, parse in this process).
        max_table_cells: a .csv/.xlsx with more cells is refused.
    """
    # imported here: the worker process runs `python -m kb.ingest.worker`, which imports this package first
    from kb.ingest.worker import run_bounded

    fmt = path.suffix.lower().lstrip(".")
    if fmt in ("txt", "md"):
        return Extracted(path, fmt, data=path.read_bytes())
    if fmt == "csv":
        from kb.ingest.table import iter_table_rows

        rows = list(iter_table_rows(path, column_map, max_uncompressed_mb, max_table_cells))
        return Extracted(path, fmt, rows=rows)
    if fmt == "xlsx":
        rows = run_bounded(
            "xlsx",
            path,
            parse_timeout_s,
            column_map=column_map,
            max_uncompressed_mb=max_uncompressed_mb,
            max_cells=max_table_cells,
        )
        return Extracted(path, fmt, rows=rows)
    if fmt == "docx":
        text, title = run_bounded("docx", path, parse_timeout_s, max_uncompressed_mb=max_uncompressed_mb)
        return Extracted(path, fmt, text=text, title=title)
    if fmt == "pdf":
        from kb.ingest.pdf import MAX_PAGES

        text, pages = run_bounded("pdf", path, parse_timeout_s)
        notes = [f"PDF 共 {pages} 页，只读取了前 {MAX_PAGES} 页"] if pages > MAX_PAGES else []
        return Extracted(path, fmt, text=text, notes=notes)
    raise UnsupportedFormatError(str(path), f"不支持的文件格式 .{fmt}", "支持 .txt .md .docx .pdf .csv .xlsx")


def read_document(
    path: Path, *, max_uncompressed_mb: int = 200, parse_timeout_s: float = 60
) -> tuple[str, str, list[str]]:
    """Text and title of a .docx or .pdf, parsed in the worker process within the parse time limit.

    Args:
        path: a .docx or .pdf file.
        max_uncompressed_mb: zip-bomb guard for .docx.
        parse_timeout_s: parse time limit in seconds (``<= 0``: no limit, parse in this process).

    Returns:
        ``(text, title, warnings)``; the title is empty for PDFs and .docx files without one; a warning says
        when only the first :data:`kb.ingest.pdf.MAX_PAGES` pages of a PDF were read.
    """
    if path.suffix.lower() not in (".docx", ".pdf"):
        raise UnsupportedFormatError(
            str(path), f"不是 .docx 或 .pdf 文件（{path.suffix}）", "请上传 .docx 或 .pdf 文件"
        )
    ex = extract(path, max_uncompressed_mb=max_uncompressed_mb, parse_timeout_s=parse_timeout_s)
    return ex.text or "", ex.title, ex.notes
