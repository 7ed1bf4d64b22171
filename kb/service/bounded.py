"""Analysis that may run in a bounded worker process (kb.ingest.worker): the text checks of an untrusted text."""

from __future__ import annotations

from typing import Any


def run_checks(text: str, kind: str, boilerplate: list[str] | None, rules_path: str | None) -> dict[str, Any]:
    """:func:`nlp.checks.check_text` as a plain dict (what the worker sends back)."""
    from nlp.checks import check_text, load_rules

    return check_text(text, kind=kind, boilerplate=boilerplate, rules=load_rules(rules_path)).to_dict()
