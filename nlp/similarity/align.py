"""Passage alignment: maximal shared spans between two texts, with offsets into both originals.

Both texts are normalised (see ``_text``: width, case, homoglyphs folded; spaces and punctuation
dropped). Every shared run of at least ``min_len`` normalised characters is found by seed-and-extend
over ``min_len``-gram hashes (no O(n·m) table), then the runs are tiled greedily, longest first, so
that no character of either text is counted twice (greedy string tiling).

Similarity (fractions in [0, 1]; multiply by 100 for a percentage)::

    sim_a = matched / chars_a        sim_b = matched / chars_b
    sim   = 2 · matched / (chars_a + chars_b)

where ``chars_x`` counts the normalised characters (letters, digits, CJK) of text x and ``matched``
the normalised characters inside shared spans. With boilerplate excluded, the boilerplate characters
of each text leave both the numerator and the denominator.

Match level (:func:`match_level`), from the boilerplate-excluded symmetric similarity ``s`` and the
optional embedding cosine ``c``: ``identical`` if the normalised texts are equal or s ≥ 0.98;
``minor_edits`` if s ≥ 0.6; ``paraphrase`` if c ≥ the paraphrase cosine threshold; ``partial`` if
s ≥ 0.2 (passages copied); otherwise ``unrelated``. Thresholds are :class:`Levels` fields.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nlp.similarity._text import normalize_with_offsets, to_original
from nlp.types import SpanT

LEVELS = ("identical", "minor_edits", "paraphrase", "partial", "unrelated")
"""Match levels, strongest first."""


@dataclass(frozen=True)
class Levels:
    """Thresholds of the match levels (fractions, cosine in [-1, 1])."""

    identical: float = 0.98
    minor_edits: float = 0.6
    partial: float = 0.2
    paraphrase_cos: float = 0.9

    def to_dict(self) -> dict[str, float]:
        return dict(self.__dict__)


def match_level(
    sim: float, cosine: float | None = None, *, equal: bool = False, levels: Levels = Levels()
) -> str:
    """Level of a pair from its lexical similarity and (optional) embedding cosine.

    Args:
        sim: symmetric lexical similarity (boilerplate excluded when known), in [0, 1].
        cosine: embedding cosine of the two texts, or None when no semantic layer is used.
        equal: True when the normalised texts are equal.
        levels: thresholds.

    Returns:
        One of :data:`LEVELS`.
    """
    if equal or sim >= levels.identical:
        return "identical"
    if sim >= levels.minor_edits:
        return "minor_edits"
    if cosine is not None and cosine >= levels.paraphrase_cos:
        return "paraphrase"
    if sim >= levels.partial:
        return "partial"
    return "unrelated"


@dataclass
class SharedSpan:
    """One shared passage: half-open spans in the original of a and of b, and its normalised length."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    length: int
    boilerplate: bool = False

    @property
    def a(self) -> SpanT:
        return (self.a_start, self.a_end)

    @property
    def b(self) -> SpanT:
        return (self.b_start, self.b_end)

    def swapped(self) -> SharedSpan:
        """The same span seen from b's side."""
        return SharedSpan(self.b_start, self.b_end, self.a_start, self.a_end, self.length, self.boilerplate)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": [self.a_start, self.a_end],
            "b": [self.b_start, self.b_end],
            "length": self.length,
            "boilerplate": self.boilerplate,
        }


@dataclass
class Alignment:
    """Result of :func:`align`: shared spans and similarity figures (fractions in [0, 1])."""

    spans: list[SharedSpan]
    chars_a: int
    chars_b: int
    matched: int
    sim_a: float
    sim_b: float
    sim: float
    sim_a_excl: float
    sim_b_excl: float
    sim_excl: float
    boilerplate_a: int = 0
    boilerplate_b: int = 0
    equal: bool = False
    cosine: float | None = None
    level: str = "unrelated"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def longest(self) -> int:
        """Normalised length of the longest shared span (0 if none)."""
        return max((s.length for s in self.spans), default=0)

    def swapped(self) -> Alignment:
        """The same alignment seen from b's side."""
        return Alignment(
            spans=sorted((s.swapped() for s in self.spans), key=lambda s: s.a_start),
            chars_a=self.chars_b,
            chars_b=self.chars_a,
            matched=self.matched,
            sim_a=self.sim_b,
            sim_b=self.sim_a,
            sim=self.sim,
            sim_a_excl=self.sim_b_excl,
            sim_b_excl=self.sim_a_excl,
            sim_excl=self.sim_excl,
            boilerplate_a=self.boilerplate_b,
            boilerplate_b=self.boilerplate_a,
            equal=self.equal,
            cosine=self.cosine,
            level=self.level,
            extra=dict(self.extra),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "similarity": round(self.sim, 4),
            "similarity_a": round(self.sim_a, 4),
            "similarity_b": round(self.sim_b, 4),
            "similarity_excl_boilerplate": round(self.sim_excl, 4),
            "similarity_a_excl_boilerplate": round(self.sim_a_excl, 4),
            "similarity_b_excl_boilerplate": round(self.sim_b_excl, 4),
            "chars_a": self.chars_a,
            "chars_b": self.chars_b,
            "matched": self.matched,
            "boilerplate_a": self.boilerplate_a,
            "boilerplate_b": self.boilerplate_b,
            "longest": self.longest,
            "cosine": None if self.cosine is None else round(float(self.cosine), 4),
            "spans": [s.to_dict() for s in self.spans],
        }


