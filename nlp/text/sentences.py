"""Paragraphs, sentences and the windows built from them — the project's one sentence splitter.

A sentence ends after a run of 。！？；!?; (with any closing quotes or brackets that follow), after a
Latin full stop followed by whitespace or the end of the text, and at a line break. Every piece is a
half-open span into the ORIGINAL text with surrounding whitespace excluded; empty pieces are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from nlp.types import SpanT

_CLOSERS = "”’」』）)】\"'"
# Python's re on purpose (tests/test_structure.py lists it): character classes without nested repetition, so each
# match costs its own length; this splitter runs on every text, and RE2's binding costs about 7x per match here.
_SENT_END = re.compile(rf"[。！？；!?;]+[{_CLOSERS}]*|\.(?=\s|$)[{_CLOSERS}]*|[\n\r]")
_PARA_RE = re.compile(r"[^\n]+")
_COMMA_RE = re.compile(r"[，,、：:]")


class Piece(NamedTuple):
    """A paragraph or sentence: its text and half-open offsets into the original text."""

    text: str
    start: int
    end: int


def strip_span(text: str, start: int, end: int) -> SpanT:
    """``(start, end)`` narrowed so that it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraphs(text: str) -> list[Piece]:
    """Split text into paragraphs (non-blank lines), stripped of surrounding whitespace.

    Args:
        text: the original text.
    Returns:
        ``Piece`` list; ``text[p.start:p.end] == p.text``.
    """
    out: list[Piece] = []
    for m in _PARA_RE.finditer(text):
        s, e = strip_span(text, m.start(), m.end())
        if e > s:
            out.append(Piece(text[s:e], s, e))
    return out


def sentence_spans(text: str) -> list[SpanT]:
    """Sentence spans of ``text``; terminators stay with their sentence.

    Args:
        text: the original text.
    Returns:
        Half-open spans in order, leading/trailing whitespace excluded, empty sentences skipped.
    """
    spans: list[SpanT] = []
    start = 0
    for m in _SENT_END.finditer(text):
        s, e = strip_span(text, start, m.end())
        if e > s:
            spans.append((s, e))
        start = m.end()
    s, e = strip_span(text, start, len(text))
    if e > s:
        spans.append((s, e))
    return spans


def sentences(text: str) -> list[Piece]:
    """Split text into sentences (see the module docstring for where a sentence ends).

    Args:
        text: the original text.
    Returns:
        ``Piece`` list in order; ``text[s.start:s.end] == s.text``.
    """
    return [Piece(text[s:e], s, e) for s, e in sentence_spans(text)]


def split_units(text: str, max_len: int = 120) -> list[SpanT]:
    """Scoring units: sentences, with a sentence longer than ``max_len`` cut into windows at commas.

    Args:
        text: the original text.
        max_len: longest unit in characters before it is cut.
    Returns:
        Half-open spans into ``text`` with surrounding whitespace stripped, in order.
    """
    spans: list[SpanT] = []
    for s, e in sentence_spans(text):
        if e - s <= max_len:
            spans.append((s, e))
            continue
        start = s
        cut = s
        for c in _COMMA_RE.finditer(text, s, e):
            if c.end() - start > max_len and cut > start:
                spans.append((start, cut))
                start = cut
            cut = c.end()
        while e - start > max_len:  # no comma to cut at: hard windows
            if cut > start and cut - start <= max_len:
                spans.append((start, cut))
                start = cut
                continue
            spans.append((start, start + max_len))
            start += max_len
        if e > start:
            spans.append((start, e))
    return spans


def windows(text: str, max_sentences: int = 3, max_chars: int = 400) -> Iterator[SpanT]:
    """Consecutive, non-overlapping windows of up to ``max_sentences`` sentences and ``max_chars``.

    A single sentence longer than ``max_chars`` is cut into ``max_chars`` pieces.

    Args:
        text: original text.
        max_sentences: sentences per window.
        max_chars: characters per window.

    Yields:
        Half-open spans into ``text``.
    """
    cur: SpanT | None = None
    n = 0
    for s, e in sentence_spans(text):
        while e - s > max_chars:
            if cur is not None:
                yield cur
                cur, n = None, 0
            yield (s, s + max_chars)
            s += max_chars
        if cur is not None and (n >= max_sentences or e - cur[0] > max_chars):
            yield cur
            cur, n = None, 0
        cur = (s, e) if cur is None else (cur[0], e)
        n += 1
    if cur is not None:
        yield cur
