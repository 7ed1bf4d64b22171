"""Segmentation: paragraphs, sentences and tokens keep offsets into the original text."""

import threading

import jieba
import pytest

from nlp.text import (
    domain_terms,
    domain_tokenizer,
    get_segmenter,
    load_domain_terms,
    paragraphs,
    sentences,
    split_word,
    use_domain_terms,
    word_tokens,
)

TEXT = "一、企业概况\n  公司部署了MES系统和机器视觉，生产效率提升30%。不良品率由2.1%降至0.8%！他说：“好。”是吗？\n\n下一步;end"


@pytest.fixture(scope="module")
def seg():
    return get_segmenter()


def test_paragraphs_are_stripped_nonblank_lines_with_offsets():
    ps = paragraphs(TEXT)
    assert [p.text for p in ps] == [
        "一、企业概况",
        "公司部署了MES系统和机器视觉，生产效率提升30%。不良品率由2.1%降至0.8%！他说：“好。”是吗？",
        "下一步;end",
    ]
    assert all(TEXT[p.start : p.end] == p.text for p in ps)


def test_sentences_split_on_terminators_and_newlines():
    ss = sentences(TEXT)
    assert [s.text for s in ss] == [
        "一、企业概况",
        "公司部署了MES系统和机器视觉，生产效率提升30%。",
        "不良品率由2.1%降至0.8%！",
        "他说：“好。”",
        "是吗？",
        "下一步;",
        "end",
    ]
    assert all(TEXT[s.start : s.end] == s.text for s in ss)
    assert sentences("") == [] and sentences(" \n ") == []


def test_tokens_use_domain_dictionary_and_round_trip(seg):
    toks = seg.tokens(TEXT)
    words = [t.text for t in toks]
    assert "MES" in words and "机器视觉" in words and "不良品率" in words
    assert all(TEXT[t.start : t.end] == t.text for t in toks)
    assert not any(t.text.isspace() for t in toks)


def test_domain_dictionary_does_not_leak_into_global_jieba(seg):
    seg.tokens("机器视觉")
    assert "机器视觉" not in list(jieba.cut("部署机器视觉"))  # the process-wide jieba is untouched


def test_segmenter_is_spacy_zh_with_jieba(seg):
    assert seg.nlp.lang == "zh"
    assert seg.nlp.tokenizer.segmenter == "jieba"
    assert get_segmenter() is seg


def test_installed_terms_teach_their_words_and_are_replaced_by_the_next_install(seg):
    before = domain_terms()
    try:
        assert "云枢" not in seg.words("我们上线了冲压云枢平台")  # 冲压|云|枢
        assert use_domain_terms(["冲压云枢"]) is True
        assert "云枢" in seg.words("我们上线了冲压云枢平台")  # the run of single characters is learned
        assert use_domain_terms(["冲压云枢"]) is False  # the same terms: nothing to rebuild
        use_domain_terms([])
        assert "云枢" not in seg.words("我们上线了冲压云枢平台")
    finally:
        use_domain_terms(before)


def test_split_word_splits_a_dictionary_word_without_changing_the_tokenizer():
    tok = domain_tokenizer()
    freq, total = tok.FREQ.get("机器视觉"), tok.total
    assert "机器视觉" in word_tokens("采用机器视觉系统")
    assert split_word("机器视觉") == ["机器", "视觉"]
    assert (tok.FREQ.get("机器视觉"), tok.total) == (freq, total)
    assert split_word("MES系统") == ["MES", "系统"]


def test_domain_terms_have_tags():
    terms = {t.term: t.tag for t in load_domain_terms()}
    assert terms["MES"] == "soft" and terms["AGV"] == "equip" and terms["数字孪生"] == "tech"
    assert terms["不良品率"] == "ind"


def test_tokens_thread_safe(seg):
    text = TEXT * 5
    expected = seg.tokens(text)
    results = []

    def work():
        results.append(seg.tokens(text))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results)
