"""Half-open spans: merging, and mapping between normalised and original offsets.

``offsets`` is the map of :func:`nlp.normalize.normalize_with_offsets`: ``offsets[i]`` is the index in the
ORIGINAL text of normalised character ``i``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from nlp.types import SpanT


def to_original(offsets: np.ndarray, start: int, end: int) -> SpanT:
    """Map a normalised half-open span to a half-open span in the original text.

    Args:
        offsets: offset map from :func:`nlp.normalize.normalize_with_offsets`.
        start: normalised start.
        end: normalised end (exclusive, > start).

    Returns:
        ``(orig_start, orig_end)``.
    """
    return int(offsets[start]), int(offsets[end - 1]) + 1


def norm_range(offsets: np.ndarray, start: int, end: int) -> tuple[int, int]:
    """Normalised positions whose original offset lies in ``[start, end)``."""
    lo, hi = offsets.searchsorted((start, end)).tolist()  # one call: per-call overhead dominates
    return lo, hi


def merge_spans(spans: Iterable[SpanT]) -> list[SpanT]:
    """Sort and merge overlapping or touching spans.

    Args:
        spans: half-open spans.
    Returns:
        Disjoint spans in order.
    """
    out: list[SpanT] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out
