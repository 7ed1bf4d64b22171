"""The ``tfidf`` encoder: character n-gram TF-IDF over normalised text, reduced by a randomized LSA; fitted on
the collection, always available (scikit-learn)."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from nlp.similarity.encoder_base import EncoderNotFitted, EncoderUnavailable, _l2
from nlp.text import match_text, ngram_keys

log = logging.getLogger(__name__)


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
