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

Match level (:func:`match_level`), from the boilerplate-excluded symmetric similarity ``s``:
``identical`` if the normalised texts are equal or s ≥ 0.98; ``minor_edits`` if s ≥ 0.6;
``paraphrase`` (see below); ``partial`` if s ≥ 0.2 (passages copied); otherwise ``unrelated``.
Thresholds are :class:`Levels` fields.

Paraphrase of DOCUMENTS is decided from sentence-level semantic coverage
(:func:`semantic_coverage`), never from a document-mean cosine (documents of one domain have high
mean cosines whether or not one rewrites the other). Sentences of each text are paired one-to-one,
best cosine first, keeping pairs with cosine ≥ ``paraphrase_cos``; ``coverage_x`` is the share of
x's sentence characters (boilerplate and short sentences left out) that found a partner. A pair is
a paraphrase when ``min(coverage_a, coverage_b) ≥ paraphrase_coverage`` (most of each text has a
counterpart) and ``min(coverage) − s ≥ paraphrase_margin`` (the counterparts are rewritten, not
copied: a section copy has coverage ≈ s). For two single sentences or short passages a plain
cosine may be given instead, compared with ``paraphrase_cos``.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nlp.text import normalize_with_offsets, to_original
from nlp.types import SpanT

LEVELS = ("identical", "minor_edits", "paraphrase", "partial", "unrelated")
"""Match levels, strongest first."""


@dataclass(frozen=True)
class Levels:
    """Thresholds of the match levels (fractions, cosine in [-1, 1])."""

    identical: float = 0.98
    minor_edits: float = 0.6
    partial: float = 0.2
    paraphrase_cos: float = 0.9  # SENTENCE-level cosine of a paraphrased sentence pair
    paraphrase_coverage: float = 0.5  # share of each text with a paraphrased counterpart
    paraphrase_margin: float = 0.2  # coverage beyond the lexically copied share

    def to_dict(self) -> dict[str, float]:
        return dict(self.__dict__)


@dataclass
class SemanticCoverage:
    """Sentence-level semantic coverage of two texts (see :func:`semantic_coverage`).

    ``coverage_a`` / ``coverage_b``: share of each text's counted sentence characters whose sentence
    has a partner (one-to-one, cosine ≥ ``threshold``) in the other text; ``pairs`` holds the
    partners as ``(span_a, span_b, cosine)`` in original-text offsets.
    """

    coverage_a: float
    coverage_b: float
    threshold: float
    sentences_a: int = 0
    sentences_b: int = 0
    pairs: list[tuple[SpanT, SpanT, float]] = field(default_factory=list)
    encoder: str = ""

    @property
    def coverage(self) -> float:
        """The smaller of the two coverages (both texts must be covered)."""
        return min(self.coverage_a, self.coverage_b)

    def swapped(self) -> SemanticCoverage:
        """The same coverage seen from b's side."""
        return SemanticCoverage(
            self.coverage_b,
            self.coverage_a,
            self.threshold,
            self.sentences_b,
            self.sentences_a,
            [(sb, sa, c) for sa, sb, c in self.pairs],
            self.encoder,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "coverage": round(self.coverage, 4),
            "coverage_a": round(self.coverage_a, 4),
            "coverage_b": round(self.coverage_b, 4),
            "threshold": self.threshold,
            "sentences_a": self.sentences_a,
            "sentences_b": self.sentences_b,
            "encoder": self.encoder,
            "pairs": [{"a": list(sa), "b": list(sb), "cosine": round(c, 4)} for sa, sb, c in self.pairs],
        }


