"""Near-duplicate candidates: MinHash LSH over normalised character shingles.

Texts are normalised (``nlp.text.match_text``: width/case/homoglyph folding, no spaces or punctuation),
cut into overlapping ``k``-character shingles (k=5 by default), hashed in NumPy and sketched with
``num_perm`` affine permutations. The sketches are split into ``b`` bands of ``r`` rows, with the
``(b, r)`` that datasketch's ``MinHashLSH`` chooses for the Jaccard ``threshold``; two texts are
candidates when one band is equal. Bands are kept as NumPy arrays (one 64-bit hash per text and
band, sorted per band), not in per-bucket Python sets: at 10⁵ texts that is ~30 MB instead of
~1.8 GB, and :meth:`NearDupIndex.candidate_pairs` groups equal bands with a sort, so
``candidates`` and ``candidate_pairs`` never loop over all pairs. Candidates are only candidates:
confirm them with :func:`nlp.similarity.align.align`.

Usage::

    idx = NearDupIndex(k=5, threshold=0.3)
    idx.add(1, text1); idx.add(2, text2)
    idx.candidates(1)            # -> [2] if their shingle sets are similar
    idx.all_candidate_pairs()    # -> {(1, 2)}
    idx.candidate_pairs(min_jaccard=0.15)   # -> array([[1, 2]]) with the MinHash estimate filter
    idx.save(path); NearDupIndex.load(path)
"""

from __future__ import annotations

import functools
import logging
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from nlp.text import match_text

log = logging.getLogger(__name__)

_M32 = np.uint64(0xFFFFFFFF)


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3 32-bit finaliser on a uint32 array."""
    h = h.astype(np.uint32)
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


def shingle_hashes(norm: str, k: int = 5) -> np.ndarray:
    """Distinct 32-bit hashes of the ``k``-character shingles of a normalised string.

    Args:
        norm: normalised text.
        k: shingle length.

    Returns:
        Sorted unique uint32 hashes (one shingle for texts shorter than ``k``, none if empty).
    """
    if not norm:
        return np.zeros(0, dtype=np.uint32)
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < k:
        k = len(codes)
    n = len(codes) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = (h * np.uint64(1_000_003) + codes[j : j + n]) & np.uint64(0xFFFFFFFFFFFF)
        h = (h ^ (h >> np.uint64(29))) & _M32
    return np.unique(_fmix32(h))


_EMPTY = 0xFFFFFFFF
_MIX1 = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xBF58476D1CE4E5B9)
_MIX3 = np.uint64(0x94D049BB133111EB)


def _mix64(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a bijection of uint64 that spreads every input bit."""
    with np.errstate(over="ignore"):
        h = (h ^ (h >> np.uint64(30))) * _MIX2
        h = (h ^ (h >> np.uint64(27))) * _MIX3
        return h ^ (h >> np.uint64(31))


def _band_hashes(sigs: np.ndarray, b: int, r: int) -> np.ndarray:
    """One 64-bit hash per row and band of MinHash signatures ``(n, num_perm)`` -> ``(n, b)``.

    The first two values of a band are packed exactly (64 bits) before mixing, and every further
    value is spread over 64 bits before it is combined, so unequal bands collide only by chance
    (≈ 2⁻⁶⁴ per pair).
    """
    v = sigs[:, : b * r].reshape(len(sigs), b, r).astype(np.uint64)
    h = v[:, :, 0] << np.uint64(32)
    if r > 1:
        h |= v[:, :, 1]
    h = _mix64(h)
    with np.errstate(over="ignore"):
        for j in range(2, r):
            h = _mix64(h ^ _mix64(v[:, :, j] + _MIX1 * np.uint64(j)))
    return h


