"""Near-duplicate candidates: MinHash LSH (datasketch) over normalised character shingles.

Texts are normalised (``_text.normalize``: width/case/homoglyph folding, no spaces or punctuation),
cut into overlapping ``k``-character shingles (k=5 by default), hashed in NumPy and sketched with
``num_perm`` affine permutations; datasketch's ``MinHashLSH`` buckets the sketches so that
``candidates`` and ``all_candidate_pairs`` never loop over all pairs. Candidates are only
candidates: confirm them with :func:`nlp.similarity.align.align`.

Usage::

    idx = NearDupIndex(k=5, threshold=0.3)
    idx.add(1, text1); idx.add(2, text2)
    idx.candidates(1)            # -> [2] if their shingle sets are similar
    idx.all_candidate_pairs()    # -> {(1, 2)}
    idx.save(path); NearDupIndex.load(path)
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from nlp.similarity._text import normalize

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


class _Sketch:
    """The part of a datasketch MinHash that MinHashLSH reads (hash values, length, scheme)."""

    __slots__ = ("hashvalues",)
    scheme = "affine32"

    def __init__(self, hashvalues: np.ndarray) -> None:
        self.hashvalues = hashvalues

    def __len__(self) -> int:
        return len(self.hashvalues)


class NearDupIndex:
    """MinHash LSH index of texts by integer id.

    Args:
        k: shingle length in normalised characters.
        num_perm: MinHash permutations.
        threshold: Jaccard threshold the LSH bands are tuned for (candidates below it are rarer).
        seed: permutation seed (fixed so saved sketches stay comparable).
        max_bucket: buckets with more members than this are skipped by ``all_candidate_pairs``
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
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._sigs: dict[int, np.ndarray] = {}

    # -- sketches -------------------------------------------------------------------------------
    def signature(self, text: str) -> np.ndarray:
        """MinHash signature (uint32, ``num_perm``) of an original text."""
        hv = shingle_hashes(normalize(text), self.k)
        if len(hv) == 0:
            return np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        out = np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        step = 2048  # bound the (shingles × perms) temporary
        with np.errstate(over="ignore"):
            for s in range(0, len(hv), step):
                part = hv[s : s + step, None] * self._a + self._b
                np.minimum(out, part.min(axis=0), out=out)
        return out

    def _minhash(self, sig: np.ndarray) -> _Sketch:
        return _Sketch(sig)

    # -- mutation -------------------------------------------------------------------------------
    def add(self, id: int, text: str) -> None:
        """Index a text (replacing any previous text of the same id).

        Args:
            id: integer id.
            text: original text.
        """
        self.add_signature(id, self.signature(text))

    def add_signature(self, id: int, sig: np.ndarray) -> None:
        """Index a precomputed signature (see :meth:`signature`)."""
        id = int(id)
        if id in self._sigs:
            self.remove(id)
        self._sigs[id] = sig
        if not np.all(sig == 0xFFFFFFFF):
            self._lsh.insert(id, self._minhash(sig), check_duplication=False)

    def add_many(self, items: Iterable[tuple[int, str]]) -> None:
        """Index many ``(id, text)`` pairs."""
        for id, text in items:
            self.add(id, text)

    def remove(self, id: int) -> None:
        """Remove an id (no error if absent)."""
        id = int(id)
        if self._sigs.pop(id, None) is not None and id in self._lsh:
            self._lsh.remove(id)

    # -- queries --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._sigs)

    def __contains__(self, id: object) -> bool:
        return id in self._sigs

    def ids(self) -> list[int]:
        """Indexed ids, sorted."""
        return sorted(self._sigs)

    def candidates(self, id_or_text: int | str) -> list[int]:
        """Ids whose sketches collide with an indexed id or a new text.

        Args:
            id_or_text: an indexed id, or an original text (not added).

        Returns:
            Candidate ids (sorted, without the id itself).
        """
        if isinstance(id_or_text, str):
            sig = self.signature(id_or_text)
            me = None
        else:
            me = int(id_or_text)
            sig = self._sigs[me]
        if np.all(sig == 0xFFFFFFFF):
            return []
        return sorted(int(x) for x in self._lsh.query(self._minhash(sig)) if x != me)

    def jaccard(self, a: int | np.ndarray, b: int | np.ndarray) -> float:
        """MinHash estimate of the shingle Jaccard similarity of two ids (or signatures)."""
        sa = self._sigs[int(a)] if not isinstance(a, np.ndarray) else a
        sb = self._sigs[int(b)] if not isinstance(b, np.ndarray) else b
        return float(np.count_nonzero(sa == sb)) / self.num_perm

    def all_candidate_pairs(self) -> set[tuple[int, int]]:
        """Every pair ``(a, b)``, ``a < b``, that shares at least one LSH bucket.

        Buckets larger than ``max_bucket`` are skipped (logged): they hold template text.
        """
        pairs: set[tuple[int, int]] = set()
        skipped = 0
        for table in self._lsh.hashtables:
            for key in table.keys():
                members = table.get(key)
                n = len(members)
                if n < 2:
                    continue
                if n > self.max_bucket:
                    skipped += 1
                    continue
                ms = sorted(members)
                for x in range(n):
                    mx = ms[x]
                    for y in range(x + 1, n):
                        pairs.add((mx, ms[y]))
        if skipped:
            log.info("neardup: skipped %d oversized LSH buckets (> %d)", skipped, self.max_bucket)
        return pairs

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
