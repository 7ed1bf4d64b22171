"""Plain-text sources (.txt, .md): UTF-8 first, then GBK/GB18030 and others via charset-normalizer."""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes

from kb.errors import EmptyDocumentError, IngestError

_CJK_FAMILY = {"gbk", "gb2312", "gb18030", "hz", "big5", "cp936"}


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Decode text bytes and name the encoding used.

    Args:
        data: raw bytes.
        source: file name for messages.

    Returns:
        ``(text, encoding)``.
    """
    if not data.strip():
        raise EmptyDocumentError(source, "文件为空", "请提交含正文的文件")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise IngestError(source, "文件内容是二进制数据，不是文本", "请确认文件类型或另存为 UTF-8 文本")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Chinese government texts that are not UTF-8 are almost always GB-family; GB18030 is a superset of GBK/GB2312.
    try:
        text = data.decode("gb18030")
        if _looks_like_text(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or not _looks_like_text(str(best)):
        raise IngestError(source, "无法识别文本编码", "请另存为 UTF-8 或 GB18030 编码的文本")
    enc = best.encoding.lower()
    return str(best), ("gb18030" if enc in _CJK_FAMILY else enc)


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\r\n\t\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad / len(text) < 0.01


def read_text_file(path: Path) -> tuple[str, str]:
    """Read a .txt/.md file. Returns ``(text, encoding)``."""
    return decode_bytes(path.read_bytes(), str(path))
