"""Quantified-result extraction."""

import pytest

from nlp.metrics import extract_metrics


def _one(text):
    ms = extract_metrics(text)
    assert len(ms) == 1, ms
    m = ms[0]
    assert text[m.span[0] : m.span[1]]  # non-empty evidence
    return m


def test_change_percent():
    text = "实施后，企业生产效率提升30%。"
    m = _one(text)
    assert (m.indicator, m.change, m.change_unit, m.direction, m.kind) == (
        "生产效率",
        30.0,
        "%",
        "up",
        "change",
    )
    assert text[m.span[0] : m.span[1]] == "生产效率提升30%"
    assert not m.has_baseline


def test_from_to_percent_computes_relative_change():
    text = "不良品率由2.1%降至0.8%。"
    m = _one(text)
    assert (m.indicator, m.before, m.after, m.unit, m.direction) == ("不良品率", 2.1, 0.8, "%", "down")
    assert m.change == pytest.approx(-61.9048, abs=1e-3)
    assert m.has_baseline
    assert text[m.span[0] : m.span[1]] == "不良品率由2.1%降至0.8%"


def test_from_to_with_stated_change():
    text = "交付周期从15天缩短到9天，缩短了40%。"
    m = _one(text)
    assert (m.before, m.after, m.unit) == (15.0, 9.0, "天")
    assert m.change == pytest.approx(-40.0)
    assert (m.stated_change, m.stated_unit) == (-40.0, "%")
    assert text[m.span[0] : m.span[1]] == "交付周期从15天缩短到9天，缩短了40%"


def test_decrease_is_negative():
    m = _one("单位产值能耗降低12.5%")
    assert (m.indicator, m.change) == ("单位产值能耗", -12.5)


def test_percentage_points_and_units():
    assert _one("合格率提高3个百分点").change_unit == "个百分点"
    m = _one("每年节约人工成本200万元。")
    assert (m.indicator, m.change, m.change_unit) == ("人工成本", -200.0, "万元")
    m = _one("质检人员由48人减少到16人")
    assert (m.indicator, m.before, m.after, m.unit) == ("质检人员", 48.0, 16.0, "人")


def test_level_of_rate_and_baseline_cue():
    m = _one("设备综合效率达到85%。")
    assert (m.kind, m.after, m.change) == ("level", 85.0, None)
    m = _one("较改造前运营成本降低20%。")
    assert m.has_baseline and m.indicator == "运营成本"
    assert _one("能耗同比下降8%").has_baseline


def test_not_results():
    assert extract_metrics("公司2021年营收5亿元，员工1200人。") == []
    assert extract_metrics("从2019年到2021年分三期建设。") == []
    assert extract_metrics("显著提升了生产效率。") == []


def test_several_in_order():
    text = "检测效率提升45%，不良品率由2.1%降至0.8%，能耗降低12.5%。"
    ms = extract_metrics(text)
    assert [m.indicator for m in ms] == ["检测效率", "不良品率", "能耗"]
    assert all(a.span[1] <= b.span[0] for a, b in zip(ms, ms[1:], strict=False))


def test_mixed_time_units_are_converted_not_misread():
    from nlp.checks import check_text
    from nlp.metrics import extract_metrics

    [m] = extract_metrics("追溯时间由2天缩短到10分钟。")
    assert (m.before, m.after, m.unit) == (2880.0, 10.0, "分钟") and m.change < 0
    assert "QNT003" not in check_text("追溯时间由2天缩短到10分钟。").codes()
    assert extract_metrics("物料由3吨降至200千克。") == [] or all(
        x.unit != "吨" for x in extract_metrics("物料由3吨降至200千克。")
    )


def test_compound_and_magnitude_units():
    [m] = extract_metrics("吨布综合能耗由1.12吨标煤/吨下降至1.35吨标煤/吨，降幅20.5%。")
    assert (m.before, m.after, m.unit, m.verb, m.stated_change) == (1.12, 1.35, "吨标煤", "下降至", -20.5)
    [m] = extract_metrics("扫码查询量由0.3万次/月提高到46万次/月，增幅15233.3%。")
    assert (m.before, m.after, m.unit, m.kind) == (0.3, 46.0, "万次", "from_to")
    [m] = extract_metrics("调用次数由1.2万次增加到15000次。")
    assert (m.before, m.after, m.unit) == (12000.0, 15000.0, "次")
    [m] = extract_metrics("安全事件由3起/年下降至0起/年，下降100%。")
    assert (m.before, m.after, m.change, m.stated_change) == (3.0, 0.0, -100.0, -100.0)
    [m] = extract_metrics("不良流出率由850ppm降至120ppm。")
    assert m.unit == "ppm" and m.change < 0


def test_before_after_table_rows():
    text = (
        "四、实施成效\n指标\t实施前\t实施后\t变化\n设计周期\t16个月\t12.5个月\t-21.9%\n"
        "交付数据完整率\t58%\t97.5%\t+39.5个百分点\n生产效率\t—\t+35%\n以上数据经财务部门核定。\n"
        "| 指标 | 改造前 | 改造后 | 降幅 |\n|---|---|---|---|\n| 能耗 | 10吨 | 8吨 | 20% |\n"
    )
    ms = extract_metrics(text)
    rows = [(m.indicator, m.kind, m.before, m.after, m.stated_change, m.stated_unit) for m in ms]
    assert rows == [
        ("设计周期", "from_to", 16.0, 12.5, -21.9, "%"),
        ("交付数据完整率", "from_to", 58.0, 97.5, 39.5, "个百分点"),
        ("生产效率", "change", None, None, None, ""),
        ("能耗", "from_to", 10.0, 8.0, -20.0, "%"),
    ]
    assert ms[2].change == 35.0 and ms[2].has_baseline
    assert text[ms[0].span[0] : ms[0].span[1]] == "设计周期\t16个月\t12.5个月\t-21.9%"
    # tab-separated lines without a before/after header are not results
    assert extract_metrics("型号\t数量\nAGV\t12台\n") == []
