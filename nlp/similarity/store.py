"""Persistence of the engine: a folder with config.json (config + build metadata), docs.jsonl, the vector
index, the MinHash and BM25 indexes, the boilerplate and the fitted TF-IDF encoder; and a check of the
engine's ids against the database's.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nlp.boilerplate import Boilerplate
from nlp.similarity.config import SimilarityConfig
from nlp.similarity.encoders import Encoder, TfidfEncoder, backend_of, get_encoder
from nlp.similarity.index import load_index
from nlp.similarity.neardup import NearDupIndex
from nlp.similarity.records import VerifyReport

if TYPE_CHECKING:
    from nlp.similarity.engine import SimilarityEngine

log = logging.getLogger(__name__)

FORMAT_VERSION = 1


def metadata(eng: SimilarityEngine) -> dict[str, Any]:
    """Build metadata: encoder, index, counts, time."""
    return {
        "format": FORMAT_VERSION,
        "encoder": eng.encoder.name,
        "encoder_backend": backend_of(eng.encoder),
        "encoder_options": dict(getattr(eng.encoder, "options", {})),
        "dim": eng.encoder.dim,
        "count": len(eng.texts),
        "indexed": 0 if eng.index is None else len(eng.index),
        "index": None if eng.index is None else eng.index.metadata(),
        "created": eng.created,
        "saved": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def save(eng: SimilarityEngine, directory: str | Path) -> None:
    """Write the engine to a folder: config.json (config + build metadata), docs.jsonl,
    vectors.index (+ .json), neardup.pkl, bm25.pkl, boilerplate.json, encoder.joblib (tfidf).
    """
    import pickle

    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    eng._ensure_vectors()
    assert eng.index is not None
    with open(d / "docs.jsonl", "w", encoding="utf-8") as f:
        for i in eng.ids():
            f.write(
                json.dumps(
                    {"id": i, "text": eng.texts[i], "meta": eng.meta[i]},
                    ensure_ascii=False,
                    default=str,
                )
            )
            f.write("\n")
    eng.index.save(d / "vectors.index")
    eng.neardup.save(d / "neardup.pkl")
    with open(d / "bm25.pkl", "wb") as f:
        pickle.dump(eng.bm25, f, protocol=pickle.HIGHEST_PROTOCOL)
    if eng.boilerplate is not None:
        eng.boilerplate.save(d / "boilerplate.json")
    if isinstance(eng.encoder, TfidfEncoder):
        eng.encoder.save(d / "encoder.joblib")
    info = {
        "config": eng.config.to_dict(),
        "build": metadata(eng),
        "boilerplate_version_current": eng._bp_version == eng._version,
        "reference_texts": eng.reference_texts,
    }
    (d / "config.json").write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")


def load(
    cls: type[SimilarityEngine],
    directory: str | Path,
    encoder: Encoder | None = None,
    *,
    cache_dir: str | Path | None = None,
) -> SimilarityEngine:
    """Read an engine written by :meth:`save`.

    Args:
        directory: the folder.
        encoder: the encoder to use; default: rebuilt from the saved spec (tfidf from
            encoder.joblib). If its name differs from the saved one, vectors are recomputed.
        cache_dir: chunk-vector cache folder.

    Returns:
        The engine.
    """
    import pickle

    d = Path(directory)
    info = json.loads((d / "config.json").read_text(encoding="utf-8"))
    build = info["build"]
    if encoder is None:
        if build["encoder_backend"] == "tfidf":
            encoder = TfidfEncoder.load(d / "encoder.joblib")
        else:
            encoder = get_encoder(build["encoder_backend"], **build.get("encoder_options", {}))
    eng = cls(encoder, config=SimilarityConfig.from_dict(info["config"]), cache_dir=cache_dir)
    eng.reference_texts = list(info.get("reference_texts", []))
    eng.created = build.get("created", eng.created)
    with open(d / "docs.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            eng.texts[int(r["id"])] = r["text"]
            eng.meta[int(r["id"])] = r["meta"]
    eng.neardup = NearDupIndex.load(d / "neardup.pkl")
    with open(d / "bm25.pkl", "rb") as f:
        eng.bm25 = pickle.load(f)
    if (d / "boilerplate.json").exists():
        eng.boilerplate = Boilerplate.load(d / "boilerplate.json")
    eng._version = 1
    eng._bp_version = 1 if info.get("boilerplate_version_current") else 0
    if encoder.name == build["encoder"]:
        eng.index = load_index(d / "vectors.index")
        eng._pending = set(eng.texts) - {int(i) for i in eng.index.ids()}
    else:
        log.warning("encoder changed (%s -> %s): vectors will be recomputed", build["encoder"], encoder.name)
        eng.index = None
        eng._pending = set(eng.texts)
    return eng


def verify(eng: SimilarityEngine, ids_in_db: Iterable[int]) -> VerifyReport:
    """Compare the engine's ids with the database's.

    Args:
        ids_in_db: ids that the database holds.

    Returns:
        A :class:`VerifyReport` (``missing`` / ``extra`` / ``unindexed``).
    """
    db = {int(i) for i in ids_in_db}
    mine = set(eng.texts)
    indexed = set() if eng.index is None else {int(i) for i in eng.index.ids()}
    return VerifyReport(
        missing=sorted(db - mine),
        extra=sorted(mine - db),
        unindexed=sorted((mine - indexed) - eng._pending) if eng.index is not None else [],
    )
