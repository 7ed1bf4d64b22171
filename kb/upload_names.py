"""Names for uploaded files saved side by side: two uploads with the same name are both kept."""

from __future__ import annotations

from pathlib import Path

from kb.cli.safety import safe_name


def unique_upload_path(folder: Path, name: str) -> Path:
    """A path in ``folder`` for an upload called ``name`` that no earlier upload took: ``a.docx``, then
    ``a (2).docx``, ``a (3).docx`` …; folder parts and control characters of the name are dropped."""
    base = safe_name(Path(name).name).replace("?", "_").strip() or "upload"
    if base in (".", ".."):
        base = "upload"
    p = folder / base
    stem, suffix = Path(base).stem, Path(base).suffix
    n = 2
    while p.exists():
        p = folder / f"{stem} ({n}){suffix}"
        n += 1
    return p
