"""Plain-text sources (.txt, .md): UTF-8 first, then GBK/GB18030 and others via charset-normalizer."""

from __future__ import annotations

import codecs
from functools import lru_cache
from pathlib import Path

from charset_normalizer import from_bytes

from kb.errors import EmptyDocumentError, IngestError

_GB_FAMILY = {"gbk", "gb2312", "gb18030", "cp936"}
# Legacy encodings tried, in order of preference, for text that is not UTF-8; UTF-16 without a BOM last.
_LEGACY = ("gb18030", "big5", "shift_jis", "utf-16-le", "utf-16-be")
_SAMPLE_BYTES = 65536
_MIN_PLAUSIBLE = 0.85


@lru_cache(maxsize=65536)
def _plausible(ch: str) -> bool:
    """A character a Chinese (or Japanese) document plausibly holds: ASCII, a common hanzi, kana, CJK punctuation.

    Common hanzi are the first level of GB2312 (simplified) and of Big5 (traditional), so that a wrong
    decoding, which yields valid but rare characters (mojibake), scores low.
    """
    o = ord(ch)
    if o < 0x80:
        return ch.isprintable() or ch in "\r\n\t"
    if 0x3000 <= o <= 0x30FF or 0xFF01 <= o <= 0xFF65 or 0x2010 <= o <= 0x206F or o in (0xB7, 0xD7):
        return True
    for enc, lo, hi in (("gb2312", 0xB0, 0xD7), ("big5", 0xA4, 0xC6)):
        try:
            b = ch.encode(enc)
        except UnicodeEncodeError:
            continue
        if len(b) == 2 and lo <= b[0] <= hi:
            return True
    return False


def _plausibility(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    return sum(map(_plausible, chars)) / len(chars) if chars else 0.0


def _guess_legacy(data: bytes, candidates: tuple[str, ...]) -> tuple[str, str] | None:
    """Decode with the candidate whose text (judged on a sample) looks most like real Chinese/Japanese text."""
    sample = data[:_SAMPLE_BYTES]
    best: tuple[float, str] | None = None
    for enc in candidates:
        try:
            text = codecs.getincrementaldecoder(enc)().decode(sample, final=len(sample) == len(data))
        except UnicodeDecodeError:
            continue
        score = _plausibility(text)
        if best is None or score > best[0]:
            best = (score, enc)
    if best is None or best[0] < _MIN_PLAUSIBLE:
        return None
    try:
        return data.decode(best[1]), best[1]
    except UnicodeDecodeError:
        return None


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
        found = _guess_legacy(data, ("utf-16-le", "utf-16-be"))  # UTF-16 saved without a BOM
        if found is None:
            raise IngestError(source, "文件内容是二进制数据，不是文本", "请确认文件类型或另存为 UTF-8 文本")
        return found
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Chinese texts that are not UTF-8 are mostly GB-family (GB18030 is a superset of GBK/GB2312); Big5 and
    # Shift-JIS bytes also decode as GB18030, into rare characters, so each candidate is judged by plausibility.
    found = _guess_legacy(data, _LEGACY)
    if found is not None:
        return found
    best = from_bytes(data).best()
    if best is None or not _looks_like_text(str(best)):
        raise IngestError(source, "无法识别文本编码", "请另存为 UTF-8 或 GB18030 编码的文本")
    enc = best.encoding.lower()
    return str(best), ("gb18030" if enc in _GB_FAMILY else enc)


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\r\n\t\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad / len(text) < 0.01


def read_text_file(path: Path) -> tuple[str, str]:
    """Read a .txt/.md file. Returns ``(text, encoding)``."""
    return decode_bytes(path.read_bytes(), str(path))
