"""Regions of the programme and GB/T 4754-2017 industry divisions: loading, resolving names, matching text."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import nlp.rx as rx
from kb.reference.editions import (
    DATA_DIR,
    MANUFACTURING_CODES,
    REGION_TYPES,
    ReferenceDataError,
    _split_list,
    read_table,
)
from nlp.text import name_key

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


_MISSING = "文件不存在；请恢复项目自带的数据文件。"


def _region(path: Path, row: int, rec: dict[str, str]) -> Region:
    if not rec["name"]:
        raise ReferenceDataError("name 不能为空。", path=path, row=row, field="name")
    if rec["region_type"] not in REGION_TYPES:
        raise ReferenceDataError(
            f"地区类型 {rec['region_type']!r} 无效；应为 {' / '.join(REGION_TYPES)} 之一。",
            path=path,
            row=row,
            field="region_type",
        )
    return Region(rec["name"], _split_list(rec["aliases"]), rec["region_type"], rec.get("parent", ""))


def _industry(path: Path, row: int, rec: dict[str, str]) -> Industry:
    code = rec["code"]
    if not code.isdigit() or int(code) not in MANUFACTURING_CODES:
        raise ReferenceDataError(
            f"代码 {code!r} 不是 13–43 的制造业大类代码。", path=path, row=row, field="code"
        )
    return Industry(code=code, name=rec["name"], keywords=_split_list(rec["keywords"]))


@lru_cache(maxsize=8)
def _table(path: Path, columns: tuple[str, ...], parse: Callable[[Path, int, dict[str, str]], Any]) -> tuple:
    return tuple(parse(path, row, rec) for row, rec in read_table(path, columns, _MISSING))


def load_regions(path: Path | None = None) -> list[Region]:
    """The recommending regions (31 provincial units, 5 计划单列市, 兵团) in file order, from ``path`` or
    ``data/regions.csv``."""
    csv_path = Path(path) if path else DATA_DIR / "regions.csv"
    return list(_table(csv_path, ("name", "aliases", "region_type"), _region))


def load_industries(path: Path | None = None) -> list[Industry]:
    """The GB/T 4754-2017 manufacturing divisions 13..43 with their keywords, ordered by code, from ``path`` or
    ``data/industries_gbt4754.csv``."""
    csv_path = Path(path) if path else DATA_DIR / "industries_gbt4754.csv"
    return list(_table(csv_path, ("code", "name", "keywords"), _industry))


_norm_name = name_key
_REGION_SUFFIX = rx.compile(r"(维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市)$")


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
