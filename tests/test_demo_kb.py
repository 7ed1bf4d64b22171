"""The demo knowledge base end to end: every manifest entry stored once, metadata and encodings right."""

from __future__ import annotations

import json

from conftest import DATA

MANIFEST = json.loads((DATA / "demo" / "manifest.json").read_text(encoding="utf-8"))


def _source(entry: dict) -> str:
    f = entry["file"]
    return f.split("/", 1)[1] if f.startswith("batch/") else f.rsplit("/", 1)[-1]


def test_every_manifest_entry_is_stored_once_with_its_metadata(demo_kb):
    subs = {s.source: s for s in demo_kb.store.list_submissions()}
    assert len(subs) == len(MANIFEST)
    for e in MANIFEST:
        s = subs[_source(e)]
        assert s.meta.kind == e["kind"], e["file"]
        assert s.meta.year == e["year"], e["file"]
        assert s.meta.title == e["title"], e["file"]
        assert s.meta.region_type == e["region_type"], e["file"]


def test_gbk_files_are_stored_as_proper_text(demo_kb):
    subs = {s.source: s for s in demo_kb.store.list_submissions()}
    gbk = [e for e in MANIFEST if e.get("encoding") == "gbk"]
    assert len(gbk) >= 8
    for e in gbk:
        sub = demo_kb.store.get(subs[_source(e)].id)
        assert "\ufffd" not in sub.text
        assert any("gb18030" in w for w in sub.warnings)
        assert e["applicant"][:2] in sub.text or e["title"][:4] in sub.text


def test_reingesting_the_demo_adds_nothing(demo_kb):
    before = demo_kb.store.count()
    report = demo_kb.store.ingest([DATA / "demo"])
    assert report.count("added") == 0
    assert report.count("duplicate") == before
    assert demo_kb.store.count() == before


def test_every_submission_has_stored_analyses(demo_kb):
    checks = demo_kb.storage.analyses("check")
    classes = demo_kb.storage.analyses("classify")
    ids = set(demo_kb.storage.submission_ids())
    assert set(checks) == ids and set(classes) == ids
    assert demo_kb.similarity.index_verify()["ok"]