def semantic_coverage(
    vecs_a: Any,
    vecs_b: Any,
    weights_a: np.ndarray,
    weights_b: np.ndarray,
    threshold: float,
    *,
    spans_a: list[SpanT] | None = None,
    spans_b: list[SpanT] | None = None,
    encoder: str = "",
) -> SemanticCoverage:
    """Pair the sentences of two texts one-to-one by cosine and measure how much of each is covered.

    Candidate sentence pairs with cosine ≥ ``threshold`` (and weight > 0 on both sides) are taken
    greedily, best cosine first, each sentence used at most once. ``coverage_x`` = Σ weights of x's
    paired sentences / Σ weights of x's sentences.

    Args:
        vecs_a: L2-normalised sentence vectors of a (dense array or scipy sparse matrix).
        vecs_b: those of b.
        weights_a: one weight per sentence of a (normalised characters; 0 = not counted, e.g.
            boilerplate or too short).
        weights_b: those of b.
        threshold: sentence cosine that counts as a paraphrase.
        spans_a: original-text spans of a's sentences (for ``pairs``), optional.
        spans_b: those of b.
        encoder: name of the sentence encoder, for display.

    Returns:
        A :class:`SemanticCoverage`.
    """
    wa = np.asarray(weights_a, dtype=np.float64)
    wb = np.asarray(weights_b, dtype=np.float64)
    na, nb = int((wa > 0).sum()), int((wb > 0).sum())
    empty = SemanticCoverage(0.0, 0.0, threshold, na, nb, [], encoder)
    if na == 0 or nb == 0:
        return empty
    sim = vecs_a @ vecs_b.T
    sim = np.asarray(sim.toarray() if hasattr(sim, "toarray") else sim, dtype=np.float64)
    sim[wa <= 0, :] = -1.0
    sim[:, wb <= 0] = -1.0
    ii, jj = np.nonzero(sim >= threshold)
    if not len(ii):
        return empty
    order = np.argsort(-sim[ii, jj], kind="stable")
    used_a = np.zeros(len(wa), dtype=bool)
    used_b = np.zeros(len(wb), dtype=bool)
    pairs: list[tuple[int, int, float]] = []
    for o in order:
        i, j = int(ii[o]), int(jj[o])
        if used_a[i] or used_b[j]:
            continue
        used_a[i] = used_b[j] = True
        pairs.append((i, j, float(sim[i, j])))
    cov_a = float(wa[used_a].sum() / wa.sum())
    cov_b = float(wb[used_b].sum() / wb.sum())
    out: list[tuple[SpanT, SpanT, float]] = []
    if spans_a is not None and spans_b is not None:
        out = [(spans_a[i], spans_b[j], c) for i, j, c in sorted(pairs)]
    return SemanticCoverage(cov_a, cov_b, threshold, na, nb, out, encoder)


def is_paraphrase(sim: float, coverage: SemanticCoverage | float, levels: Levels = Levels()) -> bool:
    """Whether a pair below ``minor_edits`` is a paraphrase (see the module docstring).

    Args:
        sim: symmetric lexical similarity (boilerplate excluded).
        coverage: a :class:`SemanticCoverage` or its ``coverage`` value.
        levels: thresholds.

    Returns:
        True when most of both texts has a rewritten counterpart in the other.
    """
    c = coverage.coverage if isinstance(coverage, SemanticCoverage) else float(coverage)
    return c >= levels.paraphrase_coverage and c - sim >= levels.paraphrase_margin


def match_level(
    sim: float,
    cosine: float | None = None,
    *,
    equal: bool = False,
    levels: Levels = Levels(),
    coverage: SemanticCoverage | float | None = None,
) -> str:
    """Level of a pair from its lexical similarity and (optional) semantic evidence.

    Args:
        sim: symmetric lexical similarity (boilerplate excluded when known), in [0, 1].
        cosine: embedding cosine of two SENTENCES or short passages (compared with
            ``paraphrase_cos``); ignored when ``coverage`` is given. Do not pass a document-mean
            cosine: it does not separate paraphrases from same-domain texts.
        equal: True when the normalised texts are equal.
        levels: thresholds.
        coverage: sentence-level semantic coverage of two documents (decides ``paraphrase``).

    Returns:
        One of :data:`LEVELS`.
    """
    if equal or sim >= levels.identical:
        return "identical"
    if sim >= levels.minor_edits:
        return "minor_edits"
    if coverage is not None:
        if is_paraphrase(sim, coverage, levels):
            return "paraphrase"
    elif cosine is not None and cosine >= levels.paraphrase_cos:
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
            extra={k: (v.swapped() if isinstance(v, SemanticCoverage) else v) for k, v in self.extra.items()},
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
            "semantic": None if self.semantic is None else self.semantic.to_dict(),
        }

    @property
    def semantic(self) -> SemanticCoverage | None:
        """The sentence-level semantic coverage, when the engine computed it."""
        return self.extra.get("semantic")

    def set_semantic(self, cov: SemanticCoverage, levels: Levels = Levels()) -> None:
        """Attach a semantic coverage and re-decide the level with it."""
        self.extra["semantic"] = cov
        self.level = match_level(self.sim_excl, equal=self.equal, levels=levels, coverage=cov)


