"""Same-project links in the duplicate sweep: texts about one project with no shared passage.

The model and its threshold come from ``nlp/data/judgment.json`` (fitted on the real corpus's ``dev`` pairs, see
``nlp.judgment.same_project``); candidates are each text's nearest character-TF-IDF neighbours. Links are added to the
sweep as pairs of level ``same_project`` with their evidence, and families are recomputed as connected components.
Thresholds refer, never reject: a link is a reason to look, shown with what the two texts share.
"""

from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger(__name__)

#: above this many texts the all-neighbours pass is skipped (its cost grows with the square of the collection)
MAX_TEXTS = 20000


def load_same_project_model() -> Any:
    """The fitted same-project model, or None when the parameters file has none."""
    from nlp.judgment.model import PARAMS_PATH
    from nlp.judgment.same_project import SameProjectModel

    if not PARAMS_PATH.exists():
        return None
    d = json.loads(PARAMS_PATH.read_text(encoding="utf-8")).get("same_project")
    return SameProjectModel.from_dict(d) if d else None


def add_same_project(rep: dict[str, Any], subs: list[Any]) -> None:
    """Add same-project pairs and merge families in a sweep report (in place).

    Args:
        rep: ``DupeReport.to_dict()`` of the sweep.
        subs: the stored submissions (``kb.models.Submission``) the sweep covered.
    """
    from nlp.judgment.same_project import Neighbourhood, evidence, extract_facts, families

    stats = rep.setdefault("stats", {})
    model = load_same_project_model()
    if model is None or len(subs) < 2:
        stats["same_project"] = {"pairs": 0, "skipped": "no model" if model is None else "fewer than 2 texts"}
        return
    if len(subs) > MAX_TEXTS:
        stats["same_project"] = {"pairs": 0, "skipped": f"more than {MAX_TEXTS} texts"}
        return
    nb = Neighbourhood([s.text for s in subs])
    cands = nb.candidates()
    facts: dict[int, Any] = {}
    linked = {(p["a"], p["b"]) for p in rep.get("pairs", [])} | {
        (p["b"], p["a"]) for p in rep.get("pairs", [])
    }
    new_pairs = []
    keys = sorted(cands)
    evs = []
    for i, j in keys:
        for x in (i, j):
            if x not in facts:
                applicant = subs[x].meta.applicant
                facts[x] = extract_facts(subs[x].text, [applicant] if applicant else [])
        evs.append(evidence(facts[i], facts[j], *cands[(i, j)]))
    probs = model.probability(evs)
    for (i, j), ev, p in zip(keys, evs, probs, strict=True):
        a, b = subs[i].id, subs[j].id
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
