"""Batch exports (.csv / .xlsx): one row per submission; headers per :mod:`kb.ingest.metadata`."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kb.errors import IngestError, LimitExceededError, MetadataError
from kb.ingest.docx import check_zip
from kb.ingest.metadata import map_headers

MAX_TABLE_CELLS = 2_000_000
"""Default of the ``max_table_cells`` setting: cells read from one table file at most."""

ROW_ERROR = "__row_error__"
"""Key of the one-entry mapping :func:`iter_table_rows` yields for a row that cannot be read."""


def too_many_cells(label: str, max_cells: int) -> LimitExceededError:
    """The error of a table with more than ``max_cells`` cells (the ``max_table_cells`` budget)."""
    return LimitExceededError(
        label,
        f"表格超过 {max_cells:,} 个单元格（上限为设置项 max_table_cells），未导入",
        "请把表格拆成几个文件分批提交，或删去多余的空行空列；确需一次处理可请管理员调大 max_table_cells",
    )


def _rows_xlsx(path: Path, max_uncompressed_mb: int, max_cells: int = MAX_TABLE_CELLS) -> list[list[Any]]:
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
        out: list[list[Any]] = []
        cells = 0
        for r in ws.iter_rows(values_only=True):
            cells += len(r)
            if 0 < max_cells < cells:
                raise too_many_cells(str(path), max_cells)
            out.append(list(r))
        return out
    finally:
        wb.close()


def _rows_csv(path: Path, max_cells: int = MAX_TABLE_CELLS) -> list[list[Any] | str]:
    """Records of a .csv file; a record that cannot be read is its rejection reason (a ``str``) instead.

    A field may be as long as the file (the csv module's default limit, 128 KiB, rejected long 正文 cells).
    A quote that is never closed would swallow every later line into one field: that record is rejected and
    reading resumes on the line after the one where it started. A quoted field that swallowed lines shaped
    like whole records (as many commas as the header) is rejected the same way.
    """
    from kb.ingest.text import decode_bytes

    text, _ = decode_bytes(path.read_bytes(), str(path))
    lines = text.splitlines(keepends=True)
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, len(text) + 1))
    out: list[list[Any] | str] = []
    cells = 0
    ncols = 0
    start = 0  # index in ``lines`` where the current reader starts
    try:
        while start < len(lines):
            reader = csv.reader(iter(lines[start:]), strict=True)
            consumed = 0  # lines of ``lines[start:]`` read by completed records
            try:
                for rec in reader:
                    first_line = start + consumed
                    consumed = reader.line_num
                    if not ncols and any(c.strip() for c in rec):
                        ncols = len(rec)
                    if ncols > 1 and any(
                        "\n" in c and any(ln.count(",") >= ncols - 1 for ln in c.splitlines()) for c in rec
                    ):
                        out.append(f"第 {first_line + 1} 行的引号没有闭合，吞并了后续各行")
                        start = first_line + 1
                        break
                    cells += len(rec)
                    if 0 < max_cells < cells:
                        raise too_many_cells(str(path), max_cells)
                    out.append(rec)
                else:
                    return out
            except csv.Error as exc:
                first_line = start + consumed
                out.append(f"第 {first_line + 1} 行无法解析（{exc}；可能是引号没有闭合）")
                start = first_line + 1
        return out
    finally:
        csv.field_size_limit(old_limit)


def _bad_chars(value: Any) -> bool:
    """A lone surrogate (not encodable as UTF-8; it cannot be stored)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def iter_table_rows(
    path: Path,
    column_map: dict[str, str] | None = None,
    max_uncompressed_mb: int = 200,
    max_cells: int = MAX_TABLE_CELLS,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(row_number, {field: value})`` for each data row (row numbers as the spreadsheet shows them).

    A row that cannot be read (an unclosed quote, characters that cannot be stored) is yielded as
    ``(row_number, {ROW_ERROR: reason})`` so that the rows after it still go in. A table of more than
    ``max_cells`` cells is refused whole (``LimitExceededError`` naming ``max_table_cells``; 0 = no limit).
    """
    xlsx = path.suffix.lower() == ".xlsx"
    rows = _rows_xlsx(path, max_uncompressed_mb, max_cells) if xlsx else _rows_csv(path, max_cells)
    header_idx = next(
        (i for i, r in enumerate(rows) if not isinstance(r, str) and any(c not in (None, "") for c in r)),
        None,
    )
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
        if isinstance(r, str):
            yield n, {ROW_ERROR: r}
            continue
        if not any(c not in (None, "") for c in r):
            continue
        if any(_bad_chars(c) for c in r):
            yield n, {ROW_ERROR: "含无法保存的字符（孤立的代理码位）"}
            continue
        yield n, {mapping[i]: r[i] for i in mapping if i < len(r)}
