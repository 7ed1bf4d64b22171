"""Review documents: the dossier of one submission (data, HTML, PDF), inbox and coverage exports, recommendation lists.

Every finding in a dossier cites the clause of the 2021 notice it relates to (``data/notice_2021/clauses.toml``);
clauses carry how sure we are of their wording (verbatim from a named re-issue, or our paraphrase).
"""

from __future__ import annotations

import functools
import logging
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kb import quota as quota_rules
from kb.config import DATA_DIR
from kb.errors import KBError, NotFoundError
from kb.export import (
    Matrix,
    Sheet,
    csv_bytes,
    find_cjk_font,
    heatmap_png,
    pdf_font_file,
    table_from_dicts,
    xlsx_bytes,
)
from kb.models import KIND_LABELS

log = logging.getLogger(__name__)

CLAUSES_FILE = DATA_DIR / "notice_2021" / "clauses.toml"
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
QUOTE_LABELS = {"verbatim": "原文引用", "paraphrase": "概述（非原文）", "title": "仅标题可考"}
LEVEL_LABELS = {
    "identical": "完全相同",
    "minor_edits": "少量改动",
    "paraphrase": "改写",
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


# ----------------------------------------------------------------------------------------------- clauses
@dataclass
class NoticeClauses:
    """The notice clauses that findings cite, and the code → clause map."""

    notice: dict[str, Any]
    clauses: dict[str, dict[str, Any]]
    codes: dict[str, str]
    prefixes: dict[str, str] = field(default_factory=dict)

    def clause(self, clause_id: str) -> dict[str, Any] | None:
        """One clause with its id and a Chinese label of how sure its wording is."""
        c = self.clauses.get(clause_id)
        if c is None:
            return None
        return {"id": clause_id, **c, "quote_label": QUOTE_LABELS.get(c.get("quote", ""), c.get("quote", ""))}

    def for_code(self, code: str) -> dict[str, Any] | None:
        """The clause a finding or issue code relates to (by code, else by its longest known prefix)."""
        cid = self.codes.get(code)
        if cid is None:
            for p in sorted(self.prefixes, key=len, reverse=True):
                if code.startswith(p):
                    cid = self.prefixes[p]
                    break
        return self.clause(cid) if cid else None


@functools.lru_cache(maxsize=4)
def load_clauses(path: Path | None = None) -> NoticeClauses:
    """Read the clause table (default ``data/notice_2021/clauses.toml``).

    Args:
        path: another TOML file of the same layout.

    Returns:
        The clauses; an empty table when the file is missing.
    """
    p = Path(path) if path else CLAUSES_FILE
    if not p.exists():
        log.warning("notice clause file %s missing: dossiers will cite no clause", p)
        return NoticeClauses({}, {}, {}, {})
    data = tomllib.loads(p.read_text(encoding="utf-8"))
    return NoticeClauses(
        dict(data.get("notice", {})),
        {k: dict(v) for k, v in data.get("clauses", {}).items()},
        dict(data.get("codes", {})),
        dict(data.get("prefixes", {})),
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


def _num(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _spans_of(shared: dict[str, Any]) -> tuple[list[int], list[int]] | None:
    try:
        a, b = shared["a"], shared["b"]
        return [int(a[0]), int(a[1])], [int(b[0]), int(b[1])]
    except (KeyError, TypeError, ValueError, IndexError):
        return None


# ----------------------------------------------------------------------------------------------- the mixin
class ReportsMixin:
    """Dossiers, exports and recommendation-list checks (mixed into :class:`kb.service.KB`)."""

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
        sub = self.get(sid)
        text = sub.text
        clauses = self.notice_clauses()
        check: dict[str, Any] = {}
        classify: dict[str, Any] = {}
        analysis_error = ""
        try:
            res = self.analyze(sub.id)
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
            key=lambda f: (_SEVERITY_ORDER.get(f["severity"], 3), -float(f["weight"] or 0), f["code"])
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
            change = "" if m.get("change") is None else f"{_num(m.get('change'))}{m.get('change_unit', '')}"
            metrics.append(
                {
                    "indicator": m.get("indicator", ""),
                    "before": _num(m.get("before")),
                    "after": _num(m.get("after")),
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
        hist = [dict(h) for h in self.storage.decision_history(sub.id)]
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
        similar = getattr(self, "similar", None)
        if similar is None:
            return [], "查重引擎尚未配置"
        try:
            res = similar(sid, k=k)
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
                    other = self.get(oid)
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
        """The dossier as a self-contained HTML page (every user string escaped).

        Args:
            sid: submission id.
            data: a :meth:`dossier` result to render instead of computing it.

        Returns:
            HTML text.
        """
        return render_dossier_html(data or self.dossier(sid))

    def dossier_pdf(self, sid: int, data: dict[str, Any] | None = None) -> bytes:
        """The dossier as a PDF with embedded CJK fonts (fpdf2; needs ``fonts-noto-cjk`` or ``SCENARIO_KB_CJK_FONT``).

        Args:
            sid: submission id.
            data: a :meth:`dossier` result to render instead of computing it.

        Returns:
            PDF bytes.
        """
        return render_dossier_pdf(data or self.dossier(sid))

    # ------------------------------------------------------------------ exports
    def inbox_export_rows(
        self, filters: dict[str, Any] | None = None, **inbox_kw: Any
    ) -> list[dict[str, Any]]:
        """Every inbox row matching ``filters`` (all pages), for export."""
        rows: list[dict[str, Any]] = []
        page = 1
        while True:
            res = self.inbox(filters, page=page, page_size=1000, **inbox_kw)
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

    def coverage_matrices(self, filters: dict[str, Any] | None = None) -> list[Matrix]:
        """Coverage as count matrices: region × 环节, industry × scenario (every guide scenario a column, so gaps
        show as empty columns) and year × kind.

        Args:
            filters: storage filters.

        Returns:
            Three :class:`kb.export.Matrix` objects named ``region_link``, ``industry_scenario``, ``year_kind``.
        """
        cov = self.coverage(filters)
        entries = self.active_edition("guide").entries
        links = list(dict.fromkeys(e.link for e in entries))
        scen = list(dict.fromkeys(e.name for e in entries))
        return [
            Matrix.from_counts(
                "region_link",
                "地区 × 环节",
                "地区",
                "环节",
                ((r["region"], r["link"], r["count"]) for r in cov["region_link"]),
                cols=links,
            ),
            Matrix.from_counts(
                "industry_scenario",
                "行业 × 典型场景",
                "行业",
                "典型场景",
                ((r["industry"], r["scenario"], r["count"]) for r in cov["industry_scenario"]),
                cols=scen,
            ),
            Matrix.from_counts(
                "year_kind",
                "年度 × 类型",
                "年度",
                "类型",
                ((r["year"], r["kind"], r["count"]) for r in cov["year_kind"]),
                cols=list(KIND_LABELS.values()),
            ),
        ]

    def coverage_charts(self, filters: dict[str, Any] | None = None) -> dict[str, bytes]:
        """Heatmap PNGs of :meth:`coverage_matrices`, ``{matrix name: PNG bytes}``."""
        font = find_cjk_font()
        return {m.name: heatmap_png(m, font=font) for m in self.coverage_matrices(filters)}

    def export_coverage(
        self, fmt: str = "xlsx", filters: dict[str, Any] | None = None, charts: bool = True
    ) -> dict[str, bytes]:
        """Coverage matrices as files.

        Args:
            fmt: ``xlsx`` (one workbook: a sheet per matrix, the gaps, and the heatmaps when ``charts``) or ``csv``
                (one file per matrix).
            filters: storage filters.
            charts: also render the heatmap PNGs (needs a CJK font).

        Returns:
            ``{file suffix: content}``: ``{"xlsx": …}`` or ``{"region_link.csv": …}``, plus ``"<name>.png"``
            entries when ``charts``.
        """
        mats = self.coverage_matrices(filters)
        out: dict[str, bytes] = {}
        pngs: dict[str, bytes] = {}
        if charts:
            font = find_cjk_font()
            pngs = {m.name: heatmap_png(m, font=font) for m in mats}
        if fmt == "csv":
            for m in mats:
                sh = m.sheet()
                out[f"{m.name}.csv"] = csv_bytes(sh.header, sh.rows)
        elif fmt == "xlsx":
            cov = self.coverage(filters)
            gaps = Sheet(
                "空白",
                ["类别", "编码", "名称", "环节"],
                [["典型场景", g["code"], g["scenario"], g["link"]] for g in cov["gaps"]["scenarios"]]
                + [["行业", g["code"], g["name"], ""] for g in cov["gaps"]["industries"]],
            )
            titles = {m.name: f"图-{m.title}" for m in mats}
            out["xlsx"] = xlsx_bytes(
                [m.sheet() for m in mats] + [gaps], {titles[k]: v for k, v in pngs.items()}
            )
        else:
            raise KBError(f"不支持的导出格式 {fmt!r}：请用 xlsx 或 csv。")
        out.update({f"{k}.png": v for k, v in pngs.items()})
        return out

    # ------------------------------------------------------------------ recommendation lists
    def quota_catalog(self, items: list[quota_rules.ListItem] | None = None) -> quota_rules.KBCatalog:
        """Stored submissions as a :class:`kb.quota.KBCatalog`; the records that ``items`` match carry their
        check results (error codes), running the analysis where it is missing.

        Args:
            items: list rows whose matches need their check results (None: none are loaded).

        Returns:
            The catalog.
        """
        subs = self.list_submissions()
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
                check = self.analyze(r.id).get("check") or {}
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
            limit = int(self.config.max_upload_mb) * 1024 * 1024
            if p.stat().st_size > limit:
                raise quota_rules.QuotaListError(
                    f"名单文件超过 {self.config.max_upload_mb} MB：请检查是否选错文件。"
                )
            data = p.read_bytes()
            filename = filename or p.name
        items = quota_rules.read_list(
            data,
            filename,
            default_kind=default_kind,
            max_uncompressed_mb=int(self.config.max_docx_uncompressed_mb),
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


# ----------------------------------------------------------------------------------------------- HTML
@functools.lru_cache(maxsize=1)
def _jinja_env() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,  # every user string is escaped
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_dossier_html(data: dict[str, Any]) -> str:
    """Render a :meth:`ReportsMixin.dossier` result with ``kb/templates/dossier.html.j2``.

    Args:
        data: the dossier data.

    Returns:
        HTML text.
    """

    def pct(v: Any) -> str:
        return "" if v is None else f"{float(v) * 100:.1f}%"

    return _jinja_env().get_template("dossier.html.j2").render(d=data, pct=pct, num=_num)


# ----------------------------------------------------------------------------------------------- PDF
_CONTROL = {c: None for c in range(32) if c not in (9, 10)}


def _pdf_text(s: Any) -> str:
    return ("" if s is None else str(s)).translate(_CONTROL).replace("\t", " ")


def render_dossier_pdf(data: dict[str, Any], font: Any = None) -> bytes:
    """Render a :meth:`ReportsMixin.dossier` result as PDF with fpdf2 and an embedded CJK font.

    Args:
        data: the dossier data.
        font: a :class:`kb.export.CJKFont` (default :func:`kb.export.find_cjk_font`).

    Returns:
        PDF bytes.

    Raises:
        kb.export.FontNotFoundError: no CJK font installed (install ``fonts-noto-cjk``).
    """
    import json
    import tempfile

    regular = font or find_cjk_font()
    # every character the PDF can contain: the data and the labels written in this module
    chars = json.dumps(data, ensure_ascii=False) + Path(__file__).read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="scenario-kb-pdf-") as tmp:
        return _render_pdf(data, pdf_font_file(regular, chars, tmp))


def _render_pdf(data: dict[str, Any], regular: Any) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import TextMode, WrapMode, XPos, YPos
    from fpdf.fonts import FontFace

    sub = data["submission"]

    class _PDF(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("cjk", "", 8)
            self.set_text_color(120)
            self.cell(0, 6, f"评审档案 #{sub['id']}｜第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")
            self.set_text_color(0)

    pdf = _PDF(format="A4")
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_margins(16, 14, 16)
    pdf.add_font("cjk", "", regular.path, collection_font_number=regular.index)
    pdf.add_font("cjk", "B", regular.path, collection_font_number=regular.index)  # bold drawn by stroking
    pdf.set_title(_pdf_text(f"评审档案 #{sub['id']} {sub['title']}"))
    pdf.set_creator("scenario-kb")
    pdf.add_page()
    width = pdf.epw

    def para(
        text: Any,
        size: float = 10,
        style: str = "",
        color: tuple[int, int, int] = (0, 0, 0),
        h: float = 5.6,
        fill: tuple[int, int, int] | None = None,
    ) -> None:
        pdf.set_font("cjk", "", size)
        pdf.set_text_color(*color)
        if fill:
            pdf.set_fill_color(*fill)
        kw = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT, "wrapmode": WrapMode.CHAR, "fill": bool(fill)}
        if style == "B":  # one embedded face: bold is the regular glyphs filled and stroked
            with pdf.local_context(text_mode=TextMode.FILL_STROKE, line_width=size * 0.012, draw_color=color):
                pdf.multi_cell(width, h, _pdf_text(text), **kw)
        else:
            pdf.multi_cell(width, h, _pdf_text(text), **kw)
        pdf.set_text_color(0)

    def heading(text: str) -> None:
        pdf.ln(3)
        para(text, 13, "B", (31, 78, 140), 8)
        pdf.set_draw_color(200)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(1.5)

    def marked(e: dict[str, Any] | None) -> str:
        if not e:
            return "（原文不可用）"
        return f"{e['before']}【{e['match']}】{e['after']}"

    def table(
        rows: list[list[Any]], widths: tuple[float, ...], header: list[str] | None = None, size: float = 9
    ) -> None:
        pdf.set_font("cjk", "", size)
        with pdf.table(
            col_widths=widths,
            text_align="LEFT",
            line_height=size * 0.55,
            wrapmode=WrapMode.CHAR,
            first_row_as_headings=header is not None,
            headings_style=FontFace(emphasis="BOLD", fill_color=(238, 243, 249)),
        ) as t:
            if header is not None:
                r = t.row()
                for h in header:
                    r.cell(_pdf_text(h))
            for row in rows:
                r = t.row()
                for v in row:
                    r.cell(_pdf_text(v))
        pdf.ln(1)

    para(f"评审档案 #{sub['id']}：{sub['title'] or '（无标题）'}", 16, "B", h=9)
    notice = data.get("notice") or {}
    basis = f"｜依据：《{notice['title']}》{notice.get('number', '')}" if notice.get("title") else ""
    para(f"生成时间：{data['generated_at']}{basis}", 8, color=(110, 110, 110), h=4.5)

    heading("一、基本信息")
    st = data["stats"]
    dec = data["decision"]
    region = sub["region"] + (f"（{sub['region_type']}）" if sub["region_type"] else "")
    table(
        [
            ["申报单位", sub["applicant"], "类型", sub["kind_label"]],
            ["地区", region, "行业", sub["industry"]],
            ["申报场景/揭榜任务", sub["claimed"], "年度", sub["year"] or ""],
            ["推荐单位", sub["recommender"], "原文件", sub["source"]],
            [
                "字数",
                "" if st["zishu"] is None else st["zishu"],
                "薄弱分",
                f"{_num(st['weakness'])}（错误 {st['errors']}，警告 {st['warnings']}，提示 {st['infos']}）",
            ],
            ["审核状态", dec["status"], "审核人", f"{dec['reviewer']} {dec['created_at']}".strip()],
            ["审核意见", dec["note"], "", ""],
        ],
        (1, 2, 1, 2),
    )
    if data.get("analysis_error"):
        para(data["analysis_error"], 9, color=(176, 0, 32))

    heading(f"二、检查发现（{len(data['findings'])} 项）")
    if not data["findings"]:
        para("未发现问题。")
    colors = {"error": (176, 0, 32), "warning": (178, 106, 0), "info": (90, 90, 90)}
    for f in data["findings"]:
        para(f"[{f['severity_label']}] {f['code']}", 10, "B", colors.get(f["severity"], (0, 0, 0)))
        para(f["message"], 10)
        for e in f["excerpts"]:
            para(f"原文 [{e['span'][0]}–{e['span'][1]}]：{marked(e)}", 9, color=(60, 60, 60), h=5)
        if f.get("more_spans"):
            para(f"另有 {f['more_spans']} 处", 8, color=(120, 120, 120))
        c = f.get("clause")
        if c:
            text = f"“{c['text']}”" if c.get("quote") == "verbatim" else c["text"]
            para(
                f"相关条款 {c['ref']}（{c['label']}）〔{c['quote_label']}〕：{text}",
                8.5,
                color=(40, 90, 40),
                h=4.8,
            )
        pdf.ln(1.5)

    heading("三、分类结果")
    cl = data["classification"]
    if not cl["available"]:
        para("暂无分类结果。", 9, color=(110, 110, 110))
    else:
        if cl["edition"]:
            para(f"参考版本：{cl['edition']}", 8.5, color=(110, 110, 110))
        if cl["off_topic"]:
            para("文本与参考指引中的典型场景均不相符（疑似离题）。", 10, "B", (178, 106, 0))
        rows = []
        for i, s in enumerate(cl["scenarios"], 1):
            ev = "\n".join(e["text"] for e in s["evidence"]) or "、".join(s["keywords"])
            rows.append([i, f"{s['code']} {s['name']}", s["link"], _num(s["score"]), ev])
        if rows:
            table(rows, (0.6, 2.4, 1.4, 0.9, 5), ["排名", "典型场景", "环节", "得分", "依据"], 8.5)
        if cl["links"]:
            para("环节：" + "、".join(f"{r['name']}（{_num(r['score'])}）" for r in cl["links"]), 9)
        trows = []
        for i, s in enumerate(cl["tasks"], 1):
            trows.append(
                [
                    i,
                    f"{s['code']} {s['name']}",
                    f"{s['link']} {s['subsector']}",
                    _num(s["score"]),
                    "\n".join(e["text"] for e in s["evidence"]),
                ]
            )
        if trows:
            table(trows, (0.6, 2.4, 1.4, 0.9, 5), ["排名", "揭榜任务", "行业", "得分", "依据"], 8.5)

    heading("四、结构与量化指标")
    if data["outline"]:
        parts = []
        for s in data["outline"]:
            parts.append(
                (s["heading"] or "（无标题）")
                + (f"→{s['part']}" if s["part"] else "")
                + ("（推断）" if s["inferred"] else "")
            )
        para("结构：" + "；".join(parts), 9)
    if data["metrics"]:
        rows = [
            [
                m["indicator"],
                f"{m['before']}{m['unit'] if m['before'] else ''}",
                f"{m['after']}{m['unit'] if m['after'] else ''}",
                m["change"],
                m["text"],
            ]
            for m in data["metrics"]
        ]
        table(rows, (1.6, 1.1, 1.1, 1.1, 4.5), ["指标", "实施前", "实施后", "变化", "原文"], 8.5)
    else:
        para("未识别到量化指标。", 9, color=(110, 110, 110))

    heading("五、相似材料")
    if data.get("similar_error"):
        para(data["similar_error"], 9, color=(110, 110, 110))
    elif not data["similar"]:
        para("未发现相似材料。", 9)

    def pct(v: Any) -> str:
        return "" if v is None else f"{float(v) * 100:.1f}%"

    for m in data["similar"]:
        para(f"#{m['id']} {m['title']}  {m['source']}", 10, "B")
        para(
            f"相似度 {pct(m['similarity'])}（排除套话 {pct(m['similarity_excl_boilerplate'])}）｜{m['level_label']}｜共享段落 {m['n_passages']} 处",
            9,
        )
        # the pair one above the other: two narrow columns would interleave their lines for text extraction
        for n, p in enumerate(m["passages"], 1):
            a, b = p["a"], p["b"]
            tag = "（套话）" if p["boilerplate"] else ""
            para(
                f"对照{n}  本申报 [{a['span'][0]}–{a['span'][1]}]{tag}：{marked(a)}",
                8.5,
                h=4.8,
                fill=(255, 246, 214),
            )
            where = f" [{b['span'][0]}–{b['span'][1]}]" if b else ""
            para(f"对照{n}  #{m['id']}{where}：{marked(b)}", 8.5, h=4.8, fill=(230, 240, 250))
            pdf.ln(1.5)

    heading("六、审核记录")
    if data["history"]:
        table(
            [[h["created_at"], h["reviewer"], h["status"], h["note"]] for h in data["history"]],
            (1.6, 1, 0.8, 4),
            ["时间", "审核人", "状态", "意见"],
        )
    else:
        para("尚无审核记录（待审）。", 9, color=(110, 110, 110))

    if data["clauses"]:
        heading("附：引用的通知条款")
        for c in data["clauses"]:
            text = f"“{c['text']}”" if c.get("quote") == "verbatim" else c["text"]
            para(f"{c['ref']} {c['label']}〔{c['quote_label']}〕：{text}", 9)
            para(
                f"来源：{c['source']}" + (f"；说明：{c['relation']}" if c.get("relation") else ""),
                7.5,
                color=(110, 110, 110),
                h=4.2,
            )
    pdf.ln(3)
    status = notice.get("status", "")
    para(
        (f"{status}。" if status else "")
        + "本档案由 scenario-kb 生成，检查结果为辅助评审信息，不代替评审结论。",
        7.5,
        color=(110, 110, 110),
        h=4.2,
    )
    return bytes(pdf.output())
