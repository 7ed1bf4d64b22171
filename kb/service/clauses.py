"""The clauses of the 2021 notice that findings cite (``data/notice_2021/clauses.toml``), read in one place."""

from __future__ import annotations

import functools
import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.config import DATA_DIR

log = logging.getLogger(__name__)

CLAUSES_FILE = DATA_DIR / "notice_2021" / "clauses.toml"
QUOTE_LABELS = {"verbatim": "原文引用", "paraphrase": "概述（非原文）", "title": "仅标题可考"}


@dataclass
class NoticeClauses:
    """The notice clauses that findings cite, and the code → clause map."""

    notice: dict[str, Any]
    clauses: dict[str, dict[str, Any]]
    codes: dict[str, str]
    prefixes: dict[str, str] = field(default_factory=dict)

    def clause(self, clause_id: str) -> dict[str, Any] | None:
        """One clause with its id and a Chinese label of how sure its wording is."""
        c = self.clauses.get(clause_id)
        if c is None:
            return None
        return {"id": clause_id, **c, "quote_label": QUOTE_LABELS.get(c.get("quote", ""), c.get("quote", ""))}

    def for_code(self, code: str) -> dict[str, Any] | None:
        """The clause a finding or issue code relates to (by code, else by its longest known prefix)."""
        cid = self.codes.get(code)
        if cid is None:
            for p in sorted(self.prefixes, key=len, reverse=True):
                if code.startswith(p):
                    cid = self.prefixes[p]
                    break
        return self.clause(cid) if cid else None


@functools.lru_cache(maxsize=4)
def load_clauses(path: Path | None = None) -> NoticeClauses:
    """Read the clause table (default ``data/notice_2021/clauses.toml``).

    Args:
        path: another TOML file of the same layout.

    Returns:
        The clauses; an empty table when the file is missing.
    """
    p = Path(path) if path else CLAUSES_FILE
    if not p.exists():
        log.warning("notice clause file %s missing: dossiers will cite no clause", p)
        return NoticeClauses({}, {}, {}, {})
    data = tomllib.loads(p.read_text(encoding="utf-8"))
    return NoticeClauses(
        dict(data.get("notice", {})),
        {k: dict(v) for k, v in data.get("clauses", {}).items()},
        dict(data.get("codes", {})),
        dict(data.get("prefixes", {})),
    )
