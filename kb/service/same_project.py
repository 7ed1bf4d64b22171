"""Same-project links in the duplicate sweep: texts about one project with no shared passage.

The model and its threshold come from ``nlp/data/judgment.json`` (fitted on the real corpus's ``dev`` pairs, see
``nlp.judgment.same_project``); candidates are each text's nearest neighbours in the similarity engine's own index
(the neighbours the sweep's semantic candidates came from, searched once), so the cost grows with the collection,
not with its square. The facts of a text (LAC entities, figures, names) are extracted once, when the text is
analysed at ingest (:func:`facts_for_analysis`), and stored in the ``analyses`` table (kind ``facts``); a sweep only
reads them, and extracts only those of texts stored before this existed or whose applicant changed. Links are added
to the sweep as pairs of level ``same_project`` with their evidence, and families are recomputed as connected
components. Thresholds refer, never reject: a link is a reason to look, shown with what the two texts share.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FACTS_KIND = "facts"
"""Kind of the stored analysis that holds a text's facts."""
LEGACY_FACTS_FILE = "same_project_facts.json"
"""The JSON cache of facts that sweeps kept beside the index before the facts moved into the database (read once
to fill the database, then removed)."""


def facts_version(applicant: str) -> str:
    """Version of a stored facts analysis: the extraction's version and the applicant it was given."""
    from nlp.judgment.same_project import FACTS_VERSION

    return f"{FACTS_VERSION}:{hashlib.sha1(applicant.encode('utf-8')).hexdigest()[:12]}"


def facts_for_analysis(text: str, applicant: str) -> dict[str, Any]:
    """The facts of one text as stored (``Facts.to_dict``): what ingest computes once per text."""
    from nlp.judgment.same_project import extract_facts

    return extract_facts(text, [applicant] if applicant else []).to_dict()


def _legacy_key(text: str, applicant: str) -> str:
    from nlp.judgment.same_project import FACTS_VERSION

    return hashlib.sha1(f"{FACTS_VERSION}\x00{applicant}\x00{text}".encode()).hexdigest()


