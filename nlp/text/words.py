"""Word segmentation: the project's one jieba set-up (no other module imports ``jieba``).

* :func:`domain_tokenizer`: a private ``jieba.Tokenizer`` with the domain dictionary
  (``nlp/data/domain_dict.txt``) loaded, built once per process, so terms such as MES, 机器视觉 or 不良品率
  stay one token. The process-wide ``jieba`` dictionary is never touched.
* :class:`Segmenter`: spaCy's Chinese language class with that tokenizer as its segmenter; every token
  carries half-open ``start``/``end`` offsets into the original text.
* :func:`word_tokens`: normalised words for keyword indexes (BM25).
* :func:`keyword_extractor`: a jieba TF-IDF keyword extractor that knows a given set of terms (the
  reference editions' names, keywords and synonyms), for deriving keywords of imported official texts.
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

from nlp.normalize import fold_width, match_text
from nlp.text.sentences import paragraphs, sentences

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DOMAIN_DICT = DATA_DIR / "domain_dict.txt"


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


def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def build_tokenizer(dict_paths: Iterable[Path | str] = (), extra_words: Iterable[str] = ()) -> Any:
    """A fresh private ``jieba.Tokenizer`` with the domain dictionary, then ``dict_paths`` and ``extra_words``.

    Args:
        dict_paths: extra jieba-format dictionaries loaded after the shipped domain dictionary.
        extra_words: extra single words to add.
    Returns:
        An initialised ``jieba.Tokenizer``.
    """
    tok = _jieba().Tokenizer()
    tok.initialize()
    for p in (DOMAIN_DICT, *dict_paths):
        if Path(p).exists():
            tok.load_userdict(str(p))
    for w in extra_words:
        tok.add_word(w)
    return tok


@lru_cache(maxsize=1)
def domain_tokenizer() -> Any:
    """The shared tokenizer with the domain dictionary (built on first use, about one second)."""
    return build_tokenizer()


def word_tokens(text: str) -> list[str]:
    """Words of ``text`` (width-folded, then the domain tokenizer with HMM on), each in its matching form; empty
    ones dropped."""
    out = []
    for w in domain_tokenizer().lcut(fold_width(text)):
        n = match_text(w)
        if n:
            out.append(n)
    return out


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
        import spacy

        dict_paths, extra_words = tuple(dict_paths), tuple(extra_words)
        _jieba()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        # A private jieba tokenizer: the domain dictionary never leaks into the process-wide jieba.
        seg = build_tokenizer(dict_paths, extra_words) if dict_paths or extra_words else domain_tokenizer()
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


def keyword_extractor(terms: Iterable[str]) -> Any:
    """A jieba TF-IDF keyword extractor (``extract_tags``) whose tokenizer knows ``terms``.

    Its tokenizer is a separate one WITHOUT the domain dictionary: the terms (2–12 characters, no
    whitespace or ``|``) are added with a high frequency and tag ``nz``, which is what keyword derivation
    of imported official texts was tuned with.

    Args:
        terms: domain terms, e.g. the names, keywords and synonyms of the bundled reference editions.
    Returns:
        A ``jieba.analyse.TFIDF`` with ``tokenizer`` and ``postokenizer`` set.
    """
    _jieba()
    import jieba.analyse
    import jieba.posseg

    tokenizer = jieba.Tokenizer()
    for term in sorted(set(terms)):
        if 2 <= len(term) <= 12 and not re.search(r"[\s|]", term):
            tokenizer.add_word(term, freq=20000, tag="nz")
    extractor = jieba.analyse.TFIDF()
    extractor.tokenizer = tokenizer
    extractor.postokenizer = jieba.posseg.POSTokenizer(tokenizer)
    return extractor


_SPLIT_LOCK = threading.Lock()


def split_word(tokenizer: Any, word: str) -> list[str]:
    """Segment ``word`` into its parts even when the whole word is in ``tokenizer``'s dictionary (HMM off)."""
    with _SPLIT_LOCK:
        tokenizer.check_initialized()
        freq = tokenizer.FREQ.get(word, 0)
        if freq:
            tokenizer.del_word(word)
        try:
            return tokenizer.lcut(word, HMM=False)
        finally:
            if freq:
                tokenizer.add_word(word, freq)
