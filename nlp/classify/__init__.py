"""Rank the 典型场景, 环节 and 揭榜 tasks of a reference edition that a text describes, with evidence.

Method (measured in ``docs/classification.md``):

1. **Representations** of every reference entry, built once from its name, scope, keywords, synonyms and any
   reviewer-confirmed examples: TF-IDF over jieba words (with ``nlp/data/domain_dict.txt``), TF-IDF over
   character bigrams, BM25 weights over words, and a keyword/synonym matcher that keeps character spans.
2. **Sentence-level scoring**: the text is split into sentences (long ones into windows); each sentence is scored
   against every entry, so a factory text that touches ten scenarios in ten sentences scores on each of them.
   Sentences repeated inside the text, and sentences that a ``boilerplate`` predicate marks as template text,
   are discounted.
3. **Fusion and calibration**: per (text, entry) features (document cosines, top-sentence scores, BM25,
   keyword hits, name coverage, optional dense similarity from an encoder, and each one's gap to the best
   entry) are combined by a logistic model fitted on the labelled development set. Its output is the score in
   [0, 1]: the calibrated probability that the entry is one of the text's labels. Coefficients and the
   thresholds (multi-label cut, off-topic cut) are data in ``nlp/data/classify_calibration.json``, written by
   ``python -m nlp.evaluate --fit-calibration``.
4. **Off-topic**: a text whose best calibrated score is below the off-topic threshold fits no scenario.
5. **Supervised layer** (``Classifier.fit_supervised``): TF-IDF + logistic regression on reviewer-confirmed
   labels, blended in only when its cross-validated top-1 beats the unsupervised ranking.

Findings: ``CLS001`` claimed scenario/task not among the top matches (warning), ``CLS002`` claimed name not in
the edition (info), ``CLS003`` text fits no scenario (warning).

Modules: :mod:`~nlp.classify.lexical` (the lexical scorer), :mod:`~nlp.classify.classifier` (sentence scoring,
fusion, off-topic, evidence, claims), :mod:`~nlp.classify.calibration`, :mod:`~nlp.classify.supervised`,
:mod:`~nlp.classify.claims` (claimed names, industry) and :mod:`~nlp.classify.records` (result types).
"""

from nlp.classify.calibration import (
    BASE_FEATURES,
    CALIBRATION_PATH,
    OFF_FEATURES,
    REL_FEATURES,
    Calibration,
    load_calibration,
    save_calibration,
)
from nlp.classify.claims import guess_industry, resolve_entry
from nlp.classify.classifier import BOILERPLATE_WEIGHT, MAX_WINDOW, TOP_SENTENCES, Classifier
from nlp.classify.records import Classification, Evidence, IndustryGuess, RankedEntry, RankedLink
from nlp.classify.supervised import SupervisedReport
from nlp.text import split_units

__all__ = [
    "BASE_FEATURES",
    "BOILERPLATE_WEIGHT",
    "CALIBRATION_PATH",
    "MAX_WINDOW",
    "OFF_FEATURES",
    "REL_FEATURES",
    "TOP_SENTENCES",
    "Calibration",
    "Classification",
    "Classifier",
    "Evidence",
    "IndustryGuess",
    "RankedEntry",
    "RankedLink",
    "SupervisedReport",
    "guess_industry",
    "load_calibration",
    "resolve_entry",
    "save_calibration",
    "split_units",
]
