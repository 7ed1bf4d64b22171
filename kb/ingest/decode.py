"""Stage 3, decode: the extracted content as text units, one per document. A text file is decoded (its encoding
named in a warning when not UTF-8), a .docx/.pdf is one unit, a table gives one unit per row (a row without text
is an error of that row only)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kb.errors import IngestError
from kb.ingest.extract import Extracted
from kb.ingest.text import decode_bytes
from kb.models import IngestedDoc


@dataclass
class TextUnit:
    """One future document before its metadata: ``doc`` (empty metadata), the title its file gave (.docx), and
    for table rows the row number and the row's own fields (else ``None``)."""

    doc: IngestedDoc
    title: str = ""
    row: int | None = None
    fields: dict[str, Any] | None = None


def decode(ex: Extracted) -> Iterator[TextUnit | IngestError]:
    """The text units of an extracted file (row errors yielded, not raised)."""
    path = ex.path
    if ex.rows is not None:
        from kb.ingest.table import ROW_ERROR

        for rowno, raw in ex.rows:
            src = f"{path.name}#row={rowno}"
            if ROW_ERROR in raw:  # a row the table reader could not read (unclosed quote, bad characters)
                yield IngestError(src, raw[ROW_ERROR], "请修正该行后重新导入")
                continue
            raw = dict(raw)
            text = str(raw.pop("text", "") or "").strip()
            if not text:
                yield IngestError(src, "该行正文为空", "请在正文列填写场景描述")
                continue
            yield TextUnit(IngestedDoc(src, str(path), ex.fmt, text), row=rowno, fields=raw)
        return
    if ex.data is not None:
        text, enc = decode_bytes(ex.data, str(path))
        warnings = [] if enc in ("utf-8", "utf-8-sig") else [f"文本编码为 {enc}，已转换为 UTF-8"]
        yield TextUnit(IngestedDoc(path.name, str(path), ex.fmt, text, warnings=warnings))
        return
    doc = IngestedDoc(
        path.name, str(path), ex.fmt, ex.text or "", warnings=list(ex.notes), partial=bool(ex.notes)
    )
    yield TextUnit(doc, ex.title)
