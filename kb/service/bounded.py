"""Analysis that runs in a bounded worker process (:mod:`kb.ingest.worker`): the text checks of an untrusted text,
and the whole applicant self-check (parse, checks, classification), and the rendering of a dossier PDF (CPU-heavy:
kept out of the processes that answer requests).

:func:`run_checks` and :func:`run_selfcheck` are handed to :func:`kb.ingest.worker.run_bounded` as the task; the
worker receives them by reference and imports this module itself, so ingest never imports the service layer.

The functions here are also what the server process uses to build its own classifier, so a self-check in a
worker ranks exactly as a stored analysis does. A worker keeps the classifiers it built (by their spec's key), so
only its first self-check pays for the build.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Any

from kb.config import DATA_DIR

_CLASSIFIERS: dict[str, Any] = {}  # in a worker process: classifier by spec key
_KEEP_CLASSIFIERS = 2


def run_checks(
    text: str,
    kind: str = "scenario",
    boilerplate: list[str] | None = None,
    rules_path: str | None = None,
    terms: list[str] | None = None,
    **budgets: int,
) -> dict[str, Any]:
    """:func:`nlp.checks.check_text` as a plain dict (what the worker sends back); ``budgets`` are its
    ``check_max_*`` size budgets.

    ``terms``: the word-segmentation terms of the editions in use (``KB.reference.dictionary_terms()``), so that
    the worker segments as the knowledge base's own process does (none: the shipped domain dictionary alone).
    """
    from nlp.checks import check_text, load_rules
    from nlp.text import use_domain_terms

    use_domain_terms(terms or ())

    return check_text(
        text, kind=kind, boilerplate=boilerplate or (), rules=load_rules(rules_path), **budgets
    ).to_dict()


def load_judgment(entries: list[Any]) -> Any:
    """The judgment model learned from the real corpus for these guide entries (fitted once, then read from the
    user cache folder)."""
    from nlp.evaluate import load_labeled
    from nlp.judgment.model import default_cache_dir, extra_sets, load_model

    extra, extra_judged = extra_sets(load_labeled(DATA_DIR / "labeled" / "dev_2021.jsonl"), entries)
    return load_model(
        DATA_DIR / "labeled" / "real" / "corpus.jsonl",
        entries,
        extra,
        extra_judged,
        cache_dir=default_cache_dir(),
    )


def classifier_spec(
    entries: list[Any],
    tasks: list[Any],
    examples: dict[str, list[str]],
    options: dict[str, Any],
    judgment: bool,
    edition: str,
    terms: list[str] | None = None,
) -> dict[str, Any]:
    """Everything a classifier is built from, with ``key`` (a digest of it): what a worker needs to build the
    same classifier as the server (``terms``: the segmentation terms of the editions in use)."""
    spec = {
        "terms": sorted(terms or ()),
        "entries": list(entries),
        "tasks": list(tasks),
        "examples": {k: list(v) for k, v in sorted(examples.items())},
        "options": dict(sorted(options.items())),
        "judgment": bool(judgment),
        "edition": edition,
    }
    spec["key"] = hashlib.sha256(pickle.dumps(spec, protocol=4)).hexdigest()[:24]
    return spec


def build_classifier(spec: dict[str, Any]) -> tuple[Any, Any]:
    """``(classifier, supervised report or None)`` from a :func:`classifier_spec`.

    Reviewer-confirmed examples feed the classifier; with at least 30 of them a supervised layer is trained (used
    only if its cross-validated top-1 beats the unsupervised ranking).
    """
    from nlp.classify import Classifier

    examples = spec["examples"]
    clf = Classifier(
        spec["entries"],
        spec["tasks"],
        examples=examples,
        judgment=load_judgment(spec["entries"]) if spec["judgment"] else None,
        **spec["options"],
    )
    report = None
    if sum(len(v) for v in examples.values()) >= 30:
        texts = [t for code in examples for t in examples[code]]
        labels = [code for code in examples for _ in examples[code]]
        report = clf.fit_supervised(texts, labels)
    return clf, report


def _classifier(spec: dict[str, Any]) -> Any:
    clf = _CLASSIFIERS.get(spec["key"])
    if clf is None:
        clf, _ = build_classifier(spec)
        while len(_CLASSIFIERS) >= _KEEP_CLASSIFIERS:
            _CLASSIFIERS.pop(next(iter(_CLASSIFIERS)))
        _CLASSIFIERS[spec["key"]] = clf
    return clf


def _draft_text(payload: str | bytes, filename: str | None, max_uncompressed_mb: int) -> str:
    """The text of a pasted draft or an uploaded file (parsed here: this already is the bounded worker)."""
    from kb.errors import IngestError

    if isinstance(payload, str):
        return payload
    name = filename or "draft.txt"
    suffix = Path(name).suffix.lower()
    if suffix in (".txt", ".md"):
        from kb.ingest.text import decode_bytes

        return decode_bytes(payload, name)[0]
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kb-selfcheck-") as tmp:
        path = Path(tmp) / ("draft" + suffix)
        path.write_bytes(payload)
        try:
            if suffix == ".docx":
                from kb.ingest.docx import read_docx

                return read_docx(path, max_uncompressed_mb)[0]
            from kb.ingest.pdf import read_pdf_pages

            return read_pdf_pages(path)[0]
        except IngestError as exc:
            raise IngestError(name, exc.reason, exc.fix) from exc


def run_selfcheck(
    payload: str | bytes,
    filename: str | None,
    kind: str,
    claimed: str | None,
    spec: dict[str, Any],
    boilerplate: list[str],
    rules_path: str | None,
    check_options: dict[str, int],
    max_text_chars: int,
    max_uncompressed_mb: int,
    key: str = "",
) -> dict[str, Any] | None:
    """The work of one self-check, in a worker: extract and normalise the text, run the checks and classify it.

    With a ``key`` it is the worker's preparation instead (``kb.ingest.worker.run_bounded``'s ``prepare``): the
    classifier of ``spec`` is built and the checks run once on ``payload``; nothing is returned.

    Returns:
        ``{"text", "truncated", "check", "classify"}``; ``text`` is empty when the draft has no text.
    """
    from nlp.normalize import normalize_display

    if key:
        run_checks(str(payload), kind, boilerplate, rules_path, spec["terms"], **check_options)
        _classifier(spec)
        return None

    text = normalize_display(_draft_text(payload, filename, max_uncompressed_mb))
    if not text.strip():
        return {"text": "", "truncated": False, "check": {}, "classify": {}}
    truncated = 0 < max_text_chars < len(text)
    if truncated:
        text = text[:max_text_chars]
    return {"text": text, "truncated": truncated, **_check_and_classify(text, kind, claimed, spec, boilerplate,
                                                                         rules_path, check_options)}  # fmt: skip


def _check_and_classify(
    text: str,
    kind: str,
    claimed: str | None,
    spec: dict[str, Any],
    boilerplate: list[str],
    rules_path: str | None,
    check_options: dict[str, int],
) -> dict[str, Any]:
    """``{"check", "classify"}`` of a text: what a self-check and a stored analysis both compute."""
    check = run_checks(text, kind, boilerplate, rules_path, spec["terms"], **check_options)
    classify = _classifier(spec).classify(text, kind=kind, claimed=claimed or None).to_dict()
    classify["edition"] = spec["edition"]
    return {"check": check, "classify": classify}


def run_analysis(
    text: str,
    kind: str,
    claimed: str | None,
    spec: dict[str, Any],
    boilerplate: list[str],
    rules_path: str | None,
    check_options: dict[str, int],
    key: str = "",
    applicant: str | None = None,
) -> dict[str, Any] | None:
    """The stored analysis of a new submission, in a worker: its checks and its classification against the
    classifier of ``spec`` (the guide edition of its year), as ``{"check", "classify"}`` — what
    :meth:`kb.service.analysis.Analysis.analyze` computes in its own process, from the same functions. With an
    ``applicant`` (``""`` when none is known) also ``"facts"``: the same-project facts stored at ingest
    (:func:`kb.service.same_project.facts_for_analysis`, LAC's entities: most of an ingest's CPU).

    With a ``key`` it is the worker's preparation (models loaded, checks run once on ``text``); nothing is
    returned.
    """
    from kb.service.same_project import facts_for_analysis

    out = _check_and_classify(text, kind, claimed, spec, boilerplate, rules_path, check_options)
    if applicant is not None:
        out["facts"] = facts_for_analysis(text, applicant)
    return None if key else out


_PUBLISHER: dict[str, Any] = {}  # in a worker process: the knowledge base it publishes for, by its settings


def run_publish(ids: list[int], config: dict[str, Any]) -> str | None:
    """Index stored texts and publish a new index version, in a worker (the API's batched publishing, see
    :func:`kb.service.sweeps.publish_batch`): ``KB.similarity.index_add`` of the knowledge base of ``config``,
    kept open in the worker so that its next publish reuses the per-text work of this one.

    Returns:
        The name of the live version afterwards.
    """
    import json

    from kb.config import Config
    from kb.service import KB

    key = json.dumps(config, sort_keys=True, default=str)
    kb = _PUBLISHER.get(key)
    if kb is None:
        _PUBLISHER.clear()
        kb = _PUBLISHER[key] = KB(Config(config))
    kb.similarity.index_add(ids)
    return kb.similarity._snapshots().current_name()


def render_pdf(data_json: str, font: dict[str, Any] | None = None) -> bytes:
    """:func:`kb.service.dossier_render.render_dossier_pdf` of a dossier given as JSON (what the worker gets)."""
    import json

    from kb.export import CJKFont
    from kb.service.dossier_render import render_dossier_pdf

    return render_dossier_pdf(json.loads(data_json), CJKFont(**font) if font else None)
