"""Settings of the similarity engine (``SimilarityConfig``) and the per-encoder calibrated defaults.

The knowledge base fills ``SimilarityConfig`` from its settings table (``kb/config.py``: same names, same
defaults; a test keeps the two in step).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

# SENTENCE-level paraphrase cosine per sentence-encoder backend, calibrated on Chinese STS-B (pairs
# scored ≥ 4 vs the rest, max F1; bench/bench_demo_dupes.py --calibrate, bench/bench_encoders.py).
# tfidf here means the raw char 1–2-gram TF-IDF of the fitted encoder (no LSA) on single sentences.
# Used when ``paraphrase_cos`` is None. The paraphrase LEVEL of documents comes from the share of
# sentences paired at this cosine (``semantic_coverage``), never from the document-mean cosine.
PARAPHRASE_COS = {"tfidf": 0.5, "e5": 0.96, "use": 0.8, "sentence-transformers": 0.8}
# DOCUMENT-level cosine gate of semantic candidate pairs (top ``semantic_k`` neighbours per text);
# a recall gate only — every candidate is then decided by alignment + sentence coverage.
CANDIDATE_COS = {"tfidf": 0.5, "e5": 0.9, "use": 0.8, "sentence-transformers": 0.75}
# RATIO MARGIN of semantic candidate pairs per document-encoder backend: cos(a, b) over the mean of
# a's and b's average cosine to their own ``semantic_k`` neighbours (Artetxe & Schwenk 2019, "margin-
# based parallel corpus mining"). tfidf: measured on the 10⁴ generated corpus (1.05 keeps every
# verbatim / light / paraphrase pair among the candidates, partial 0.98; 90,645 → 900 semantic
# candidates) and the demo (planted pairs ≥ 2.0, others ≤ 1.42);
# use: demo planted ≥ 1.12, others' 99th percentile 1.10; e5 compresses cosines (neighbourhood mean
# 0.98): demo paraphrase 1.016, others ≤ 1.011. sentence-transformers: unknown model, gate off.
# bench/bench_scale.py --margin, docs/similarity.md.
SEMANTIC_MARGIN = {"tfidf": 1.05, "e5": 1.008, "use": 1.05, "sentence-transformers": 0.0}


_RENAMED = {"min_len": "min_match_chars", "dupe_threshold": "dup_threshold"}  # names in older saved engines


@dataclass
class SimilarityConfig:
    """Settings of the engine (saved with it). Fractions in [0, 1].

    The knowledge base fills it from its settings table (``kb.config``, same names, same defaults;
    a test keeps the two in step); the defaults here serve direct library use.
    """

    min_match_chars: int = 13  # shortest shared passage, in normalised characters
    shingle_k: int = 5  # MinHash shingle length
    num_perm: int = 128  # MinHash permutations
    lsh_threshold: float = 0.3  # Jaccard the LSH bands are tuned for
    max_bucket: int = 200  # larger LSH buckets are template text, skipped in sweeps
    min_jaccard: float = 0.15  # LSH candidates below this MinHash Jaccard estimate are not aligned
    semantic_k: int = 10  # semantic neighbours per text in sweeps and ``similar``
    # ``similar``: at most this many LSH candidates are aligned, those with the most shared shingles
    # by the MinHash estimate (a text of the 10⁵ archive can collide with ~1,000 others)
    similar_lexical_budget: int = 64
    dup_threshold: float = 0.30  # symmetric similarity (boilerplate excluded) that links a family
    identical: float = 0.98
    minor_edits: float = 0.6
    partial: float = 0.2
    paraphrase_cos: float | None = None  # sentence cosine; None: per-encoder default (PARAPHRASE_COS)
    paraphrase_coverage: float = 0.5  # share of each text's sentences with a paraphrased partner
    paraphrase_margin: float = 0.2  # coverage minus lexical similarity (rewritten, not copied)
    paraphrase_min_chars: int = 12  # shorter sentences (headings) do not count in the coverage
    paraphrase_encoder: str | None = None  # sentence encoder of the paraphrase layer; None: main
    semantic_candidate_cos: float | None = None  # doc-cosine gate of candidates; None: CANDIDATE_COS
    # ratio margin of semantic candidates (see SEMANTIC_MARGIN); None: per-encoder default; 0: off
    semantic_margin: float | None = None
    boilerplate_auto: bool = True  # learn boilerplate from the collection before sweeps
    boilerplate_min_docs: int = 3  # floor of the recurrence count
    boilerplate_min_frac: float = 0.02  # fraction of the collection in the recurrence count
    min_sentence_chars: int = 8
    window_sentences: int = 3
    window_chars: int = 400
    index_backend: str = "faiss"
    index_kind: str = "flat"  # flat | auto | ivf (see nlp.similarity.index.FaissIndex)
    ann_threshold: int = 200_000
    rrf_k: int = 60
    search_depth: int = 100  # candidates per retriever before fusion
    # BM25 tokens: bigram (normalised character bigrams) | jieba (words). bigram by measurement:
    # on the demo corpus it matches jieba (MRR 1.00 vs 0.98, P@5 0.57 vs 0.56) at 0.6 vs 17 ms/text
    keyword_tokenizer: str = "bigram"
    meta_keys: tuple[str, ...] = ("source",)  # metadata copied into family members
    # processes aligning a sweep's candidate pairs (0: one per CPU, at most 8); never changes a result
    sweep_workers: int = 0
    # a sweep searching at least this many texts' neighbours uses an approximate index (IVF) whose recall
    # against exact search, measured on a sample, reaches sweep_ann_recall (0: always exact); nlp.similarity.knn
    sweep_ann_min: int = 20_000
    sweep_ann_recall: float = 0.99
    sweep_ann_max_scan: float = (
        0.1  # ...and whose nprobe compares a text with at most this share of the collection
    )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["meta_keys"] = list(self.meta_keys)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SimilarityConfig:
        names = {f.name for f in fields(cls)}
        d = {_RENAMED.get(k, k): v for k, v in d.items()}
        kw = {k: v for k, v in d.items() if k in names}
        if "meta_keys" in kw:
            kw["meta_keys"] = tuple(kw["meta_keys"])
        return cls(**kw)
