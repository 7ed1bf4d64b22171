"""Each submission is classified against the guide edition of its year; switching the active edition
re-classifies nothing unless an admin asks for it on purpose."""

from __future__ import annotations

from sample_texts import BASE


def test_submissions_keep_the_edition_of_their_year(kb, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(BASE.format(co="江南精工有限公司"), encoding="utf-8")
    (d / "b.txt").write_text(BASE.format(co="北方齿轮有限公司"), encoding="utf-8")
    (d / "_metadata.csv").write_text(
        "文件,标题,年度\na.txt,齿轮质量追溯,2021\nb.txt,齿轮批次追溯,2025\n", encoding="utf-8"
    )
    kb.store.ingest([d])
    ids = {s.source: s.id for s in kb.store.list_submissions()}
    assert kb.analysis.edition_for_year(2021) is None  # the active edition (2021) itself
    assert kb.analysis.edition_for_year(2023) is None and kb.analysis.edition_for_year(2025) == "2025"
    old = kb.analysis.analyze(ids["a.txt"])["classify"]
    new = kb.analysis.analyze(ids["b.txt"])["classify"]
    assert old["edition"]["edition"] == "2021" and old["scenarios"][0]["code"].startswith("G21")
    assert new["edition"]["edition"] == "2025" and new["scenarios"][0]["code"].startswith("G25")
    stored = kb.storage.get_analysis(ids["a.txt"], "classify")[0]

    kb.reference.use_edition("guide", "2025")  # the admin switches the reference edition
    assert kb.analysis.edition_for_year(2021) == "2021"
    again = kb.analysis.analyze(ids["a.txt"])["classify"]
    assert again["edition"]["edition"] == "2021" and again["scenarios"][0]["code"].startswith("G21")
    assert kb.storage.get_analysis(ids["a.txt"], "classify")[0] == stored  # nothing was recomputed

    kb.analysis.set_classify_policy("active")  # re-classify everything with the active edition, on purpose
    forced = kb.analysis.analyze(ids["a.txt"])["classify"]
    assert forced["edition"]["edition"] == "2025" and forced["scenarios"][0]["code"].startswith("G25")
    kb.analysis.set_classify_policy("year")
    assert kb.analysis.analyze(ids["a.txt"])["classify"]["edition"]["edition"] == "2021"
