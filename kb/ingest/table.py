"""Batch exports (.csv / .xlsx): one row per submission; headers per :mod:`kb.ingest.metadata`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kb.errors import IngestError, MetadataError
from kb.ingest.docx import check_zip
from kb.ingest.metadata import map_headers


def _rows_xlsx(path: Path, max_uncompressed_mb: int) -> list[list[Any]]:
    check_zip(path, max_uncompressed_mb)
    try:
        import openpyxl

        wb = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    except Exception as exc:
        raise IngestError(
            str(path), f"无法读取 Excel 文件（{type(exc).__name__}: {exc}）", "请用 Excel/WPS 另存为 .xlsx"
        ) from exc
    try:
        ws = wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _rows_csv(path: Path) -> list[list[Any]]:
    from kb.ingest.text import decode_bytes

    text, _ = decode_bytes(path.read_bytes(), str(path))
    return [r for r in csv.reader(io.StringIO(text))]


def iter_table_rows(
    path: Path, column_map: dict[str, str] | None = None, max_uncompressed_mb: int = 200
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(row_number, {field: value})`` for each data row (row numbers as the spreadsheet shows them)."""
    rows = _rows_xlsx(path, max_uncompressed_mb) if path.suffix.lower() == ".xlsx" else _rows_csv(path)
    header_idx = next((i for i, r in enumerate(rows) if any(c not in (None, "") for c in r)), None)
    if header_idx is None:
        raise IngestError(str(path), "表格为空", "请按模板填写（第一行为表头）")
    mapping = map_headers([str(c or "") for c in rows[header_idx]], column_map)
    if "text" not in mapping.values():
        raise MetadataError(
            str(path),
            "表格缺少正文列",
            "表头需包含 正文（或 内容/场景描述/text）列；其他列名可用 --map 表头=字段 指定",
        )
    for n, r in enumerate(rows[header_idx + 1 :], start=header_idx + 2):
        if not any(c not in (None, "") for c in r):
            continue
        yield n, {mapping[i]: r[i] for i in mapping if i < len(r)}