@functools.lru_cache(maxsize=32)
def _bands_rows(lsh_class: Any, threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's ``(b, r)`` choice for a threshold (numerical integration: tens of ms, once per process; every
    engine loaded from a saved version constructs an index before it reads the saved one)."""
    lsh = lsh_class(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


class NearDupIndex:
    """MinHash LSH index of texts by integer id.

    Args:
        k: shingle length in normalised characters.
        num_perm: MinHash permutations.
        threshold: Jaccard threshold the LSH bands are tuned for (candidates below it are rarer).
        seed: permutation seed (fixed so saved sketches stay comparable).
        max_bucket: buckets with more members than this are skipped by ``candidate_pairs``
            (they come from template text shared by very many texts, not from duplicates).
    """

    def __init__(
        self,
        k: int = 5,
        num_perm: int = 128,
        threshold: float = 0.3,
        seed: int = 1,
        max_bucket: int = 200,
    ) -> None:
        try:
            from datasketch import MinHashLSH
        except ImportError as e:  # pragma: no cover - datasketch is a hard dependency
            raise ImportError("近重复检测需要 datasketch：pip install datasketch") from e
        self.k = k
        self.num_perm = num_perm
        self.threshold = threshold
        self.seed = seed
        self.max_bucket = max_bucket
        gen = np.random.RandomState(seed)
        self._a = (gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1))[None, :]
        self._b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint64).astype(np.uint32)[None, :]
        self.bands, self.rows = _bands_rows(MinHashLSH, float(threshold), int(num_perm))
        self._init_storage()

    def _init_storage(self) -> None:
        self._slot_of: dict[int, int] = {}
        self._n = 0  # slots used
        self._ids = np.zeros(0, dtype=np.int64)
        self._alive = np.zeros(0, dtype=bool)
        self._banded = np.zeros(0, dtype=bool)  # alive and with a non-empty sketch
        self._sig = np.zeros((0, self.num_perm), dtype=np.uint32)
        self._bh = np.zeros((0, self.bands), dtype=np.uint64)
        self._sorted_upto = 0  # slots below this are in the sorted band arrays
        self._skeys = np.zeros((self.bands, 0), dtype=np.uint64)
        self._sslots = np.zeros((self.bands, 0), dtype=np.int64)

    def __getstate__(self) -> dict:
        d = dict(self.__dict__)
        n = self._n
        for name in ("_ids", "_alive", "_banded", "_sig", "_bh"):
            d[name] = d[name][:n].copy()
        d["_sorted_upto"] = 0  # the sorted arrays are rebuilt on demand
        d["_skeys"] = np.zeros((self.bands, 0), dtype=np.uint64)
        d["_sslots"] = np.zeros((self.bands, 0), dtype=np.int64)
        return d

    def __setstate__(self, d: dict) -> None:
        if "_lsh" in d:  # pickled by the datasketch-bucket version: re-band its signatures
            sigs = d.pop("_sigs")
            lsh = d.pop("_lsh")
            self.__dict__.update(d)
            self.bands, self.rows = int(lsh.b), int(lsh.r)
            self._init_storage()
            for id, sig in sigs.items():
                self.add_signature(id, sig)
            return
        self.__dict__.update(d)

    # -- sketches -------------------------------------------------------------------------------
    def signature(self, text: str, *, norm: str | None = None) -> np.ndarray:
        """MinHash signature (uint32, ``num_perm``) of an original text.

        Args:
            text: original text.
            norm: its normalised form, if already computed (``text`` is then not read).
        """
        hv = shingle_hashes(match_text(text) if norm is None else norm, self.k)
        out = np.full(self.num_perm, _EMPTY, dtype=np.uint32)
        if len(hv) == 0:
            return out
        step = 2048  # bound the (shingles × perms) temporary
        with np.errstate(over="ignore"):
            for s in range(0, len(hv), step):
                part = hv[s : s + step, None] * self._a
                part += self._b
                np.minimum(out, part.min(axis=0), out=out)
        return out

    # -- mutation -------------------------------------------------------------------------------
    def add(self, id: int, text: str, *, norm: str | None = None) -> None:
        """Index a text (replacing any previous text of the same id).

        Args:
            id: integer id.
            text: original text.
            norm: its normalised form, if already computed.
        """
        self.add_signature(id, self.signature(text, norm=norm))

    def _grow(self) -> None:
        cap = max(1024, 2 * len(self._ids))
        extra = cap - len(self._ids)
        self._ids = np.concatenate([self._ids, np.zeros(extra, dtype=np.int64)])
        self._alive = np.concatenate([self._alive, np.zeros(extra, dtype=bool)])
        self._banded = np.concatenate([self._banded, np.zeros(extra, dtype=bool)])
        self._sig = np.concatenate([self._sig, np.zeros((extra, self.num_perm), dtype=np.uint32)])
        self._bh = np.concatenate([self._bh, np.zeros((extra, self.bands), dtype=np.uint64)])

    def add_signature(self, id: int, sig: np.ndarray) -> None:
        """Index a precomputed signature (see :meth:`signature`)."""
        id = int(id)
        self.remove(id)
        if self._n >= len(self._ids):
            self._grow()
        slot = self._n
        self._n += 1
        sig = np.asarray(sig, dtype=np.uint32)
        self._ids[slot] = id
        self._alive[slot] = True
        self._banded[slot] = not np.all(sig == _EMPTY)
        self._sig[slot] = sig
        self._bh[slot] = _band_hashes(sig[None, :], self.bands, self.rows)[0]
        self._slot_of[id] = slot

    def remove(self, id: int) -> None:
        """Remove an id (no error if absent)."""
        slot = self._slot_of.pop(int(id), None)
        if slot is None:
            return
        self._alive[slot] = self._banded[slot] = False
        if self._n > 4096 and len(self._slot_of) < self._n // 2:
            self._compact()

    def _compact(self) -> None:
        keep = np.flatnonzero(self._alive[: self._n])
        self._ids, self._alive = self._ids[keep], self._alive[keep]
        self._banded, self._sig, self._bh = self._banded[keep], self._sig[keep], self._bh[keep]
        self._n = len(keep)
        self._slot_of = {int(i): n for n, i in enumerate(self._ids)}
        self._sorted_upto = 0
        self._skeys = np.zeros((self.bands, 0), dtype=np.uint64)
        self._sslots = np.zeros((self.bands, 0), dtype=np.int64)

    def _sort_bands(self) -> None:
        """Sort each band's hashes (done lazily when many texts were added since the last sort)."""
        slots = np.flatnonzero(self._banded[: self._n])
        keys = self._bh[slots].T  # (bands, n)
        order = np.argsort(keys, axis=1, kind="stable")
        self._skeys = np.take_along_axis(keys, order, axis=1)
        self._sslots = slots[order]
        self._sorted_upto = self._n

    # -- queries --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, id: object) -> bool:
        return id in self._slot_of

    def ids(self) -> list[int]:
        """Indexed ids, sorted."""
        return sorted(self._slot_of)

    def query_signature(self, id_or_text: int | str) -> np.ndarray:
        """Signature of an indexed id, or of a new text (computed, not added)."""
        if isinstance(id_or_text, str):
            return self.signature(id_or_text)
        return self._sig[self._slot_of[int(id_or_text)]]

    def jaccards(self, sig: np.ndarray, ids: list[int]) -> np.ndarray:
        """MinHash Jaccard estimates of one signature against indexed ids (vectorised)."""
        if not ids:
            return np.zeros(0, dtype=np.float64)
        slots = np.array([self._slot_of[int(i)] for i in ids], dtype=np.int64)
        return np.count_nonzero(self._sig[slots] == sig[None, :], axis=1) / self.num_perm

    def candidates(self, id_or_text: int | str | np.ndarray) -> list[int]:
        """Ids whose sketches collide with an indexed id, a new text or a signature.

        Args:
            id_or_text: an indexed id, an original text (not added), or a signature from
                :meth:`query_signature`.

        Returns:
            Candidate ids (sorted, without the id itself).
        """
        if isinstance(id_or_text, np.ndarray):
            sig = id_or_text
            me = None
        elif isinstance(id_or_text, str):
            sig = self.signature(id_or_text)
            me = None
        else:
            me = int(id_or_text)
            sig = self._sig[self._slot_of[me]]
        if np.all(sig == _EMPTY):
            return []
        if self._n - self._sorted_upto > max(2048, self._n // 8):
            self._sort_bands()
        q = _band_hashes(sig[None, :], self.bands, self.rows)[0]
        found: list[np.ndarray] = []
        for j in range(self.bands):
            keys = self._skeys[j]
            lo, hi = np.searchsorted(keys, q[j], "left"), np.searchsorted(keys, q[j], "right")
            if hi > lo:
                found.append(self._sslots[j, lo:hi])
        tail = np.arange(self._sorted_upto, self._n)
        if len(tail):
            hit = (self._bh[tail] == q[None, :]).any(axis=1)
            found.append(tail[hit])
        if not found:
            return []
        slots = np.unique(np.concatenate(found))
        slots = slots[self._banded[slots]]
        return sorted(int(x) for x in self._ids[slots] if x != me)

    def jaccard(self, a: int | np.ndarray, b: int | np.ndarray) -> float:
        """MinHash estimate of the shingle Jaccard similarity of two ids (or signatures)."""
        sa = self._sig[self._slot_of[int(a)]] if not isinstance(a, np.ndarray) else a
        sb = self._sig[self._slot_of[int(b)]] if not isinstance(b, np.ndarray) else b
        return float(np.count_nonzero(sa == sb)) / self.num_perm

    def candidate_pairs(self, min_jaccard: float = 0.0) -> np.ndarray:
        """Every pair of ids ``(a, b)``, ``a < b``, that shares an LSH bucket, as an ``(n, 2)`` array.

        Buckets larger than ``max_bucket`` are skipped (logged): they hold template text.

        Args:
            min_jaccard: drop pairs whose MinHash Jaccard estimate is below this.

        Returns:
            Sorted int64 pairs of ids.
        """
        self._sort_bands()
        codes: list[np.ndarray] = []
        skipped = 0
        for j in range(self.bands):
            keys = self._skeys[j]
            if len(keys) < 2:
                continue
            starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
            sizes = np.diff(np.r_[starts, len(keys)])
            skipped += int((sizes > self.max_bucket).sum())
            codes.extend(self._bucket_codes(j, starts, sizes))
        if skipped:
            log.info("neardup: skipped %d oversized LSH buckets (> %d)", skipped, self.max_bucket)
        return self._pairs_of_codes(codes, min_jaccard)

    def candidate_pairs_after(
        self, before: np.ndarray, new_ids: Iterable[int], min_jaccard: float = 0.0
    ) -> np.ndarray | None:
        """:meth:`candidate_pairs` of this index, from ``before`` — its result (same ``min_jaccard``) when the index
        held every text but ``new_ids`` (added since, nothing removed) — reading only the buckets a new text entered.

        A bucket that a new text pushed past ``max_bucket`` no longer gives pairs: its old pairs leave ``before``
        unless they still share a bucket within the limit in another band. Returns the same array as
        :meth:`candidate_pairs`, or None when ids do not fit the pair codes (the caller then runs it).
        """
        self._sort_bands()
        slots = np.array(
            sorted({self._slot_of[int(i)] for i in new_ids if int(i) in self._slot_of}), np.int64
        )
        slots = slots[self._banded[slots]]
        before = np.asarray(before, dtype=np.int64).reshape(-1, 2)
        if not len(slots):
            return before
        if self._n and int(self._ids[: self._n].max()) >= 1 << 31:
            return None
        is_new = np.zeros(self._n, dtype=bool)
        is_new[slots] = True
        codes: list[np.ndarray] = []
        lost: list[np.ndarray] = []  # slot-pair codes of old members of buckets pushed past the limit
        for j in range(self.bands):
            keys, members = self._skeys[j], self._sslots[j]
            entered = np.unique(self._bh[slots, j])
            lo, hi = np.searchsorted(keys, entered, "left"), np.searchsorted(keys, entered, "right")
            sizes = hi - lo
            new_in = np.r_[0, np.cumsum(is_new[members])]
            old = sizes - (new_in[hi] - new_in[lo])
            for st, size in zip(*[x[(sizes > self.max_bucket) & (old >= 2) & (old <= self.max_bucket)]
                                  for x in (lo, sizes)], strict=True):  # fmt: skip
                m = members[st : st + size]
                m = m[~is_new[m]]
                x, y = np.triu_indices(len(m), 1)
                lost.append(np.minimum(m[x], m[y]) * (1 << 32) + np.maximum(m[x], m[y]))
            codes.extend(self._bucket_codes(j, lo, sizes, is_new))
        if lost:
            before = self._without(before, self._still_apart(np.unique(np.concatenate(lost))))
        added = self._pairs_of_codes(codes, min_jaccard)
        return np.unique(
            np.concatenate([before, added]), axis=0
        )  # rows sorted, as candidate_pairs gives them

    def _still_apart(self, codes: np.ndarray) -> np.ndarray:
        """The id pairs of slot-pair ``codes`` that share no bucket of at most ``max_bucket`` members in any band."""
        sa, sb = codes >> 32, codes & 0xFFFFFFFF
        shared = np.zeros(len(codes), dtype=bool)
        for j in range(self.bands):
            eq = np.flatnonzero(self._bh[sa, j] == self._bh[sb, j])
            if len(eq):
                k = self._bh[sa[eq], j]
                keys = self._skeys[j]
                size = np.searchsorted(keys, k, "right") - np.searchsorted(keys, k, "left")
                shared[eq[size <= self.max_bucket]] = True
        ia, ib = self._ids[sa[~shared]], self._ids[sb[~shared]]
        return np.stack([np.minimum(ia, ib), np.maximum(ia, ib)], axis=1)

    @staticmethod
    def _without(pairs: np.ndarray, drop: np.ndarray) -> np.ndarray:
        """``pairs`` less the rows of ``drop`` (id pairs below 2³¹)."""
        if not len(pairs) or not len(drop):
            return pairs
        code = pairs[:, 0] * (1 << 31) + pairs[:, 1]
        return pairs[~np.isin(code, drop[:, 0] * (1 << 31) + drop[:, 1])]

    def _bucket_codes(
        self, band: int, starts: np.ndarray, sizes: np.ndarray, is_new: np.ndarray | None = None
    ) -> list[np.ndarray]:
        """Slot-pair codes (``lo << 32 | hi``) of the buckets of ``band`` that begin at ``starts`` in its sorted
        arrays and hold ``sizes`` members (those of 2 to ``max_bucket``); with ``is_new``, only pairs with a new
        member."""
        out = []
        slots = self._sslots[band]
        for size in np.unique(sizes[(sizes >= 2) & (sizes <= self.max_bucket)]).tolist():
            st = starts[sizes == size]
            members = slots[st[:, None] + np.arange(size)[None, :]]  # (groups, size)
            x, y = np.triu_indices(size, 1)
            a, b = members[:, x].ravel(), members[:, y].ravel()
            if is_new is not None:
                keep = is_new[a] | is_new[b]
                a, b = a[keep], b[keep]
            out.append(np.minimum(a, b) * (1 << 32) + np.maximum(a, b))
        return out

    def _pairs_of_codes(self, codes: list[np.ndarray], min_jaccard: float) -> np.ndarray:
        """Sorted id pairs of slot-pair codes, those below ``min_jaccard`` (MinHash estimate) left out."""
        if not codes:
            return np.zeros((0, 2), dtype=np.int64)
        uc = np.unique(np.concatenate(codes))
        sa, sb = uc >> 32, uc & 0xFFFFFFFF
        if min_jaccard > 0:
            keep = np.zeros(len(uc), dtype=bool)
            step = 65536
            for s in range(0, len(uc), step):
                eq = self._sig[sa[s : s + step]] == self._sig[sb[s : s + step]]
                keep[s : s + step] = eq.sum(axis=1) >= min_jaccard * self.num_perm - 1e-9
            sa, sb = sa[keep], sb[keep]
        ia, ib = self._ids[sa], self._ids[sb]
        pairs = np.stack([np.minimum(ia, ib), np.maximum(ia, ib)], axis=1)
        if len(pairs):
            pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
        return pairs

    def all_candidate_pairs(self) -> set[tuple[int, int]]:
        """Every pair ``(a, b)``, ``a < b``, that shares at least one LSH bucket (as a set).

        Buckets larger than ``max_bucket`` are skipped (logged): they hold template text.
        """
        return {(int(a), int(b)) for a, b in self.candidate_pairs()}

    # -- persistence ----------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Pickle the index to ``path``."""
        with open(path, "wb") as f:
            pickle.dump(self, f, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: str | Path) -> NearDupIndex:
        """Load an index written by :meth:`save`."""
        with open(path, "rb") as f:
            obj = pickle.load(f)
        if not isinstance(obj, cls):
            raise TypeError(f"{path} 不是近重复索引文件")
        return obj
