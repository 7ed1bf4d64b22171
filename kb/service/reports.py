"""Review documents: the dossier of one submission (data, HTML, PDF), inbox and coverage exports, recommendation lists.

Every finding in a dossier cites the clause of the 2021 notice it relates to (``data/notice_2021/clauses.toml``);
clauses carry how sure we are of their wording (verbatim from a named re-issue, or our paraphrase).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb import quota as quota_rules
from kb.errors import KBError, NotFoundError
from kb.export import Sheet, csv_bytes, find_cjk_font, table_from_dicts, xlsx_bytes
from kb.models import KIND_LABELS
from kb.service.clauses import NoticeClauses, load_clauses
from kb.service.dossier_render import fmt_num, render_dossier_html
from kb.service.summaries import SEVERITY_ORDER

if TYPE_CHECKING:
    from kb.service import KB

DOSSIER_CACHE_FILES = 1000
"""Rendered dossier PDFs kept beside the index; past it the older half is removed."""
RENDER_NICE = 5
"""Niceness of the dossier render workers: a render (a second or more of CPU) yields the cores to the requests
of the server and to the self-checks, which have latency targets; a PDF download waits instead."""


@lru_cache(maxsize=1)
def _renderer_version() -> str:
    """The release and a digest of the renderer's code and templates (a changed renderer renders anew)."""
    from kb import __version__

    h = hashlib.sha256(__version__.encode())
    here = Path(__file__).resolve().parent
    for f in [here / "dossier_render.py", *sorted((here.parent / "templates").glob("*"))]:
        if f.is_file():
            h.update(f.read_bytes())
    return h.hexdigest()


def _prune(folder: Path, keep: int) -> None:
    def age(f: Path) -> float:
        try:
            return f.stat().st_mtime
        except FileNotFoundError:
            return 0.0

    for f in sorted(folder.glob("*.pdf"), key=age, reverse=True)[keep:]:
        f.unlink(missing_ok=True)


log = logging.getLogger(__name__)

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
LEVEL_LABELS = {
    "identical": "完全相同",
    "minor_edits": "少量改动",
    "paraphrase": "改写",
    "same_project": "同一项目",
    "partial": "部分相同",
}

INBOX_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "编号"),
    ("title", "标题"),
    ("applicant", "申报单位"),
    ("kind_label", "类型"),
    ("region", "地区"),
    ("region_type", "地区类型"),
    ("industry", "行业"),
    ("year", "年度"),
    ("claimed", "申报场景/揭榜任务"),
    ("predicted", "识别场景"),
    ("link", "环节"),
    ("zishu", "字数"),
    ("weakness", "薄弱分"),
    ("errors", "错误数"),
    ("warnings", "警告数"),
    ("flags", "问题代码"),
    ("similarity", "最高相似度"),
    ("similar_to", "相似来源编号"),
    ("level", "相似类型"),
    ("status", "审核状态"),
    ("reviewer", "审核人"),
    ("note", "审核意见"),
    ("source", "原文件"),
)


# ----------------------------------------------------------------------------------------------- helpers
def _flat(s: str) -> str:
    return " ".join(s.split())


def excerpt(text: str, start: int, end: int, context: int = 40, max_match: int = 300) -> dict[str, Any]:
    """The passage ``text[start:end]`` with some context on each side, whitespace flattened.

    Args:
        text: the original text.
        start: span start (half-open).
        end: span end.
        context: characters of context on each side.
        max_match: longer passages keep their head and tail around an ellipsis.

    Returns:
        ``{"before", "match", "after", "span", "truncated"}``.
    """
    n = len(text)
    s, e = max(0, min(int(start), n)), max(0, min(int(end), n))
    match = text[s:e]
    truncated = len(match) > max_match
    if truncated:
        half = max_match // 2
        match = match[:half] + " …… " + match[-half:]
    before = text[max(0, s - context) : s]
    after = text[e : e + context]
    return {
        "before": ("…" if s - context > 0 else "") + _flat(before),
        "match": _flat(match),
        "after": _flat(after) + ("…" if e + context < n else ""),
        "span": [s, e],
        "truncated": truncated,
    }


def _spans_of(shared: dict[str, Any]) -> tuple[list[int], list[int]] | None:
    try:
        a, b = shared["a"], shared["b"]
        return [int(a[0]), int(a[1])], [int(b[0]), int(b[1])]
    except (KeyError, TypeError, ValueError, IndexError):
        return None


