"""Analysis that runs in a bounded worker process: the text checks of an untrusted text.

:func:`run_checks` is handed to :func:`kb.ingest.worker.run_bounded` as the task; the worker receives it by
reference and imports this module itself, so ingest never imports the service layer.
"""

from __future__ import annotations

from typing import Any

CHECKS_MEMORY_MB = 2048
"""Address-space limit of a worker running the text checks (their libraries reserve ~0.9 GB of address space)."""


def run_checks(
    text: str,
    kind: str = "scenario",
    boilerplate: list[str] | None = None,
    rules_path: str | None = None,
    terms: list[str] | None = None,
) -> dict[str, Any]:
    """:func:`nlp.checks.check_text` as a plain dict (what the worker sends back).

    ``terms``: the word-segmentation terms of the editions in use (``KB.reference.dictionary_terms()``), so that
    the worker segments as the knowledge base's own process does (none: the shipped domain dictionary alone).
    """
    from nlp.checks import check_text, load_rules
    from nlp.text import use_domain_terms

    use_domain_terms(terms or ())

    return check_text(text, kind=kind, boilerplate=boilerplate or (), rules=load_rules(rules_path)).to_dict()