class NormText:
    """A text with its normalised form and offset map (compute once, align many times)."""

    __slots__ = ("text", "norm", "offsets", "_grams", "_k", "_codes", "_table")

    def __init__(self, text: str) -> None:
        self.text = text
        self.norm, self.offsets = normalize_with_offsets(text)
        self._grams: dict[str, list[int]] | None = None
        self._k = 0
        self._codes: np.ndarray | None = None
        self._table: tuple[int, int, np.ndarray, np.ndarray] | None = None

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

    def codes(self) -> np.ndarray:
        """Code points of the normalised text (uint32)."""
        if self._codes is None:
            self._codes = np.frombuffer(self.norm.encode("utf-32-le"), dtype=np.uint32)
        return self._codes

    def gram_hashes(self, k: int) -> np.ndarray:
        """A 64-bit polynomial hash of every ``k``-gram (position ``i``: ``norm[i:i+k]``)."""
        c = self.codes().astype(np.uint64)
        n = len(c) - k + 1
        h = np.zeros(max(n, 0), dtype=np.uint64)
        if n > 0:
            for t in range(k):  # h = Σ c[i+t]·P^(k-1-t), wrapping mod 2^64
                h *= _GRAM_BASE
                h += c[t : t + n]
        return h

    def gram_table(self, k: int, cap: int = 64) -> tuple[np.ndarray, np.ndarray]:
        """``k``-gram hashes sorted, with their positions: the first ``cap`` positions of each hash."""
        if self._table is None or self._table[:2] != (k, cap):
            h = self.gram_hashes(k)
            order = np.argsort(h, kind="stable")  # by hash, then by position
            hs = h[order]
            rank = np.arange(len(hs)) - np.searchsorted(hs, hs, side="left")
            keep = rank < cap
            self._table = (k, cap, hs[keep], order[keep])
        return self._table[2], self._table[3]


_GRAM_BASE = np.uint64(0x9E3779B97F4A7C15)


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

    Seeds are the ``min_len``-grams of b found in a (at most the first 64 positions of a gram in
    a), looked up in a's sorted gram-hash table; every seed is checked character by character, so
    a hash collision never makes a match. A seed preceded by the same character in both texts lies
    inside a run found from its start and is skipped.

    Args:
        a: first text (its gram table is built and kept).
        b: second text.
        min_len: minimum run length (also the seed length).

    Returns:
        Runs in normalised coordinates, possibly overlapping each other.
    """
    A, B = a.norm, b.norm
    k = min_len
    if len(A) < k or len(B) < k:
        return []
    hs, pos = a.gram_table(k)
    hb = b.gram_hashes(k)
    ob = np.argsort(hb)  # sorted queries: searchsorted is several times faster on them
    hb = hb[ob]
    lo = np.searchsorted(hs, hb, side="left")
    cnt = np.searchsorted(hs, hb, side="right") - lo
    total = int(cnt.sum())
    if not total:
        return []
    jj = np.repeat(ob.astype(np.int64), cnt)
    first = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt)  # ragged expansion of [lo, lo + cnt)
    ii = pos[first + np.arange(total, dtype=np.int64)].astype(np.int64)
    ca, cb = a.codes(), b.codes()
    inside = (ii > 0) & (jj > 0)
    inside[inside] = ca[ii[inside] - 1] == cb[jj[inside] - 1]
    out: list[tuple[int, int, int]] = []
    for i, j in zip(ii[~inside].tolist(), jj[~inside].tolist(), strict=True):
        if A[i : i + k] == B[j : j + k]:
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
    n = len(nt.norm)
    if not spans or not n:
        return np.zeros(n, dtype=bool)
    se = np.asarray(spans, dtype=np.int64)
    lo = nt.offsets.searchsorted(se[:, 0], side="left")  # one call for all spans (per-call cost dominates)
    hi = nt.offsets.searchsorted(se[:, 1], side="left")
    depth = np.zeros(n + 1, dtype=np.int32)  # mask[lo:hi] = True for every span, as a running count
    np.add.at(depth, lo, 1)
    np.add.at(depth, hi, -1)
    return np.cumsum(depth[:n]) > 0


def _masker(boilerplate: Any) -> Masker | None:
    if boilerplate is None:
        return None
    if hasattr(boilerplate, "mask"):
        return boilerplate.mask
    if callable(boilerplate):
        return boilerplate
    raise TypeError("boilerplate must be a Boilerplate, a callable text -> spans, or None")


def _covered(intervals: Any, n: int) -> int:
    """Characters of a text of length ``n`` inside the union of the ``(start, length)`` intervals."""
    total, end = 0, 0
    for start, length in sorted(intervals):
        lo, hi = max(start, end), min(start + length, n)
        if hi > lo:
            total += hi - lo
            end = hi
    return total


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
    cover = 0  # characters of a and b inside any shared run, each text's repeats counted (see below)
    if equal:
        runs = [(0, 0, la)]
    else:
        found = maximal_matches(a, b, min_len)
        runs = tile(found, la, lb, min_len)
        cover = _covered(((i, L) for i, _, L in found), la) + _covered(((j, L) for _, j, L in found), lb)
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
    # Tiling pairs each character once: a text pasted k times into a would score 2/(k+1) against itself.
    # The overall figure is at least the share of both texts' characters that lie in some shared run.
    sim = max(sim, cover / (la + lb) if la + lb else 0.0)
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
