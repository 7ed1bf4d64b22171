"""Linear-time regular expressions for text analysis (RE2, via the ``google-re2`` package).

Every pattern that analyses user text is compiled here: RE2 never backtracks, so a match costs time linear in
the text whatever the pattern and the input (a repeated phrase or a long digit run cannot freeze a check).
Patterns keep Python's syntax with these differences, translated here so they mean what Python's ``re`` means
on ``str``:

- ``\\d``/``\\s``/``\\w`` (and ``\\D``/``\\S``/``\\W`` outside a class) match Unicode digits, Unicode space
  (including the ideographic space U+3000) and Unicode word characters, as in Python;
- ``\\uXXXX`` escapes become ``\\x{XXXX}``;
- ``re.I`` and ``re.M`` become inline flags.

RE2 has no look-around and no back-references: a pattern using them fails to compile (``ValueError``); such
conditions are checked in Python around the match (see nlp/metrics.py and nlp/checks/compliance.py).

Every compiled pattern is kept in :data:`REGISTRY`, so the hostile-input tests can run all of them against
generated worst cases.
"""

from __future__ import annotations

import re
from typing import Any

import re2

# Python's str \s: [ \t\n\r\f\v] plus the Unicode separators.
_SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
_DIGIT = r"\p{Nd}"
_WORD = r"\p{L}\p{N}\p{Mn}\p{Mc}_"
_IN_CLASS = {"d": _DIGIT, "s": _SPACE, "w": _WORD}
_OUTSIDE = {
    "d": _DIGIT,
    "D": r"\P{Nd}",
    "s": f"[{_SPACE}]",
    "S": f"[^{_SPACE}]",
    "w": f"[{_WORD}]",
    "W": f"[^{_WORD}]",
}

IGNORECASE = re.I
"""Case-insensitive (the only flags :func:`compile` takes are ``IGNORECASE`` and ``MULTILINE``)."""
MULTILINE = re.M
"""``^``/``$`` at line breaks."""

REGISTRY: dict[tuple[str, int], Any] = {}
_REGISTRY_MAX = 4096  # patterns built from rule parameters are cached too; past this, compiled afresh
# RE2's own memory budget for one compiled program (the default, 8 MB, is ample for our patterns).
_MAX_MEM = 64 << 20


def translate(pattern: str) -> str:
    """A Python ``re`` pattern as the RE2 pattern that means the same on ``str`` (see the module doc)."""
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            e = pattern[i + 1]
            if e == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", pattern[i + 2 : i + 6]):
                out.append(r"\x{" + pattern[i + 2 : i + 6] + "}")
                i += 6
                continue
            if in_class and e in _IN_CLASS:
                out.append(_IN_CLASS[e])
            elif in_class and e in "DSW":
                raise ValueError(f"\\{e} inside a character class is not supported: {pattern!r}")
            elif not in_class and e in _OUTSIDE:
                out.append(_OUTSIDE[e])
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if c == "]" and not (out and out[-1] in ("[", "[^")):
                in_class = False
            out.append(c)
        elif c == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                out.append("[^")
                i += 2
                if pattern[i : i + 1] == "]":  # "[^]...]": a literal ] first
                    out.append(r"\]")
                    i += 1
                continue
            out.append("[")
            if pattern[i + 1 : i + 2] == "]":
                out.append(r"\]")
                i += 2
                continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def compile(pattern: str, flags: int = 0) -> Any:  # noqa: A001 - mirrors re.compile
    """Compile ``pattern`` (Python syntax, see the module doc) for linear-time matching.

    Args:
        pattern: the pattern.
        flags: ``re.I`` and/or ``re.M``; no others.
    Returns:
        A compiled RE2 pattern with ``search``/``match``/``finditer``/``sub``/``split`` like ``re``'s.
    Raises:
        ValueError: the pattern uses what RE2 cannot match in linear time (look-around, back-references).
    """
    key = (pattern, flags)
    if key in REGISTRY:
        return REGISTRY[key]
    if flags & ~(re.I | re.M):
        raise ValueError(f"unsupported flags {flags!r}")
    prefix = ("i" if flags & re.I else "") + ("m" if flags & re.M else "")
    body = translate(pattern)
    if prefix:
        body = f"(?{prefix}){body}"
    opts = re2.Options()
    opts.max_mem = _MAX_MEM
    try:
        compiled = re2.compile(body, opts)
    except re2.error as e:
        raise ValueError(f"pattern not supported by the linear-time engine: {pattern!r} ({e})") from e
    if len(REGISTRY) < _REGISTRY_MAX:
        REGISTRY[key] = compiled
    return compiled


def escape(s: str) -> str:
    """``re.escape`` (its output is valid in both engines)."""
    return re.escape(s)


def range_except(lo: str, hi: str, excluded: str) -> str:
    """A character class matching ``lo``–``hi`` except the characters in ``excluded``.

    Stands for ``(?:(?![excluded])[lo-hi])``, which RE2 cannot express with look-ahead.
    """
    cuts = sorted({ord(c) for c in excluded if lo <= c <= hi})
    parts, start = [], ord(lo)
    for cp in [*cuts, ord(hi) + 1]:
        if start <= cp - 1:
            parts.append(rf"\x{{{start:x}}}-\x{{{cp - 1:x}}}" if cp - 1 > start else rf"\x{{{start:x}}}")
        start = cp + 1
    return "[" + "".join(parts) + "]"
