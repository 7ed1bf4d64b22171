"""The text toolkit: the one place for normalisation, sentences, words, character n-grams and BM25.

=======================  =====================================================================
normalisation            :mod:`nlp.normalize` (matching form with offset map, width fold, display)
sentences and windows    :mod:`nlp.text.sentences`
words (jieba, spaCy)     :mod:`nlp.text.words` — the only module that imports ``jieba``
character n-grams        :mod:`nlp.text.ngrams`
spans and offsets        :mod:`nlp.text.spans`
BM25                     :mod:`nlp.text.bm25`
=======================  =====================================================================

Import from here (``from nlp.text import sentences, word_tokens, BM25``) unless a name is only in a submodule.
"""

from nlp.normalize import (
    Normalized,
    content_hash,
    fold_width,
    match_text,
    name_key,
    normalize_display,
    normalize_for_match,
    normalize_with_offsets,
    squeeze_spaces,
)
from nlp.text.bm25 import BM25, TOKENIZERS, bm25_weights
from nlp.text.ngrams import bigram_tokens, char_bigrams, is_cjk, ngram_keys, stable_hash64
from nlp.text.sentences import Piece, paragraphs, sentence_spans, sentences, split_units, windows
from nlp.text.spans import merge_spans, norm_range, to_original
from nlp.text.words import (
    DOMAIN_DICT,
    DomainTerm,
    Segmenter,
    Token,
    dictionary_key,
    domain_tags,
    domain_terms,
    domain_tokenizer,
    get_segmenter,
    indicator_terms,
    keyword_extractor,
    load_domain_terms,
    reference_terms,
    split_word,
    use_domain_terms,
    word_tokens,
)

__all__ = [
    "BM25",
    "DOMAIN_DICT",
    "TOKENIZERS",
    "DomainTerm",
    "Normalized",
    "Piece",
    "Segmenter",
    "Token",
    "bigram_tokens",
    "bm25_weights",
    "char_bigrams",
    "content_hash",
    "dictionary_key",
    "domain_tags",
    "domain_terms",
    "domain_tokenizer",
    "fold_width",
    "get_segmenter",
    "indicator_terms",
    "is_cjk",
    "keyword_extractor",
    "load_domain_terms",
    "match_text",
    "merge_spans",
    "name_key",
    "ngram_keys",
    "norm_range",
    "normalize_display",
    "normalize_for_match",
    "normalize_with_offsets",
    "paragraphs",
    "reference_terms",
    "sentence_spans",
    "sentences",
    "split_units",
    "stable_hash64",
    "split_word",
    "squeeze_spaces",
    "to_original",
    "use_domain_terms",
    "windows",
    "word_tokens",
]
