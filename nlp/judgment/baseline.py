"""The naive baseline every judgment is reported beside: character TF-IDF of a text against the guide's scope texts.

IDF is fitted on unlabelled texts (the corpus texts given, never their labels) plus the scope texts; a scenario's
score is the cosine of the text with its scope text; a 环节's score is its best scenario's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp.types import ReferenceEntry


class ScopeTfidfBaseline:
    """Char 1–3-gram TF-IDF of a text against each scenario's scope text.

    Args:
        entries: the guide's scenarios.
        unlabeled: texts to fit the IDF on (labels unused).
    """

    def __init__(self, entries: Sequence[ReferenceEntry], unlabeled: Sequence[str] = ()) -> None:
        self.entries = list(entries)
        scopes = [e.scope or e.name for e in self.entries]
        self.vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1)
        self.vec.fit([*unlabeled, *scopes])
        self.scope_m = self.vec.transform(scopes)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine of each text with each scope text: ``(len(texts), len(entries))``."""
        return (self.vec.transform(list(texts)) @ self.scope_m.T).toarray()
