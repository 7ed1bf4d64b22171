"""Stage 5, document: a text unit and its metadata become an :class:`kb.models.IngestedDoc` (title filled in, text
cut at the length limit with a warning)."""

from __future__ import annotations

from pathlib import Path

import nlp.rx as rx
from kb.ingest.decode import TextUnit
from kb.models import IngestedDoc, Metadata

_HEADING = rx.compile(
    r"^\s*(第?[一二三四五六七八九十]+[、.．章部分]|[（(][一二三四五六七八九十\d]+[)）]|\d+(\.\d+)*[、.．\s]|【)"
)


def title_from_text(text: str, fallback: str) -> str:
    """The first short line that is not a numbered section heading, else ``fallback``."""
    for line in text.splitlines()[:5]:
        line = line.strip().strip("#").strip()
        if _HEADING.match(line):
            break
        if 4 <= len(line) <= 60 and not line.endswith(("。", "；")):
            return line
    return fallback


def build_document(unit: TextUnit, meta: Metadata, max_text_chars: int) -> IngestedDoc:
    """The document of ``unit``: a file without a title takes its own (.docx) or its first line, else its name."""
    doc = unit.doc
    if not meta.title:
        fallback = doc.source if unit.row is not None else Path(doc.source_path).stem
        meta.title = unit.title or title_from_text(doc.text, fallback)
    doc.meta = meta
    if len(doc.text) > max_text_chars:
        doc.text = doc.text[:max_text_chars]
        doc.partial = True
        doc.warnings.append(f"正文超过 {max_text_chars} 字符上限，只保存了前 {max_text_chars} 个字符")
    return doc
