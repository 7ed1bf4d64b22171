"""Normalisation for matching: width, case, homoglyphs, invisible characters, offsets, idempotence."""

from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.normalize import content_hash, normalize_display, normalize_for_match


def test_width_case_space_and_punctuation_are_folded():
    n = normalize_for_match("ＭＥＳ 系统，生产效率提升３０％！")
    assert n.text == "mes系统生产效率提升30"


def test_homoglyphs_and_zero_width_do_not_hide_copied_text():
    plain = normalize_for_match("部署MES与APC系统").text
    tricked = normalize_for_match(
        "部署\u041c\u0415\u0405\u200b与\u0391Р\u0421系\u200d统"
    ).text  # Cyrillic/Greek
    assert tricked == plain


def test_katakana_lookalikes_fold_to_cjk():
    assert normalize_for_match("人エ智能").text == normalize_for_match("人工智能").text


def test_offsets_map_back_to_original():
    text = "一、 ＭＥＳ　系统：数据\u200b采集"
    n = normalize_for_match(text)
    assert len(n.offsets) == len(n.text)
    for i, ch in enumerate(n.text):
        assert normalize_for_match(text[n.offsets[i]]).text == ch
    k = n.text.index("系统")
    s, e = n.to_original((k, k + 2))
    assert text[s:e] == "系统"
    s, e = n.to_original((n.text.index("数据"), n.text.index("数据") + 4))
    assert text[s:e] == "数据\u200b采集"


def test_to_original_empty_and_out_of_range():
    n = normalize_for_match("ab")
    assert n.to_original((1, 1)) == (1, 1)
    assert n.to_original((0, 99)) == (0, 2)
    assert normalize_for_match("，。").to_original((0, 0)) == (0, 0)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_idempotent_on_any_text(text):
    once = normalize_for_match(text).text
    assert normalize_for_match(once).text == once


@given(st.text(alphabet="αΑбВеЕоОрРсСхХｍＭ１９ロエ一二 \u200b\t，。abc", max_size=40))
def test_idempotent_on_tricky_alphabet(text):
    once = normalize_for_match(text).text
    assert normalize_for_match(once).text == once


def test_normalize_display_keeps_content():
    raw = "\ufeff第一行\r\n第二\u200b行\r第三行：ＭＥＳ"
    assert normalize_display(raw) == "第一行\n第二行\n第三行：ＭＥＳ"


def test_content_hash_ignores_layout_and_tricks():
    a = content_hash("生产效率提升30%。")
    assert a == content_hash("生产效率 提升 ３０％")
    assert a != content_hash("生产效率提升31%。")
    assert len(a) == 64


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_fast_paths_equal_the_per_character_definition(text: str) -> None:
    from nlp.normalize import _fold_char, match_text, normalize_with_offsets

    chars = [(_fold_char(ch), i) for i, ch in enumerate(text)]
    expected = "".join(f for f, _ in chars)
    offsets = [i for f, i in chars for _ in f]
    norm, offs = normalize_with_offsets(text)
    assert norm == expected == match_text(text) == normalize_for_match(text).text
    assert offs.tolist() == offsets == normalize_for_match(text).offsets


def test_cjk_radicals_and_katakana_lookalikes_fold() -> None:
    assert normalize_for_match("⻋间⻔禁").text == normalize_for_match("车间门禁").text
    assert content_hash("エ厂数据") == content_hash("工厂数据")
