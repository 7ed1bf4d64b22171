"""Alignment: offsets into both originals, trick resistance, similarity figures, boilerplate."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.boilerplate import Boilerplate
from nlp.similarity.align import Levels, align, match_level
from nlp.text import match_text as normalize
from nlp.text import normalize_with_offsets, sentence_spans, windows

A = (
    "公司围绕冲压车间的数字化改造，部署了设备联网与数据采集系统，实现了关键工序的实时监控。"
    "项目实施后，产品不良品率由2.1%降低到0.8%，生产效率提升27%。"
    "针对模具磨损导致的质量波动，构建了基于振动信号的预测性维护模型，提前48小时预警主要故障。"
)
B = (
    "我们的做法是：公司围绕冲压车间的数字化改造，部署了设备联网与数据采集系统，实现了关键工序的实时监控。"
    "另外，我们还在仓储环节引入了AGV小车。"
    "针对模具磨损导致的质量波动，构建了基于振动信号的预测性维护模型，提前48小时预警主要故障。"
)


def _check_spans(al, a: str, b: str) -> None:
    for s in al.spans:
        assert 0 <= s.a_start < s.a_end <= len(a)
        assert 0 <= s.b_start < s.b_end <= len(b)
        # the two original passages normalise to the same string
        assert normalize(a[s.a_start : s.a_end]) == normalize(b[s.b_start : s.b_end])
        assert len(normalize(a[s.a_start : s.a_end])) == s.length
        assert s.length >= 13 or al.equal  # equal texts shorter than min_len: one whole span


def test_shared_passages_round_trip() -> None:
    al = align(A, B)
    _check_spans(al, A, B)
    texts = [A[s.a_start : s.a_end] for s in al.spans]
    assert any("设备联网与数据采集系统" in t for t in texts)
    assert any("预测性维护模型" in t for t in texts)
    assert all("不良品率" not in t for t in texts)  # the sentence only A has
    assert al.sim_a == pytest.approx(al.matched / al.chars_a)
    assert al.sim_b == pytest.approx(al.matched / al.chars_b)
    assert 0.5 < al.sim_a < 1 and 0.5 < al.sim_b < 1
    assert al.sim == pytest.approx(2 * al.matched / (al.chars_a + al.chars_b))
    assert al.swapped().sim_a == al.sim_b
    _check_spans(al.swapped(), B, A)


def test_identical_and_unrelated() -> None:
    assert align(A, A).level == "identical"
    assert align(A, A).sim == 1.0
    other = "今天天气很好，我们去公园散步，看到很多人在放风筝，孩子们玩得非常开心。"
    al = align(A, other)
    assert al.spans == [] and al.sim == 0.0 and al.level == "unrelated"
    assert align("", A).sim == 0.0


def test_tricks_still_align() -> None:
    tricked = (
        A.replace("2.1%", "２．１％")  # full-width
        .replace("数字化改造", "数 字 化 改 造")  # inserted spaces
        .replace("，", ",")  # half-width punctuation
        .replace("0.8", "０.８")
    )
    tricked = "ＡＢＣ" + tricked + "使用МЕS系统"  # Cyrillic М, Е
    al = align(A + "使用MES系统", tricked)
    assert al.level == "identical"
    assert al.sim_a == 1.0
    _check_spans(al, A + "使用MES系统", tricked)


def test_homoglyph_and_zero_width_normalise() -> None:
    assert normalize("MЕS\u200b系统　Ｐｌａｔｆｏｒｍ") == normalize("MES系统platform")
    norm, offs = normalize_with_offsets("a ｂ，c")
    assert norm == "abc" and list(offs) == [0, 2, 4]


def test_min_len_respected() -> None:
    a = "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸"  # 20 chars
    b = "子丑寅卯" + a[:12] + "辰巳午未"  # shares 12 chars only
    assert align(a, b).spans == []
    assert len(align(a, b, min_len=10).spans) == 1


def test_levels() -> None:
    lv = Levels(identical=0.98, minor_edits=0.6, partial=0.2, paraphrase_cos=0.9)
    assert match_level(0.99, levels=lv) == "identical"
    assert match_level(0.7, levels=lv) == "minor_edits"
    assert match_level(0.1, 0.95, levels=lv) == "paraphrase"
    assert match_level(0.3, 0.5, levels=lv) == "partial"
    assert match_level(0.1, 0.5, levels=lv) == "unrelated"
    assert match_level(0.0, equal=True, levels=lv) == "identical"


def test_boilerplate_excluded() -> None:
    template = "本企业承诺所提交的申报材料真实、准确、完整，不存在知识产权纠纷。"
    a = template + "公司在铸造车间部署了熔炼温度在线监测系统，铁水温度合格率提升到99%。"
    b = template + "企业引入机器视觉对包装标签进行检测，漏检率下降了八成以上。"
    bp = Boilerplate([], reference_texts=[template])
    plain = align(a, b)
    excl = align(a, b, boilerplate=bp)
    assert plain.sim > 0.3 and plain.level in ("partial", "minor_edits")
    assert excl.sim_excl == 0.0 and excl.level == "unrelated"
    assert excl.spans and all(s.boilerplate for s in excl.spans)
    assert bp.mask(a) == [(0, len(template))]


def test_sentences_and_windows_cover_text() -> None:
    text = "第一句。第二句！第三句？\n第四句；" + "长" * 500
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans][:4] == ["第一句。", "第二句！", "第三句？", "第四句；"]
    ws = list(windows(text, max_sentences=3, max_chars=400))
    assert all(e - s <= 400 for s, e in ws)
    assert ws[0] == (0, spans[2][1])
    assert "".join(text[s:e] for s, e in ws) == text.replace("\n", "")


_chars = st.sampled_from(
    list("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主，。 ＡAａ1１МM")
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(_chars, min_size=0, max_size=80),
    st.lists(_chars, min_size=0, max_size=80),
    st.lists(_chars, min_size=13, max_size=40),
)
def test_property_spans_inside_both(pre: list[str], post: list[str], shared: list[str]) -> None:
    s = "".join(shared)
    a = "".join(pre) + s + "".join(post)
    b = "".join(post) + s + "".join(pre)
    al = align(a, b)
    _check_spans(al, a, b)
    assert 0.0 <= al.sim_a <= 1.0 and 0.0 <= al.sim_b <= 1.0
    if len(normalize(s)) >= 13:
        assert al.matched >= len(normalize(s))
    covered_a = sum(x.length for x in al.spans)
    assert covered_a == al.matched <= min(al.chars_a, al.chars_b)
