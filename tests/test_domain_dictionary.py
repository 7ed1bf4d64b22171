"""The word-segmentation dictionary is built from the reference editions in use and follows edition changes."""

from __future__ import annotations

from pathlib import Path

from kb.ingest.worker import run_bounded
from kb.reference import bundled_editions
from kb.service.bounded import run_checks
from nlp.text import domain_terms, word_tokens

GUIDE_2025_ONLY = "碳足迹"  # a keyword of the 2025 guide, not of the 2021 guide or task list
GUIDE_2021_ONLY = "工艺规划"  # a keyword of the 2021 guide, not of the 2025 guide or the task list
TEXT = f"企业开展{GUIDE_2025_ONLY}核算，并推进{GUIDE_2021_ONLY}数字化。"


def _official_text(kind: str, edition: str) -> str:
    """A bundled edition written out in the layout of an official attachment (环节 headings, numbered entries)."""
    ed = next(e for e in bundled_editions() if e.kind == kind and e.edition == edition)
    lines, link = [f"{ed.title}"], None
    numerals = "一二三四五六七八九十"
    for e in ed.entries:
        if e.link != link:
            link = e.link
            n = e.link_no
            lines.append(f"{numerals[n - 1] if n <= 10 else '十' + numerals[n - 11]}、{link}")
        lines.append(f"{e.no}. {e.name}。{e.scope}")
    return "\n".join(lines) + "\n"


def test_switching_the_guide_edition_changes_the_dictionary(run_cli, kb):
    kb.reference.active_edition("guide")  # loading the editions in use installs their terms
    assert GUIDE_2021_ONLY in domain_terms() and GUIDE_2025_ONLY not in domain_terms()
    words = word_tokens(TEXT)
    assert GUIDE_2021_ONLY in words and GUIDE_2025_ONLY not in words  # plain jieba splits 碳|足迹

    assert run_cli("reference", "use", "2025").exit_code == 0
    kb.invalidate()  # another process changed the active edition: this one reloads it
    kb.reference.active_edition("guide")
    assert GUIDE_2025_ONLY in domain_terms() and GUIDE_2021_ONLY not in domain_terms()
    words = word_tokens(TEXT)
    assert GUIDE_2025_ONLY in words and GUIDE_2021_ONLY not in words

    kb.reference.use_edition("guide", "2021")
    assert GUIDE_2021_ONLY in word_tokens(TEXT) and GUIDE_2025_ONLY not in domain_terms()


def test_importing_an_official_text_installs_its_terms(kb, tmp_path: Path):
    name = "数字基础设施建设"  # a scenario of the 2025 guide, not of the 2021 one
    kb.reference.active_edition("guide")
    assert name not in domain_terms() and len(word_tokens(name)) > 1
    path = tmp_path / "guide_official.txt"
    path.write_text(_official_text("guide", "2025"), encoding="utf-8")
    ed = kb.reference.import_reference(path, "guide", "2026")
    assert (ed.edition, ed.variant) == ("2026", "official") and name in {e.name for e in ed.entries}
    assert name in domain_terms() and word_tokens(f"推进{name}") == ["推进", name]
    kb.reference.use_edition("guide", "2021")
    assert name not in domain_terms()


def test_the_bounded_checks_segment_with_the_terms_they_are_handed():
    text = "可以看作南钢的数字孪生工厂：从原料码头作业开始。"
    plain = run_bounded(run_checks, text, 120)
    handed = run_bounded(run_checks, text, 120, terms=["孪生工厂"])  # an edition synonym, cut before 数字孪生
    assert [t["term"] for t in plain["terms"]] == ["数字孪生"] and handed["terms"] == []
    assert run_bounded(run_checks, text, 120)["terms"] == plain["terms"]  # a reused worker forgets them


def test_the_reference_component_gives_the_terms_it_installs(kb):
    assert kb.reference.dictionary_terms() == domain_terms() and GUIDE_2021_ONLY in domain_terms()
