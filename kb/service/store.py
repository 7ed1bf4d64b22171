"""The store component: submissions in, submissions out (owns the ``submissions`` and ``ingest_log`` tables).

Reading files is :mod:`kb.ingest`'s job; this component stores what it yields, idempotent by content hash.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.errors import IngestError
from kb.ingest.collect import collect_inputs
from kb.ingest.metadata import FolderMetadata, build_metadata
from kb.ingest.pipeline import read_path
from kb.models import IngestedDoc, IngestOutcome, IngestReport, Metadata, Submission

if TYPE_CHECKING:
    from kb.service import KB

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
SELF_CHECK_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
READ_LIMITS = {  # argument of kb.ingest.pipeline.read_path: the setting that gives it
    "max_upload_mb": "max_upload_mb",
    "max_text_chars": "max_text_chars",
    "max_uncompressed_mb": "max_docx_uncompressed_mb",
    "parse_timeout_s": "parse_timeout_s",
    "max_table_cells": "max_table_cells",
}


class Submissions:
    """Ingest, add, list, count, get and resolve submissions."""

    def __init__(self, kb: KB) -> None:
        self.kb = kb

    # ------------------------------------------------------------------ ingest
    def ingest(
        self,
        paths: Iterable[str | Path],
        *,
        dry_run: bool = False,
        column_map: dict[str, str] | None = None,
        defaults: dict[str, Any] | None = None,
        progress: Progress | None = None,
        analyze: bool = True,
        index_now: bool = True,
        analysis_in_worker: bool = False,
    ) -> IngestReport:
        """Ingest files and folders. Idempotent by normalised content hash; a bad file is reported and skipped.

        Args:
            paths: files and folders (folders are walked recursively).
            dry_run: read and validate everything, store nothing.
            column_map: extra header → field mapping for batch tables.
            defaults: metadata applied where a document has none (e.g. ``{"year": 2022}``).
            progress: callback ``(done, total, path)``.
            analyze: run checks and classification for new submissions and add them to the indexes.
            index_now: publish the new index version before returning (``False``: with the next batch of
                :meth:`kb.service.similarity.Similarity.index_later`, as the API's ingest does).
            analysis_in_worker: analyse the new texts in a worker process, not in this one (a server's ingest).
        """
        from nlp.normalize import content_hash, normalize_display, normalize_for_match

        self.kb.storage.ensure_ready()
        report = IngestReport(batch_id=uuid.uuid4().hex[:12], dry_run=dry_run)
        files = collect_inputs(paths)
        fm = FolderMetadata()
        new_ids: list[int] = []
        for i, path in enumerate(files):
            try:
                items = list(self.read_file(path, folder_meta=fm, column_map=column_map))
            except IngestError as exc:
                items = [exc]
            except Exception as exc:  # an unexpected parser failure must not abort the batch
                log.exception("unexpected error reading %s", path)
                items = [
                    IngestError(str(path), f"读取失败（{type(exc).__name__}: {exc}）", "请检查文件是否完好")
                ]
            for item in items:
                if isinstance(item, IngestError):
                    report.outcomes.append(
                        IngestOutcome(item.path, "error", f"{item.reason}；{item.fix}".rstrip("；"))
                    )
                    if not dry_run:
                        self.kb.storage.log_ingest(report.batch_id, item.path, "error", item.reason)
                    continue
                doc = item
                if defaults:
                    for k, v in defaults.items():
                        if v not in (None, "") and not getattr(doc.meta, k, None):
                            setattr(doc.meta, k, v)
                text = normalize_display(doc.text)
                if not text.strip():
                    report.outcomes.append(IngestOutcome(doc.source, "error", "正文为空；请提交含正文的文件"))
                    continue
                h = content_hash(text)
                existing = self.kb.storage.find_by_hash(h)
                if existing is not None:
                    report.outcomes.append(
                        IngestOutcome(
                            doc.source,
                            "duplicate",
                            f"内容与 #{existing} 相同，未重复导入",
                            existing,
                            doc.meta.title,
                        )
                    )
                    continue
                if dry_run:
                    report.outcomes.append(
                        IngestOutcome(doc.source, "would_add", "; ".join(doc.warnings), None, doc.meta.title)
                    )
                    continue
                try:  # one row that cannot be stored is rejected; the batch goes on
                    sid, created = self.kb.storage.add_submission(
                        content_hash=h,
                        source=doc.source,
                        source_path=doc.source_path,
                        fmt=doc.fmt,
                        text=text,
                        norm_text=normalize_for_match(text).text,
                        meta=doc.meta,
                        warnings=doc.warnings,
                        partial=doc.partial,
                        batch_id=report.batch_id,
                    )
                except (ValueError, OverflowError, UnicodeError) as exc:
                    reason = f"无法保存（{type(exc).__name__}）"
                    report.outcomes.append(IngestOutcome(doc.source, "error", reason))
                    self.kb.storage.log_ingest(report.batch_id, doc.source, "error", reason)
                    continue
                status = "added" if created else "duplicate"
                report.outcomes.append(
                    IngestOutcome(doc.source, status, "; ".join(doc.warnings), sid, doc.meta.title)
                )
                self.kb.storage.log_ingest(report.batch_id, doc.source, status, "; ".join(doc.warnings), sid)
                if created:
                    new_ids.append(sid)
            if progress:
                progress(i + 1, len(files), str(path))
        if analyze and not dry_run:
            # rows stored by an interrupted earlier run have no analysis yet: finish them too
            todo = sorted(
                set(new_ids)
                | set(self.kb.storage.ids_without_analysis("check"))
                | set(self.kb.storage.ids_without_analysis("classify"))
            )
            if todo:
                self.kb.analysis.analyze_many(todo, in_worker=analysis_in_worker)
            if new_ids or todo or self.kb.similarity.index_stale():
                if index_now:
                    self.kb.similarity.index_add(new_ids)
                else:
                    self.kb.similarity.index_later(new_ids)
        return report

    def add_text(self, text: str, meta: Metadata | dict[str, Any], source: str = "pasted") -> int:
        """Store one text given directly (UI upload). Returns its id (existing id when already stored)."""
        return self.add_text_created(text, meta, source)[0]

    def add_text_created(
        self,
        text: str,
        meta: Metadata | dict[str, Any],
        source: str = "pasted",
        *,
        index_now: bool = True,
        analysis_in_worker: bool = False,
    ) -> tuple[int, bool]:
        """:meth:`add_text`, also saying whether the text was new (``False``: already stored under that id).

        ``index_now=False``: the text joins the next published index version (``index_publish_s`` /
        ``index_publish_texts``) instead of publishing one now: a stream of single texts (the API) publishes
        once per batch. ``analysis_in_worker``: its checks and classification run in a worker process
        (:meth:`kb.service.analysis.Analysis.analyze`), so that a server storing a stream of texts keeps its own
        CPU for the requests it answers.
        """
        from nlp.normalize import content_hash, normalize_display, normalize_for_match

        self.kb.storage.ensure_ready()
        warnings: list[str] = []
        if isinstance(meta, dict):
            meta = build_metadata(meta, source, warnings)
        text = normalize_display(text)
        if not text.strip():
            raise IngestError(source, "正文为空", "请提交含正文的文本")
        sid, created = self.kb.storage.add_submission(
            content_hash=content_hash(text),
            source=source,
            source_path="",
            fmt="txt",
            text=text,
            norm_text=normalize_for_match(text).text,
            meta=meta,
            warnings=warnings,
        )
        if created:
            self.kb.analysis.analyze_many([sid], in_worker=analysis_in_worker)
            if index_now:
                self.kb.similarity.index_add([sid])
            else:
                self.kb.similarity.index_later([sid])
        return sid, created

    # ------------------------------------------------------------------ browse
    def list_submissions(self, filters: dict[str, Any] | None = None, **kw: Any) -> list[Submission]:
        self.kb.storage.ensure_ready()
        return self.kb.storage.list_submissions(filters, **kw)

    def count(self, filters: dict[str, Any] | None = None) -> int:
        self.kb.storage.ensure_ready()
        return self.kb.storage.count_submissions(filters)

    def get(self, sid: int) -> Submission:
        self.kb.storage.ensure_ready()
        return self.kb.storage.get_submission(int(sid))

    def resolve(self, target: str | int) -> tuple[Submission | None, str]:
        """A CLI target: a submission id, or a path to a file read without storing it."""
        s = str(target)
        if s.isdigit() and not Path(s).exists():
            sub = self.get(int(s))
            return sub, sub.text
        path = Path(s)
        docs = [d for d in self.read_file(path) if not isinstance(d, IngestError)]
        if not docs:
            raise IngestError(str(path), "文件中没有可用正文", "请检查文件")
        from nlp.normalize import normalize_display

        return None, normalize_display(docs[0].text)

    def read_file(
        self, path: Path, folder_meta: FolderMetadata | None = None, column_map: dict[str, str] | None = None
    ) -> Iterator[IngestedDoc | IngestError]:
        """:func:`kb.ingest.pipeline.read_path` under this knowledge base's limits (nothing stored)."""
        limits = {k: getattr(self.kb.config, setting) for k, setting in READ_LIMITS.items()}
        return read_path(path, folder_meta=folder_meta, column_map=column_map, **limits)

    # ------------------------------------------------------------------ uploads (never stored)
