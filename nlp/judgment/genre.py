"""“Is this a scenario description at all?” — a decision with reasons.

A scenario description names a concrete site or line, says what was built (equipment, systems, data flows), how it
runs, and what it measurably changed. Texts about manufacturing that are not one (policy, vendor marketing, manuals,
patents, academic abstracts, finance/HR news, speeches, recruitment ads, annual-report excerpts, tutorials) lack some
of these elements and carry the marks of their own genre. A character and word n-gram model decides (a logistic regression fitted on labelled texts); its reasons list the missing elements and the genre
marks found, each with character spans.

Patterns are literal alternations and one number pattern without nested quantifiers: linear time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlp import rx

#: the elements of a scenario description: name -> (Chinese label, cue words)
ELEMENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "site": (
        "具体实施场所（工厂、车间、产线、装置）",
        (
            "车间",
            "产线",
            "生产线",
            "工厂",
            "基地",
            "厂区",
            "工序",
            "装置",
            "仓库",
            "园区",
            "厂房",
            "高炉",
            "转炉",
            "机组",
            "工位",
            "码头",
            "矿山",
            "分厂",
            "总装",
            "焊装",
            "涂装",
            "冲压",
            "炼钢",
            "热轧",
            "冷轧",
            "窑",
            "立库",
            "配送中心",
            "实验室",
            "试验台",
        ),
    ),
    "built": (
        "建设内容（装备、系统、平台）",
        (
            "建设",
            "部署",
            "上线",
            "搭建",
            "引入",
            "改造",
            "建成",
            "打造",
            "投用",
            "投运",
            "开发了",
            "集成",
            "应用了",
            "构建",
            "研发了",
            "配备",
            "安装",
            "引进",
            "实施了",
            "布设",
            "加装",
            "新建",
        ),
    ),
    "system": (
        "具体的系统或装备",
        (
            "系统",
            "平台",
            "机器人",
            "AGV",
            "传感器",
            "MES",
            "WMS",
            "ERP",
            "PLM",
            "SCADA",
            "DCS",
            "APS",
            "数字孪生",
            "视觉",
            "5G",
            "边缘",
            "算法",
            "模型",
            "立体库",
            "数控",
            "PLC",
            "物联网",
            "工业互联网",
            "大数据",
            "云平台",
            "智能装备",
            "自动化线",
            "机械臂",
            "相机",
            "仿真",
            "看板",
        ),
    ),
    "runs": (
        "运行方式（数据采集、联动、实时分析）",
        (
            "实时",
            "自动",
            "采集",
            "联动",
            "调度",
            "监测",
            "预警",
            "闭环",
            "追溯",
            "推送",
            "识别",
            "分析",
            "在线",
            "协同",
            "优化",
            "排产",
            "报警",
            "诊断",
            "预测",
            "贯通",
            "打通",
        ),
    ),
    "results": ("量化的实施成效", ()),  # numbers with units next to a change verb: see _RESULT
}

#: genres of texts that are not scenario descriptions: name -> (Chinese label, marks)
GENRES: dict[str, tuple[str, tuple[str, ...]]] = {
    "recruitment": (
        "招聘启事",
        (
            "岗位职责",
            "任职要求",
            "招聘",
            "薪资",
            "简历",
            "五险一金",
            "学历",
            "应聘",
            "工作地点",
            "年以上",
            "优先考虑",
            "薪酬",
            "福利待遇",
            "投递",
            "岗位",
        ),
    ),
    "patent": (
        "专利文献",
        ("本发明", "本实用新型", "权利要求", "所述", "实施例", "公开了一种", "技术领域", "有益效果", "专利"),
    ),
    "academic_abstract": (
        "学术论文摘要",
        (
            "本文",
            "摘要",
            "关键词",
            "研究了",
            "提出了一种",
            "实验结果表明",
            "仿真结果",
            "论文",
            "有效性",
            "文献",
            "结果表明",
            "针对",
            "研究",
        ),
    ),
    "finance_hr_news": (
        "财经或人事新闻",
        (
            "营业收入",
            "净利润",
            "同比",
            "归母",
            "股价",
            "融资",
            "季度",
            "每股",
            "任命",
            "董事",
            "辞职",
            "聘任",
            "市值",
            "投资者",
            "涨停",
            "营收",
        ),
    ),
    "annual_report": (
        "年报摘录",
        (
            "报告期",
            "报告期内",
            "本公司",
            "分部",
            "毛利率",
            "董事会",
            "股东",
            "经营情况",
            "主营业务",
            "年度报告",
            "会计",
        ),
    ),
    "speech": (
        "讲话或致辞",
        (
            "同志们",
            "各位领导",
            "各位来宾",
            "女士们",
            "先生们",
            "讲话",
            "致辞",
            "我们要",
            "大家",
            "在此",
            "谢谢",
            "希望",
            "各位",
        ),
    ),
    "policy": (
        "政策或规划文件",
        (
            "各地",
            "各有关单位",
            "加快推进",
            "指导意见",
            "行动计划",
            "鼓励",
            "支持",
            "推动",
            "培育",
            "重点任务",
            "保障措施",
            "通知",
            "到20",
            "实施方案",
            "主管部门",
            "统筹",
            "引导",
            "着力",
        ),
    ),
    "vendor_marketing": (
        "厂商宣传",
        (
            "解决方案",
            "欢迎",
            "咨询",
            "助力",
            "我们提供",
            "一站式",
            "领先的",
            "产品优势",
            "热线",
            "赋能",
            "为客户",
            "选择我们",
            "合作伙伴",
            "全方位",
        ),
    ),
    "product_manual": (
        "产品说明书",
        (
            "操作步骤",
            "注意事项",
            "按下",
            "请勿",
            "说明书",
            "参数设置",
            "接线",
            "指示灯",
            "菜单",
            "额定",
            "使用前",
            "警告",
            "规格",
            "型号",
        ),
    ),
    "tutorial": (
        "教程或科普",
        (
            "首先",
            "教程",
            "入门",
            "本教程",
            "示例",
            "什么是",
            "下面我们",
            "例如",
            "可以理解为",
            "简单来说",
            "初学者",
            "概念",
        ),
    ),
}

_NUM = "[0-9０-９]+(?:[.．][0-9０-９]+)?"
_UNIT = "(?:%|％|个百分点|倍|万元|亿元|元|小时|分钟|秒|天|个月|年|吨|台|套|人|件|次|千瓦时|度|平方米|米)"
_CHANGE = (
    "提升",
    "提高",
    "降低",
    "下降",
    "缩短",
    "减少",
    "节约",
    "节省",
    "增加",
    "增长",
    "压缩",
    "达到",
    "达",
    "降至",
    "提升至",
    "减少了",
    "缩减",
)
_RESULT = rx.compile(_NUM + " ?" + _UNIT)


@dataclass
class Verdict:
    """The decision for one text."""

    is_scenario: bool
    p_scenario: float
    threshold: float
    present: dict[str, list[tuple[int, int]]]
    missing: list[str]
    genre: str | None
    genre_marks: list[tuple[str, int, int]]
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "is_scenario": self.is_scenario,
            "p_scenario": round(self.p_scenario, 4),
            "threshold": self.threshold,
            "elements": {k: [list(s) for s in v[:5]] for k, v in self.present.items()},
            "missing": self.missing,
            "genre": self.genre,
            "genre_label": GENRES[self.genre][0] if self.genre else None,
            "genre_marks": [{"mark": m, "span": [s, e]} for m, s, e in self.genre_marks[:10]],
            "reasons": self.reasons,
        }


def _find_all(text: str, words: Sequence[str]) -> list[tuple[str, int, int]]:
    out = []
    for w in words:
        start = text.find(w)
        while start >= 0:
            out.append((w, start, start + len(w)))
            start = text.find(w, start + len(w))
    return out


def element_spans(text: str) -> dict[str, list[tuple[int, int]]]:
    """Where each scenario element is evidenced in the text (spans, possibly empty)."""
    out: dict[str, list[tuple[int, int]]] = {}
    for name, (_, words) in ELEMENTS.items():
        if name == "results":
            spans = []
            for m in _RESULT.finditer(text):
                window = text[max(0, m.start() - 24) : m.end() + 12]
                if any(c in window for c in _CHANGE):
                    spans.append((m.start(), m.end()))
            out[name] = spans
        else:
            out[name] = sorted((s, e) for _, s, e in _find_all(text, words))
    return out


def genre_marks(text: str) -> dict[str, list[tuple[str, int, int]]]:
    """The marks of each non-scenario genre found in the text."""
    return {g: _find_all(text, words) for g, (_, words) in GENRES.items()}


class ScenarioJudge:
    """Decides whether a text is a scenario description, with reasons.

    The decision is a logistic regression over character 1–3-gram and word TF-IDF (in grouped cross-validation on
    the fitting splits it separated the classes better than the element and genre cues, which are kept for the
    reasons). ``threshold`` is set by ``nlp.judgment.model`` on out-of-fold probabilities.

    Args:
        C: inverse regularisation of the logistic regression.
    """

    def __init__(self, C: float = 10.0) -> None:
        self.C = C
        self.vec: Any = None
        self.model: LogisticRegression | None = None
        self.threshold = 0.5

    def fit(self, texts: Sequence[str], is_scenario: Sequence[bool]) -> ScenarioJudge:
        """Fit the decision model on labelled texts."""
        from sklearn.pipeline import FeatureUnion

        from nlp.text import word_tokens

        self.vec = FeatureUnion([
            ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2,
                                      max_features=80000)),
            ("words", TfidfVectorizer(analyzer=word_tokens, sublinear_tf=True, min_df=2, max_features=30000)),
        ])  # fmt: skip
        X = self.vec.fit_transform(list(texts))
        self.model = LogisticRegression(
            C=self.C, class_weight="balanced", solver="liblinear", dual=True, max_iter=3000
        )
        self.model.fit(X, np.asarray(is_scenario, dtype=int))
        return self

    def probability(self, texts: Sequence[str]) -> np.ndarray:
        """P(scenario description) for each text."""
        if self.model is None:
            raise RuntimeError("ScenarioJudge is not fitted: call fit() first")
        return self.model.predict_proba(self.vec.transform(list(texts)))[:, 1]

    def judge(self, text: str, p: float | None = None) -> Verdict:
        """The decision and its reasons for one text."""
        p = float(self.probability([text])[0]) if p is None else p
        el = element_spans(text)
        gm = genre_marks(text)
        missing = [k for k in ELEMENTS if not el[k]]
        n = max(len(text), 1)
        dens = {g: len({m for m, _, _ in v}) * 1000.0 / n for g, v in gm.items() if v}
        genre = max(dens, key=lambda g: dens[g]) if dens else None
        ok = p >= self.threshold
        reasons = []
        if not ok:
            for k in missing:
                reasons.append(f"缺少{ELEMENTS[k][0]}")
            if genre is not None and len({m for m, _, _ in gm[genre]}) >= 2:
                marks = "、".join(dict.fromkeys(m for m, _, _ in gm[genre]))
                reasons.append(f"文体像{GENRES[genre][0]}（{marks}）")
            if not reasons:
                reasons.append("用语与已实施场景的描述差异较大")
        return Verdict(ok, p, self.threshold, {k: v for k, v in el.items() if v}, missing,
                       genre if not ok else None, gm.get(genre, []) if genre and not ok else [], reasons)  # fmt: skip
