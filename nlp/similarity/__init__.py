"""Similarity: encoders, vector indexes, near-duplicates, alignment, boilerplate, families, engine.

Entry points:

* :class:`nlp.similarity.engine.SimilarityEngine` — everything behind one object (what ``kb`` uses);
* :func:`nlp.similarity.encoders.get_encoder`, :func:`nlp.similarity.encoders.embed_document`;
* :func:`nlp.similarity.index.make_index` / :func:`nlp.similarity.index.load_index`;
* :class:`nlp.similarity.neardup.NearDupIndex`;
* :func:`nlp.similarity.align.align`;
* :class:`nlp.boilerplate.Boilerplate` (the one boilerplate detector, shared with the checks);
* :func:`nlp.similarity.families.build_families`.

Importing this package is cheap: optional model libraries load only when an encoder is built.
"""

from nlp.boilerplate import Boilerplate
from nlp.similarity.align import LEVELS, Alignment, Levels, SharedSpan, align
from nlp.similarity.encoders import ChunkCache, Encoder, embed_document, get_encoder
from nlp.similarity.engine import DupeReport, Match, SearchHit, SimilarityConfig, SimilarityEngine
from nlp.similarity.families import Family, Pair, build_families
from nlp.similarity.index import VectorIndex, load_index, make_index
from nlp.similarity.neardup import NearDupIndex

__all__ = [
    "LEVELS",
    "Alignment",
    "Boilerplate",
    "ChunkCache",
    "DupeReport",
    "Encoder",
    "Family",
    "Levels",
    "Match",
    "NearDupIndex",
    "Pair",
    "SearchHit",
    "SharedSpan",
    "SimilarityConfig",
    "SimilarityEngine",
    "VectorIndex",
    "align",
    "build_families",
    "embed_document",
    "get_encoder",
    "load_index",
    "make_index",
]
