"""The ingest pipeline of one file: collect → extract → decode → metadata → document, each stage a module entered
once, in order (see docs/ARCHITECTURE.md).

Each stage raises an :class:`kb.errors.IngestError` subclass naming the file, the reason and the fix; errors of
a single table row are yielded instead, so the other rows go on. The service records them and goes on with the
batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kb.errors import IngestError
from kb.ingest.collect import check_file
from kb.ingest.decode import decode
from kb.ingest.document import build_document
from kb.ingest.extract import extract
from kb.ingest.metadata import FolderMetadata, metadata_for
from kb.models import IngestedDoc


def read_path(
    path: Path,
    *,
    folder_meta: FolderMetadata | None = None,
    column_map: dict[str, str] | None = None,
    max_upload_mb: int = 20,
    max_text_chars: int = 200_000,
    max_uncompressed_mb: int = 200,
    parse_timeout_s: float = 60,
    max_table_cells: int = 2_000_000,
) -> Iterator[IngestedDoc | IngestError]:
    """Read one input file into documents. Table files yield one item per row.

    Errors of a single table row are yielded (not raised) so the other rows go on; file-level errors are raised.
    The .docx/.pdf/.xlsx parsers run in a worker process killed after ``parse_timeout_s`` seconds (``<= 0``: no
    limit, parse in this process); plain text and .csv are bounded by ``max_upload_mb`` alone.
    """
    path = Path(path)
    check_file(path, max_upload_mb)
    extracted = extract(
        path,
        column_map=column_map,
        max_uncompressed_mb=max_uncompressed_mb,
        parse_timeout_s=parse_timeout_s,
        max_table_cells=max_table_cells,
    )
    for unit in decode(extracted):
        if isinstance(unit, IngestError):
            yield unit
            continue
        try:
            meta = metadata_for(unit, folder_meta)
        except IngestError as exc:
            if unit.row is None:
                raise
            yield exc
            continue
        yield build_document(unit, meta, max_text_chars)
