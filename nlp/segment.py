"""Segmentation with character offsets: paragraphs, sentences and words.

Words come from spaCy's Chinese language class with the jieba segmenter chosen through the config,
and a private jieba tokenizer that has the domain dictionary (``nlp/data/domain_dict.txt``) loaded, so
terms such as MES, 机器视觉 or 不良品率 stay one token. Every piece carries ``start``/``end`` offsets into
the original text (half-open).
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

DATA_DIR = Path(__file__).resolve().parent / "data"
DOMAIN_DICT = DATA_DIR / "domain_dict.txt"

# Sentence terminators: a sentence ends after one of these (and any closing quotes/brackets that follow).
_SENT_RE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+[”’」』）)】\"']*|\n|$)")
_PARA_RE = re.compile(r"[^\n]+")


class Piece(NamedTuple):
    """A paragraph or sentence: its text and half-open offsets into the original text."""

    text: str
    start: int
    end: int


class Token(NamedTuple):
    """A word token with half-open offsets into the original text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class DomainTerm:
    """One entry of the domain dictionary: the term and its category tag (soft/equip/tech/data/ind/n)."""

    term: str
    tag: str


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
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
        s, e = _strip_span(text, m.start(), m.end())
        if e > s:
            out.append(Piece(text[s:e], s, e))
    return out


def sentences(text: str) -> list[Piece]:
    """Split text into sentences on 。！？；!?; and newlines; terminators stay with their sentence.

    Args:
        text: the original text.
    Returns:
        ``Piece`` list in order; ``text[s.start:s.end] == s.text``.
    """
    out: list[Piece] = []
    for m in _SENT_RE.finditer(text):
        s, e = _strip_span(text, m.start(), m.end())
        if e > s:
            out.append(Piece(text[s:e], s, e))
    return out


def load_domain_terms(path: Path | str | None = None) -> list[DomainTerm]:
    """Read a jieba-format dictionary (``word [freq] [tag]`` per line; ``#`` comments allowed).

    Args:
        path: dictionary file; the shipped domain dictionary when None.
    Returns:
        The terms with their tags (``""`` when a line has no tag).
    """
    p = Path(path) if path is not None else DOMAIN_DICT
    terms: list[DomainTerm] = []
    for line in p.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        tag = parts[-1] if len(parts) >= 2 and not parts[-1].isdigit() else ""
        terms.append(DomainTerm(parts[0], tag))
    return terms


class _Jieba:
    """What spaCy's Chinese tokenizer calls (``cut(text, cut_all=False)``), with the HMM switch ours."""

    def __init__(self, tokenizer: Any, hmm: bool) -> None:
        self.tokenizer = tokenizer
        self.hmm = hmm

    def cut(self, text: str, cut_all: bool = False) -> Any:
        return self.tokenizer.cut(text, cut_all=cut_all, HMM=self.hmm)


class Segmenter:
    """spaCy zh (jieba segmenter) with the domain dictionary; build once, share across threads.

    Args:
        dict_paths: extra jieba-format dictionaries loaded after the shipped domain dictionary.
        extra_words: extra single words to add.
        hmm: let jieba guess unknown words with its HMM (about 35% slower; off by default, so that
            words outside the dictionaries are split into single characters, deterministically).
    """

    def __init__(
        self, dict_paths: Iterable[Path | str] = (), extra_words: Iterable[str] = (), hmm: bool = False
    ) -> None:
        import jieba
        import spacy

        jieba.setLogLevel(logging.WARNING)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        # A private jieba tokenizer: the domain dictionary never leaks into the process-wide jieba.
        seg = jieba.Tokenizer()
        seg.initialize()
        for p in (DOMAIN_DICT, *dict_paths):
            seg.load_userdict(str(p))
        for w in extra_words:
            seg.add_word(w)
        self.jieba = seg
        self.nlp.tokenizer.jieba_seg = _Jieba(seg, hmm)
        self._lock = threading.Lock()  # spaCy's vocabulary grows while tokenising

    def doc(self, text: str) -> Any:
        """Run the spaCy pipeline and return the ``spacy.tokens.Doc``.

        Args:
            text: the original text.
        Returns:
            A spaCy ``Doc`` whose tokens' ``idx`` are offsets into ``text``.
        """
        with self._lock:
            return self.nlp(text)

    def tokens(self, text: str) -> list[Token]:
        """Word tokens (whitespace dropped) with offsets into the original text.

        Args:
            text: the original text.
        Returns:
            ``Token`` list; ``text[t.start:t.end] == t.text``.
        """
        doc = self.doc(text)
        return [Token(t.text, t.idx, t.idx + len(t.text)) for t in doc if not t.is_space]

    def words(self, text: str) -> list[str]:
        """Word strings only (convenience for bag-of-words features).

        Args:
            text: the original text.
        Returns:
            The token texts in order.
        """
        return [t.text for t in self.tokens(text)]

    paragraphs = staticmethod(paragraphs)
    sentences = staticmethod(sentences)


@lru_cache(maxsize=1)
def get_segmenter() -> Segmenter:
    """The shared default ``Segmenter`` (built on first use, about one second).

    Returns:
        A process-wide ``Segmenter`` with the shipped domain dictionary.
    """
    return Segmenter()
