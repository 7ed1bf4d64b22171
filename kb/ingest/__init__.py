"""Ingestion: turn files and folders into :class:`kb.models.IngestedDoc` records, one module per format.

Each reader raises an :class:`kb.errors.IngestError` subclass naming the file, the reason and the fix; the
service records it and goes on with the batch.
"""

from __future__ import annotations

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
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and not is_skipped(f)
                              and not any(part.startswith(".") for part in f.relative_to(p).parts)))
        else:
            out.append(p)
    return out


def _title_from_text(text: str, fallback: str) -> str:
    for line in text.splitlines():
        line = line.strip().strip("#").strip()
        if 4 <= len(line) <= 60:
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
) -> Iterator[IngestedDoc | IngestError]:
    """Read one input file into documents. Table files yield one item per row.

    Errors of a single table row are yielded (not raised) so the other rows go on; file-level errors are raised.
    """
    suffix = path.suffix.lower()
    if not path.exists():
        raise IngestError(str(path), "文件不存在", "请检查路径")
    if suffix not in SUPPORTED:
        raise UnsupportedFormatError(
            str(path), f"不支持的文件格式 {suffix or '（无扩展名）'}", "支持 .txt .md .docx .pdf .csv .xlsx；.doc 请另存为 .docx"
        )
    size = path.stat().st_size
    if size > max_upload_mb * 1024 * 1024:
        raise LimitExceededError(
            str(path), f"文件大小 {size / 1e6:.1f} MB 超过上限 {max_upload_mb} MB", "请拆分文件，或调大 max_upload_mb"
        )
    if suffix in TABLE_SUFFIXES:
        from kb.ingest.table import iter_table_rows

        for rowno, raw in iter_table_rows(path, column_map, max_uncompressed_mb):
            src = f"{path.name}#row={rowno}"
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
    if suffix in (".txt", ".md"):
        from kb.ingest.text import read_text_file

        text, enc = read_text_file(path)
        if enc not in ("utf-8", "utf-8-sig"):
            warnings.append(f"文本编码为 {enc}，已转换为 UTF-8")
    elif suffix == ".docx":
        from kb.ingest.docx import read_docx

        text, title = read_docx(path, max_uncompressed_mb)
    else:
        from kb.ingest.pdf import read_pdf

        text = read_pdf(path)
    raw = (folder_meta or FolderMetadata()).lookup(path)
    meta = build_metadata(raw, str(path), warnings) if raw else Metadata()
    if not meta.title:
        meta.title = title or _title_from_text(text, path.stem)
    yield _finish(IngestedDoc(path.name, str(path), suffix[1:], text, meta, warnings), max_text_chars)


def _finish(doc: IngestedDoc, max_text_chars: int) -> IngestedDoc:
    if not doc.meta.title:
        doc.meta.title = _title_from_text(doc.text, doc.source)
    if len(doc.text) > max_text_chars:
        doc.text = doc.text[:max_text_chars]
        doc.partial = True
        doc.warnings.append(f"正文超过 {max_text_chars} 字符上限，只保存了前 {max_text_chars} 个字符")
    return doc
