"""Duplicate families on the demo knowledge base against the manifest's planted families."""

from __future__ import annotations

import itertools
import json

from conftest import DATA

MANIFEST = json.loads((DATA / "demo" / "manifest.json").read_text(encoding="utf-8"))
TEMPLATES = [
    line.strip()
    for line in (DATA / "demo" / "_template_sentences.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def _source(entry: dict) -> str:
    f = entry["file"]
    return f.split("/", 1)[1] if f.startswith("batch/") else f.rsplit("/", 1)[-1]


def _truth(kb) -> tuple[dict[int, dict], dict[str, int]]:
    by_source = {_source(e): e for e in MANIFEST}
    truth = {s.id: by_source[s.source] for s in kb.store.list_submissions()}
    return truth, {e["file"]: i for i, e in truth.items()}


def test_planted_families_found_and_nothing_else(demo_kb) -> None:
    truth, id_of = _truth(demo_kb)
    rep = demo_kb.similarity.dupes()
    fam_of = {m["id"]: n for n, f in enumerate(rep["families"]) for m in f["members"]}
    level_of = {frozenset((p["a"], p["b"])): p["level"] for p in rep["pairs"]}
    found: dict[str, list[bool]] = {}
    for i, e in truth.items():
        role = e["family_role"]
        if role in (None, "original"):
            continue
        orig = id_of[e["family_source"]]
        found.setdefault(role, []).append(i in fam_of and fam_of.get(orig) == fam_of[i])
        if role == "paraphrase":
            assert level_of.get(frozenset((i, orig))) == "paraphrase", e["file"]
        if role == "section_copy":
            assert level_of.get(frozenset((i, orig))) == "partial", e["file"]
    assert set(found) == {"verbatim", "light_edit", "paraphrase", "section_copy"}
    recall = {role: sum(v) / len(v) for role, v in found.items()}
    assert recall == {"verbatim": 1.0, "light_edit": 1.0, "paraphrase": 1.0, "section_copy": 1.0}
    # pair precision: texts sharing a predicted family share a planted family
    good = bad = 0
    for f in rep["families"]:
        for a, b in itertools.combinations([m["id"] for m in f["members"]], 2):
            same = truth[a]["family"] is not None and truth[a]["family"] == truth[b]["family"]
            good, bad = good + same, bad + (not same)
    precision = good / (good + bad) if good + bad else 0.0
    assert precision >= 0.9
    for f in rep["families"]:  # and in fact no family mixes planted families or unrelated texts
        planted = {truth[m["id"]]["family"] for m in f["members"]}
        assert len(planted) == 1 and None not in planted, [truth[m["id"]]["file"] for m in f["members"]]


def test_template_sentences_do_not_create_families(demo_kb) -> None:
    truth, _ = _truth(demo_kb)
    assert len(TEMPLATES) == 3
    with_templates = [i for i, e in truth.items() if e["templates"] and e["family"] is None]
    assert len(with_templates) > 20
    eng = demo_kb.similarity.engine()
    eng.dupes()
    assert eng.boilerplate is not None and all(eng.boilerplate.is_boilerplate(t) for t in TEMPLATES)
    rep = demo_kb.similarity.dupes(0.2)  # even a low threshold links no template-sharing texts
    linked = {m["id"] for f in rep["families"] for m in f["members"]}
    assert not linked & set(with_templates)
    # unrelated texts that share a template sentence: the template passage is flagged, no level
    a, b = next(
        (a, b)
        for a, b in itertools.combinations(with_templates, 2)
        if set(truth[a]["templates"]) & set(truth[b]["templates"])
    )
    al = eng.compare(a, b)
    assert al.level == "unrelated" and any(s.boilerplate for s in al.spans)
    assert al.sim_excl < al.sim
