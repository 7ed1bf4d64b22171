"""Same-project links in the duplicate sweep: texts about one project with no shared passage.

The model and its threshold come from ``nlp/data/judgment.json`` (fitted on the real corpus's ``dev`` pairs, see
``nlp.judgment.same_project``); candidates are each text's nearest neighbours in the similarity engine's own index
(the neighbours the sweep's semantic candidates came from, searched once), so the cost grows with the collection,
not with its square. The facts of a text (LAC entities, figures, names) are kept in a cache keyed by the text, so a
new sweep extracts them only for new texts. Links are added to the sweep as pairs of level ``same_project`` with
their evidence, and families are recomputed as connected components. Thresholds refer, never reject: a link is a
reason to look, shown with what the two texts share.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class FactsCache:
    """The facts of texts by a hash of (extraction version, text, applicant), kept in one JSON file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.data: dict[str, Any] = {}
        self.dirty = False
        if path is not None and path.exists():
            try:
                self.data = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                log.warning("same-project facts cache %s is unreadable; extracting again", path)

    @staticmethod
    def key(text: str, applicant: str) -> str:
        from nlp.judgment.same_project import FACTS_VERSION

        return hashlib.sha1(f"{FACTS_VERSION}\x00{applicant}\x00{text}".encode()).hexdigest()

    def facts(self, text: str, applicant: str) -> Any:
        from nlp.judgment.same_project import Facts, extract_facts

        k = self.key(text, applicant)
        d = self.data.get(k)
        if d is not None:
            return Facts.from_dict(d)
        f = extract_facts(text, [applicant] if applicant else [])
        self.data[k] = f.to_dict()
        self.dirty = True
        return f

    def save(self, keep: set[str]) -> None:
        """Write the cache with the entries in ``keep`` only (texts no longer stored are dropped)."""
        if self.path is None or not (self.dirty or set(self.data) - keep):
            return
        self.data = {k: v for k, v in self.data.items() if k in keep}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(
            f".{os.getpid()}-{threading.get_ident()}.tmp"
        )  # two threads may sweep at once
        tmp.write_text(json.dumps(self.data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.path)


def load_same_project_model() -> Any:
    """The fitted same-project model, or None when the parameters file has none."""
    from nlp.judgment.model import PARAMS_PATH
    from nlp.judgment.same_project import SameProjectModel

    if not PARAMS_PATH.exists():
        return None
    d = json.loads(PARAMS_PATH.read_text(encoding="utf-8")).get("same_project")
    return SameProjectModel.from_dict(d) if d else None


def add_same_project(rep: dict[str, Any], subs: list[Any], eng: Any, facts_path: Path | None = None) -> None:
    """Add same-project pairs and merge families in a sweep report (in place).

    Args:
        rep: ``DupeReport.to_dict()`` of the sweep.
        subs: the stored submissions (``kb.models.Submission``) the sweep covered.
        eng: the similarity engine the sweep ran on (its neighbours are the candidates).
        facts_path: the facts cache file (None: no cache).
    """
    from nlp.judgment.same_project import OrgFrequency, evidence, families, neighbour_candidates

    stats = rep.setdefault("stats", {})
    model = load_same_project_model()
    if model is None or len(subs) < 2:
        stats["same_project"] = {"pairs": 0, "skipped": "no model" if model is None else "fewer than 2 texts"}
        return
    by_id = {s.id: s for s in subs}
    cands = {
        k: v for k, v in neighbour_candidates(eng.neighbours()).items() if k[0] in by_id and k[1] in by_id
    }
    cache = FactsCache(facts_path)
    # every text's facts: organisation frequencies are over the whole collection (partners shared by many weigh little)
    facts = {s.id: cache.facts(s.text, s.meta.applicant or "") for s in subs}
    cache.save({cache.key(s.text, s.meta.applicant or "") for s in subs})
    freq = OrgFrequency(list(facts.values()))
    linked = {(p["a"], p["b"]) for p in rep.get("pairs", [])} | {
        (p["b"], p["a"]) for p in rep.get("pairs", [])
    }
    new_pairs = []
    keys = sorted(cands)
    evs = []
    for i, j in keys:
        evs.append(evidence(facts[i], facts[j], *cands[(i, j)], freq=freq))
    probs = model.probability(evs)
    for (a, b), ev, p in zip(keys, evs, probs, strict=True):
        if p < model.threshold or (a, b) in linked:
            continue
        ev.probability = float(p)
        new_pairs.append({"a": min(a, b), "b": max(a, b), "similarity": round(ev.cos, 4), "level": "same_project",
                          "similarity_all": round(ev.cos, 4), "evidence": ev.to_dict()})  # fmt: skip
    stats["same_project"] = {"pairs": len(new_pairs), "candidates": len(keys), "threshold": model.threshold}
    if not new_pairs:
        return
    rep.setdefault("pairs", []).extend(new_pairs)
    meta = {s.id: s for s in subs}
    old = {frozenset(m["id"] for m in f["members"]): f for f in rep.get("families", [])}
    edges = [(str(p["a"]), str(p["b"])) for p in rep["pairs"]]
    fams = []
    for comp in families(edges):
        ids = sorted(int(x) for x in comp)
        key = frozenset(ids)
        if key in old:
            fam = old[key]
            fam["pairs"] = [p for p in rep["pairs"] if p["a"] in key and p["b"] in key]
        else:
            members = []
            for i in ids:
                prev = next((m for f in old.values() for m in f["members"] if m["id"] == i), None)
                members.append(prev or {"id": i, "spans": [], "source": meta[i].source if i in meta else "",
                                        "title": meta[i].meta.title if i in meta else ""})  # fmt: skip
            pairs = [p for p in rep["pairs"] if p["a"] in key and p["b"] in key]
            fam = {"id": 0, "size": len(ids), "members": members, "pairs": pairs,
                   "max_similarity": max(p["similarity"] for p in pairs)}  # fmt: skip
        order = ("identical", "minor_edits", "paraphrase", "same_project", "partial", "unrelated")
        fam["level"] = min(
            (p["level"] for p in fam["pairs"]), key=lambda lv: order.index(lv) if lv in order else 9
        )
        fam["size"] = len(fam["members"])
        fams.append(fam)
    for n, f in enumerate(sorted(fams, key=lambda f: -f["max_similarity"]), 1):
        f["id"] = n
    rep["families"] = sorted(fams, key=lambda f: f["id"])
    stats["families"] = len(rep["families"])
