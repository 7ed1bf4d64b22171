"""Stage 3, decode: the extracted content as text units, one per document. A text file is decoded (its encoding
named in a warning when not UTF-8), a .docx/.pdf is one unit, a table gives one unit per row (a row without text
is an error of that row only)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kb.errors import IngestError
from kb.ingest.extract import Extracted
from kb.ingest.text import decode_bytes


@dataclass
class TextUnit:
    """The text of one future document and what is known of it before its metadata.

    ``row`` and ``fields`` are set for table rows (their metadata comes from the row), else ``None``.
    """

    source: str
    source_path: str
    fmt: str
    text: str
    title: str = ""
    warnings: list[str] = field(default_factory=list)
    partial: bool = False
    row: int | None = None
    fields: dict[str, Any] | None = None


def decode(ex: Extracted) -> Iterator[TextUnit | IngestError]:
    """The text units of an extracted file (row errors yielded, not raised)."""
    path = ex.path
    if ex.rows is not None:
        for rowno, raw in ex.rows:
            src = f"{path.name}#row={rowno}"
            raw = dict(raw)
            text = str(raw.pop("text", "") or "").strip()
            if not text:
                yield IngestError(src, "该行正文为空", "请在正文列填写场景描述")
                continue
            yield TextUnit(src, str(path), ex.fmt, text, row=rowno, fields=raw)
        return
    if ex.data is not None:
        text, enc = decode_bytes(ex.data, str(path))
        warnings = [] if enc in ("utf-8", "utf-8-sig") else [f"文本编码为 {enc}，已转换为 UTF-8"]
        yield TextUnit(path.name, str(path), ex.fmt, text, warnings=warnings)
        return
    yield TextUnit(
        path.name, str(path), ex.fmt, ex.text or "", ex.title, list(ex.notes), partial=bool(ex.notes)
    )