def stored_facts(
    storage: Any, subs: list[Any], legacy: Path | None = None
) -> tuple[dict[int, Any], dict[str, Any]]:
    """The facts of ``subs`` (submissions, text not needed) read from the database; those missing or of another
    version (texts stored before facts were kept, or whose applicant changed) are extracted now and stored.

    Args:
        storage: :class:`kb.storage.Storage`.
        subs: the submissions.
        legacy: the old JSON cache of facts (:data:`LEGACY_FACTS_FILE`): entries found there are moved into the
            database instead of extracted again, and the file is removed.

    Returns:
        ``({id: Facts}, stats)`` with ``stats`` ``{"read", "extracted", "seconds_read", "seconds_extract"}``.
    """
    from nlp.judgment.same_project import Facts

    t0 = time.perf_counter()
    rows = storage.analyses(FACTS_KIND)
    out: dict[int, Any] = {}
    todo = []
    for s in subs:
        r = rows.get(s.id)
        if r is not None and r[0] == facts_version(s.meta.applicant or ""):
            out[s.id] = Facts.from_dict(r[1])
        else:
            todo.append(s)
    t1 = time.perf_counter()
    old: dict[str, Any] = {}
    if todo and legacy is not None and legacy.exists():
        try:
            old = json.loads(legacy.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
    new = []
    want = {s.id for s in todo}  # a short IN list, else every text streamed (SQLite's variable limit)
    texts = dict(storage.iter_texts(sorted(want) if len(want) <= 500 else None)) if todo else {}
    texts = {i: t for i, t in texts.items() if i in want}
    for s in todo:
        text, app = texts.get(s.id), s.meta.applicant or ""
        if text is None:
            continue
        d = old.get(_legacy_key(text, app)) or facts_for_analysis(text, app)
        out[s.id] = Facts.from_dict(d)
        new.append((s.id, facts_version(app), d))
    stored = True
    if new:
        try:
            for sid, version, d in new:
                storage.save_analysis(sid, FACTS_KIND, version, d)
        except Exception:  # noqa: BLE001 - a read-only or busy database only costs extracting them again
            stored = False
            log.exception("could not store the facts of %d texts", len(new))
    if legacy is not None and stored and legacy.exists():
        try:
            legacy.unlink(missing_ok=True)  # everything it could give is in the database now
        except OSError:
            log.warning("could not remove the old facts cache %s", legacy)
    stats = {"read": len(out) - len(new), "extracted": len(new), "seconds_read": round(t1 - t0, 3),
             "seconds_extract": round(time.perf_counter() - t1, 3)}  # fmt: skip
    return out, stats


def load_same_project_model() -> Any:
    """The fitted same-project model, or None when the parameters file has none."""
    from nlp.judgment.model import PARAMS_PATH
    from nlp.judgment.same_project import SameProjectModel

    if not PARAMS_PATH.exists():
        return None
    d = json.loads(PARAMS_PATH.read_text(encoding="utf-8")).get("same_project")
    return SameProjectModel.from_dict(d) if d else None


LEVEL_ORDER = ("identical", "minor_edits", "paraphrase", "same_project", "partial", "unrelated")


def link_same_project(
    rep: dict[str, Any], eng: Any, facts: Mapping[int, Any], info: Mapping[int, tuple[str, str]], model: Any
) -> dict[str, Any]:
    """Add same-project pairs to a sweep report and merge its families (in place); returns the stage's stats.

    Args:
        rep: ``DupeReport.to_dict()`` of the sweep.
        eng: the similarity engine the sweep ran on (its neighbours are the candidates).
        facts: ``{id: Facts}`` of the texts the links may join (other neighbours are skipped).
        info: ``{id: (source, title)}`` shown for members of families that the links create.
        model: the fitted :class:`~nlp.judgment.same_project.SameProjectModel`.
    """
    from nlp.judgment.same_project import OrgFrequency, evidence, neighbour_candidates

    t0 = time.perf_counter()
    cands = {
        k: v for k, v in neighbour_candidates(eng.neighbours()).items() if k[0] in facts and k[1] in facts
    }
    # organisation frequencies are over the whole collection (partners shared by many weigh little)
    freq = OrgFrequency(list(facts.values()))
    linked = {(min(p["a"], p["b"]), max(p["a"], p["b"])) for p in rep.get("pairs", [])}
    keys = [k for k in sorted(cands) if k not in linked]
    evs = [evidence(facts[i], facts[j], *cands[(i, j)], freq=freq) for i, j in keys]
    t1 = time.perf_counter()
    probs = model.probability(evs)
    new_pairs = []
    for (a, b), ev, p in zip(keys, evs, probs, strict=True):
        if p < model.threshold:
            continue
        ev.probability = float(p)
        new_pairs.append({"a": a, "b": b, "similarity": round(ev.cos, 4), "level": "same_project",
                          "similarity_all": round(ev.cos, 4), "evidence": ev.to_dict()})  # fmt: skip
    stats = {"pairs": len(new_pairs), "candidates": len(cands), "threshold": model.threshold,
             "seconds_evidence": round(t1 - t0, 3)}  # fmt: skip
    if new_pairs:
        rep.setdefault("pairs", []).extend(new_pairs)
        rep["families"] = _merge_families(rep, info)
        rep.setdefault("stats", {})["families"] = len(rep["families"])
    stats["seconds"] = round(time.perf_counter() - t0, 3)
    return stats


def _merge_families(rep: dict[str, Any], info: Mapping[int, tuple[str, str]]) -> list[dict[str, Any]]:
    """The families of ``rep``'s pairs (connected components), keeping the sweep's families that did not change;
    each pair is visited once (a family's pairs are grouped by its component)."""
    from nlp.judgment.same_project import families

    old = {frozenset(m["id"] for m in f["members"]): f for f in rep.get("families", [])}
    member_of = {m["id"]: m for f in old.values() for m in f["members"]}
    comps = families([(str(p["a"]), str(p["b"])) for p in rep["pairs"]])
    comp_of = {int(x): n for n, comp in enumerate(comps) for x in comp}
    pairs_of: dict[int, list[dict[str, Any]]] = {}
    for p in rep["pairs"]:
        pairs_of.setdefault(comp_of[p["a"]], []).append(p)
    fams = []
    for n, comp in enumerate(comps):
        ids = sorted(int(x) for x in comp)
        key = frozenset(ids)
        pairs = pairs_of[n]
        fam = old.get(key)
        if fam is not None:
            fam["pairs"] = pairs
        else:
            members = [member_of.get(i) or {"id": i, "spans": [], "source": info.get(i, ("", ""))[0],
                                            "title": info.get(i, ("", ""))[1]} for i in ids]  # fmt: skip
            fam = {"id": 0, "size": len(ids), "members": members, "pairs": pairs,
                   "max_similarity": max(p["similarity"] for p in pairs)}  # fmt: skip
        fam["level"] = min(
            (p["level"] for p in fam["pairs"]),
            key=lambda lv: LEVEL_ORDER.index(lv) if lv in LEVEL_ORDER else 9,
        )
        fam["size"] = len(fam["members"])
        fams.append(fam)
    for n, f in enumerate(sorted(fams, key=lambda f: -f["max_similarity"]), 1):
        f["id"] = n
    return sorted(fams, key=lambda f: f["id"])


def add_same_project(
    rep: dict[str, Any], subs: list[Any], eng: Any, storage: Any, index_dir: Path | None = None
) -> None:
    """Add same-project pairs and merge families in a sweep report (in place), with the stored facts.

    Args:
        rep: ``DupeReport.to_dict()`` of the sweep.
        subs: the stored submissions (``kb.models.Submission``, text not needed) the sweep covered.
        eng: the similarity engine the sweep ran on (its neighbours are the candidates).
        storage: the knowledge base's storage (facts are read from it, missing ones stored in it).
        index_dir: the index folder, where an old JSON facts cache (:data:`LEGACY_FACTS_FILE`) may remain.
    """
    stats = rep.setdefault("stats", {})
    model = load_same_project_model()
    if model is None or len(subs) < 2:
        stats["same_project"] = {"pairs": 0, "skipped": "no model" if model is None else "fewer than 2 texts"}
        return
    facts, fstats = stored_facts(
        storage, subs, None if index_dir is None else Path(index_dir) / LEGACY_FACTS_FILE
    )
    info = {s.id: (s.source, s.meta.title) for s in subs}
    sp = link_same_project(rep, eng, facts, info, model)
    sp["facts"] = fstats
    stats["same_project"] = sp