class NormText:
    """A text with its normalised form and offset map (compute once, align many times)."""

    __slots__ = ("text", "norm", "offsets", "_grams", "_k")

    def __init__(self, text: str) -> None:
        self.text = text
        self.norm, self.offsets = normalize_with_offsets(text)
        self._grams: dict[str, list[int]] | None = None
        self._k = 0

    def grams(self, k: int, cap: int = 64) -> dict[str, list[int]]:
        """Positions of every ``k``-gram of the normalised text (at most ``cap`` per gram)."""
        if self._grams is None or self._k != k:
            g: dict[str, list[int]] = {}
            s = self.norm
            for i in range(len(s) - k + 1):
                key = s[i : i + k]
                lst = g.get(key)
                if lst is None:
                    g[key] = [i]
                elif len(lst) < cap:
                    lst.append(i)
            self._grams, self._k = g, k
        return self._grams


def _common_run(a: str, i: int, b: str, j: int) -> int:
    """Length of the common prefix of ``a[i:]`` and ``b[j:]``."""
    n = min(len(a) - i, len(b) - j)
    length = 0
    step = 64
    while length + step <= n and a[i + length : i + length + step] == b[j + length : j + length + step]:
        length += step
    while length < n and a[i + length] == b[j + length]:
        length += 1
    return length


def maximal_matches(a: NormText, b: NormText, min_len: int) -> list[tuple[int, int, int]]:
    """All maximal exact matches ``(i, j, length)`` of at least ``min_len`` normalised chars.

    Args:
        a: first text (its k-gram table is built and kept).
        b: second text.
        min_len: minimum run length (also the seed length).

    Returns:
        Runs in normalised coordinates, possibly overlapping each other.
    """
    A, B = a.norm, b.norm
    k = min_len
    if len(A) < k or len(B) < k:
        return []
    grams = a.grams(k)
    out: list[tuple[int, int, int]] = []
    get = grams.get
    for j in range(len(B) - k + 1):
        hits = get(B[j : j + k])
        if not hits:
            continue
        for i in hits:
            if i > 0 and j > 0 and A[i - 1] == B[j - 1]:
                continue  # inside a run found from its start
            out.append((i, j, k + _common_run(A, i + k, B, j + k)))
    return out


def tile(matches: list[tuple[int, int, int]], la: int, lb: int, min_len: int) -> list[tuple[int, int, int]]:
    """Greedy string tiling: keep the longest runs first, trimming overlaps in either text.

    Args:
        matches: candidate runs ``(i, j, length)``.
        la: normalised length of a.
        lb: normalised length of b.
        min_len: drop pieces shorter than this after trimming.

    Returns:
        Non-overlapping runs (in both texts), sorted by position in a.
    """
    heap = [(-L, i, j) for i, j, L in matches]
    heapq.heapify(heap)
    cov_a = bytearray(la)
    cov_b = bytearray(lb)
    kept: list[tuple[int, int, int]] = []
    one = b"\x01"
    while heap:
        neg, i, j = heapq.heappop(heap)
        L = -neg
        if cov_a.find(one, i, i + L) < 0 and cov_b.find(one, j, j + L) < 0:
            cov_a[i : i + L] = one * L
            cov_b[j : j + L] = one * L
            kept.append((i, j, L))
            continue
        # re-queue the free pieces that are still long enough
        t = 0
        while t < L:
            while t < L and (cov_a[i + t] or cov_b[j + t]):
                t += 1
            s = t
            while t < L and not cov_a[i + t] and not cov_b[j + t]:
                t += 1
            if t - s >= min_len:
                heapq.heappush(heap, (-(t - s), i + s, j + s))
    kept.sort()
    return kept


