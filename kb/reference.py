"""Reference editions: the 典型场景 guide and the 揭榜 task list as data.

An edition lives in a folder ``data/<list>_<edition>/`` with ``entries.csv`` and ``edition.toml``
(see ``docs/architecture.md``, "Reference data layout"). This module loads and validates those
folders, resolves regions and GB/T 4754 industry divisions, imports the official text of a guide or
task list (pasted text, .txt, .docx, .pdf) and writes it back as an edition folder, so that an
imported official text becomes data, not code. No SQL here: storage is another module.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import tempfile
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kb.errors import KBError
from nlp.text import keyword_extractor, split_word
from nlp.types import ReferenceEntry

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
"""The bundled data folder (``<repo>/data``)."""

ENTRIES_FILE = "entries.csv"
EDITION_FILE = "edition.toml"

STATUSES = ("attested", "recalled", "reconstructed", "unverified", "official")
"""Allowed row ``status`` values. ``unverified`` is used by the 2025 source list (third-party names)."""

KINDS = ("guide", "tasks")
ENTRY_KIND = {"guide": "scenario", "tasks": "task"}
CODE_PREFIX = {"guide": "G", "tasks": "T"}

GUIDE_COLUMNS = ("code", "link_no", "link", "no", "name", "status", "scope", "keywords", "synonyms")
TASK_COLUMNS = (
    "code",
    "sector",
    "subsector",
    "no",
    "name",
    "status",
    "scope",
    "scenarios",
    "indicators",
    "keywords",
    "synonyms",
    "industry_codes",
)
COLUMNS = {"guide": GUIDE_COLUMNS, "tasks": TASK_COLUMNS}
EDITION_KEYS = ("edition", "kind", "title", "status", "source")

REGION_TYPES = ("省级", "计划单列市", "兵团", "中央企业")
"""Region types of the programme; 中央企业 has no region list."""

MANUFACTURING_CODES = range(13, 44)
"""GB/T 4754-2017 manufacturing divisions (门类 C): 13..43."""


class ReferenceDataError(KBError):
    """参考数据有误：请按提示修改数据文件后重新加载。

    Attributes name where the problem is: ``path`` (file), ``row`` (1-based line number in the
    file as a spreadsheet shows it, the header being row 1) and ``field`` (column or key).
    A :class:`kb.errors.KBError`, so the CLI and the UI show it at the edge.
    """

    code = "KB021"

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.row = row
        self.field = field
        where = []
        if path is not None:
            where.append(f"文件 {path}")
        if row is not None:
            where.append(f"第 {row} 行")
        if field is not None:
            where.append(f"字段 {field}")
        prefix = "，".join(where)
        super().__init__(f"{prefix}：{message}" if prefix else message)


# --------------------------------------------------------------------------------------------
# Editions
# --------------------------------------------------------------------------------------------


@dataclass
class Edition:
    """One loaded edition of a reference list.

    ``kind`` is ``"guide"`` (典型场景参考指引) or ``"tasks"`` (示范工厂揭榜任务); entries have
    ``kind`` ``"scenario"`` or ``"task"`` accordingly.
    """

    edition: str
    kind: str
    title: str
    status: str
    source: str
    entries: list[ReferenceEntry]
    folder: Path | None = None
    notes: str = ""

    @property
    def key(self) -> str:
        """Stable identifier of the edition, e.g. ``guide_2021`` or ``tasks_2021``."""
        return f"{self.kind}_{self.edition}"

    @property
    def is_official(self) -> bool:
        """True when every entry has status ``official``."""
        return bool(self.entries) and all(e.status == "official" for e in self.entries)

    def by_code(self) -> dict[str, ReferenceEntry]:
        """Entries keyed by code."""
        return {e.code: e for e in self.entries}

    def links(self) -> list[str]:
        """环节 (guide) or sectors (tasks) in list order, without repeats."""
        return list(dict.fromkeys(e.link for e in self.entries))

    def status_counts(self) -> dict[str, int]:
        """How many entries have each status, e.g. ``{"attested": 9, "recalled": 28}``."""
        out: dict[str, int] = {}
        for e in self.entries:
            out[e.status] = out.get(e.status, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary with the entries."""
        return {
            "edition": self.edition,
            "kind": self.kind,
            "title": self.title,
            "status": self.status,
            "source": self.source,
            "notes": self.notes,
            "folder": str(self.folder) if self.folder else None,
            "status_counts": self.status_counts(),
            "entries": [e.to_dict() for e in self.entries],
        }


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in (value or "").split("|") if p.strip())


