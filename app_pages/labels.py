"""What the pages call things: rule codes with their Chinese meaning, match levels, times in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# The short Chinese meaning of each finding code (the full message says what to fix; see docs/checks.md).
CODE_TITLES = {
    "LEN001": "字数超过上限",
    "SIM001": "与其他材料大量文字相同",
    "SIM002": "疑似同一项目或改写",
    "SIM003": "套话占比过高",
    "EVA001": "疑似规避查重的字符处理",
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
    "LIM001": "正文过长，只检查了前一部分",
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


def source_label(source: str) -> str:
    """Where a submission came from, for a reader: ``汇总表.xlsx#row=2`` → ``汇总表.xlsx 第 2 行``."""
    head, sep, row = str(source).rpartition("#row=")
    return f"{head} 第 {row} 行" if sep and row.isdigit() else str(source)


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


# The applicant's checklist: (item, finding codes that fail it, what to do when it fails).
CHECKLIST = (
    ("字数符合要求（800—3000 字）", ("LEN001", "LEN002"), "按提示增删内容"),
    ("结构完整（企业概况、场景概述、实施内容、实施成效、推广价值）", ("STR001",), "补齐缺少的部分"),
    ("有量化成效，且有实施前的基准", ("QNT001", "QNT002"), "写明实施前后的指标对比"),
    ("数据前后一致、合乎常理", ("QNT003", "QNT004"), "核对数字和变化幅度"),
    ("实施要素具体（技术、装备、软件、数据）", ("ELM001",), "写明采用的具体技术和装备"),
    ("表述具体，不空泛", ("VAG001",), "用数据代替“显著提升”等表述"),
    ("没有照抄指南或通知", ("BOI001",), "用自己的话写本企业的做法"),
    ("切合智能制造典型场景", ("CLS003",), "对照参考指引说明场景内容"),
    ("拟申报场景与正文一致", ("CLS001", "CLS002"), "改选更贴切的场景或补充相应内容"),
    ("不含商业秘密，说明安全可控", ("CON001", "SEC001", "SEC002"), "删去价格、客户等信息，补充安全可控说明"),
)


def checklist(findings: list[dict], off_topic: bool = False) -> list[dict]:
    """The checklist of a self-check: each item passed or not, with the findings that fail it."""
    rows = []
    for item, codes, todo in CHECKLIST:
        hits = [f for f in findings if f.get("code") in codes and f.get("severity") in ("error", "warning")]
        if "CLS003" in codes and off_topic and not hits:
            hits = [
                {"code": "CLS003", "severity": "warning", "message": "正文与智能制造典型场景的关联度低。"}
            ]
        rows.append({"item": item, "ok": not hits, "todo": todo, "findings": hits})
    return rows


def encoder_label(name: str) -> str:
    """The similarity encoder in words (the admin page), e.g. ``tfidf-c12-…`` → 字符 TF-IDF."""
    if name.startswith("tfidf"):
        return "字符 TF-IDF（LSA 降维，随包提供）"
    if name.startswith("e5-small"):
        return "多语言 E5-small 句向量（4 位量化）"
    if name.startswith("use-"):
        return "多语言 USE 句向量"
    if name.startswith("st-"):
        return f"本地句向量模型 {name[3:]}"
    return name or "未知"
