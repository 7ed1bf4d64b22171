"""Hostile class 8: a text pasted k times into a submission must not lower its overall similarity to itself
(tiling pairs each character once, which used to give 2/(k+1))."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.similarity.align import align

sentence = st.text(
    alphabet=st.sampled_from("企业概况智能排产系统生产效率提升不良品率下降交付周期缩短，。"),
    min_size=40,
    max_size=120,
)


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(text=sentence, k=st.integers(2, 8))
def test_pasting_k_times_keeps_the_overall_similarity(text: str, k: int):
    once = align(text, text).sim
    assert align(text * k, text).sim >= once - 1e-9
    assert align(text, text * k).sim >= once - 1e-9
