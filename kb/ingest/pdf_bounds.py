"""PDF bounds, checked on the raw file before any PDF library parses it.

A PDF stream can inflate a thousandfold (0.5 MB of Flate data → 512 MB), and the parsers inflate a whole stream
at once: a hostile file drives memory to gigabytes. Here every FlateDecode stream that the text extraction would
inflate (page contents, forms, fonts — not images, which text extraction never decodes) is inflated
incrementally into nothing, counting bytes, and the file is refused with a clear error as soon as one stream
passes :data:`MAX_STREAM_MB` or all of them together pass :data:`MAX_DOCUMENT_MB`. A file with more than
:data:`MAX_PAGE_OBJECTS` page objects is refused too (the parsers build every page object up front).

The scan costs time linear in the file plus the inflated bytes it counts (bounded by the limits). The worker
process's address-space limit (kb.ingest.worker) stays as the backstop for whatever this scan cannot see.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from kb.errors import LimitExceededError

MAX_STREAM_MB = 16
"""Inflated size of one non-image stream, in MB."""
MAX_DOCUMENT_MB = 256
"""Inflated size of all non-image streams of one PDF together, in MB."""
MAX_PAGE_OBJECTS = 5000
"""Page objects in one PDF."""

# No nested quantifiers; bytes patterns over the raw file.
_STREAM = re.compile(rb"stream\r?\n")
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_CHUNK = 1 << 20
_DICT_LOOKBACK = 2048


def _inflated_size(data: bytes, start: int, limit: int) -> int:
    """Bytes the Flate data at ``data[start:]`` inflates to, counting at most ``limit + 1`` of them."""
    d = zlib.decompressobj()
    total, pos = 0, start
    buf = b""
    while total <= limit:
        if not buf:
            if pos >= len(data) or d.eof:
                break
            buf = data[pos : pos + _CHUNK]
            pos += len(buf)
        try:
            out = d.decompress(buf, _CHUNK)
        except zlib.error:
            break  # corrupt or not Flate after all: the parser will report it
        buf = d.unconsumed_tail
        total += len(out)
        if not out and not buf and d.eof:
            break
    return total


def check_pdf_bounds(path: Path) -> None:
    """Raise :class:`LimitExceededError` when the PDF at ``path`` passes the inflate or page limits."""
    data = path.read_bytes()
    per_stream, per_doc = MAX_STREAM_MB << 20, MAX_DOCUMENT_MB << 20
    pages = sum(1 for _ in _PAGE.finditer(data))
    if pages > MAX_PAGE_OBJECTS:
        raise LimitExceededError(
            str(path),
            f"PDF 含 {pages} 个页面对象，超过上限 {MAX_PAGE_OBJECTS}",
            "请拆分 PDF，或只提交申报材料正文部分",
        )
    total = 0
    for m in _STREAM.finditer(data):
        if m.start() > 0 and data[m.start() - 3 : m.start()] == b"end":
            continue  # "endstream\n"
        head = data[max(0, m.start() - _DICT_LOOKBACK) : m.start()]
        k = head.rfind(b"<<")
        head = head[k:] if k >= 0 else head
        if (
            b"/FlateDecode" not in head
            and b"/Fl " not in head
            and b"/Fl]" not in head
            and b"/Fl/" not in head
        ):
            continue
        if b"/Image" in head:
            continue  # text extraction never inflates an image
        n = _inflated_size(data, m.end(), per_stream)
        if n > per_stream:
            raise LimitExceededError(
                str(path),
                f"PDF 中有一个数据流解压后超过 {MAX_STREAM_MB} MB，已拒绝（疑似压缩炸弹）",
                "请重新导出 PDF，或提供 Word 版本",
            )
        total += n
        if total > per_doc:
            raise LimitExceededError(
                str(path),
                f"PDF 解压后的内容超过 {MAX_DOCUMENT_MB} MB，已拒绝",
                "请拆分或重新导出 PDF，或提供 Word 版本",
            )
