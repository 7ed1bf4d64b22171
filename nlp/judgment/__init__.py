"""Judgments learned from the labelled real corpus: scenario fit, "is this a scenario at all", same project.

The corpus (``data/labeled/real/``) is split by company once (``corpus.split_of``); the ``test`` split is never
used to fit, tune or choose anything.
"""
