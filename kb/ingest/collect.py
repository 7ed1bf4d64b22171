"""Stage 1, collect: which files of the given paths are candidate submissions, and whether one may be read at all
(exists, supported format, within the size limit)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kb.errors import IngestError, LimitExceededError, UnsupportedFormatError

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


def check_file(path: Path, max_upload_mb: int) -> None:
    """Raise the :class:`kb.errors.IngestError` that stops ``path`` before it is opened, if any."""
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
