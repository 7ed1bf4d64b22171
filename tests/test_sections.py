"""Section detection on varied heading styles and inference without headings."""

from nlp.sections import canonical_parts, detect_sections, match_parts, parts_present


def _by_heading(text):
    return {s.heading: s for s in detect_sections(text)}


def test_chinese_numbered_headings_with_subparts():
    text = (
        "一、企业概况\n公司成立于2008年。\n二、场景概述\n人工检测效率低。\n三、实施内容\n（一）实施方法\n分两步推进。\n"
        "（二）实施要素\n部署MES系统。\n四、实施成效\n效率提升30%。\n五、推广价值\n可在同行业推广。\n"
    )
    secs = detect_sections(text)
    assert [s.part for s in secs] == [
        "企业概况",
        "场景概述",
        "实施内容",
        "实施方法",
        "实施要素",
        "实施成效",
        "推广价值",
    ]
    assert [s.level for s in secs] == [1, 1, 1, 2, 2, 1, 1]
    for s in secs:
        assert text[s.heading_span[0] : s.heading_span[1]] == s.heading
        assert not s.inferred
    impl = secs[2]
    assert (
        text[impl.body_span[0] : impl.body_span[1]]
        == "（一）实施方法\n分两步推进。\n（二）实施要素\n部署MES系统。"
    )
    assert secs[3].parent == "实施内容"
    assert text[secs[0].body_span[0] : secs[0].body_span[1]] == "公司成立于2008年。"
    assert parts_present(secs) >= set(canonical_parts())


def test_arabic_bracket_and_part_headings():
    text = "第一部分 企业简介\n某公司。\n【痛点分析】\n人工多。\n1. 建设内容\n部署AGV。\n1.1 关键技术\n视觉。\n2、应用成效\n降本。\n"
    secs = _by_heading(text)
    assert secs["第一部分 企业简介"].part == "企业概况"
    assert secs["【痛点分析】"].part == "场景概述"
    assert secs["1. 建设内容"].part == "实施内容"
    assert secs["1.1 关键技术"].part == "实施要素"
    assert secs["1.1 关键技术"].level > secs["1. 建设内容"].level
    assert secs["2、应用成效"].part == "实施成效"


def test_run_in_and_plain_title_headings():
    text = "企业概况\n公司成立于2010年。\n（一）痛点：人工排产依赖经验。\n实施成效：交付周期缩短20%。\n推广价值\n可复制。"
    secs = _by_heading(text)
    assert secs["企业概况"].part == "企业概况"
    assert secs["（一）痛点"].part == "场景概述"
    s = secs["实施成效"]
    assert text[s.body_span[0] : s.body_span[1]] == "交付周期缩短20%。"
    assert secs["推广价值"].part == "推广价值"


def test_numbered_sentences_are_not_headings():
    text = "一、实施内容\n1. 在冲压车间部署了机器视觉检测设备，实现缺陷自动识别，检测效率提升45%，质检人员减少一半。\n"
    secs = detect_sections(text)
    assert [s.heading for s in secs] == ["一、实施内容"]


def test_heading_naming_two_parts():
    assert match_parts("实施成效及推广价值") == ["实施成效", "推广价值"]
    assert match_parts("关于某某的说明") == []


def test_without_headings_parts_are_inferred():
    text = (
        "星河公司成立于2005年，是一家高新技术企业。过去依赖人工检测，效率低下。为此公司部署了机器视觉系统，"
        "并搭建数据平台。实施后不良率由2%降至0.5%。该模式可在同行业推广。"
    )
    secs = detect_sections(text)
    assert all(s.inferred and s.heading == "" for s in secs)
    assert [s.part for s in secs] == ["企业概况", "场景概述", "实施内容", "实施成效", "推广价值"]
    assert text[secs[-1].body_span[0] : secs[-1].body_span[1]] == "该模式可在同行业推广。"
    assert secs[0].heading_span == (0, 0)


def test_empty_text_has_no_sections():
    assert detect_sections("") == []


def test_markdown_headings_and_document_title():
    text = (
        "# 铝合金压铸车间能耗数据监测\n\n## 【申报单位概况】\n公司成立于2001年。\n## 2. 场景需求与痛点\n能耗高。\n"
        "## 实施内容\n### （一）实施方法\n分步推进。\n### 实施要素\n部署MES。\n## 四、实施成效\n降本。\n## 推广价值 ##\n可推广。\n"
    )
    secs = detect_sections(text)
    assert [s.part for s in secs] == [
        "企业概况",
        "场景概述",
        "实施内容",
        "实施方法",
        "实施要素",
        "实施成效",
        "推广价值",
    ]
    assert [s.level for s in secs] == [1, 1, 1, 2, 2, 1, 1]
    assert secs[0].heading == "## 【申报单位概况】"
    assert text[secs[2].body_span[0] : secs[2].body_span[1]].startswith("### （一）实施方法")
    # the "# title" line is the document's title: it does not make 数据 (实施要素) a part
    assert all(not s.heading.startswith("# ") for s in secs)
    assert [s.part for s in detect_sections("# 企业概况\n公司成立于2001年。\n# 实施成效\n降本。")] == [
        "企业概况",
        "实施成效",
    ]
