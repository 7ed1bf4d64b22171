"""Property tests (hypothesis) on the text layer: segmentation offsets, 字数 counting, normalisation and alignment.

Texts are drawn from alphabets that mix what real submissions hold (CJK, full-width forms, ASCII words and
numbers, Chinese punctuation, whitespace, zero-width and look-alike characters), so that the invariants are
tried where they are most likely to break.
"""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.count import count_chars, count_zishu
from nlp.normalize import normalize_for_match
from nlp.similarity.align import NormText, align
from nlp.text import get_segmenter, paragraphs, sentences

CJK = "智能制造场景质量追溯设备数据平台工厂企业实施成效一二三"
WIDE = "，。、；：？！（）《》【】“”…—·ＭＥＳ０１２"
ASCII = "abcMES0129.%-/_ "
TRICKY = "\u200b\ufeff\u00adАаЕеОоРрСсΑαΝνロエー\u3000"
SPACES = " \t\n\r"
ALL = CJK + WIDE + ASCII + TRICKY + SPACES

texts = st.text(alphabet=ALL, max_size=120)
MODERATE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _pieces_ok(text: str, pieces: list) -> None:
    prev_end = 0
    for p in pieces:
        assert 0 <= p.start < p.end <= len(text)
        assert text[p.start : p.end] == p.text
        assert p.start >= prev_end  # in order, no overlap
        assert p.text == p.text.strip()
        prev_end = p.end


# ------------------------------------------------------------------------------------------------ segmentation
@MODERATE
@given(texts)
def test_sentences_and_paragraphs_round_trip_and_cover_the_text(text: str) -> None:
    sents, paras = sentences(text), paragraphs(text)
    _pieces_ok(text, sents)
    _pieces_ok(text, paras)
    # Nothing but whitespace falls outside the sentences (or the paragraphs).
    for pieces in (sents, paras):
        covered = set()
        for p in pieces:
            covered.update(range(p.start, p.end))
        assert all(text[i].isspace() for i in range(len(text)) if i not in covered)
    # Every sentence lies inside one paragraph.
    for s in sents:
        assert any(p.start <= s.start and s.end <= p.end for p in paras), s


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=CJK + WIDE + ASCII + " \n", max_size=80))
def test_tokens_round_trip_in_order(text: str) -> None:
    tokens = get_segmenter().tokens(text)
    prev_end = 0
    for t in tokens:
        assert text[t.start : t.end] == t.text and t.start >= prev_end and t.end > t.start
        prev_end = t.end
    # Tokens cover every non-space character.
    covered = {i for t in tokens for i in range(t.start, t.end)}
    assert all(text[i].isspace() for i in range(len(text)) if i not in covered)


# ------------------------------------------------------------------------------------------------ 字数
def _boundary_safe(a: str, b: str) -> bool:
    """Concatenation does not merge a half-width run across the boundary (``MES`` + ``2`` would count once)."""
    if not a or not b:
        return True

    def run_char(ch: str) -> bool:
        return (
            count_zishu(ch) == 1
            and not ("\u4e00" <= ch <= "\u9fff" or unicodedata.east_asian_width(ch) in "WF")
            and ch not in "“”‘’…—–·•※○●◎□■△▲☆★→←↑↓"
        )

    return not (run_char(a[-1]) and run_char(b[0]))


@MODERATE
@given(texts, texts)
def test_zishu_is_additive_at_safe_boundaries(a: str, b: str) -> None:
    if _boundary_safe(a, b):
        assert count_zishu(a + b) == count_zishu(a) + count_zishu(b)
    else:  # a half-width run continues across the boundary and counts once
        assert count_zishu(a + b) == count_zishu(a) + count_zishu(b) - 1


@MODERATE
@given(st.text(alphabet=CJK, max_size=200), st.text(alphabet=SPACES + "\u200b\ufeff", max_size=20))
def test_each_cjk_character_counts_one_and_whitespace_zero(cjk: str, blank: str) -> None:
    assert count_zishu(cjk) == len(cjk)
    assert count_zishu(blank) == 0
    interleaved = "".join(c + blank for c in cjk)
    assert count_zishu(interleaved) == len(cjk)
    assert count_chars(interleaved) == len(cjk)


@MODERATE
@given(st.text(alphabet=ALL.replace("\u3000", ""), max_size=120))
def test_zishu_bounds(text: str) -> None:
    n = count_zishu(text)
    assert 0 <= n <= count_chars(text) <= len(text)


def test_ideographic_space_counts_zero() -> None:
    assert count_zishu("智能\u3000制造") == 4
    assert count_zishu("\u3000\u3000") == 0


# ------------------------------------------------------------------------------------------------ normalisation
@MODERATE
@given(texts)
def test_normalisation_is_idempotent_and_offsets_map_inside_the_original(text: str) -> None:
    n = normalize_for_match(text)
    assert normalize_for_match(n.text).text == n.text
    assert len(n.offsets) == len(n.text)
    assert all(0 <= o < len(text) for o in n.offsets)
    assert n.offsets == sorted(n.offsets)
    for ch, o in zip(n.text, n.offsets, strict=True):
        assert ch in normalize_for_match(text[o]).text  # each kept character comes from the one it points at
    # Any span maps back inside the original, and the original slice normalises to a superset of it.
    for start in range(0, len(n.text) + 1, 7):
        for end in (start, min(len(n.text), start + 5), len(n.text)):
            s, e = n.to_original((start, end))
            assert 0 <= s <= e <= len(text)
            assert n.text[start:end] in normalize_for_match(text[s:e]).text


# ------------------------------------------------------------------------------------------------ alignment
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, texts, st.text(alphabet=ALL, min_size=13, max_size=60), st.integers(5, 20))
def test_alignment_spans_always_inside_both_texts(pre: str, post: str, shared: str, min_len: int) -> None:
    a = pre + shared + post
    b = post + "。" + shared + pre
    al = align(a, b, min_len=min_len)
    for sp in al.spans:
        assert 0 <= sp.a_start < sp.a_end <= len(a)
        assert 0 <= sp.b_start < sp.b_end <= len(b)
        assert sp.length >= min_len or al.equal
        # The two original slices hold the same normalised passage.
        assert NormText(a[sp.a_start : sp.a_end]).norm == NormText(b[sp.b_start : sp.b_end]).norm
        assert len(NormText(a[sp.a_start : sp.a_end]).norm) == sp.length
    # No character of either text is counted twice (greedy string tiling).
    for key in ("a", "b"):
        spans = sorted(getattr(sp, key) for sp in al.spans)
        assert all(x[1] <= y[0] for x, y in zip(spans, spans[1:], strict=False))
    assert al.matched == sum(sp.length for sp in al.spans) <= min(al.chars_a, al.chars_b)
    for v in (al.sim, al.sim_a, al.sim_b, al.sim_excl):
        assert 0.0 <= v <= 1.0
    n_shared = len(NormText(shared).norm)
    if n_shared >= min_len:
        assert al.longest >= n_shared  # the planted passage (or a longer one holding it) is found