def _read_edition_meta(folder: Path) -> dict[str, str]:
    path = folder / EDITION_FILE
    if not path.is_file():
        raise ReferenceDataError(
            f"缺少 {EDITION_FILE}；请在版本目录中创建它（键：{', '.join(EDITION_KEYS)}）。",
            path=path,
        )
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(
            f"无法解析 TOML（{exc}）；请检查引号与等号，文件须为 UTF-8 编码。", path=path
        ) from exc
    for key in EDITION_KEYS:
        value = meta.get(key)
        if value is None or not str(value).strip():
            raise ReferenceDataError(f'缺少或为空；请填写 {key} = "..."。', path=path, field=key)
    if meta["kind"] not in KINDS:
        raise ReferenceDataError(
            f"kind 为 {meta['kind']!r}，应为 guide（场景指引）或 tasks（揭榜任务）。",
            path=path,
            field="kind",
        )
    return {k: str(v) for k, v in meta.items()}


def _int_field(value: str, *, path: Path, row: int, name: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ReferenceDataError(
            f"应为整数，实际为 {value!r}；请填写阿拉伯数字编号。", path=path, row=row, field=name
        ) from None


def load_edition(folder: Path) -> Edition:
    """Load and validate one edition folder.

    Checks: ``edition.toml`` keys; required columns of ``entries.csv`` for the kind; non-empty
    ``code`` and ``name``; unique codes; ``status`` in :data:`STATUSES`; integer ``link_no`` /
    ``no``; industry codes within 13..43. Task ``scenarios`` are not checked against a guide here.

    Args:
        folder: the edition folder holding ``entries.csv`` and ``edition.toml``.

    Returns:
        The :class:`Edition` with its entries in file order.

    Raises:
        ReferenceDataError: naming the file, row and field at fault and how to fix it.
    """
    folder = Path(folder)
    meta = _read_edition_meta(folder)
    kind = meta["kind"]
    edition = meta["edition"].strip()
    path = folder / ENTRIES_FILE
    if not path.is_file():
        raise ReferenceDataError(
            f"缺少 {ENTRIES_FILE}；请放入列为 {','.join(COLUMNS[kind])} 的 UTF-8 CSV 文件。",
            path=path,
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReferenceDataError("文件不是 UTF-8 编码；请用“UTF-8”另存为后重试。", path=path) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS[kind] if c not in header]
    if missing:
        raise ReferenceDataError(
            f"缺少列 {', '.join(missing)}；表头应为 {','.join(COLUMNS[kind])}。",
            path=path,
            row=1,
            field=missing[0],
        )
    entries: list[ReferenceEntry] = []
    seen: dict[str, int] = {}
    row_no = 1
    for raw in reader:
        row_no += 1
        rec = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(rec.values()):
            continue
        for name in ("code", "name"):
            if not rec.get(name):
                raise ReferenceDataError(
                    f"{name} 不能为空；请填写该行的{'编码' if name == 'code' else '名称'}。",
                    path=path,
                    row=row_no,
                    field=name,
                )
        code = rec["code"]
        if code in seen:
            raise ReferenceDataError(
                f"编码 {code} 与第 {seen[code]} 行重复；每个编码只能出现一次。",
                path=path,
                row=row_no,
                field="code",
            )
        seen[code] = row_no
        status = rec.get("status", "")
        if status not in STATUSES:
            raise ReferenceDataError(
                f"状态 {status!r} 无效；应为 {' / '.join(STATUSES)} 之一。",
                path=path,
                row=row_no,
                field="status",
            )
        no = _int_field(rec["no"], path=path, row=row_no, name="no")
        common = dict(
            edition=edition,
            kind=ENTRY_KIND[kind],
            code=code,
            name=rec["name"],
            status=status,
            scope=rec.get("scope", ""),
            keywords=_split_list(rec.get("keywords", "")),
            synonyms=_split_list(rec.get("synonyms", "")),
            no=no,
        )
        if kind == "guide":
            link_no = _int_field(rec["link_no"], path=path, row=row_no, name="link_no")
            entry = ReferenceEntry(link=rec["link"], link_no=link_no, **common)
        else:
            codes = _split_list(rec.get("industry_codes", ""))
            for c in codes:
                if not c.isdigit() or int(c) not in MANUFACTURING_CODES:
                    raise ReferenceDataError(
                        f"行业代码 {c!r} 不是 GB/T 4754-2017 制造业大类代码；应为 13–43 的两位数字。",
                        path=path,
                        row=row_no,
                        field="industry_codes",
                    )
            entry = ReferenceEntry(
                link=rec["sector"],
                subsector=rec["subsector"],
                scenarios=_split_list(rec.get("scenarios", "")),
                indicators=_split_list(rec.get("indicators", "")),
                industry_codes=codes,
                **common,
            )
        entries.append(entry)
    if not entries:
        raise ReferenceDataError("没有任何条目；请至少填写一行数据。", path=path)
    return Edition(
        edition=edition,
        kind=kind,
        title=meta["title"],
        status=meta["status"],
        source=meta["source"],
        notes=meta.get("notes", ""),
        entries=entries,
        folder=folder,
    )


def bundled_editions(data_dir: Path | None = None) -> list[Edition]:
    """Load every edition folder shipped under ``data/``.

    Args:
        data_dir: folder to scan instead of the bundled ``data/`` (for tests or a custom store).

    Returns:
        Editions sorted by kind then edition (guide before tasks, older first).
    """
    root = Path(data_dir) if data_dir is not None else DATA_DIR
    out = [load_edition(p) for p in sorted(root.iterdir()) if (p / EDITION_FILE).is_file()]
    return sorted(out, key=lambda e: (KINDS.index(e.kind), e.edition, e.title))


def get_edition(kind: str, edition: str, data_dir: Path | None = None) -> Edition:
    """Return the bundled edition of a kind, preferring an official one over a reconstruction.

    Args:
        kind: ``"guide"`` or ``"tasks"`` (``"scenario"``/``"task"`` accepted).
        edition: the edition year, e.g. ``"2021"``.
        data_dir: folder to scan instead of the bundled ``data/``.

    Returns:
        The matching :class:`Edition`.

    Raises:
        ReferenceDataError: when no such edition exists.
    """
    kind = _norm_kind(kind)
    found = [e for e in bundled_editions(data_dir) if e.kind == kind and e.edition == edition]
    if not found:
        raise ReferenceDataError(f"找不到 {kind} {edition} 版本的参考数据；请先导入该版本或选择已有版本。")
    found.sort(key=lambda e: not e.is_official)
    return found[0]


def _norm_kind(kind: str) -> str:
    k = {"scenario": "guide", "scenarios": "guide", "task": "tasks"}.get(kind, kind)
    if k not in KINDS:
        raise ReferenceDataError(f"未知类型 {kind!r}；应为 guide（场景指引）或 tasks（揭榜任务）。")
    return k


# --------------------------------------------------------------------------------------------
# Regions and industries
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    """A recommending region: a provincial unit, a 计划单列市 or the 新疆生产建设兵团."""

    name: str
    aliases: tuple[str, ...]
    region_type: str
    parent: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "region_type": self.region_type,
            "parent": self.parent,
        }


