"""Section structure: headings (一、 （一） 1. 1.1 【】 第X部分, Markdown #, short title lines) mapped to canonical parts.

Canonical parts, their heading synonyms and the sentence cues used to infer parts in texts without
headings are data (``nlp/data/sections.toml``). Spans are half-open offsets into the original text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from nlp import rx
from nlp.text import paragraphs, sentences
from nlp.types import SpanT

SECTIONS_FILE = Path(__file__).resolve().parent / "data" / "sections.toml"

_CN_NUM = "一二三四五六七八九十百零〇"
# (rank, pattern) — lower rank = higher in the outline. Each pattern matches the heading marker.
_MARKERS: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(rf"第[{_CN_NUM}\d]+(?:部分|章|节|篇)[、.．:：\s]*")),
    (1, re.compile(r"【(?=[^】\n]{1,30}】)")),
    (2, re.compile(rf"[{_CN_NUM}]+\s*[、.．]\s*")),
    (3, re.compile(rf"[（(]\s*[{_CN_NUM}]+\s*[)）]\s*[、.．]?\s*")),
    (5, re.compile(r"\d{1,2}(?:[.．]\d{1,2}){1,3}(?=\s|[\u4e00-\u9fff])[、.．]?\s*")),
    (4, re.compile(r"\d{1,2}\s*[、.．](?!\d)\s*")),
    (6, re.compile(r"(?:[（(]\s*\d{1,2}\s*[)）]|\d{1,2}[)）])\s*")),
    (7, re.compile(r"[①-⑳]\s*")),
]
_PLAIN_RANK = 99  # unmarked headings ("实施成效：") sit below any marked ones
# Markdown ATX headings ("## 一、企业概况", "### 实施要素"): the number of # gives the outline level, above
# any marker found after it, so "## 【企业概况】" and "## 1. 企业概况" rank by their # alone.
# Python's re on purpose: matched at many offsets of one line (RE2's binding re-encodes the text per call);
# no nested or overlapping quantifiers, so each match is O(8).
_MD_HEADING = re.compile(r"(#{1,6})[ \t]+")
_MD_RANK = -10
_RUN_IN_STOP = rx.compile(r"[：:。]")
_PLAIN_RUN_IN = rx.compile(r"([^：:，,。；;]{2,12})[：:]")
_SENT_END = set("。！？!?；;")
_INNER_PUNCT = set("，,。；;！？!?")


@dataclass(frozen=True)
class PartSpec:
    """A canonical part: its name, optional parent part, heading synonyms and inference cues."""

    name: str
    parent: str | None
    synonyms: tuple[str, ...]
    cues: tuple[str, ...]


@dataclass
class Section:
    """A section: its heading, the canonical part(s) it maps to, its level and its spans."""

    heading: str
    part: str | None
    level: int
    heading_span: SpanT
    body_span: SpanT
    inferred: bool = False
    parts: tuple[str, ...] = ()
    parent: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["heading_span"] = list(self.heading_span)
        d["body_span"] = list(self.body_span)
        d["parts"] = list(self.parts)
        return d


@lru_cache(maxsize=4)
def load_parts(path: Path | str | None = None) -> tuple[PartSpec, ...]:
    """Load the canonical parts from a TOML file (``[[part]]`` tables).

    Args:
        path: the file; ``nlp/data/sections.toml`` when None.
    Returns:
        The parts in document order.
    """
    p = Path(path) if path is not None else SECTIONS_FILE
    data = tomllib.loads(p.read_text(encoding="utf-8"))
    return tuple(
        PartSpec(
            name=d["name"],
            parent=d.get("parent"),
            synonyms=tuple(d.get("synonyms", ())),
            cues=tuple(d.get("cues", ())),
        )
        for d in data["part"]
    )


def canonical_parts(parts: tuple[PartSpec, ...] | None = None) -> list[str]:
    """Names of the top-level canonical parts in order (sub-parts excluded).

    Args:
        parts: part specs; the shipped ones when None.
    Returns:
        Part names such as ``["企业概况", "场景概述", "实施内容", "实施成效", "推广价值"]``.
    """
    return [p.name for p in (parts or load_parts()) if p.parent is None]


@lru_cache(maxsize=4)
def _synonym_table(parts: tuple[PartSpec, ...]) -> list[tuple[str, str]]:
    table = [(syn, p.name) for p in parts for syn in (p.name, *p.synonyms)]
    table.sort(key=lambda x: -len(x[0]))
    return table


def match_parts(heading: str, parts: tuple[PartSpec, ...] | None = None, *, min_len: int = 1) -> list[str]:
    """Canonical parts named in a heading, in the order they appear (longest synonyms win).

    Args:
        heading: heading text without its marker.
        parts: part specs; the shipped ones when None.
        min_len: ignore synonyms shorter than this.
    Returns:
        Part names, without duplicates.
    """
    parts = parts or load_parts()
    taken = [False] * len(heading)
    found: list[tuple[int, str]] = []
    for syn, name in _synonym_table(parts):
        if len(syn) < min_len:
            continue
        start = heading.find(syn)
        while start >= 0:
            end = start + len(syn)
            if not any(taken[start:end]):
                for k in range(start, end):
                    taken[k] = True
                found.append((start, name))
            start = heading.find(syn, end)
    out: list[str] = []
    for _, name in sorted(found):
        if name not in out:
            out.append(name)
    return out


def _parent_of(name: str | None, parts: tuple[PartSpec, ...]) -> str | None:
    for p in parts:
        if p.name == name:
            return p.parent
    return None


def _heading_in_line(line: str, parts: tuple[PartSpec, ...]) -> tuple[int, int, int, int] | None:
    """Recognise a heading at the start of a (stripped) line.

    Returns (rank, title_start, title_end, heading_end) or None.

    Markdown markers nest ("## ## 1. 概况"): they are peeled off in a loop (a line of thousands of ``# `` is
    linear work, not a recursion), the outermost one giving the rank.
    """
    md = _MD_HEADING.match(line)
    if not md:
        return _marked_heading(line, parts)
    rank = _MD_RANK + len(md.group(1))
    start, end = 0, len(line)  # the current heading text is line[start:end]
    last: tuple[int, int] | None = None  # (start, end) of the innermost non-empty Markdown heading text
    while md:
        start = md.end()
        while end > start and line[end - 1] == "#":  # closing #s are decoration
            end -= 1
        while end > start and line[end - 1].isspace():
            end -= 1
        if end <= start:
            break
        last = (start, end)
        md = _MD_HEADING.match(line, start)
    if last is None:
        return None
    if end > start:  # the innermost text is no Markdown heading: it may carry its own marker
        inner = _marked_heading(line[start:end], parts)
        if inner is not None:
            _, ts, te, he = inner
            return rank, start + ts, start + te, start + he
    # a Markdown heading is a heading whatever its wording
    s0, e0 = last
    title = line[s0:e0].rstrip("：: \t")
    return rank, s0, s0 + len(title), s0 + len(title)


def _marked_heading(line: str, parts: tuple[PartSpec, ...]) -> tuple[int, int, int, int] | None:
    """A heading with a number/bracket marker, or a plain title-like line (no Markdown marker)."""
    for rank, pat in _MARKERS:
        m = pat.match(line)
        if not m:
            continue
        ts = m.end()
        if rank == 1:  # 【title】
            te = line.index("】", ts)
            return (rank, ts, te, te + 1) if te > ts else None
        rest = line[ts:]
        if not rest.strip():
            return None
        stripped = rest.rstrip("：: \t")
        if (
            len(stripped) <= 30
            and not any(c in _SENT_END for c in stripped)
            and not stripped.endswith(("，", ","))
        ):
            return rank, ts, ts + len(stripped), ts + len(stripped)
        # Run-in heading: "（一）企业概况：XX公司成立于…" — a short title before a colon or full stop.
        dm = _RUN_IN_STOP.search(rest[:21])
        if dm and 0 < dm.start() <= 20 and not any(c in _INNER_PUNCT for c in rest[: dm.start()]):
            title = rest[: dm.start()]
            if dm.group() in "：:" or match_parts(title, parts, min_len=2):
                return rank, ts, ts + dm.start(), ts + dm.start()
        return None
    # Plain title-like line naming a canonical part: "实施成效", "推广价值：".
    stripped = line.rstrip("：: \t")
    if 2 <= len(stripped) <= 20 and not any(c in _INNER_PUNCT for c in stripped):
        for syn, _ in _synonym_table(parts):
            if (
                stripped.startswith(syn)
                and (len(syn) >= 4 or stripped == syn)
                and len(stripped) <= len(syn) + 8
            ):
                return _PLAIN_RANK, 0, len(stripped), len(stripped)
    # Plain run-in: "实施成效：通过…"
    dm = _PLAIN_RUN_IN.match(line)
    if dm:
        title = dm.group(1)
        for syn, _ in _synonym_table(parts):
            if title.startswith(syn) and len(syn) >= 2 and len(title) <= len(syn) + 4:
                return _PLAIN_RANK, 0, dm.end(1), dm.end(1)
    return None


def detect_sections(text: str, parts: tuple[PartSpec, ...] | None = None) -> list[Section]:
    """Detect sections and map them to canonical parts; infer parts from cues when there are no headings.

    Args:
        text: the original text.
        parts: part specs; the shipped ones when None.
    Returns:
        Sections in text order. With headings: one per heading, ``inferred=False``, body up to the next
        heading of the same or a higher level. Without: consecutive sentences grouped by inferred
        part, ``inferred=True`` and an empty heading span.
    """
    parts = parts or load_parts()
    found: list[tuple[int, int, int, int, int]] = []  # rank, heading start/end, title start/end
    for para in paragraphs(text):
        h = _heading_in_line(para.text, parts)
        if h is None:
            continue
        rank, ts, te, he = h
        # The heading span keeps the marker ("一、企业概况"); the title is matched against synonyms.
        hs, he = para.start, para.start + he
        while he > hs and text[he - 1].isspace():
            he -= 1
        found.append((rank, hs, he, para.start + ts, para.start + te))
    if len(found) > 1 and found[0][0] < _MD_RANK + 7 and all(r > found[0][0] for r, *_ in found[1:]):
        found = found[1:]  # a lone top Markdown heading ("# 标题") is the document title, not a part
    if not found:
        return infer_sections(text, parts)
    ranks = sorted({r for r, *_ in found})
    level_of = {r: i + 1 for i, r in enumerate(ranks)}
    sections: list[Section] = []
    for i, (rank, hs, he, title_start, title_end) in enumerate(found):
        level = level_of[rank]
        end = len(text)
        for rank2, hs2, *_ in found[i + 1 :]:
            if level_of[rank2] <= level:
                end = hs2
                break
        bs, be = he, end
        while bs < be and (text[bs].isspace() or text[bs] in "：:】。"):
            bs += 1
        while be > bs and text[be - 1].isspace():
            be -= 1
        title = text[title_start:title_end].strip().rstrip("：:")
        names = tuple(match_parts(title, parts))
        part = names[0] if names else None
        sections.append(
            Section(
                heading=text[hs:he],
                part=part,
                level=level,
                heading_span=(hs, he),
                body_span=(bs, be),
                inferred=False,
                parts=names,
                parent=_parent_of(part, parts),
            )
        )
    return sections


def infer_sections(text: str, parts: tuple[PartSpec, ...] | None = None) -> list[Section]:
    """Infer canonical parts sentence by sentence from cue words and group them into sections.

    A sentence takes the part whose cues it contains most (the current part wins ties); a sentence
    without cues continues the current part.

    Args:
        text: the original text.
        parts: part specs; the shipped ones when None.
    Returns:
        Sections with ``inferred=True``, empty heading and heading span ``(start, start)``.
    """
    parts = parts or load_parts()
    order = {p.name: i for i, p in enumerate(parts)}
    current: str | None = None
    groups: list[list[Any]] = []  # [part, start, end]
    for sent in sentences(text):
        best, best_score = None, 0.0
        for p in parts:
            score = sum(1 for cue in p.cues if cue in sent.text)
            if score == 0:
                continue
            if p.name == current:
                score += 0.5
            elif current is not None and order[p.name] < order[current]:
                score -= 0.25  # the parts usually come in canonical order
            if score > best_score:
                best, best_score = p.name, score
        part = best or current
        if groups and groups[-1][0] == part:
            groups[-1][2] = sent.end
        else:
            groups.append([part, sent.start, sent.end])
        current = part
    return [
        Section(
            heading="",
            part=part,
            level=1,
            heading_span=(s, s),
            body_span=(s, e),
            inferred=True,
            parts=(part,) if part else (),
            parent=_parent_of(part, parts),
        )
        for part, s, e in groups
    ]


def parts_present(sections: list[Section], parts: tuple[PartSpec, ...] | None = None) -> set[str]:
    """Canonical parts covered by the sections; a sub-part also covers its parent.

    Args:
        sections: output of ``detect_sections``.
        parts: part specs; the shipped ones when None.
    Returns:
        The set of part names present.
    """
    parts = parts or load_parts()
    present: set[str] = set()
    for s in sections:
        for name in s.parts:
            present.add(name)
            parent = _parent_of(name, parts)
            if parent:
                present.add(parent)
    return present
