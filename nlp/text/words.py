"""Word segmentation: the project's one jieba set-up (no other module imports ``jieba``).

There is one tokenizer, :func:`domain_tokenizer`: a private ``jieba.Tokenizer`` (the process-wide ``jieba``
dictionary is never touched) holding jieba's dictionary, the shipped domain dictionary
(``nlp/data/domain_dict.txt``: MES, 机器视觉, 不良品率 …) and the words it learns from the terms of the reference
editions in use (环节, scenario and task names, 细分行业, keywords, synonyms, indicators): :func:`edition_words`,
the runs of characters inside a term that the dictionary would cut one by one (排产 in 车间智能排产). A term made
of words the dictionary knows is not added whole: a long name or keyword kept as one word hides the words inside
it from everything that counts words (``docs/evaluation.md``). The edition terms are installed with
:func:`use_domain_terms` — the knowledge base's reference component does so whenever it loads the active
editions, so ``reference use`` and ``reference import`` change the dictionary — and the tokenizer is rebuilt,
once, on its next use after they change. Everything below reads that tokenizer:

* :func:`word_tokens`: normalised words for keyword indexes (BM25) and word features.
* :class:`Segmenter`: spaCy's Chinese language class with the tokenizer as its segmenter; every token
  carries half-open ``start``/``end`` offsets into the original text.
* :func:`keyword_extractor`: a jieba TF-IDF keyword extractor, for deriving keywords of imported official
  texts; :func:`split_word` splits a dictionary word into its parts.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from nlp import rx
from nlp.normalize import fold_width, match_text
from nlp.text.sentences import paragraphs, sentences

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DOMAIN_DICT = DATA_DIR / "domain_dict.txt"
EDITION_TERM_FREQ = 20000
"""jieba frequency of a word learned from the edition terms: high, so it stays one word wherever it is written."""
EDITION_TERM_TAG = "nz"
"""Part-of-speech tag of a word learned from the edition terms (jieba's "other proper noun")."""
_TERM_OK = rx.compile(r"^[^\s|]{2,12}$")


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


def domain_tags() -> frozenset[str]:
    """The category tags of the shipped domain dictionary (jieba reports them as part of speech)."""
    return frozenset(t.tag for t in load_domain_terms() if t.tag)


@lru_cache(maxsize=1)
def indicator_terms() -> tuple[str, ...]:
    """The indicator names (生产效率, 不良品率 …): the domain dictionary's terms tagged ``ind``, in its order.

    The one list of indicator names: figures (:mod:`nlp.metrics`) and imported official texts
    (``kb.reference.official``) read it.
    """
    return tuple(t.term for t in load_domain_terms() if t.tag == "ind")


def reference_terms(entries: Iterable[Any]) -> frozenset[str]:
    """The dictionary terms of reference entries (``nlp.types.ReferenceEntry``): 环节 / sector, name, 细分行业,
    keywords, synonyms and indicators of each, 2–12 characters without whitespace or ``|``.

    Scope texts are sentences, not terms: their words reach the classifier through the entry documents.
    """
    out: set[str] = set()
    for e in entries:
        for term in (e.link, e.name, e.subsector, *e.keywords, *e.synonyms, *e.indicators):
            term = (term or "").strip()
            if _TERM_OK.match(term):
                out.add(term)
    return frozenset(out)


class _Dictionary:
    """The edition terms in use and the one tokenizer built for them (rebuilt lazily when they change)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.terms: frozenset[str] = frozenset()
        self.tokenizer: Any = None
        self.pos: Any = None  # jieba.posseg.POSTokenizer over ``tokenizer`` (built on first keyword use)
        self.built_for: frozenset[str] | None = None


_DICT = _Dictionary()


def use_domain_terms(terms: Iterable[str]) -> bool:
    """Install the edition terms of the dictionary (replacing the previous ones).

    Args:
        terms: e.g. :func:`reference_terms` of the active guide and task list.
    Returns:
        True when the dictionary changed (the tokenizer is rebuilt on its next use, about a second).
    """
    new = frozenset(t for t in (s.strip() for s in terms) if _TERM_OK.match(t))
    with _DICT.lock:
        changed = new != _DICT.terms
        _DICT.terms = new
    return changed


def domain_terms() -> frozenset[str]:
    """The edition terms installed by :func:`use_domain_terms` (empty until the first call)."""
    return _DICT.terms


def dictionary_key() -> str:
    """A short fingerprint of the dictionary in use, for caches of anything fitted on its words."""
    h = hashlib.sha1(DOMAIN_DICT.read_bytes())
    h.update(b"edition words: character runs")  # how the edition terms enter the dictionary (edition_words)
    h.update("\n".join(sorted(_DICT.terms)).encode("utf-8"))
    return h.hexdigest()[:12]


def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def edition_words(tok: Any, terms: Iterable[str]) -> list[str]:
    """The words ``tok`` learns from edition terms: each run of two or more Chinese characters that ``tok`` cuts
    one by one inside a term (HMM off), e.g. 排产 of 车间智能排产 (车间|智能|排|产); a term made of known words
    (设备故障诊断与预测, 物流仿真) adds nothing.
    """
    out: set[str] = set()
    for term in terms:
        run = ""
        for piece in [*tok.lcut(term, HMM=False), ""]:
            if len(piece) == 1 and "\u4e00" <= piece <= "\u9fff":
                run += piece
                continue
            if len(run) >= 2:
                out.add(run)
            run = ""
    return sorted(out)


def _build(terms: frozenset[str]) -> Any:
    tok = _jieba().Tokenizer()
    tok.initialize()
    tok.load_userdict(str(DOMAIN_DICT))
    for word in edition_words(tok, terms):
        tok.add_word(word, freq=EDITION_TERM_FREQ, tag=EDITION_TERM_TAG)
    return tok


def domain_tokenizer() -> Any:
    """The tokenizer: jieba's dictionary, the domain dictionary and the edition terms in use.

    Built on first use and again on the first use after :func:`use_domain_terms` changed the terms; the
    returned object is never changed afterwards, so a caller may keep it for a consistent segmentation.
    """
    with _DICT.lock:
        if _DICT.built_for != _DICT.terms:
            _DICT.tokenizer, _DICT.pos = _build(_DICT.terms), None
            _DICT.built_for = _DICT.terms
        return _DICT.tokenizer


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
    """What spaCy's Chinese tokenizer calls (``cut(text, cut_all=False)``): the tokenizer in use, HMM ours."""

    def __init__(self, hmm: bool) -> None:
        self.hmm = hmm

    def cut(self, text: str, cut_all: bool = False) -> Any:
        return domain_tokenizer().cut(text, cut_all=cut_all, HMM=self.hmm)


class Segmenter:
    """spaCy zh with the domain tokenizer as its segmenter; build once, share across threads.

    Args:
        hmm: let jieba guess unknown words with its HMM (about 35% slower; off by default, so that
            words outside the dictionary are split into single characters, deterministically).
    """

    def __init__(self, hmm: bool = False) -> None:
        import spacy

        _jieba()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        self.nlp.tokenizer.jieba_seg = _Jieba(hmm)
        domain_tokenizer()  # built now (about a second), not inside the first text's analysis
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
    """The shared ``Segmenter`` (built on first use, about one second)."""
    return Segmenter()


@lru_cache(maxsize=1)
def _tfidf() -> Any:
    _jieba()
    import jieba.analyse

    return jieba.analyse.TFIDF()


def keyword_extractor() -> Any:
    """A jieba TF-IDF keyword extractor (``extract_tags``) over the domain tokenizer.

    Part-of-speech tags are jieba's, the domain dictionary's categories (:func:`domain_tags`) and
    :data:`EDITION_TERM_TAG` for edition terms.

    Returns:
        A ``jieba.analyse.TFIDF`` with ``tokenizer`` and ``postokenizer`` set to the tokenizer in use.
    """
    tok = domain_tokenizer()
    with _DICT.lock:
        if _DICT.pos is None or _DICT.pos.tokenizer is not tok:
            import jieba.posseg

            _DICT.pos = jieba.posseg.POSTokenizer(tok)
        pos = _DICT.pos
        extractor = _tfidf()
        extractor.tokenizer, extractor.postokenizer = tok, pos
        return extractor


def split_word(word: str) -> list[str]:
    """Segment ``word`` into its parts even when the whole word is in the dictionary (HMM off).

    The tokenizer is not changed: the whole-word arc is left out of jieba's word graph for this one cut.
    """
    tok = domain_tokenizer()
    jieba = _jieba()
    if len(word) < 2 or not jieba.re_han_default.fullmatch(word):
        return tok.lcut(word, HMM=False)
    n = len(word)
    dag = tok.get_DAG(word)
    dag[0] = [x for x in dag[0] if x != n - 1] or [0]
    route: dict[int, tuple[float, int]] = {}
    tok.calc(word, dag, route)
    out: list[str] = []
    buf = ""
    x = 0
    while (
        x < n
    ):  # jieba's own walk (Tokenizer.__cut_DAG_NO_HMM): single ASCII letters and digits run together
        y = route[x][1] + 1
        piece = word[x:y]
        if len(piece) == 1 and jieba.re_eng.match(piece):
            buf += piece
        else:
            if buf:
                out.append(buf)
                buf = ""
            out.append(piece)
        x = y
    if buf:
        out.append(buf)
    return out
