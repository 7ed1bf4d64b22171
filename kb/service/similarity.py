"""Similarity use cases: index maintenance, similar texts, duplicate families, search."""

from __future__ import annotations

from collections.abc import Sequence


class SimilarityMixin:
    """Wires :mod:`nlp.similarity` to the stored submissions."""

    def index_add(self, ids: Sequence[int]) -> None:
        """Add stored submissions to the similarity indexes (no-op until the engine is configured)."""
        return None
