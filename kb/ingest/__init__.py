"""Ingestion: turn files and folders into :class:`kb.models.IngestedDoc` records, one module per format.

Each reader raises an :class:`kb.errors.IngestError` subclass naming the file, the reason and the fix; the
service records it and goes on with the batch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from kb.errors import IngestError, LimitExceededError, UnsupportedFormatError
from kb.ingest.metadata import FolderMetadata, build_metadata
from kb.models import IngestedDoc, Metadata

DOC_SUFFIXES = {".txt", ".md", ".docx", ".pdf"}
TABLE_SUFFIXES = {".csv", ".xlsx"}
SUPPORTED = DOC_SUFFIXES | TABLE_SUFFIXES
SKIP_NAMES = {"readme.md", "readme.txt", "manifest.json"}


def is_skipped(path: Path) -> bool:
    """Files that are never submissions: hidden, ``_``-prefixed (metadata), sidecars and READMEs."""
    name = path.name
    return name.startswith((".", "_", "~$")) or name.endswith(".meta.json") or name.lower() in SKIP_NAMES


def collect_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders (recursively) into the sorted list of candidate files."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file()
                    and not is_skipped(f)
                    and not any(part.startswith(".") for part in f.relative_to(p).parts)
                )
            )
        else:
            out.append(p)
    return out


_HEADING = re.compile(
    r"^\s*(第?[一二三四五六七八九十]+[、.．章部分]|[（(][一二三四五六七八九十\d]+[)）]|\d+(\.\d+)*[、.．\s]|【)"
)


def _title_from_text(text: str, fallback: str) -> str:
    """The first short line that is not a numbered section heading, else ``fallback``."""
    for line in text.splitlines()[:5]:
        line = line.strip().strip("#").strip()
        if _HEADING.match(line):
            break
        if 4 <= len(line) <= 60 and not line.endswith(("。", "；")):
            return line
    return fallback


def read_path(
    path: Path,
    *,
    folder_meta: FolderMetadata | None = None,
    column_map: dict[str, str] | None = None,
    max_upload_mb: int = 20,
    max_text_chars: int = 200_000,
    max_uncompressed_mb: int = 200,
    parse_timeout_s: float = 60,
) -> Iterator[IngestedDoc | IngestError]:
    """Read one input file into documents. Table files yield one item per row.

    Errors of a single table row are yielded (not raised) so the other rows go on; file-level errors are raised.
    The .docx/.pdf/.xlsx parsers run in a worker process killed after ``parse_timeout_s`` seconds (``<= 0``: no
    limit, parse in this process); plain text and .csv are bounded by ``max_upload_mb`` alone.
    """
    suffix = path.suffix.lower()
    if not path.exists():
        raise IngestError(str(path), "文件不存在", "请检查路径")
    if suffix not in SUPPORTED:
        raise UnsupportedFormatError(
            str(path),
            f"不支持的文件格式 {suffix or '（无扩展名）'}",
            "支持 .txt .md .docx .pdf .csv .xlsx；.doc 请另存为 .docx",
        )
    size = path.stat().st_size
    if size > max_upload_mb * 1024 * 1024:
        raise LimitExceededError(
            str(path),
            f"文件大小 {size / 1e6:.1f} MB 超过上限 {max_upload_mb} MB",
            "请拆分文件，或调大 max_upload_mb",
        )
    if suffix in TABLE_SUFFIXES:
        from kb.ingest.table import iter_table_rows
        from kb.ingest.worker import run_bounded

        if suffix == ".xlsx":
            rows = run_bounded(
                "xlsx", path, parse_timeout_s, column_map=column_map, max_uncompressed_mb=max_uncompressed_mb
            )
        else:
            rows = list(iter_table_rows(path, column_map, max_uncompressed_mb))
        from kb.ingest.table import ROW_ERROR

        for rowno, raw in rows:
            src = f"{path.name}#row={rowno}"
            if ROW_ERROR in raw:
                yield IngestError(src, raw[ROW_ERROR], "请修正该行后重新导入")
                continue
            text = str(raw.pop("text", "") or "").strip()
            if not text:
                yield IngestError(src, "该行正文为空", "请在正文列填写场景描述")
                continue
            warnings: list[str] = []
            try:
                meta = build_metadata(raw, src, warnings)
            except IngestError as exc:
                yield exc
                continue
            yield _finish(IngestedDoc(src, str(path), suffix[1:], text, meta, warnings), max_text_chars)
        return
    warnings = []
    title = ""
    partial = False
    if suffix in (".txt", ".md"):
        from kb.ingest.text import read_text_file

        text, enc = read_text_file(path)
        if enc not in ("utf-8", "utf-8-sig"):
            warnings.append(f"文本编码为 {enc}，已转换为 UTF-8")
    else:
        text, title, notes = read_document(
            path, max_uncompressed_mb=max_uncompressed_mb, parse_timeout_s=parse_timeout_s
        )
        warnings.extend(notes)
        partial = bool(notes)
    raw = (folder_meta or FolderMetadata()).lookup(path)
    meta = build_metadata(raw, str(path), warnings) if raw else Metadata()
    if not meta.title:
        meta.title = title or _title_from_text(text, path.stem)

    yield _finish(
        IngestedDoc(path.name, str(path), suffix[1:], text, meta, warnings, partial), max_text_chars
    )


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
    from kb.ingest.pdf import MAX_PAGES
    from kb.ingest.worker import run_bounded

    if path.suffix.lower() == ".docx":
        text, title = run_bounded("docx", path, parse_timeout_s, max_uncompressed_mb=max_uncompressed_mb)
        return text, title, []
    if path.suffix.lower() == ".pdf":
        text, pages = run_bounded("pdf", path, parse_timeout_s)
        notes = [f"PDF 共 {pages} 页，只读取了前 {MAX_PAGES} 页"] if pages > MAX_PAGES else []
        return text, "", notes
    raise UnsupportedFormatError(
        str(path), f"不是 .docx 或 .pdf 文件（{path.suffix}）", "请上传 .docx 或 .pdf 文件"
    )


def _finish(doc: IngestedDoc, max_text_chars: int) -> IngestedDoc:
    if not doc.meta.title:
        doc.meta.title = _title_from_text(doc.text, doc.source)
    if len(doc.text) > max_text_chars:
        doc.text = doc.text[:max_text_chars]
        doc.partial = True
        doc.warnings.append(f"正文超过 {max_text_chars} 字符上限，只保存了前 {max_text_chars} 个字符")
    return doc
