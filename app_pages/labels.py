"""What the pages call things: rule codes with their Chinese meaning, match levels, times in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# The short Chinese meaning of each finding code (the full message says what to fix; see docs/checks.md).
CODE_TITLES = {
    "LEN001": "字数超过上限",
    "LEN002": "字数过少",
    "SEN001": "句子过长",
    "STR001": "缺少必需部分",
    "STR002": "无可识别的小标题",
    "ELM001": "实施要素不具体",
    "FIG001": "引用了图表但无图题",
    "QNT001": "缺少量化成效",
    "QNT002": "量化成效无基准",
    "QNT003": "数据前后矛盾",
    "QNT004": "数据不合常理",
    "VAG001": "空泛表述过多",
    "BOI001": "照抄指南或通知",
    "SEC001": "缺少安全可控说明",
    "SEC002": "国外软件或装备未说明安全可控",
    "CON001": "疑似涉及商业秘密",
    "CLS001": "申报场景与正文不符",
    "CLS002": "申报场景不在参考指引中",
    "CLS003": "与典型场景关联度低（疑似偏题）",
    "SIM": "与其他申报材料高度相似",
}

LEVELS = {
    "identical": "完全相同",
    "minor_edits": "轻微改动",
    "paraphrase": "改写",
    "same_project": "同一项目",
    "partial": "部分重合",
    "unrelated": "无关",
}


def code_label(code: str) -> str:
    """``LEN001 字数超过上限`` (the code alone when it has no known meaning)."""
    title = CODE_TITLES.get(code) or CODE_TITLES.get(code.rstrip("0123456789"))
    return f"{code} {title}" if title else code


def codes_label(codes: list[str]) -> str:
    """Several codes with their meanings, separated by ``；``."""
    return "；".join(code_label(c) for c in codes if c)


def local_time(value: object) -> str:
    """A stored time (ISO text or UNIX seconds, UTC unless it says otherwise) as ``YYYY-MM-DD HH:MM`` in
    Asia/Shanghai; text that is not a time comes back unchanged."""
    if value in (None, ""):
        return ""
    try:
        if isinstance(value, int | float):
            dt = datetime.fromtimestamp(float(value), tz=UTC)
        else:
            dt = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return str(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
