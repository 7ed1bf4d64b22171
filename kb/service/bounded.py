"""Work that runs in a bounded worker process (kb.ingest.worker): the text checks of an untrusted text, and the
rendering of a dossier PDF (CPU-heavy: kept out of the processes that answer requests)."""

from __future__ import annotations

from typing import Any


def run_checks(
    text: str, kind: str = "scenario", boilerplate: list[str] | None = None, rules_path: str | None = None
) -> dict[str, Any]:
    """:func:`nlp.checks.check_text` as a plain dict (what the worker sends back)."""
    from nlp.checks import check_text, load_rules

    return check_text(text, kind=kind, boilerplate=boilerplate or (), rules=load_rules(rules_path)).to_dict()


def render_pdf(data_json: str, font: dict[str, Any] | None = None) -> bytes:
    """:func:`kb.service.dossier_render.render_dossier_pdf` of a dossier given as JSON (what the worker gets)."""
    import json

    from kb.export import CJKFont
    from kb.service.dossier_render import render_dossier_pdf

    return render_dossier_pdf(json.loads(data_json), CJKFont(**font) if font else None)