class Reports:
    """Dossiers, the inbox export and recommendation-list checks."""

    def __init__(self, kb: KB) -> None:
        self.kb = kb
        self._render_slots: threading.BoundedSemaphore | None = None

    # ------------------------------------------------------------------ clauses
    def notice_clauses(self) -> NoticeClauses:
        """The notice clauses findings cite (``data/notice_2021/clauses.toml``)."""
        return load_clauses()

    # ------------------------------------------------------------------ dossier data
    def dossier(self, sid: int, k: int = 5, passages: int = 3) -> dict[str, Any]:
        """Everything a review dossier shows for one submission, as JSON-safe data.

        Args:
            sid: submission id.
            k: most similar sources to include.
            passages: shared passages shown side by side per source (longest first).

        Returns:
            ``generated_at``, ``notice``, ``submission`` (metadata), ``stats``, ``findings`` (each with
            ``excerpts`` and ``clause``), ``clauses`` (those cited), ``outline``, ``metrics``, ``classification``,
            ``similar`` (each with ``passages``: ``a``/``b`` excerpts), ``similar_error``, ``analysis_error``,
            ``decision``, ``history``.
        """
        sub = self.kb.store.get(sid)
        text = sub.text
        clauses = self.notice_clauses()
        check: dict[str, Any] = {}
        classify: dict[str, Any] = {}
        analysis_error = ""
        try:
            res = self.kb.analysis.analyze(sub.id)
            check, classify = res.get("check") or {}, res.get("classify") or {}
        except KBError:
            raise
        except Exception as exc:  # analysis engine unavailable: the dossier still shows what is known
            log.exception("analysis failed for #%s", sid)
            analysis_error = f"分析失败（{type(exc).__name__}: {exc}）"

        findings = []
        for src, f in [("check", f) for f in check.get("findings", [])] + [
            ("classify", f) for f in classify.get("findings", [])
        ]:
            spans = [sp for sp in f.get("spans") or [] if len(sp) == 2 and int(sp[1]) > int(sp[0])]
            findings.append(
                {
                    "code": f.get("code", ""),
                    "severity": f.get("severity", "info"),
                    "severity_label": SEVERITY_LABELS.get(f.get("severity", ""), f.get("severity", "")),
                    "message": f.get("message", ""),
                    "weight": f.get("weight", 0),
                    "source": src,
                    "excerpts": [excerpt(text, sp[0], sp[1]) for sp in spans[:passages]],
                    "more_spans": max(0, len(spans) - passages),
                    "clause": clauses.for_code(f.get("code", "")),
                }
            )
        findings.sort(
            key=lambda f: (SEVERITY_ORDER.get(f["severity"], 3), -float(f["weight"] or 0), f["code"])
        )
        cited: dict[str, dict[str, Any]] = {}
        for f in findings:
            if f["clause"]:
                cited.setdefault(f["clause"]["id"], f["clause"])

        outline = [
            {
                "heading": s.get("heading", ""),
                "part": s.get("part") or "",
                "level": s.get("level", 1),
                "inferred": bool(s.get("inferred")),
            }
            for s in check.get("sections", [])
        ]
        metrics = []
        for m in check.get("metrics", []):
            sp = m.get("span") or [0, 0]
            change = (
                "" if m.get("change") is None else f"{fmt_num(m.get('change'))}{m.get('change_unit', '')}"
            )
            metrics.append(
                {
                    "indicator": m.get("indicator", ""),
                    "before": fmt_num(m.get("before")),
                    "after": fmt_num(m.get("after")),
                    "unit": m.get("unit", ""),
                    "change": change,
                    "baseline": bool(m.get("has_baseline")),
                    "text": _flat(text[int(sp[0]) : int(sp[1])]),
                    "span": [int(sp[0]), int(sp[1])],
                }
            )
        counts = {"error": 0, "warning": 0, "info": 0}
        for f in findings:
            counts[f["severity"]] = counts.get(f["severity"], 0) + 1

        similar, similar_error = self._dossier_similar(sub.id, text, k, passages)
        hist = [dict(h) for h in self.kb.storage.decision_history(sub.id)]
        decision = hist[-1] if hist else {"status": "待审", "reviewer": "", "note": "", "created_at": ""}
        meta = sub.meta
        return {
            "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "notice": clauses.notice,
            "submission": {
                "id": sub.id,
                "title": meta.title,
                "applicant": meta.applicant,
                "kind": meta.kind,
                "kind_label": KIND_LABELS.get(meta.kind, meta.kind),
                "region": meta.region,
                "region_type": meta.region_type,
                "industry": meta.industry,
                "claimed": meta.claimed,
                "year": meta.year,
                "recommender": meta.recommender,
                "source": sub.source,
                "fmt": sub.fmt,
                "ingested_at": sub.ingested_at,
                "content_hash": sub.content_hash[:16],
                "warnings": list(sub.warnings),
                "partial": sub.partial,
            },
            "stats": {
                "zishu": check.get("zishu"),
                "chars": check.get("chars"),
                "weakness": check.get("weakness"),
                "errors": counts["error"],
                "warnings": counts["warning"],
                "infos": counts["info"],
                "contributions": check.get("contributions", {}),
            },
            "findings": findings,
            "clauses": list(cited.values()),
            "outline": outline,
            "metrics": metrics,
            "classification": self._dossier_classification(classify, text),
            "similar": similar,
            "similar_error": similar_error,
            "similarity_review": self.kb.reviews._similarity_review(sub.id),
            "analysis_error": analysis_error,
            "decision": {k2: decision.get(k2, "") for k2 in ("status", "reviewer", "note", "created_at")},
            "history": [
                {k2: h.get(k2, "") for k2 in ("status", "reviewer", "note", "created_at")} for h in hist
            ],
        }

    @staticmethod
    def _dossier_classification(classify: dict[str, Any], text: str) -> dict[str, Any]:
        def entries(rows: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
            out = []
            for r in rows[:n]:
                ev = []
                for e in (r.get("evidence") or [])[:3]:
                    sp = e.get("span") or [0, 0]
                    ev.append(
                        {
                            "text": _flat(e.get("text") or text[int(sp[0]) : int(sp[1])]),
                            "span": [int(sp[0]), int(sp[1])],
                            "keywords": list(e.get("keywords") or [])[:8],
                        }
                    )
                kws = [
                    k.get("term", k.get("keyword", "")) if isinstance(k, dict) else str(k)
                    for k in r.get("keywords") or []
                ]
                out.append(
                    {
                        "code": r.get("code", ""),
                        "name": r.get("name", ""),
                        "link": r.get("link", ""),
                        "subsector": r.get("subsector", ""),
                        "score": r.get("score"),
                        "evidence": ev,
                        "keywords": [k for k in kws if k][:10],
                    }
                )
            return out

        edition = classify.get("edition")
        return {
            "available": bool(classify),
            "off_topic": bool(classify.get("off_topic")),
            "edition": edition.get("banner", "") if isinstance(edition, dict) else str(edition or ""),
            "scenarios": entries(classify.get("scenarios") or [], 5),
            "links": [
                {"name": r.get("name", ""), "score": r.get("score")}
                for r in (classify.get("links") or [])[:5]
            ],
            "tasks": entries(classify.get("tasks") or [], 3),
            "labels": list(classify.get("labels") or []),
            "claimed": classify.get("claimed"),
        }

    def _dossier_similar(
        self, sid: int, text: str, k: int, passages: int
    ) -> tuple[list[dict[str, Any]], str]:
        try:
            res = self.kb.similarity.similar(sid, k=k)
        except KBError as exc:
            return [], str(exc)
        except Exception as exc:  # index not built, engine unavailable
            log.info("no similarity for dossier #%s: %s", sid, exc)
            return [], f"相似材料暂不可用（{type(exc).__name__}: {exc}）"
        out = []
        for m in (res.get("matches") or [])[:k]:
            other_text = m.get("text")
            other_title = m.get("title") or (m.get("meta") or {}).get("title", "")
            oid = m.get("id")
            if other_text is None and isinstance(oid, int) and oid > 0 and m.get("source") != "reference":
                try:
                    other = self.kb.store.get(oid)
                    other_text = other.text
                    other_title = other_title or other.meta.title
                except NotFoundError:
                    other_text = None
            shared = [s for s in (m.get("shared") or m.get("spans") or []) if _spans_of(s)]
            shared.sort(key=lambda s: -(_spans_of(s)[0][1] - _spans_of(s)[0][0]))  # type: ignore[index]
            pairs = []
            for s in shared[:passages]:
                a, b = _spans_of(s)  # type: ignore[misc]
                pairs.append(
                    {
                        "a": excerpt(text, a[0], a[1], context=20),
                        "b": excerpt(other_text, b[0], b[1], context=20) if other_text else None,
                        "boilerplate": bool(s.get("boilerplate")),
                    }
                )
            out.append(
                {
                    "id": oid,
                    "title": other_title,
                    "source": m.get("source") or (m.get("meta") or {}).get("source", ""),
                    "similarity": m.get("similarity"),
                    "similarity_excl_boilerplate": m.get("similarity_excl_boilerplate"),
                    "level": m.get("level", ""),
                    "level_label": LEVEL_LABELS.get(m.get("level", ""), m.get("level", "")),
                    "n_passages": len(shared),
                    "passages": pairs,
                }
            )
        return out, ""

    # ------------------------------------------------------------------ dossier rendering
    def dossier_html(self, sid: int, data: dict[str, Any] | None = None) -> str:
        """The dossier (``data``: a :meth:`dossier` result to render instead) as a self-contained HTML page."""
        return render_dossier_html(data or self.dossier(sid))

    def dossier_pdf(self, sid: int, data: dict[str, Any] | None = None) -> bytes:
        """The dossier (``data`` as for :meth:`dossier_html`) as a PDF with embedded CJK fonts (fpdf2; needs
        ``fonts-noto-cjk`` or ``SCENARIO_KB_CJK_FONT``).

        Rendered PDFs are kept beside the index (``<index_dir>/dossiers``, shared by every process), keyed by a
        digest of the dossier's content (all but ``generated_at``), the font and the renderer's code: the same
        content is rendered once, and any change (a decision, a new similar text, a new release) renders anew.
        """
        data = data or self.dossier(sid)
        font = find_cjk_font(override=self.kb.config.cjk_font)
        content = {k: v for k, v in data.items() if k != "generated_at"}
        key = hashlib.sha256(
            json.dumps([content, repr(font), _renderer_version()], sort_keys=True, default=str).encode()
        ).hexdigest()
        folder = Path(self.kb.config.index_path) / "dossiers"
        path = folder / f"{key}.pdf"
        try:
            return path.read_bytes()
        except OSError:
            pass
        pdf = self._render(data, font)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{key}.{os.getpid()}-{threading.get_ident()}.tmp"
            tmp.write_bytes(pdf)
            tmp.replace(path)
            if sum(1 for _ in folder.glob("*.pdf")) > DOSSIER_CACHE_FILES:
                _prune(folder, DOSSIER_CACHE_FILES // 2)
        except OSError:  # a read-only or full disk: serve the PDF uncached
            log.warning("could not keep the dossier PDF in %s", folder)
        return pdf

    def _render(self, data: dict[str, Any], font: Any) -> bytes:
        """Render in a bounded worker process (:mod:`kb.ingest.worker`), ``render_workers`` at a time per process:
        subsetting the CJK font takes seconds of CPU that would otherwise stall every request of this process."""
        from dataclasses import asdict

        from kb.ingest.worker import run_bounded
        from kb.service.bounded import render_pdf

        if self._render_slots is None:
            self._render_slots = threading.BoundedSemaphore(max(1, int(self.kb.config.render_workers)))
        timeout = float(self.kb.config.parse_timeout_s)
        with self._render_slots:  # parse_timeout_s <= 0 renders in this process (as it parses files there)
            payload = json.dumps(data, ensure_ascii=False, default=str)
            # a pool of their own, at lower CPU priority than the requests of this process
            return run_bounded(
                render_pdf,
                payload,
                timeout,
                memory_mb=2048,
                label="（评审材料 PDF）",
                nice=RENDER_NICE,
                pool="render",
                font=asdict(font),
            )

    # ------------------------------------------------------------------ exports
    def inbox_export_rows(
        self, filters: dict[str, Any] | None = None, **inbox_kw: Any
    ) -> list[dict[str, Any]]:
        """Every inbox row matching ``filters`` (all pages), for export."""
        rows: list[dict[str, Any]] = []
        page = 1
        while True:
            res = self.kb.reviews.inbox(filters, page=page, page_size=1000, **inbox_kw)
            rows += res["rows"]
            if page >= res["pages"]:
                return rows
            page += 1

    def export_inbox(
        self, fmt: str = "xlsx", filters: dict[str, Any] | None = None, **inbox_kw: Any
    ) -> bytes:
        """The reviewer inbox as an Excel or CSV file (cells neutralised against formula injection).

        Args:
            fmt: ``xlsx`` or ``csv``.
            filters: storage filters as :meth:`inbox` takes them.
            **inbox_kw: ``status``, ``flagged_only``, ``sort``, ``descending`` as :meth:`inbox` takes them.

        Returns:
            The file content.
        """
        rows = self.inbox_export_rows(filters, **inbox_kw)
        for r in rows:
            if r.get("similarity") is not None:
                r["similarity"] = round(float(r["similarity"]) * 100, 1)
        header, table = table_from_dicts(rows, INBOX_COLUMNS)
        header[header.index("最高相似度")] = "最高相似度(%)"
        if fmt == "csv":
            return csv_bytes(header, table)
        if fmt != "xlsx":
            raise KBError(f"不支持的导出格式 {fmt!r}：请用 xlsx 或 csv。")
        return xlsx_bytes([Sheet("评审表", header, table)])

    # ------------------------------------------------------------------ recommendation lists
    def quota_catalog(self, items: list[quota_rules.ListItem] | None = None) -> quota_rules.KBCatalog:
        """Stored submissions as a :class:`kb.quota.KBCatalog`; the records that ``items`` match carry their
        check results (error codes), running the analysis where it is missing.

        Args:
            items: list rows whose matches need their check results (None: none are loaded).

        Returns:
            The catalog.
        """
        subs = self.kb.store.list_submissions()
        base = [
            quota_rules.KBRecord(
                s.id, s.meta.applicant, s.meta.title, s.meta.kind, s.meta.recommender, s.meta.year
            )
            for s in subs
        ]
        if not items:
            return quota_rules.KBCatalog(base)
        cat = quota_rules.KBCatalog(base)
        wanted = {r.id for it in items for r in [cat.find(it.applicant, it.project)[0]] if r is not None}
        enriched = []
        for r in base:
            if r.id not in wanted:
                enriched.append(r)
                continue
            codes: tuple[str, ...] = ()
            checked = True
            try:
                check = self.kb.analysis.analyze(r.id).get("check") or {}
                codes = tuple(
                    dict.fromkeys(
                        f["code"] for f in check.get("findings", []) if f.get("severity") == "error"
                    )
                )
            except KBError:
                raise
            except Exception:  # analysis engine unavailable: reported as "not checked"
                log.exception("analysis failed for #%s", r.id)
                checked = False
            enriched.append(
                quota_rules.KBRecord(
                    r.id, r.applicant, r.title, r.kind, r.recommender, r.year, codes, checked
                )
            )
        return quota_rules.KBCatalog(enriched)

    def quota_check(
        self,
        path_or_bytes: str | Path | bytes,
        filename: str | None = None,
        *,
        default_kind: str | None = None,
        with_kb: bool = True,
    ) -> quota_rules.QuotaReport:
        """Check a recommendation list (.xlsx/.csv): quotas, priority order, repeated applicants, and that every
        item is in the knowledge base and passed its checks.

        Args:
            path_or_bytes: a file path, or the uploaded bytes.
            filename: the file name (required with bytes: its suffix chooses the reader).
            default_kind: 优秀场景 / 示范工厂 for lists without a 类型 column.
            with_kb: look items up in the knowledge base (rules QTA010–QTA013).

        Returns:
            A :class:`kb.quota.QuotaReport` (``to_dict()``, ``to_text()``), its issues citing the notice clauses.
        """
        if isinstance(path_or_bytes, bytes | bytearray):
            if not filename:
                raise quota_rules.QuotaListError("上传名单时需提供文件名（.xlsx 或 .csv）。")
            data = bytes(path_or_bytes)
        else:
            p = Path(path_or_bytes)
            if not p.is_file():
                raise NotFoundError(f"找不到名单文件 {p}：请检查路径。")
            limit = int(self.kb.config.max_upload_mb) * 1024 * 1024
            if p.stat().st_size > limit:
                raise quota_rules.QuotaListError(
                    f"名单文件超过 {self.kb.config.max_upload_mb} MB：请检查是否选错文件。"
                )
            data = p.read_bytes()
            filename = filename or p.name
        items = quota_rules.read_list(
            data,
            filename,
            default_kind=default_kind,
            max_uncompressed_mb=int(self.kb.config.max_docx_uncompressed_mb),
            max_cells=int(self.kb.config.max_table_cells),
        )
        catalog = self.quota_catalog(items) if with_kb else None
        report = quota_rules.check_list(items, catalog, source=filename)
        clauses = self.notice_clauses()
        for issue in report.issues:
            c = clauses.for_code(issue.code)
            if c:
                issue.clause = c["id"]
                report.clauses.setdefault(c["id"], c)
        return report
