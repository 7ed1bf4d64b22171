"""The paraphrase layer of the engine: sentence vectors (with their own encoder when configured), sentence
weights (short and boilerplate sentences count 0) and the sentence-level semantic coverage that upgrades a
pair below ``minor_edits`` to ``paraphrase``.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import numpy as np

from nlp.similarity.align import Alignment, NormText, SemanticCoverage, semantic_coverage
from nlp.similarity.encoders import Encoder, TfidfEncoder, backend_of, embed_document, get_encoder
from nlp.text import windows

if TYPE_CHECKING:
    from nlp.similarity.engine import SimilarityEngine

log = logging.getLogger(__name__)


class Paraphrase:
    """Sentence-level semantic coverage for one engine (its sentence-vector cache included)."""

    def __init__(self, eng: SimilarityEngine) -> None:
        self.eng = eng
        self.cache: OrderedDict[int, tuple[str, list[tuple[int, int]], Any]] = OrderedDict()
        self._enc: Encoder | None = None
        self._failed = False

    def encoder(self) -> Encoder:
        """Encoder of the paraphrase layer: ``config.paraphrase_encoder`` when set and loadable,
        else the main encoder (TF-IDF then gives raw char n-gram sentence vectors)."""
        name = self.eng.config.paraphrase_encoder
        if not name or name == backend_of(self.eng.encoder) or self._failed:
            return self.eng.encoder
        if self._enc is None:
            try:
                self._enc = get_encoder(name)
            except ImportError as exc:
                log.warning("paraphrase encoder %s unavailable (%s): using the main encoder", name, exc)
                self._failed = True
                return self.eng.encoder
        return self._enc

    def vectors(self, id: int | None, text: str) -> tuple[list[tuple[int, int]], Any]:
        """Sentence spans (long sentences cut at the window size) and their L2-normalised vectors."""
        enc = self.encoder()
        if id is not None:
            hit = self.cache.get(id)
            if hit is not None and hit[0] == enc.name:
                self.cache.move_to_end(id)
                return hit[1], hit[2]
        mc = getattr(enc, "max_chars", None) or self.eng.config.window_chars
        if isinstance(enc, TfidfEncoder):
            if not enc.fitted:
                self.eng._ensure_vectors()
            spans = list(windows(text, 1, mc))
            # raw char n-gram TF-IDF rows (sparse, L2-normalised): LSA blurs single sentences
            vecs: Any = enc.raw_rows([text[s:e] for s, e in spans])
        else:
            d = embed_document(enc, text, self.eng.cache, max_sentences=1, max_chars=mc)
            spans, vecs = d.spans, d.chunk_vectors
        if id is not None:
            self.cache[id] = (enc.name, spans, vecs)
            if len(self.cache) > 4096:
                self.cache.popitem(last=False)
        return spans, vecs

    def weights(self, id: int | None, text: str, nt: NormText, spans: list[tuple[int, int]]) -> np.ndarray:
        """Normalised characters of each sentence; 0 for short and boilerplate sentences."""
        masked = np.zeros(len(text) + 1, dtype=np.int32)
        for s, e in self.eng._mask(id, text):
            masked[s:e] = 1
        csum = np.concatenate(([0], np.cumsum(masked)))
        if not spans:
            return np.zeros(0, dtype=np.float64)
        se = np.asarray(spans, dtype=np.int64)
        s, e = se[:, 0], se[:, 1]
        # norm_range of every sentence at once
        size = (nt.offsets.searchsorted(e) - nt.offsets.searchsorted(s)).astype(np.float64)
        keep = (size >= self.eng.config.paraphrase_min_chars) & (2 * (csum[e] - csum[s]) <= e - s)
        return np.where(keep, size, 0.0)

    def coverage(
        self, a: tuple[int | None, str, NormText], b: tuple[int | None, str, NormText]
    ) -> SemanticCoverage:
        sa, va = self.vectors(a[0], a[1])
        sb, vb = self.vectors(b[0], b[1])
        return semantic_coverage(
            va,
            vb,
            self.weights(*a, sa),
            self.weights(*b, sb),
            self.eng.levels.paraphrase_cos,
            spans_a=sa,
            spans_b=sb,
            encoder=self.encoder().name,
        )

    def decide(
        self, al: Alignment, a: tuple[int | None, str, NormText], b: tuple[int | None, str, NormText]
    ) -> SemanticCoverage | None:
        """Upgrade a pair below ``minor_edits`` to ``paraphrase`` when its sentence coverage says so."""
        if al.level in ("identical", "minor_edits"):
            return None
        cov = self.coverage(a, b)
        al.set_semantic(cov, self.eng.levels)
        return cov
