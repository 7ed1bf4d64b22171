"""The labelled real corpus: records, the frozen split by company, and pairs of the same project.

Format: ``data/labeled/real/corpus.jsonl`` (documented in ``data/labeled/real/README.md``). The split of a record
is a pure function of its company key (``split_of``), so adding records never moves an existing company.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from nlp import rx
from nlp.text import squeeze_spaces

SPLIT_SALT = "scenario-kb/real-corpus/v1"
#: share of company keys in each split (the bucket of ``sha1(salt + key)`` decides)
SPLIT_SHARES = (("test", 0.35), ("dev", 0.25), ("train", 0.40))

_LEGAL_SUFFIX = rx.compile(
    "(股份有限公司|有限责任公司|集团股份有限公司|集团有限公司|有限公司|股份公司|集团公司|集团|公司|"
    "控股|股份|科技|实业|工业)$"
)


@dataclass
class RealRecord:
    """One record of the real corpus (see the datasheet for every field)."""

    id: str
    text: str
    kind: str  # scenario | factory | negative
    off_topic: bool
    company: str = ""
    company_key: str = ""
    group: str | None = None
    year: int | None = None
    region: str = ""
    genre: str | None = None
    scenarios: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    task: str | None = None
    split: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


def company_key(name: str, aliases: dict[str, str] | None = None) -> str:
    """Canonical key of a company name: aliases first, then legal suffixes stripped.

    Args:
        name: the company name as written (full legal name or short name).
        aliases: optional map from a name (or stripped name) to the canonical key.
    Returns:
        The key ("" for an empty name).
    """
    n = squeeze_spaces(name or "")
    aliases = aliases or {}
    if n in aliases:
        return aliases[n]
    prev = None
    while prev != n:
        prev = n
        n = _LEGAL_SUFFIX.sub("", n)
    return aliases.get(n, n)


def split_of(key: str) -> str:
    """The frozen split of a company key (``test`` / ``dev`` / ``train``)."""
    h = int.from_bytes(hashlib.sha1((SPLIT_SALT + key).encode("utf-8")).digest()[:8], "big") / 2**64
    acc = 0.0
    for name, share in SPLIT_SHARES:
        acc += share
        if h < acc:
            return name
    return SPLIT_SHARES[-1][0]


def load_aliases(path: str | Path) -> dict[str, str]:
    """Read ``aliases.json`` (name → canonical company key); empty when the file is absent."""
    p = Path(path)
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}


def load_real(path: str | Path) -> list[RealRecord]:
    """Read the corpus JSONL.

    Args:
        path: ``corpus.jsonl``.
    Returns:
        The records in file order.
    Raises:
        ValueError: a line is not JSON or lacks a field; the message names the file and line.
    """
    out: list[RealRecord] = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            out.append(
                RealRecord(
                    id=d["id"],
                    text=d["text"],
                    kind=d["kind"],
                    off_topic=bool(d.get("off_topic")),
                    company=d.get("company") or "",
                    company_key=d.get("company_key") or "",
                    group=d.get("group"),
                    year=d.get("year"),
                    region=d.get("region") or "",
                    genre=d.get("genre"),
                    scenarios=list(d.get("scenarios") or []),
                    links=list(d.get("links") or []),
                    task=d.get("task"),
                    split=d.get("split") or "",
                    raw=d,
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: not a corpus record ({exc}); fix or remove the line") from exc
    return out


def by_split(records: Iterable[RealRecord], split: str | Sequence[str]) -> list[RealRecord]:
    """Records of one split (or several)."""
    want = {split} if isinstance(split, str) else set(split)
    return [r for r in records if r.split in want]


def project_pairs(records: Sequence[RealRecord]) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Ground truth for same-project detection.

    Returns:
        ``(same, ambiguous)``: unordered id pairs in one ``group`` (the same project from different sources), and
        pairs of one company otherwise (the same company, maybe the same plant, or a news item about it: neither
        counted as a hit nor as a false link). Every other pair is a different project.
    """
    same: set[tuple[str, str]] = set()
    amb: set[tuple[str, str]] = set()
    for a, b in combinations(records, 2):
        key = (a.id, b.id) if a.id < b.id else (b.id, a.id)
        if a.group and a.group == b.group and not a.off_topic and not b.off_topic:
            same.add(key)
        elif a.company_key and a.company_key == b.company_key:
            amb.add(key)
    return same, amb
