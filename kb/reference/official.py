"""Parsing the official text of a guide or task list into entries, and deriving keywords for entries that come
without any."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import nlp.rx as rx
from kb.reference.editions import CODE_PREFIX, ENTRY_KIND, ReferenceDataError, _norm_kind
from kb.reference.places import match_industries
from nlp.text import domain_tags, domain_terms, indicator_terms, keyword_extractor, split_word
from nlp.types import ReferenceEntry

# --------------------------------------------------------------------------------------------
# Official text: parsing the layout
# --------------------------------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十百零〇两"
_DIGITS = "0-9０-９"
# Linear-time patterns (nlp.rx): an official text is an uploaded file.
_H1 = rx.compile(rf"^([{_CN_NUM}]{{1,4}})\s*[、.．]\s*(.+)$")
_H2 = rx.compile(rf"^[（(]\s*([{_CN_NUM}]{{1,4}})\s*[）)]\s*(.+)$")
# "1. name": no digit right after the separator (RE2 has no look-ahead; group 2 is left-stripped by the caller)
_ENTRY = rx.compile(rf"^([{_DIGITS}]{{1,3}})\s*[.．、]([^{_DIGITS}].*)$")
_ENTRY_PAREN = rx.compile(rf"^[（(]\s*([{_DIGITS}]{{1,3}})\s*[）)]\s*(.+)$")
_PAGE_NO = rx.compile(rf"^[\-—–－\s]*[{_DIGITS}]{{1,3}}[\-—–－\s]*$|^第\s*\d+\s*页.*$")
_NAME_BRACKET = rx.compile(r"^[【\[《]([^】\]》]{1,40})[】\]》]\s*[。：:，,]?\s*(.*)$")
_TABLE_NO = rx.compile(rf"[{_DIGITS}]{{1,3}}")
_NUMBERISH = rx.compile(r"[\d.%％,，]+")
_NON_DIGIT = rx.compile(r"\D")
_NAME_DELIMS = "。：:"
_TABLE_HEADER = rx.compile(r"^(序号|编号|No\.?)\t|\t(场景|任务)?名称\t")
_TRAIL_PUNCT = "：:。；;，,、 "
_TASK_SUFFIXES = ("智能制造示范工厂", "示范工厂", "智能工厂")


_GENERIC_WORDS = frozenset(
    "智能化 数字化 信息化 智能 提升 提高 实现 通过 开展 进行 相关 能力 水平 企业 工厂 场景 应用 "
    "推进 推动 加强 建设 建立 形成 基于 利用 采用 以及 其中 主要 有效 全面 各类 需求 问题 技术 系统 "
    "平台 数据 管理 支撑 助力 促进 围绕 面向 重点 关键 持续 优化 降低 减少 增强 构建 典型 示范 "
    "一体化 全过程 全流程 生产 制造 运用 部署 软件 方案 实体 辅助 现实 效益 逻辑 物理 产品 过程 "
    "流程 新型 分析 管控 工作 方式 方面 内容 情况 要求 环节 方法 手段 模式 体系".split()
)


@dataclass
class _Raw:
    number: int
    name: str
    desc: list[str]
    link: str
    link_no: int
    subsector: str


def _clean_heading(s: str) -> str:
    return s.strip().rstrip(_TRAIL_PUNCT).strip()


def _split_name(rest: str) -> tuple[str, str]:
    """Split ``<name>。<description>`` (or ``<name>：…``, ``【name】…``) into name and description."""
    rest = rest.strip()
    m = _NAME_BRACKET.match(rest)
    if m:
        return m.group(1).strip(), m.group(2).strip()
    positions = [rest.find(d) for d in _NAME_DELIMS if rest.find(d) > 0]
    if positions and min(positions) <= 40:
        cut = min(positions)
        return rest[:cut].strip(), rest[cut + 1 :].strip()
    if len(rest) <= 40:
        return rest.rstrip(_TRAIL_PUNCT), ""
    comma = [rest.find(d) for d in "，," if 0 < rest.find(d) <= 40]
    if comma:
        cut = min(comma)
        return rest[:cut].strip(), rest[cut + 1 :].strip()
    return rest[:40], rest[40:].strip()


def _join_lines(parts: Sequence[str]) -> str:
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalnum():
            out += " "
        out += p
    return out


def _table_entry(cells: list[str], kind: str) -> tuple[int, str, str, str, str] | None:
    """Interpret a tab-separated table row: (number, link, subsector, name, description)."""
    cells = [c.strip() for c in cells]
    if len(cells) < 3 or not _TABLE_NO.fullmatch(cells[0]):
        return None
    num = int(cells[0])
    if kind == "tasks" and len(cells) >= 5:
        return num, cells[1], cells[2], cells[3], "".join(cells[4:])
    if len(cells) >= 4:
        return num, cells[1], "", cells[2], "".join(cells[3:])
    return num, "", "", cells[1], cells[2]


def parse_official_text(text: str, kind: str, edition: str) -> list[ReferenceEntry]:
    """Parse the official layout of a guide or task list into entries.

    The layout: 环节 (or sector) headings ``一、工厂设计`` / ``（一）工厂设计``; numbered entries
    ``1. 工厂数字化设计。<description>``, ``1.工厂数字化设计：…``, ``（1）…`` or ``1.【name】…``,
    the description possibly continuing on the next lines; tab-separated table rows
    (``序号\\t环节\\t名称\\t描述``) as :func:`read_official_file` gives them for .docx tables.
    For task lists, ``一、`` headings are sectors and ``（一）`` headings (if any) sub-sectors;
    otherwise the sub-sector is the task name without ``智能制造示范工厂``.

    Entries are numbered as printed when the numbering runs on through the document, and
    sequentially otherwise (numbering restarting in each 环节). A numbered line that breaks the
    sequence (``3.5万吨…``) is taken as description text.

    Args:
        text: the full text.
        kind: ``"guide"`` or ``"tasks"`` (``"scenario"``/``"task"`` accepted).
        edition: the edition label, e.g. ``"2021"``; codes become ``G21-01`` / ``T21-01``.

    Returns:
        Entries with status ``official``, keywords derived from the description.

    Raises:
        ReferenceDataError: when no numbered entry is found.
    """
    kind = _norm_kind(kind)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").split("\n")
    raws: list[_Raw] = []
    h1 = h2 = ""
    heading_since_entry = True
    links_seen: dict[str, int] = {}
    current: _Raw | None = None
    styles: list[str] = []

    def link_of() -> tuple[str, str]:
        if kind == "tasks":
            return h1, h2
        return (h2 or h1), ""

    def accept(num: int, style: str) -> bool:
        # A number that breaks the sequence, or within one section a numbering style other than
        # the entries' own (a "（1）" list inside a "1." entry), is description text.
        if not raws:
            return True
        if style != styles[-1] and not heading_since_entry:
            return False
        last = raws[-1].number
        return num == last + 1 or (num == 1 and heading_since_entry)

    def start(num: int, name: str, desc: str, link: str, sub: str, style: str) -> _Raw:
        nonlocal heading_since_entry
        styles.append(style)
        if link not in links_seen:
            links_seen[link] = len(links_seen) + 1
        raw = _Raw(num, name, [desc] if desc else [], link, links_seen[link], sub)
        raws.append(raw)
        heading_since_entry = False
        return raw

    for line in lines:
        s = line.strip()
        if not s or _PAGE_NO.match(s):
            continue
        if "\t" in s:
            row = _table_entry(s.split("\t"), kind)
            if row is not None and accept(row[0], "table"):
                num, link, sub, name, desc = row
                name = name.rstrip(_TRAIL_PUNCT)
                cur_link, cur_sub = link_of()
                current = start(num, name, desc, link or cur_link, sub or cur_sub, "table")
                continue
            if row is None and (current is None or _TABLE_HEADER.search(s)):
                continue  # a table's header row
            s = s.replace("\t", "")
        m = _H2.match(s)
        if m:
            h2 = _clean_heading(m.group(2))
            heading_since_entry = True
            current = None
            continue
        m = _H1.match(s)
        if m and len(m.group(2)) <= 40:
            h1 = _clean_heading(m.group(2))
            h2 = ""
            heading_since_entry = True
            current = None
            continue
        m, style = _ENTRY.match(s), "dot"
        if m is None:
            m, style = _ENTRY_PAREN.match(s), "paren"
        if m and accept(int(m.group(1)), style):
            name, desc = _split_name(m.group(2).lstrip())
            link, sub = link_of()
            current = start(int(m.group(1)), name, desc, link, sub, style)
            continue
        if current is not None:
            current.desc.append(s)
    if not raws:
        raise ReferenceDataError(
            "未识别到编号条目；请确认文本采用官方版式（如“一、工厂设计”标题下的“1. 场景名称。描述”）。"
        )
    printed = [r.number for r in raws]
    use_printed = printed == list(range(printed[0], printed[0] + len(printed)))
    prefix = f"{CODE_PREFIX[kind]}{_edition_short(edition)}"
    entries: list[ReferenceEntry] = []
    for i, r in enumerate(raws, start=1):
        no = r.number if use_printed else i
        desc = _join_lines(r.desc)
        common = dict(
            edition=str(edition),
            kind=ENTRY_KIND[kind],
            code=f"{prefix}-{no:02d}",
            name=r.name,
            status="official",
            scope=desc,
            keywords=derive_keywords(r.name, desc),
            no=no,
        )
        if kind == "guide":
            entries.append(ReferenceEntry(link=r.link, link_no=r.link_no, **common))
        else:
            sub = r.subsector or _subsector_from_name(r.name)
            entries.append(
                ReferenceEntry(
                    link=r.link,
                    subsector=sub,
                    indicators=_indicators_in(desc),
                    industry_codes=tuple(match_industries(f"{sub} {r.name}")),
                    **common,
                )
            )
    return entries


def _indicators_in(text: str) -> tuple[str, ...]:
    found = [t for t in indicator_terms() if t in text]
    return tuple(t for t in found if not any(t != o and t in o for o in found))


def _edition_short(edition: str) -> str:
    digits = _NON_DIGIT.sub("", str(edition))
    return digits[-2:] if len(digits) >= 2 else (digits or str(edition))


def _subsector_from_name(name: str) -> str:
    for suffix in _TASK_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


_KEYWORD_POS = ("n", "nz", "vn", "eng", "nt", "nl", "ng", "l", "j", "an", *sorted(domain_tags()))


def _edition_terms_in(text: str) -> list[str]:
    """The terms of the editions in use (keywords, names … of ``nlp.text.domain_terms``) written in ``text``, in
    order, longest first where two overlap."""
    terms = sorted(domain_terms(), key=lambda t: (-len(t), t))
    if not terms or not text:
        return []
    return [m.group(0) for m in rx.compile("|".join(rx.escape(t) for t in terms)).finditer(text)]


def derive_keywords(name: str, description: str, top_k: int = 12) -> tuple[str, ...]:
    """Keywords for an entry that comes without any (the official text): name words, the edition terms the
    description names (统计过程控制), then its TF-IDF terms.

    Args:
        name: the scenario or task name.
        description: its description.
        top_k: at most this many keywords.

    Returns:
        Distinct keywords, the name's own words first, generic words and numbers left out.
    """
    extractor = keyword_extractor()
    out: list[str] = []

    def add(word: str) -> None:
        w = word.strip()
        if (
            len(w) >= 2
            and w not in _GENERIC_WORDS
            and w not in out
            and w != name
            and not _NUMBERISH.fullmatch(w)
        ):
            out.append(w)

    for w in split_word(name):
        add(w)
    for w in _edition_terms_in(description):
        add(w)
    if description:
        for w in extractor.extract_tags(description, topK=top_k * 2, allowPOS=_KEYWORD_POS):
            add(w)
            if len(out) >= top_k:
                break
    return tuple(out[:top_k])