Masker = Callable[[str], list[SpanT]]


def _mask_array(nt: NormText, spans: list[SpanT]) -> np.ndarray:
    """Boolean array over normalised positions: True where the original offset is masked."""
    mask = np.zeros(len(nt.norm), dtype=bool)
    if spans and len(nt.norm):
        for s, e in spans:
            lo = int(np.searchsorted(nt.offsets, s, side="left"))
            hi = int(np.searchsorted(nt.offsets, e, side="left"))
            mask[lo:hi] = True
    return mask


def _masker(boilerplate: Any) -> Masker | None:
    if boilerplate is None:
        return None
    if hasattr(boilerplate, "mask"):
        return boilerplate.mask
    if callable(boilerplate):
        return boilerplate
    raise TypeError("boilerplate must be a Boilerplate, a callable text -> spans, or None")


def align_norm(
    a: NormText,
    b: NormText,
    *,
    min_len: int = 13,
    mask_a: list[SpanT] | None = None,
    mask_b: list[SpanT] | None = None,
    cosine: float | None = None,
    levels: Levels = Levels(),
) -> Alignment:
    """Align two pre-normalised texts (see :func:`align`); masks are boilerplate spans in the originals."""
    la, lb = len(a.norm), len(b.norm)
    equal = la > 0 and a.norm == b.norm
    if equal:
        runs = [(0, 0, la)]
    else:
        runs = tile(maximal_matches(a, b, min_len), la, lb, min_len)
    ma = _mask_array(a, mask_a or [])
    mb = _mask_array(b, mask_b or [])
    matched = 0
    matched_ea = matched_eb = 0
    spans: list[SharedSpan] = []
    for i, j, L in runs:
        matched += L
        in_a = int(ma[i : i + L].sum())
        in_b = int(mb[j : j + L].sum())
        matched_ea += L - in_a
        matched_eb += L - in_b
        a0, a1 = to_original(a.offsets, i, i + L)
        b0, b1 = to_original(b.offsets, j, j + L)
        spans.append(SharedSpan(a0, a1, b0, b1, L, boilerplate=in_a * 2 > L and in_b * 2 > L))
    bp_a, bp_b = int(ma.sum()), int(mb.sum())
    ea, eb = la - bp_a, lb - bp_b
    sim_a = matched / la if la else 0.0
    sim_b = matched / lb if lb else 0.0
    sim = 2 * matched / (la + lb) if la + lb else 0.0
    sim_ea = matched_ea / ea if ea else 0.0
    sim_eb = matched_eb / eb if eb else 0.0
    sim_e = (matched_ea + matched_eb) / (ea + eb) if ea + eb else 0.0
    level = match_level(sim_e, cosine, equal=equal, levels=levels)
    return Alignment(
        spans=spans,
        chars_a=la,
        chars_b=lb,
        matched=matched,
        sim_a=sim_a,
        sim_b=sim_b,
        sim=sim,
        sim_a_excl=sim_ea,
        sim_b_excl=sim_eb,
        sim_excl=sim_e,
        boilerplate_a=bp_a,
        boilerplate_b=bp_b,
        equal=equal,
        cosine=cosine,
        level=level,
    )


def align(
    a: str,
    b: str,
    min_len: int = 13,
    boilerplate: Any = None,
    *,
    cosine: float | None = None,
    levels: Levels = Levels(),
) -> Alignment:
    """Find the maximal shared passages of two texts and their similarity.

    Args:
        a: first original text.
        b: second original text.
        min_len: minimum shared run, in normalised characters.
        boilerplate: a ``Boilerplate`` (or any callable ``text -> spans``) whose spans are excluded
            from the ``*_excl`` figures and flag spans as boilerplate; None for no exclusion.
        cosine: embedding cosine of the two texts, if known (decides ``paraphrase``).
        levels: match-level thresholds.

    Returns:
        An :class:`Alignment` whose spans index into both ORIGINAL texts.
    """
    masker = _masker(boilerplate)
    na, nb = NormText(a), NormText(b)
    mask_a = masker(a) if masker else None
    mask_b = masker(b) if masker else None
    return align_norm(na, nb, min_len=min_len, mask_a=mask_a, mask_b=mask_b, cosine=cosine, levels=levels)
