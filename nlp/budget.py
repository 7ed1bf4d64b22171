"""Size budgets: every check and classifier stage reads a bounded amount of its input.

A stage over its budget processes the first ``limit`` units (characters, sentences, figures, scoring units) and
says so in a ``LIM001`` finding that names the limit, the setting that raises it and what to do. The limits are
settings of ``kb.config`` (``check_max_*``, ``classify_max_*``), passed in by the caller; the defaults here are
the same values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from nlp.types import Finding

_Seq = TypeVar("_Seq", bound=Sequence)

CODE = "LIM001"

CHECK_MAX_CHARS = 60_000
CHECK_MAX_SENTENCES = 3_000
CHECK_MAX_FIGURES = 1_000
CLASSIFY_MAX_CHARS = 60_000
CLASSIFY_MAX_UNITS = 3_000


def over_budget(stage: str, setting: str, limit: int, got: int, unit: str) -> Finding:
    """The ``LIM001`` finding of a stage that read only the first ``limit`` of ``got`` units.

    Args:
        stage: what was cut, in Chinese (e.g. ``结构与质量检查``).
        setting: the setting that holds the limit (e.g. ``check_max_chars``).
        limit: the budget.
        got: the size of the input, in the same unit.
        unit: the unit in Chinese (``个字符``, ``句``, ``个数字``, ``个评分单元``).

    Returns:
        A warning with ``detail`` ``stage``, ``setting``, ``limit``, ``size`` and ``unit``.
    """
    return Finding(
        code=CODE,
        severity="warning",
        message=(
            f"{stage}只处理了前 {limit:,} {unit}（本文共 {got:,} {unit}，上限为设置项 {setting}），"
            f"其后的内容没有检查：请删减正文后重新检查；确需处理更长的正文，请管理员调大 {setting}。"
        ),
        detail={"stage": stage, "setting": setting, "limit": int(limit), "size": int(got), "unit": unit},
    )


def cap(items: _Seq, limit: int, out: list[Finding], stage: str, setting: str, unit: str) -> _Seq:
    """``items`` cut to its first ``limit`` units (0 = no limit); when cut, a ``LIM001`` finding is added to ``out``.

    Args:
        items: a text or a list.
        limit, stage, setting, unit: as in :func:`over_budget`.
        out: where the finding goes.
    """
    if 0 < limit < len(items):
        out.append(over_budget(stage, setting, limit, len(items), unit))
        return items[:limit]
    return items
