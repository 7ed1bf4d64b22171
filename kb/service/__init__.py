"""The service layer: every use case of the product as a method of :class:`KB` returning data.

The only kb package that imports :mod:`nlp` (besides the plain records of :mod:`nlp.types`). The CLI and the
Streamlit pages are thin skins over it.
"""

from __future__ import annotations

from typing import Any

from kb.config import load_config
from kb.service.core import ActiveEdition, AuthMixin, KBCore
from kb.service.reports import ReportsMixin
from kb.service.similarity import SimilarityMixin
from kb.service.views import ViewsMixin


class KB(ReportsMixin, ViewsMixin, SimilarityMixin, AuthMixin, KBCore):
    """One knowledge base: database, indexes, active reference editions and every use case over them."""


def open_kb(db: str | None = None, config_file: str | None = None, **overrides: Any) -> KB:
    """Open the knowledge base chosen by ``--db`` / ``SCENARIO_KB_DB`` / the config file."""
    return KB(load_config(config_file, db=db, **overrides))


__all__ = ["KB", "ActiveEdition", "open_kb"]
