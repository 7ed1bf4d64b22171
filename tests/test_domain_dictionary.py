"""The word-segmentation dictionary is built from the reference editions in use and follows edition changes."""

from __future__ import annotations

from pathlib import Path

from kb.ingest.worker import run_bounded
from kb.reference import bundled_editions
from kb.service.bounded import run_checks
from nlp.text import domain_terms, word_tokens

# A term of one guide edition only, and the word the dictionary learns from it: a run of characters plain
# jieba cuts one by one (以|需, 端|到|端), found by its HMM in neither text.
GUIDE_2021_ONLY, WORD_2021 = "以需定产", "以需"
GUIDE_2025_ONLY, WORD_2025 = "端到端供应链", "端到端"
TEXT = "企业推行以需定产，打通端到端供应链。"


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
    assert WORD_2021 in words and WORD_2025 not in words

    assert run_cli("reference", "use", "2025").exit_code == 0
    kb.invalidate()  # another process changed the active edition: this one reloads it
    kb.reference.active_edition("guide")
    assert GUIDE_2025_ONLY in domain_terms() and GUIDE_2021_ONLY not in domain_terms()
    words = word_tokens(TEXT)
    assert WORD_2025 in words and WORD_2021 not in words

    kb.reference.use_edition("guide", "2021")
    assert WORD_2021 in word_tokens(TEXT) and GUIDE_2025_ONLY not in domain_terms()


def test_a_term_made_of_known_words_stays_in_its_words():
    """A name or keyword is not added whole: it would hide the words inside it from everything that counts words
    (the lexical scorer lost 0.790 -> 0.755 环节 top-1 that way, docs/evaluation.md)."""
    from nlp.text import use_domain_terms

    before = domain_terms()
    try:
        use_domain_terms(["设备故障诊断与预测", "车间智能排产", "湖仓一体"])
        assert word_tokens("开展设备故障诊断与预测") == ["开展", "设备", "故障诊断", "与", "预测"]
        assert "湖仓" in word_tokens("建设湖仓一体平台")  # the run plain jieba cuts 湖|仓 is learned
    finally:
        use_domain_terms(before)


def test_importing_an_official_text_installs_its_terms(kb, tmp_path: Path):
    name = "数字基础设施建设"  # a scenario of the 2025 guide, not of the 2021 one
    kb.reference.active_edition("guide")
    assert name not in domain_terms()
    path = tmp_path / "guide_official.txt"
    path.write_text(_official_text("guide", "2025"), encoding="utf-8")
    ed = kb.reference.import_reference(path, "guide", "2026")
    assert (ed.edition, ed.variant) == ("2026", "official") and name in {e.name for e in ed.entries}
    assert name in domain_terms() and word_tokens(f"推进{name}") == ["推进", "数字", "基础设施", "建设"]
    kb.reference.use_edition("guide", "2021")
    assert name not in domain_terms()


def test_the_bounded_checks_segment_with_the_terms_they_are_handed():
    text = "建设数据湖仓一体平台。"
    plain = run_bounded(run_checks, text, 120)
    handed = run_bounded(run_checks, text, 120, terms=["湖仓一体"])  # learns 湖仓: 数据|湖仓|一体
    assert [t["term"] for t in plain["terms"]] == ["数据湖"] and handed["terms"] == []
    assert run_bounded(run_checks, text, 120)["terms"] == plain["terms"]  # a reused worker forgets them


def test_the_reference_component_gives_the_terms_it_installs(kb):
    assert kb.reference.dictionary_terms() == domain_terms() and GUIDE_2021_ONLY in domain_terms()
