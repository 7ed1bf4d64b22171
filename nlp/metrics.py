"""Quantified-result extraction: (indicator, before, after, change, unit, span) from Chinese statements.

Recognised forms (with variants of the verbs and units):

- from–to: 不良品率由2.1%降至0.8% / 交付周期从15天缩短到9天（缩短40%）;
- change: 生产效率提升30% / 能耗降低12.5% / 合格率提高3个百分点 / 节约人工成本200万元;
- level of a rate: 设备综合效率达到85% (an after value without baseline);
- before/after table rows (``指标 | 实施前 | 实施后 | 变化``, tab- or ``|``-separated, as ingestion writes
  .docx tables): one from–to metric per row, the change column as its stated change.

``change`` is signed (down is negative). For from–to statements it is computed: the relative change in %
when the before value is non-zero, otherwise the absolute difference in the value unit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from nlp import rx
from nlp.types import SpanT

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
# Units a figure can carry. A count unit may take a magnitude prefix (万次, 亿元, 千瓦时 …), a qualifier
# (吨标准煤, 千克标油) and a "per" part (次/月, 千克/吨, 台/型号, 吨标准煤/万元); the "per" part is kept out of the unit.
_RATE_UNITS = ["个百分点", "百分点", "%", "％", "倍", "ppm", "‰"]
_BASE_UNITS = [
    "元", "吨", "千克", "公斤", "克", "kg", "千瓦时", "kWh", "度", "立方米", "平方米", "升", "小时", "分钟", "秒",
    "天", "周", "个月", "月", "年", "人次", "人", "名", "件", "台", "套", "次", "个", "项", "条", "张", "批", "份",
    "单", "起", "家", "种", "处", "辆", "炉", "箱", "块", "根", "道", "米", "毫米", "mm", "微米", "μm", "℃",
]  # fmt: skip
_MAGNITUDES = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}
_TIME_SECONDS = {
    "秒": 1,
    "分钟": 60,
    "小时": 3600,
    "天": 86400,
    "周": 604800,
    "个月": 2592000,
    "月": 2592000,
    "年": 31536000,
}
_UNIT = (
    "(?:"
    + "|".join(rx.escape(u) for u in _RATE_UNITS)
    + "|(?:万|亿|千|百)?(?:"
    + "|".join(rx.escape(u) for u in sorted(_BASE_UNITS, key=len, reverse=True))
    + ")(?:标准煤|标煤|标准油|标油)?|万|亿)"
)
# "/月", "/吨", "/万元", "/型号"; a verb or a function word never starts it ("次/月降至" stops at 月).
_PER = (
    r"(?:/(?:万元|[A-Za-z]{1,4}|"
    + rx.range_except("\u4e00", "\u9fff", "降升提增减缩下上至到为的和及与或")
    + "{1,2}))?"
)

_UP = ("提升", "提高", "增加", "增长", "上升", "增至", "升至", "提至", "增幅", "增大", "扩大")
_DOWN = ("降低", "下降", "减少", "缩短", "节约", "节省", "压缩", "缩减", "降至", "降到", "减至", "降幅",
         "减低", "减轻", "下降至", "缩减至", "降为", "减为")  # fmt: skip

_TO_VERB = (
    r"(?:降低至|降低到|降低为|下降至|下降到|下降为|降至|降到|降为|减少至|减少到|减少为|减至|减为|缩短至|缩短到|缩短为|"
    r"缩减至|缩减到|压缩至|压缩到|压缩为|提升至|提升到|提升为|提高至|提高到|提高为|增加至|增加到|增加为|增长至|增长到|"
    r"上升至|上升到|增至|升至|提至|达到|变为|到|至)"
)
_CHG_VERB = r"(?:提升|提高|增加|增长|上升|降低|下降|减少|缩短|节约|节省|压缩|缩减|减低|增幅|降幅)"
_FILL = r"(?:了|约|近|超过|超|达到|达|高达|幅度达|幅度为|幅度|为|逾|将近|接近|\s)*"

_FROM_TO = rx.compile(
    rf"(?P<pre>由|从)\s*(?P<b>{_NUM})\s*(?P<bu>{_UNIT})?{_PER}\s*(?P<verb>{_TO_VERB})\s*(?P<a>{_NUM})\s*(?P<au>{_UNIT})?{_PER}"
)
_TRAIL = rx.compile(
    rf"[，,、（(\s]*(?:同比|整体|总体|共计|合计|累计|即|约|幅度)?(?P<verb>{_CHG_VERB}){_FILL}(?P<c>{_NUM})\s*(?P<cu>{_UNIT})"
)
# A change verb is never directly followed by 至/到/为 (that is a from-to or level statement): either the
# indicator (ind2) starts with another character, or, with no ind2, the filler does not start with 为.
_FILL_NO_WEI = r"(?:(?:了|约|近|超过|超|达到|达|高达|幅度达|幅度为|幅度|逾|将近|接近|\s)" + _FILL + ")?"
_IND2_FIRST = rx.range_except("\u4e00", "\u9fff", "至到为")[:-1] + "A-Za-z]"
_CHANGE = rx.compile(
    rf"(?P<verb>{_CHG_VERB})(?:{_FILL_NO_WEI}|(?P<ind2>{_IND2_FIRST}[\u4e00-\u9fffA-Za-z]{{0,7}}?){_FILL})"
    rf"(?P<c>{_NUM})\s*(?P<cu>{_UNIT}){_PER}"
)
_LEVEL = rx.compile(rf"(?P<verb>达到|达|保持在|稳定在|提升至|提高至)\s*(?P<a>{_NUM})\s*(?P<au>%|％)")

_STOP_PREFIX = (
    "使得", "使", "让", "将", "把", "实现", "推动", "带动", "促进", "助力", "其中", "同时", "并且", "并", "且",
    "企业", "公司", "工厂", "车间", "整体", "总体", "平均", "有效", "大幅", "显著", "明显", "进一步", "全面",
    "累计", "年均", "每年", "预计", "可", "均", "的", "后", "了", "和", "与", "及",
)  # fmt: skip
_STOP_INSIDE = (
    "使得",
    "使",
    "让",
    "将",
    "把",
    "后",
    "了",
    "的",
    "实现",
    "带动",
    "促进",
    "推动",
    "助力",
    "，",
)
_STOP_SUFFIX = (
    "同比",
    "环比",
    "分别",
    "整体",
    "累计",
    "平均",
    "均",
    "也",
    "都",
    "总体",
    "有效",
    "大幅",
    "显著",
    "明显",
)
_BASELINE_RE = rx.compile(
    r"同比|环比|相比|相较|对比|比原来|比以前|比改造前|比实施前|较(?:[^大高低好多少为快慢强长短小]|$)"
)


@dataclass
class Metric:
    """One quantified statement.

    ``change`` is signed (negative for a decrease) in ``change_unit`` (``%``, ``个百分点``, ``倍`` or the
    value unit). ``stated_change`` is a change written in the text next to a from–to statement.
    """

    indicator: str
    before: float | None
    after: float | None
    change: float | None
    unit: str
    change_unit: str
    direction: str | None  # "up" | "down" | None
    verb: str
    span: SpanT
    kind: str  # "from_to" | "change" | "level"
    has_baseline: bool = False
    stated_change: float | None = None
    stated_unit: str = ""
    stated_verb: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["span"] = list(self.span)
        return d


def _num(s: str) -> float:
    return float(s.replace(",", ""))


def _unit(u: str | None) -> str:
    if not u:
        return ""
    return {"％": "%", "百分点": "个百分点"}.get(u, u)


def _common_unit(b: float, bu: str, a: float, au: str) -> tuple[float, float, str] | None:
    """Before and after values in one unit (the after unit), or None when the units cannot be compared.

    Time units are converted (2天 → 2880分钟); a magnitude prefix is scaled (1.2万次 → 12000次).
    """
    if not bu or not au or bu == au:
        return b, a, au or bu
    if bu in _TIME_SECONDS and au in _TIME_SECONDS:
        return b * _TIME_SECONDS[bu] / _TIME_SECONDS[au], a, au

    def split(u: str) -> tuple[float, str]:
        if len(u) > 1 and u[0] in _MAGNITUDES and u[1:] in _BASE_UNITS:
            return _MAGNITUDES[u[0]], u[1:]
        return 1.0, u

    (fb, ub), (fa, ua) = split(bu), split(au)
    if ub != ua:
        return None
    return b * fb / fa, a, au


def verb_direction(verb: str) -> str | None:
    """Direction a change verb states: ``"down"`` (降低、缩短、降至 …), ``"up"`` (提升、增至 …) or None.

    Args:
        verb: the verb as written.
    Returns:
        ``"up"``, ``"down"`` or None for neutral verbs (到、达到、变为).
    """
    if any(verb.startswith(v) for v in _DOWN):
        return "down"
    if any(verb.startswith(v) for v in _UP):
        return "up"
    return None


@lru_cache(maxsize=1)
def _indicator_terms() -> tuple[str, ...]:
    from nlp.text import indicator_terms

    return tuple(sorted(indicator_terms(), key=len, reverse=True))


def _indicator_before(text: str, pos: int, limit: int = 14) -> tuple[str, int]:
    """The noun phrase ending at ``pos``: (indicator, start offset)."""
    start = pos
    while start > 0 and pos - start < limit:
        ch = text[start - 1]
        if not ("\u4e00" <= ch <= "\u9fff" or ch.isascii() and ch.isalnum()):
            break
        start -= 1
    phrase = text[start:pos]
    changed = True
    while changed:
        changed = False
        for w in _STOP_SUFFIX:
            if phrase.endswith(w) and len(phrase) > len(w):
                phrase, pos, changed = phrase[: -len(w)], pos - len(w), True
    for term in _indicator_terms():
        if phrase.endswith(term):
            return term, pos - len(term)
    # Cut at the last function word inside the phrase, then drop filler prefixes.
    for w in _STOP_INSIDE:
        k = phrase.rfind(w)
        if k >= 0:
            phrase, start = phrase[k + len(w) :], start + k + len(w)
    changed = True
    while changed and phrase:
        changed = False
        for w in _STOP_PREFIX:
            if phrase.startswith(w) and len(phrase) > len(w):
                phrase, start = phrase[len(w) :], start + len(w)
                changed = True
    return phrase, start


_SENTENCE_LOOKBACK = (
    400  # a "sentence" longer than this is searched for its baseline word near the figure only
)


def _sentence_start(text: str, pos: int) -> int:
    lo = max(0, pos - _SENTENCE_LOOKBACK)
    k = max(text.rfind(c, lo, pos) for c in "。！？；!?;\n")
    return k + 1 if k >= 0 else lo


def _has_baseline(text: str, start: int, end: int) -> bool:
    # a slice: RE2's binding re-encodes the whole text on every call with an offset
    return bool(_BASELINE_RE.search(text[_sentence_start(text, start) : end]))


_BEFORE_COL = rx.compile(r"(?:实施|改造|建设|应用|上线|投用|投产|项目)(?:之)?前|基准值?|原值|改造前水平")
_AFTER_COL = rx.compile(r"(?:实施|改造|建设|应用|上线|投用|投产|项目)(?:之)?后|现值|当前值|实际值")
_CHANGE_COL = rx.compile(r"变化|幅度|提升|提高|降低|下降|减少|增长|增幅|降幅|改善|对比")
_CELL_SPLIT = rx.compile(r"\t|\s*\|\s*")
_CELL_VALUE = rx.compile(rf"^(?P<sign>[+\-−－]?)\s*(?P<n>{_NUM})\s*(?P<u>{_UNIT})?{_PER}$")
_ROW_RE = rx.compile(r"[^\n]+")


def _cells(line: str) -> list[str]:
    """Cells of a tab-separated or Markdown (``| a | b |``) table row; [] for other lines."""
    if "\t" not in line and line.count("|") < 2:
        return []
    return [c.strip() for c in _CELL_SPLIT.split(line.strip().strip("|"))]


def _cell_value(cell: str) -> tuple[float, str, bool] | None:
    """(value, unit, explicitly signed) of a table cell such as ``612份``, ``-70.9%``, ``+39.5个百分点``."""
    m = _CELL_VALUE.match(cell.replace("＋", "+").replace(" ", ""))
    if not m:
        return None
    v = _num(m["n"])
    return (-v if m["sign"] in ("-", "−", "－") else v), _unit(m["u"]), bool(m["sign"])


def _table_metrics(text: str) -> list[Metric]:
    """Rows of before/after tables (``指标 | 实施前 | 实施后 | 变化``), as pasted from a document."""
    out: list[Metric] = []
    header: tuple[int, int, int | None, int] | None = None  # before, after, change column, width
    change_sign = 0
    for line in _ROW_RE.finditer(text):
        cells = _cells(line.group())
        if not cells or all(set(c) <= set("-:— ") for c in cells):
            if not cells:
                header = None
            continue
        bi = next((i for i, c in enumerate(cells) if _BEFORE_COL.search(c)), None)
        ai = next((i for i, c in enumerate(cells) if _AFTER_COL.search(c)), None)
        if bi is not None and ai is not None and bi != ai:
            ci = next((i for i, c in enumerate(cells) if i not in (bi, ai) and _CHANGE_COL.search(c)), None)
            header = (bi, ai, ci, len(cells))
            head = cells[ci] if ci is not None else ""
            change_sign = (
                -1
                if "降" in head or "减" in head
                else 1
                if any(w in head for w in ("升", "提高", "增"))
                else 0
            )
            continue
        if header is None or len(cells) < 2:
            continue
        bi, ai, ci, width = header
        indicator = cells[0]
        s0 = line.start() + len(line.group()) - len(line.group().lstrip())
        span = (s0, line.start() + len(line.group().rstrip()))
        before = after = cv = None
        if len(cells) == width:
            before, after = _cell_value(cells[bi]), _cell_value(cells[ai])
            cv = _cell_value(cells[ci]) if ci is not None else None
        elif ci is not None and len(cells) < width:  # merged "—" cells: only the change is left
            cv = _cell_value(cells[-1])
        stated: float | None = None
        stated_unit = ""
        if cv is not None:
            stated, stated_unit, signed = cv
            if not signed and change_sign:
                stated *= change_sign  # "降幅" column: 70.9% means -70.9%
            elif not signed and before is not None and after is not None and after[0] < before[0]:
                stated = -stated  # unsigned "变化" column: only the size is stated
        if before is not None and after is not None:
            common = _common_unit(before[0], before[1], after[0], after[1])
            if common is None:
                continue
            b, a, unit = common
            out.append(
                Metric(
                    indicator=indicator,
                    before=b,
                    after=a,
                    change=round((a - b) / b * 100, 4) if b else a - b,
                    unit=unit,
                    change_unit="%" if b else unit,
                    direction="down" if a < b else "up" if a > b else None,
                    verb="",
                    span=span,
                    kind="from_to",
                    has_baseline=True,
                    stated_change=stated,
                    stated_unit=stated_unit if stated is not None else "",
                    stated_verb=("下降" if stated < 0 else "提升") if stated is not None else "",
                )
            )
        elif stated is not None and stated_unit:  # only the change survives (merged cells)
            out.append(
                Metric(
                    indicator=indicator,
                    before=None,
                    after=None,
                    change=stated,
                    unit=stated_unit,
                    change_unit=stated_unit,
                    direction="down" if stated < 0 else "up" if stated > 0 else None,
                    verb="下降" if stated < 0 else "提升",
                    span=span,
                    kind="change",
                    has_baseline=True,  # the table compares with the state before
                )
            )
    return out


class _Taken:
    """Spans already claimed by a metric. An overlap test costs O(log n), not O(number of spans): a Fenwick
    tree over start offsets holds the largest end of the spans starting at or before each offset."""

    def __init__(self, size: int) -> None:
        self.n = size + 2
        self.tree = [-1] * (self.n + 1)

    def free(self, s: int, e: int) -> bool:
        """True when no stored span (ts, te) has ts < e and te > s."""
        i, best = min(max(e, 0), self.n), -1  # prefix over starts 0..e-1 (tree index = start + 1)
        while i > 0:
            best = max(best, self.tree[i])
            i -= i & -i
        return best <= s

    def add(self, span: SpanT) -> None:
        i, te = span[0] + 1, span[1]
        while i <= self.n:
            if self.tree[i] < te:
                self.tree[i] = te
            i += i & -i


def extract_metrics(text: str) -> list[Metric]:
    """Extract quantified statements with their spans.

    Args:
        text: the original text.
    Returns:
        Metrics in text order; ``text[m.span[0]:m.span[1]]`` is the statement's evidence.
    """
    out: list[Metric] = []
    taken = _Taken(len(text))
    free = taken.free

    if "\t" in text or "|" in text:
        for m in _table_metrics(text):
            out.append(m)
            taken.add(m.span)

    for m in _FROM_TO.finditer(text):
        if not free(m.start(), m.end()):
            continue
        ind, ist = _indicator_before(text, m.start())
        common = _common_unit(_num(m["b"]), _unit(m["bu"]), _num(m["a"]), _unit(m["au"]))
        if common is None:
            continue  # incomparable units: no reliable before/after figure
        b, a, unit = common
        if unit in ("年", "月") or (not unit and 1900 <= b <= 2100 and 1900 <= a <= 2100):
            continue  # a period ("从2019年到2021年"), not a result
        verb = m["verb"]
        direction = verb_direction(verb) or ("down" if a < b else "up" if a > b else None)
        if b != 0:
            change, cu = round((a - b) / b * 100, 4), "%"
        else:
            change, cu = a - b, unit
        end = m.end()
        stated = stated_u = stated_v = None
        t = _TRAIL.match(text[end : end + 64])  # a slice: see _has_baseline
        if t and t.start() == 0 and t.end() <= 24:
            stated, stated_u, stated_v = _num(t["c"]), _unit(t["cu"]), t["verb"]
            if verb_direction(stated_v) == "down":
                stated = -stated
            end += t.end()
            if end < len(text) and text[end] in "）)":
                end += 1
        span = (ist if ind else m.start(), end)
        taken.add(span)
        out.append(
            Metric(
                indicator=ind,
                before=b,
                after=a,
                change=change,
                unit=unit,
                change_unit=cu,
                direction=direction,
                verb=verb,
                span=span,
                kind="from_to",
                has_baseline=True,
                stated_change=stated,
                stated_unit=stated_u or "",
                stated_verb=stated_v or "",
            )
        )

    for m in _CHANGE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        ind2 = m["ind2"] or ""
        if ind2:
            ind, ist = ind2, m.start()
        else:
            ind, ist = _indicator_before(text, m.start())
        c = _num(m["c"])
        verb = m["verb"]
        direction = verb_direction(verb)
        unit = _unit(m["cu"])
        span = (ist if ind else m.start(), m.end())
        taken.add(span)
        out.append(
            Metric(
                indicator=ind,
                before=None,
                after=None,
                change=-c if direction == "down" else c,
                unit=unit,
                change_unit=unit,
                direction=direction,
                verb=verb,
                span=span,
                kind="change",
                has_baseline=_has_baseline(text, span[0], span[1]),
            )
        )

    for m in _LEVEL.finditer(text):
        if not free(m.start(), m.end()):
            continue
        ind, ist = _indicator_before(text, m.start())
        if not ind.endswith(("率", "度", "效率")):
            continue
        span = (ist, m.end())
        taken.add(span)
        out.append(
            Metric(
                indicator=ind,
                before=None,
                after=_num(m["a"]),
                change=None,
                unit="%",
                change_unit="",
                direction=None,
                verb=m["verb"],
                span=span,
                kind="level",
                has_baseline=_has_baseline(text, span[0], span[1]),
            )
        )
    out.sort(key=lambda x: x.span)
    return out
