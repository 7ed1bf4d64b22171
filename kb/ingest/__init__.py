"""Ingestion: turn files and folders into :class:`kb.models.IngestedDoc` records.

One file goes through the stages of :mod:`kb.ingest.pipeline` in order: :mod:`~kb.ingest.collect` (which files,
may they be read), :mod:`~kb.ingest.extract` (raw content; .docx/.pdf/.xlsx in the bounded
:mod:`~kb.ingest.worker`), :mod:`~kb.ingest.decode` (text units), :mod:`~kb.ingest.metadata`,
:mod:`~kb.ingest.document`. The format readers (:mod:`~kb.ingest.docx`, :mod:`~kb.ingest.pdf`,
:mod:`~kb.ingest.table`, :mod:`~kb.ingest.text`) are used by the extract and decode stages only.
"""

from kb.ingest.collect import collect_inputs, is_skipped
from kb.ingest.extract import read_document
from kb.ingest.pipeline import read_path

__all__ = ["collect_inputs", "is_skipped", "read_document", "read_path"]