@dataclass(frozen=True)
class Industry:
    """A GB/T 4754-2017 manufacturing division (大类) with matching keywords."""

    code: str
    name: str
    keywords: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "keywords": list(self.keywords)}


def _read_csv_rows(path: Path, required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise ReferenceDataError("文件不存在；请恢复项目自带的数据文件。", path=path)
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    for col in required:
        if col not in header:
            raise ReferenceDataError(
                f"缺少列 {col}；表头应包含 {','.join(required)}。", path=path, row=1, field=col
            )
    rows = []
    for i, raw in enumerate(reader, start=2):
        rec = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if any(rec.values()):
            rows.append((i, rec))
    return rows


@lru_cache(maxsize=4)
def _regions_cached(path: Path) -> tuple[Region, ...]:
    out = []
    for row, rec in _read_csv_rows(path, ("name", "aliases", "region_type")):
        if not rec["name"]:
            raise ReferenceDataError("name 不能为空。", path=path, row=row, field="name")
        if rec["region_type"] not in REGION_TYPES:
            raise ReferenceDataError(
                f"地区类型 {rec['region_type']!r} 无效；应为 {' / '.join(REGION_TYPES)} 之一。",
                path=path,
                row=row,
                field="region_type",
            )
        out.append(
            Region(
                name=rec["name"],
                aliases=_split_list(rec["aliases"]),
                region_type=rec["region_type"],
                parent=rec.get("parent", ""),
            )
        )
    return tuple(out)


def load_regions(path: Path | None = None) -> list[Region]:
    """Load the recommending regions (31 provincial units, 5 计划单列市, 兵团).

    Args:
        path: CSV to read instead of ``data/regions.csv``.

    Returns:
        Regions in file order.
    """
    return list(_regions_cached(Path(path) if path else DATA_DIR / "regions.csv"))


def _norm_name(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


_REGION_SUFFIX = re.compile(r"(维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市)$")


def resolve_region(name: str, regions: Iterable[Region] | None = None) -> Region | None:
    """Find the region a free-text name refers to.

    Accepts the full name (广东省), a short name (广东), a city with or without 市 (深圳市, 深圳),
    and longer strings that contain one (广东省深圳市 resolves to the more specific 深圳市).

    Args:
        name: the region as written in a submission or a form.
        regions: regions to search instead of :func:`load_regions`.

    Returns:
        The :class:`Region`, or None (also for 中央企业, which has no region list).
    """
    key = _norm_name(name)
    if not key:
        return None
    pool = list(regions) if regions is not None else load_regions()
    forms: dict[str, Region] = {}
    for r in pool:
        for form in (r.name, *r.aliases):
            forms.setdefault(_norm_name(form), r)
    if key in forms:
        return forms[key]
    stripped = _REGION_SUFFIX.sub("", key)
    if stripped in forms:
        return forms[stripped]
    # Containment: prefer the longest matching form, then the more specific region type.
    specific = {"计划单列市": 0, "兵团": 0, "省级": 1}
    best: tuple[int, int, Region] | None = None
    for form, r in forms.items():
        if len(form) >= 2 and form in key:
            cand = (-len(form), specific.get(r.region_type, 2), r)
            if best is None or cand[:2] < best[:2]:
                best = cand
    return best[2] if best else None


@lru_cache(maxsize=4)
def _industries_cached(path: Path) -> tuple[Industry, ...]:
    out = []
    for row, rec in _read_csv_rows(path, ("code", "name", "keywords")):
        code = rec["code"]
        if not code.isdigit() or int(code) not in MANUFACTURING_CODES:
            raise ReferenceDataError(
                f"代码 {code!r} 不是 13–43 的制造业大类代码。", path=path, row=row, field="code"
            )
        out.append(Industry(code=code, name=rec["name"], keywords=_split_list(rec["keywords"])))
    return tuple(out)


def load_industries(path: Path | None = None) -> list[Industry]:
    """Load the GB/T 4754-2017 manufacturing divisions 13..43 with their keywords.

    Args:
        path: CSV to read instead of ``data/industries_gbt4754.csv``.

    Returns:
        Industries ordered by code.
    """
    return list(_industries_cached(Path(path) if path else DATA_DIR / "industries_gbt4754.csv"))


def match_industries(text: str, industries: Iterable[Industry] | None = None) -> list[str]:
    """Codes of the industries whose name or a keyword occurs in ``text``.

    Args:
        text: a sub-sector name, a task name or a company description.
        industries: divisions to match instead of :func:`load_industries`.

    Returns:
        Matching division codes in code order (may be empty).
    """
    key = _norm_name(text)
    out = []
    for ind in industries if industries is not None else load_industries():
        if _norm_name(ind.name) in key or any(k and k in key for k in ind.keywords):
            out.append(ind.code)
    return out


# --------------------------------------------------------------------------------------------
# Official text: reading files
# --------------------------------------------------------------------------------------------


def read_official_file(path: Path) -> str:
    """Read the text of an official attachment (.txt/.md, .docx or .pdf).

    Text files are decoded as UTF-8, then GB18030, then by charset-normalizer's best guess.
    .docx files give their paragraphs and tables in document order (one table row per line,
    cells separated by a tab). PDFs need a text layer.

    Args:
        path: the file.

    Returns:
        The text, lines separated by ``\\n``.

    Raises:
        ReferenceDataError: unknown format, undecodable text, or a PDF without a text layer.
    """
    path = Path(path)
    if not path.is_file():
        raise ReferenceDataError("文件不存在；请检查路径。", path=path)
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise ReferenceDataError(
            "不支持旧版 .doc 格式；请在 Word/WPS 中另存为 .docx 后导入，或直接粘贴文本。", path=path
        )
    if suffix not in (".txt", ".md", ".text", "", ".docx", ".pdf"):
        raise ReferenceDataError(
            f"不支持的文件类型 {suffix}；请使用 .txt、.docx 或 .pdf，或直接粘贴文本。", path=path
        )
    # The same readers as submission ingest (encoding detection, bounded .docx/.pdf parsing).
    from kb.errors import IngestError
    from kb.ingest import read_document
    from kb.ingest.text import decode_bytes

    try:
        if suffix in (".docx", ".pdf"):
            text = read_document(path)[0]
        else:
            text = decode_bytes(path.read_bytes(), str(path))[0]
    except IngestError as exc:
        raise ReferenceDataError(f"{exc.reason}；{exc.fix}", path=path) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------------------------
# Official text: parsing the layout
# --------------------------------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十百零〇两"
_DIGITS = "0-9０-９"
_H1 = re.compile(rf"^([{_CN_NUM}]{{1,4}})\s*[、.．]\s*(.+)$")
_H2 = re.compile(rf"^[（(]\s*([{_CN_NUM}]{{1,4}})\s*[）)]\s*(.+)$")
_ENTRY = re.compile(rf"^([{_DIGITS}]{{1,3}})\s*[.．、](?![{_DIGITS}])\s*(.+)$")
_ENTRY_PAREN = re.compile(rf"^[（(]\s*([{_DIGITS}]{{1,3}})\s*[）)]\s*(.+)$")
_PAGE_NO = re.compile(rf"^[\-—–－\s]*[{_DIGITS}]{{1,3}}[\-—–－\s]*$|^第\s*\d+\s*页.*$")
_NAME_BRACKET = re.compile(r"^[【\[《]([^】\]》]{1,40})[】\]》]\s*[。：:，,]?\s*(.*)$")
_NAME_DELIMS = "。：:"
_TABLE_HEADER = re.compile(r"^(序号|编号|No\.?)\t|\t(场景|任务)?名称\t")
_TRAIL_PUNCT = "：:。；;，,、 "
_TASK_SUFFIXES = ("智能制造示范工厂", "示范工厂", "智能工厂")

INDICATOR_TERMS = (
    "生产效率",
    "运营成本",
    "研制周期",
    "不良品率",
    "单位产值能耗",
    "产品良率",
    "良品率",
    "一次合格率",
    "设备综合效率",
    "劳动生产率",
    "库存周转率",
    "订单交付周期",
    "交付周期",
    "能源利用率",
    "碳排放",
    "资源综合利用率",
    "人均产值",
)
"""Indicator names recognised in an imported task description."""

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
    if len(cells) < 3 or not re.fullmatch(rf"[{_DIGITS}]{{1,3}}", cells[0]):
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
            name, desc = _split_name(m.group(2))
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
    found = [t for t in INDICATOR_TERMS if t in text]
    return tuple(t for t in found if not any(t != o and t in o for o in found))


def _edition_short(edition: str) -> str:
    digits = re.sub(r"\D", "", str(edition))
    return digits[-2:] if len(digits) >= 2 else (digits or str(edition))


def _subsector_from_name(name: str) -> str:
    for suffix in _TASK_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _keyword_extractor() -> Any:
    """The toolkit's TF-IDF keyword extractor, knowing the domain terms of the bundled editions."""
    terms: set[str] = set()
    try:
        for ed in bundled_editions():
            for e in ed.entries:
                terms.update((e.name, *e.keywords, *e.synonyms, *e.indicators))
    except (ReferenceDataError, OSError) as exc:  # the importer still works without them
        log.warning("domain terms not loaded: %s", exc)
    return keyword_extractor(terms)


_KEYWORD_POS = ("n", "nz", "vn", "eng", "nt", "nl", "ng", "l", "j", "an")


def derive_keywords(name: str, description: str, top_k: int = 12) -> tuple[str, ...]:
    """Keywords for an entry that comes without any (the official text): name words + TF-IDF terms.

    Args:
        name: the scenario or task name.
        description: its description.
        top_k: at most this many keywords.

    Returns:
        Distinct keywords, the name's own words first, generic words and numbers left out.
    """
    extractor = _keyword_extractor()
    out: list[str] = []

    def add(word: str) -> None:
        w = word.strip()
        if (
            len(w) >= 2
            and w not in _GENERIC_WORDS
            and w not in out
            and w != name
            and not re.fullmatch(r"[\d.%％,，]+", w)
        ):
            out.append(w)

    for w in split_word(extractor.tokenizer, name):
        add(w)
    if description:
        for w in extractor.extract_tags(description, topK=top_k * 2, allowPOS=_KEYWORD_POS):
            add(w)
            if len(out) >= top_k:
                break
    return tuple(out[:top_k])


# --------------------------------------------------------------------------------------------
# Diff between editions
# --------------------------------------------------------------------------------------------


@dataclass
class EditionDiff:
    """What changed from one list of entries to another.

    ``renamed``: same number, different name. ``moved``: same name, different number or 环节.
    ``changed``: same entry, different description (scope).
    """

    added: list[ReferenceEntry] = field(default_factory=list)
    removed: list[ReferenceEntry] = field(default_factory=list)
    renamed: list[tuple[ReferenceEntry, ReferenceEntry]] = field(default_factory=list)
    moved: list[tuple[ReferenceEntry, ReferenceEntry]] = field(default_factory=list)
    changed: list[tuple[ReferenceEntry, ReferenceEntry]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def is_empty(self) -> bool:
        """True when nothing was added, removed, renamed, moved or changed."""
        return not (self.added or self.removed or self.renamed or self.moved or self.changed)

    def summary(self) -> str:
        """A Chinese summary: one line of counts, then one line per difference."""
        head = (
            f"新增 {len(self.added)} 项，删除 {len(self.removed)} 项，更名 {len(self.renamed)} 项，"
            f"编号或环节调整 {len(self.moved)} 项，描述变更 {len(self.changed)} 项，"
            f"未变 {self.unchanged} 项。"
        )
        lines = [head]
        lines += [f"新增：{e.no}. {e.name}（{e.link}）" for e in self.added]
        lines += [f"删除：{e.no}. {e.name}（{e.link}）" for e in self.removed]
        lines += [f"更名：{o.no}. {o.name} → {n.name}" for o, n in self.renamed]
        lines += [f"调整：{o.name}：{o.link} 第 {o.no} 项 → {n.link} 第 {n.no} 项" for o, n in self.moved]
        lines += [f"描述变更：{n.no}. {n.name}" for _, n in self.changed]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form: codes and names of each difference."""

        def brief(e: ReferenceEntry) -> dict[str, Any]:
            return {"code": e.code, "no": e.no, "name": e.name, "link": e.link}

        return {
            "added": [brief(e) for e in self.added],
            "removed": [brief(e) for e in self.removed],
            "renamed": [[brief(o), brief(n)] for o, n in self.renamed],
            "moved": [[brief(o), brief(n)] for o, n in self.moved],
            "changed": [[brief(o), brief(n)] for o, n in self.changed],
            "unchanged": self.unchanged,
            "summary": self.summary(),
        }


def _norm_text(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def diff_editions(old: Sequence[ReferenceEntry], new: Sequence[ReferenceEntry]) -> EditionDiff:
    """Compare two lists of entries (e.g. the reconstruction and an imported official text).

    Entries are paired by name first (a paired entry whose number or 环节 differs is *moved*), then
    the rest by number (same number, other name: *renamed*); what is left is added or removed.
    A paired entry whose non-empty description differs is also *changed*.

    Args:
        old: entries of the edition in use.
        new: entries of the candidate edition.

    Returns:
        The :class:`EditionDiff`.
    """
    diff = EditionDiff()
    new_by_name: dict[str, ReferenceEntry] = {}
    for e in new:
        new_by_name.setdefault(_norm_text(e.name), e)
    paired_new: set[int] = set()
    rest_old: list[ReferenceEntry] = []
    pairs: list[tuple[ReferenceEntry, ReferenceEntry]] = []
    for o in old:
        n = new_by_name.get(_norm_text(o.name))
        if n is not None and id(n) not in paired_new:
            paired_new.add(id(n))
            pairs.append((o, n))
            if o.no != n.no or _norm_text(o.link) != _norm_text(n.link):
                diff.moved.append((o, n))
        else:
            rest_old.append(o)
    rest_new = [e for e in new if id(e) not in paired_new]
    new_by_no = {}
    for e in rest_new:
        new_by_no.setdefault(e.no, e)
    for o in rest_old:
        n = new_by_no.pop(o.no, None)
        if n is not None:
            diff.renamed.append((o, n))
            pairs.append((o, n))
            paired_new.add(id(n))
        else:
            diff.removed.append(o)
    diff.added = [e for e in new if id(e) not in paired_new]
    for o, n in pairs:
        if o.scope and n.scope and _norm_text(o.scope) != _norm_text(n.scope):
            diff.changed.append((o, n))
    touched = {id(o) for o, _ in diff.moved + diff.renamed + diff.changed}
    diff.unchanged = sum(1 for o, _ in pairs if id(o) not in touched)
    return diff


# --------------------------------------------------------------------------------------------
# Writing an edition folder
# --------------------------------------------------------------------------------------------


def _toml_str(value: str) -> str:
    return json.dumps(str(value), ensure_ascii=False)


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_edition(
    folder: Path,
    edition: str,
    entries: Sequence[ReferenceEntry],
    status: str = "official",
    *,
    kind: str | None = None,
    title: str = "",
    source: str = "",
    notes: str = "",
) -> Edition:
    """Write entries as an edition folder (``entries.csv``, ``edition.toml``, ``README.md``).

    Args:
        folder: target folder, created if missing; existing files are replaced.
        edition: the edition label, e.g. ``"2021"``.
        entries: the entries (all of one kind).
        status: the edition's status summary written to ``edition.toml``.
        kind: ``"guide"`` or ``"tasks"``; inferred from the entries when omitted.
        title: title for ``edition.toml``; a default is made from kind and edition.
        source: where the text came from (e.g. the imported file name).
        notes: free notes.

    Returns:
        The edition as loaded back from disk (so the written data is validated).

    Raises:
        ReferenceDataError: no entries, mixed kinds, or data that does not validate.
    """
    if not entries:
        raise ReferenceDataError("没有可写入的条目；请先导入或解析参考文本。")
    kinds = {e.kind for e in entries}
    if len(kinds) != 1:
        raise ReferenceDataError(f"条目类型混杂（{', '.join(sorted(kinds))}）；一个版本只能包含一种类型。")
    entry_kind = kinds.pop()
    kind = _norm_kind(kind or entry_kind)
    if ENTRY_KIND[kind] != entry_kind:
        raise ReferenceDataError(f"kind={kind} 与条目类型 {entry_kind} 不一致。")
    if not title:
        title = (
            f"智能制造典型场景参考指引（{edition}年）"
            if kind == "guide"
            else f"智能制造示范工厂揭榜任务（{edition}年）"
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS[kind])
    for e in entries:
        if kind == "guide":
            writer.writerow(
                [e.code, e.link_no, e.link, e.no, e.name, e.status, e.scope]
                + ["|".join(e.keywords), "|".join(e.synonyms)]
            )
        else:
            writer.writerow(
                [e.code, e.link, e.subsector, e.no, e.name, e.status, e.scope]
                + ["|".join(e.scenarios), "|".join(e.indicators), "|".join(e.keywords)]
                + ["|".join(e.synonyms), "|".join(e.industry_codes)]
            )
    toml = "".join(
        f"{k} = {_toml_str(v)}\n"
        for k, v in (
            ("edition", edition),
            ("kind", kind),
            ("title", title),
            ("status", status),
            ("source", source or "（未注明）"),
            ("notes", notes),
        )
    )
    links = list(dict.fromkeys(e.link for e in entries))
    readme = (
        f"# {title}\n\n"
        f"Edition `{edition}`, kind `{kind}`, status `{status}`: {len(entries)} entries under "
        f"{len(links)} {'环节' if kind == 'guide' else 'sectors'}.\n\n"
        f"Source: {source or '(not given)'}\n\n"
        "Written by `kb.reference.write_edition`. Descriptions are the imported text; keywords were "
        "derived from the descriptions automatically (the official text has none).\n"
    )
    _atomic_write(folder / ENTRIES_FILE, buf.getvalue())
    _atomic_write(folder / EDITION_FILE, toml)
    _atomic_write(folder / "README.md", readme)
    return load_edition(folder)
