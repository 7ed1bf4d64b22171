"""The reviews component: reviewer decisions and confirmed labels (owns the ``decisions`` and ``labels`` tables),
the reviewer inbox and the detail report of one submission.

The inbox reads stored analyses only (never recomputes them while a page renders); the detail report analyses its
one text when the stored result is missing or outdated.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from kb.errors import KBError, NotFoundError
from kb.models import KIND_LABELS, REVIEW_STATUSES
from kb.service.summaries import finding_marks

if TYPE_CHECKING:
    from kb.service import KB

log = logging.getLogger(__name__)

STORAGE_SORTS = ("id", "title", "region", "industry", "kind", "year", "applicant")
DERIVED_SORTS = ("zishu", "weakness", "similarity", "status", "predicted")
INBOX_SORTS = STORAGE_SORTS + DERIVED_SORTS


class Reviews:
    """Decisions, labels, the inbox and the detail report."""

    def __init__(self, kb: KB) -> None:
        self.kb = kb

    def set_decision(self, sid: int, reviewer: str, status: str, note: str = "") -> None:
        if status not in REVIEW_STATUSES:
            raise KBError(f"审核状态 {status!r} 无效：应为 {'/'.join(REVIEW_STATUSES)}。")
        self.kb.store.get(sid)
        self.kb.storage.add_decision(int(sid), reviewer, status, note)

    def confirm_label(self, sid: int, code: str, reviewer: str, label_kind: str = "scenario") -> None:
        ed = self.kb.reference.active_edition("guide" if label_kind == "scenario" else "tasks")
        if code not in {e.code for e in ed.entries}:
            raise NotFoundError(
                f"编码 {code} 不在当前参考版本中：请用 `scenario-kb reference show` 查看编码。"
            )
        self.kb.store.get(sid)
        self.kb.storage.add_label(int(sid), label_kind, code, ed.edition, reviewer)
        self.kb.analysis.invalidate()  # the classifier is rebuilt with the new example on next use

    def set_decisions(self, ids: list[int], reviewer: str, status: str, note: str = "") -> int:
        """Record the same reviewer status for several submissions (bulk action). Returns how many were set."""
        for sid in ids:
            self.set_decision(int(sid), reviewer, status, note)
        return len(ids)

    # ------------------------------------------------------------------ inbox
    def inbox_options(self) -> dict[str, list[Any]]:
        """Values offered by the inbox filters (distinct stored values)."""
        self.kb.storage.ensure_ready()
        opts = {
            c: self.kb.storage.distinct_values(c)
            for c in ("kind", "region", "region_type", "industry", "year")
        }
        opts["status"] = list(REVIEW_STATUSES)
        return opts

    def inbox(
        self,
        filters: dict[str, Any] | None = None,
        *,
        status: list[str] | None = None,
        flagged_only: bool = False,
        sort: str = "id",
        descending: bool = False,
        page: int = 1,
        page_size: int = 50,
    ) -> dict[str, Any]:
        """One page of the reviewer inbox.

        Sorting by a stored column pages in the database; sorting or filtering by a derived column (字数, weakness,
        similarity, status, predicted scenario) reads the cached summaries of the filtered rows, then pages.

        Args:
            filters: storage filters (kind, region, region_type, industry, year, claimed, batch_id, q, ids).
            status: keep only rows whose latest reviewer status is one of these.
            flagged_only: keep only rows with an error/warning finding or a high similarity.
            sort: one of :data:`INBOX_SORTS`.
            descending: sort order.
            page: 1-based page number (clamped to the last page).
            page_size: rows per page.

        Returns:
            ``{"total", "page", "pages", "page_size", "rows": [...]}``; each row has id, title, kind, kind_label,
            region, region_type, industry, year, applicant, claimed, predicted, predicted_code, zishu, weakness,
            errors, warnings, flags, similarity, similar_to, level, status, note, analysed.
        """
        if sort not in INBOX_SORTS:
            raise KBError(f"不支持的排序列 {sort!r}：可用 {'、'.join(INBOX_SORTS)}。")
        page_size = max(1, min(int(page_size), 1000))
        decisions = self.kb.storage.latest_decisions()
        sims = self.kb.similarity.similarity_summaries()
        derived = sort in DERIVED_SORTS or bool(status) or flagged_only
        if not derived:
            total = self.kb.store.count(filters)
            pages = max(1, -(-total // page_size))
            page = min(max(1, int(page)), pages)
            subs = self.kb.store.list_submissions(
                filters, limit=page_size, offset=(page - 1) * page_size, order_by=sort, descending=descending
            )
            summ = self.kb.analysis.row_summaries([s.id for s in subs])
            rows = [self._inbox_row(s, summ[s.id], decisions.get(s.id), sims.get(s.id)) for s in subs]
        else:
            subs = self.kb.store.list_submissions(filters)
            summ = self.kb.analysis.row_summaries([s.id for s in subs])
            rows = [self._inbox_row(s, summ[s.id], decisions.get(s.id), sims.get(s.id)) for s in subs]
            if status:
                rows = [r for r in rows if r["status"] in status]
            if flagged_only:
                thr = float(self.kb.config.dup_threshold)
                rows = [r for r in rows if r["flags"] or r["sim_codes"] or (r["similarity"] or 0) >= thr]
            key = {
                "zishu": lambda r: r["zishu"] if r["zishu"] is not None else -1,
                "weakness": lambda r: r["weakness"] if r["weakness"] is not None else -1,
                "similarity": lambda r: r["similarity"] if r["similarity"] is not None else -1,
                "status": lambda r: (
                    REVIEW_STATUSES.index(r["status"]) if r["status"] in REVIEW_STATUSES else 0
                ),
                "predicted": lambda r: r["predicted"],
            }.get(sort) or (lambda r: (r[sort] is None, r[sort] if r[sort] is not None else 0))
            rows.sort(key=lambda r: r["id"])
            rows.sort(key=key, reverse=descending)
            total = len(rows)
            pages = max(1, -(-total // page_size))
            page = min(max(1, int(page)), pages)
            rows = rows[(page - 1) * page_size : page * page_size]
        return {"total": total, "page": page, "pages": pages, "page_size": page_size, "rows": rows}

    @staticmethod
    def _inbox_row(
        sub: Any, summ: dict[str, Any], dec: dict[str, Any] | None, sim: dict[str, Any] | None
    ) -> dict[str, Any]:
        m = sub.meta
        return {
            "id": sub.id,
            "title": m.title,
            "kind": m.kind,
            "kind_label": KIND_LABELS.get(m.kind, m.kind),
            "region": m.region,
            "region_type": m.region_type,
            "industry": m.industry,
            "year": m.year,
            "applicant": m.applicant,
            "claimed": m.claimed,
            "source": sub.source,
            **summ,
            "similarity": (sim or {}).get("similarity"),
            "similar_to": (sim or {}).get("other"),
            "level": (sim or {}).get("level", ""),
            "same_project": (sim or {}).get("same_project", []),
            "sim_codes": (sim or {}).get("codes", []),
            "status": (dec or {}).get("status", "待审"),
            "note": (dec or {}).get("note", ""),
            "reviewer": (dec or {}).get("reviewer", ""),
        }

    # ------------------------------------------------------------------ submission report
    def submission_report(self, sid: int) -> dict[str, Any]:
        """Everything the detail page shows for one submission.

        Runs the analysis when it is missing or outdated (one text); similar texts come from the index when built.

        Returns:
            ``submission`` (dict with text), ``check``, ``classify`` (or ``None`` with ``analysis_error``),
            ``marks`` (finding spans to highlight), ``decision``, ``history``, ``labels``, ``similar``,
            ``similar_reference``, ``similar_error``.
        """
        sub = self.kb.store.get(sid)
        out: dict[str, Any] = {
            "submission": sub.to_dict(),
            "check": None,
            "classify": None,
            "analysis_error": "",
        }
        try:
            res = self.kb.analysis.analyze(sub.id)
            out["check"], out["classify"] = res.get("check"), res.get("classify")
        except Exception as exc:  # analysis engine unavailable: show the stored text anyway
            log.exception("analysis failed for #%s", sid)
            out["analysis_error"] = f"分析失败：{exc}"
        out["marks"] = finding_marks(out["check"], out["classify"])
        hist = self.kb.storage.decision_history(sub.id)
        out["history"] = hist
        out["decision"] = hist[-1] if hist else {"status": "待审", "note": "", "reviewer": ""}
        out["labels"] = [lab for lab in self.kb.storage.labels() if lab["submission_id"] == sub.id]
        out["similar"], out["similar_error"] = [], ""
        similar = None
        try:
            similar = self.kb.similarity.similar(sub.id, k=10)
            out["similar"] = similar.get("matches", [])
        except Exception as exc:
            out["similar_error"] = f"相似材料暂不可用：{exc}"
        out["similar_reference"] = self.kb.similarity.reference_hits(sub.text)
        out["similarity_review"] = self._similarity_review(sub.id, similar)
        return out

    def _similarity_review(self, sid: int, similar: dict[str, Any] | None = None) -> dict[str, Any]:
        """The similarity report (总文字复制比 …) and SIM findings (``kb.service.sim_findings``); empty when the
        index is unavailable.

        Args:
            similar: ``kb.similarity.similar(sid, k=10)`` when the caller has it (not computed twice).
        """
        from kb.service.sim_findings import similarity_review

        try:
            return similarity_review(self.kb, sid, similar)
        except Exception as exc:
            log.info("no similarity review for #%s: %s", sid, exc)
            return {"report": None, "findings": []}
