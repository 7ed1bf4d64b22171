"""字数 counting rule."""

import pytest

from nlp.count import count_chars, count_zishu, overflow_span


@pytest.mark.parametrize(
    ("text", "zishu"),
    [
        ("", 0),
        ("智能制造", 4),
        ("智能制造。", 5),  # full-width punctuation counts 1
        ("部署MES系统", 5),  # MES is one word
        ("提升30%", 3),  # 30% is one number
        ("由2.1%降至0.8%", 5),  # decimals are one number each
        ("hello world", 2),
        ("MES/APS", 1),  # half-width punctuation stays inside the word
        ("“数字孪生”……", 8),  # Chinese quotes and ellipsis count like full-width marks
        ("ＡＢＣ１２", 5),  # full-width letters and digits count 1 each
        ("  智 能\n制造\t", 4),  # whitespace counts 0
        ("数据\u200b采集", 4),  # zero-width characters count 0
        ("1,200台", 2),
    ],
)
def test_count_zishu(text, zishu):
    assert count_zishu(text) == zishu


def test_count_chars_excludes_whitespace_only():
    assert count_chars("部署 MES 系统。\n") == 8
    assert count_chars("\ufeff数据\u200b") == 2


def test_overflow_span_starts_at_first_character_past_limit():
    text = "一二三 MES 四五"
    assert overflow_span(text, 10) is None
    s, e = overflow_span(text, 4)
    assert (s, e) == (8, len(text))
    assert count_zishu(text[:s]) == 4
    s, _ = overflow_span("ab cd ef", 1)
    assert s == 3
