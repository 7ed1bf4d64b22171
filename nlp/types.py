"""Plain records shared across the nlp package (no behaviour, no I/O)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SpanT = tuple[int, int]
"""A half-open character span ``[start, end)`` into the ORIGINAL text."""


@dataclass(frozen=True)
class ReferenceEntry:
    """One row of a reference list: a 典型场景 of the guide or a 揭榜 task.

    ``kind`` is ``"scenario"`` or ``"task"``. For scenarios ``link`` is the 环节; for tasks
    ``link`` is the sector (原材料/装备/消费品/电子信息) and ``subsector`` the 细分行业.
    """

    edition: str
    kind: str
    code: str
    name: str
    link: str
    status: str
    scope: str = ""
    keywords: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    link_no: int = 0
    no: int = 0
    subsector: str = ""
    scenarios: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    industry_codes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Finding:
    """One result of a check: a stable code, a severity and the spans it rests on."""

    code: str
    severity: str  # "error" | "warning" | "info"
    message: str
    spans: list[SpanT] = field(default_factory=list)
    weight: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["spans"] = [list(s) for s in self.spans]
        return d
