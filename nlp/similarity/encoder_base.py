"""What every sentence encoder offers (the ``Encoder`` protocol), its errors, and row L2-normalisation."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


class EncoderUnavailable(ImportError):
    """The encoder's optional library is not installed; the message says what to pip install."""


class EncoderNotFitted(RuntimeError):
    """The TF-IDF encoder must be fitted (``fit(corpus)``) or loaded before ``encode``."""


@runtime_checkable
class Encoder(Protocol):
    """What every encoder offers."""

    name: str
    dim: int
    max_chars: int | None

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        ...

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Vectors for search queries (same space as ``encode``)."""
        ...


def _l2(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    n = np.linalg.norm(x, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return np.ascontiguousarray(x / n, dtype=np.float32)
