"""UI-oriented aggregations: the reviewer inbox, the submission report, coverage and quotas, the self-check.

Everything here reads stored analyses (never recomputes them while a page renders, except the detail report and
the self-check, which are one text each) and returns plain data that a Streamlit page or the CLI formats.
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
import threading
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from kb.config import DATA_DIR
from kb.errors import IngestError, KBError, LimitExceededError, UnsupportedFormatError
from kb.export import safe_cell
from kb.models import KIND_LABELS, REVIEW_STATUSES
from kb.quota import QUOTA_LIMITS

log = logging.getLogger(__name__)

STORAGE_SORTS = ("id", "title", "region", "industry", "kind", "year", "applicant")
DERIVED_SORTS = ("zishu", "weakness", "similarity", "status", "predicted")
INBOX_SORTS = STORAGE_SORTS + DERIVED_SORTS
SELF_CHECK_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _span_list(spans: Any) -> list[tuple[int, int]]:
    out = []
    for sp in spans or ():
        try:
            s, e = int(sp[0]), int(sp[1])
        except (TypeError, ValueError, IndexError, KeyError):
            continue
        if e > s:
            out.append((s, e))
    return out


def summarize_analyses(check: dict[str, Any] | None, classify: dict[str, Any] | None) -> dict[str, Any]:
    """Collapse stored check/classify results into the few columns of an inbox row.

    Args:
        check: the stored ``check`` result (or ``None`` when not analysed).
        classify: the stored ``classify`` result (or ``None``).

    Returns:
        ``zishu``, ``weakness``, ``errors``, ``warnings``, ``flags`` (finding codes), ``predicted`` (top scenario
        name), ``predicted_code``, ``predicted_score``, ``link``, ``off_topic``, ``analysed``.
    """
    row: dict[str, Any] = {
        "zishu": None,
        "weakness": None,
        "errors": 0,
        "warnings": 0,
        "flags": [],
        "predicted": "",
        "predicted_code": "",
        "predicted_score": None,
        "link": "",
        "off_topic": False,
        "analysed": bool(check or classify),
    }
    flags: list[str] = []
    if check:
        row["zishu"] = check.get("zishu")
        row["weakness"] = check.get("weakness")
        for f in check.get("findings", []):
            sev = f.get("severity")
            if sev == "error":
                row["errors"] += 1
            elif sev == "warning":
                row["warnings"] += 1
            if sev in ("error", "warning") and f.get("code") not in flags:
                flags.append(f.get("code"))
    if classify:
        scen = classify.get("scenarios") or []
        if scen:
            top = scen[0]
            row["predicted"] = top.get("name", "")
            row["predicted_code"] = top.get("code", "")
            row["predicted_score"] = top.get("score")
            row["link"] = top.get("link", "")
        row["off_topic"] = bool(classify.get("off_topic"))
        for f in classify.get("findings", []):
            sev = f.get("severity")
            row["errors"] += sev == "error"
            row["warnings"] += sev == "warning"
            if sev in ("error", "warning") and f.get("code") not in flags:
                flags.append(f.get("code"))
    row["flags"] = [f for f in flags if f]
    return row


def highlight_segments(text: str, marks: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Cut ``text`` into consecutive pieces, each with the marks covering it (for inline highlighting).

    Args:
        text: the original text.
        marks: dicts with ``span`` ``[s, e)`` plus any payload (code, severity, message …).

    Returns:
        ``[(piece, [marks covering piece]), …]`` whose pieces concatenate to ``text``.
    """
    n = len(text)
    cuts = {0, n}
    for m in marks:
        s, e = max(0, int(m["span"][0])), min(n, int(m["span"][1]))
        if e > s:
            cuts.update((s, e))
    pts = sorted(cuts)
    out = []
    for a, b in zip(pts, pts[1:], strict=False):
        if b <= a:
            continue
        cover = [m for m in marks if int(m["span"][0]) <= a and int(m["span"][1]) >= b]
        out.append((text[a:b], cover))
    return out


class ViewsMixin:
    """Aggregations for the Streamlit workbench (mixed into :class:`kb.service.KB`)."""

    _views_lock = threading.Lock()

    # ------------------------------------------------------------------ stored-analysis summaries
    def _summary_cache(self) -> dict[int, tuple[tuple[str, str], dict[str, Any]]]:
        cache = self.__dict__.get("_views_summaries")
        if cache is None:
            cache = self.__dict__.setdefault("_views_summaries", {})
        return cache

    def row_summaries(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """Inbox columns derived from the STORED analyses of ``ids`` (missing analyses give empty columns).

        Cached per process and refreshed when the rules or the active editions change. Never runs an analysis.

        Args:
            ids: submission ids.

        Returns:
            ``{id: summary}`` as :func:`summarize_analyses` returns it.
        """
        try:
            versions = self._versions()
            want = (versions.get("check", ""), versions.get("classify", ""))
        except Exception:  # checks not installed yet: no version, show what is stored
            want = ("", "")
        cache = self._summary_cache()
        missing = [i for i in ids if i not in cache or cache[i][0] != want]
        if missing:
            if len(missing) > 100:
                checks = self.storage.analysis_summaries("check")
                classes = self.storage.analysis_summaries("classify")
                fetched = {i: (checks.get(i), classes.get(i)) for i in missing}
            else:
                fetched = {
                    i: (self.storage.get_analysis(i, "check"), self.storage.get_analysis(i, "classify"))
                    for i in missing
                }
            with self._views_lock:
                for i, (ch, cl) in fetched.items():
                    if ch is None and cl is None:
                        cache.pop(i, None)
                        continue
                    got = (ch[0] if ch else "", cl[0] if cl else "")
                    cache[i] = (got, summarize_analyses(ch[1] if ch else None, cl[1] if cl else None))
        empty = summarize_analyses(None, None)
        return {i: (cache[i][1] if i in cache else empty) for i in ids}

    def _dupes_cached(self) -> dict[str, Any] | None:
        """``dupes()`` of the current index, cached per engine state; ``None`` when no index was ever built.

        Never builds an index while a page renders: without a loaded engine or a saved index it returns ``None``.
        """
        eng = getattr(self, "_engine", None)
        if eng is None:
            if not (self._index_dir() / "config.json").exists():
                return None
            eng = self.similarity_engine()
        key = (id(eng), len(eng), float(self.config.dup_threshold))
        cached = self.__dict__.get("_views_dupes")
        if cached is not None and cached[0] == key:
            return cached[1]
        res = self.dupes()
        self.__dict__["_views_dupes"] = (key, res)
        return res

    def similarity_summaries(self) -> dict[int, dict[str, Any]]:
        """Highest similarity per submission and its source, from the duplicate pairs (empty before indexing).

        Only pairs at or above the duplicate threshold are known; a submission without one gets no entry.

        Returns:
            ``{id: {"similarity": float, "other": id, "level": str}}``.
        """
        try:
            res = self._dupes_cached()
        except Exception as exc:  # index unreadable, engine unavailable
            log.info("no similarity summary: %s", exc)
            return {}
        if res is None:
            return {}
        best: dict[int, dict[str, Any]] = {}
        for p in res.get("pairs", []):
            a, b = int(p["a"]), int(p["b"])
            sim = float(p.get("similarity") or 0.0)
            for x, y in ((a, b), (b, a)):
                if x not in best or sim > best[x]["similarity"]:
                    best[x] = {
                        "similarity": sim,
                        "other": y,
                        "level": p.get("level", ""),
                    }
        return best

    # ------------------------------------------------------------------ inbox
    def inbox_options(self) -> dict[str, list[Any]]:
        """Values offered by the inbox filters (distinct stored values)."""
        self.storage.ensure_ready()
        opts = {
            c: self.storage.distinct_values(c) for c in ("kind", "region", "region_type", "industry", "year")
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
        decisions = self.storage.latest_decisions()
        sims = self.similarity_summaries()
        derived = sort in DERIVED_SORTS or bool(status) or flagged_only
        if not derived:
            total = self.count(filters)
            pages = max(1, -(-total // page_size))
            page = min(max(1, int(page)), pages)
            subs = self.list_submissions(
                filters, limit=page_size, offset=(page - 1) * page_size, order_by=sort, descending=descending
            )
            summ = self.row_summaries([s.id for s in subs])
            rows = [self._inbox_row(s, summ[s.id], decisions.get(s.id), sims.get(s.id)) for s in subs]
        else:
            subs = self.list_submissions(filters)
            summ = self.row_summaries([s.id for s in subs])
            rows = [self._inbox_row(s, summ[s.id], decisions.get(s.id), sims.get(s.id)) for s in subs]
            if status:
                rows = [r for r in rows if r["status"] in status]
            if flagged_only:
                thr = float(self.config.dup_threshold)
                rows = [r for r in rows if r["flags"] or (r["similarity"] or 0) >= thr]
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
            "status": (dec or {}).get("status", "待审"),
            "note": (dec or {}).get("note", ""),
            "reviewer": (dec or {}).get("reviewer", ""),
        }

    def set_decisions(self, ids: list[int], reviewer: str, status: str, note: str = "") -> int:
        """Record the same reviewer status for several submissions (bulk action). Returns how many were set."""
        for sid in ids:
            self.set_decision(int(sid), reviewer, status, note)
        return len(ids)

    # ------------------------------------------------------------------ submission report
    def submission_report(self, sid: int) -> dict[str, Any]:
        """Everything the detail page shows for one submission.

        Runs the analysis when it is missing or outdated (one text); similar texts come from the index when built.

        Returns:
            ``submission`` (dict with text), ``check``, ``classify`` (or ``None`` with ``analysis_error``),
            ``marks`` (finding spans to highlight), ``decision``, ``history``, ``labels``, ``similar``,
            ``similar_reference``, ``similar_error``.
        """
        sub = self.get(sid)
        out: dict[str, Any] = {
            "submission": sub.to_dict(),
            "check": None,
            "classify": None,
            "analysis_error": "",
        }
        try:
            res = self.analyze(sub.id)
            out["check"], out["classify"] = res.get("check"), res.get("classify")
        except Exception as exc:  # analysis engine unavailable: show the stored text anyway
            log.exception("analysis failed for #%s", sid)
            out["analysis_error"] = f"分析失败：{exc}"
        out["marks"] = self.finding_marks(out["check"], out["classify"])
        hist = self.storage.decision_history(sub.id)
        out["history"] = hist
        out["decision"] = hist[-1] if hist else {"status": "待审", "note": "", "reviewer": ""}
        out["labels"] = [lab for lab in self.storage.labels() if lab["submission_id"] == sub.id]
        out["similar"], out["similar_error"] = [], ""
        similar = getattr(self, "similar", None)
        if similar is not None:
            try:
                out["similar"] = similar(sub.id, k=10).get("matches", [])
            except Exception as exc:
                out["similar_error"] = f"相似材料暂不可用：{exc}"
        out["similar_reference"] = self._similar_reference(sub.text)
        return out

    @staticmethod
    def finding_marks(check: dict[str, Any] | None, classify: dict[str, Any] | None) -> list[dict[str, Any]]:
        """Spans to highlight: one mark per finding span, most severe first."""
        marks = []
        for src in (check, classify):
            for f in (src or {}).get("findings", []):
                for s, e in _span_list(f.get("spans")):
                    marks.append(
                        {
                            "span": [s, e],
                            "code": f.get("code", ""),
                            "severity": f.get("severity", "info"),
                            "message": f.get("message", ""),
                        }
                    )
        marks.sort(key=lambda m: (_SEVERITY_ORDER.get(m["severity"], 3), m["span"][0]))
        return marks

    def _similar_reference(self, text: str, k: int = 5) -> list[dict[str, Any]]:
        fn = getattr(self, "similar_reference", None)
        if fn is None:
            return []
        try:
            res = fn(text, k=k)
        except Exception as exc:
            log.info("similar_reference unavailable: %s", exc)
            return []
        return list(res.get("matches", res) if isinstance(res, dict) else res)

    # ------------------------------------------------------------------ applicant self-check
    def read_upload(self, data: bytes, filename: str) -> str:
        """Extract the text of an uploaded draft without storing it (temp file removed at once).

        Args:
            data: the file bytes.
            filename: the original file name (its suffix chooses the reader).

        Returns:
            The display-normalised text.
        """
        from nlp.normalize import normalize_display

        suffix = Path(filename).suffix.lower()
        if suffix not in SELF_CHECK_SUFFIXES:
            raise UnsupportedFormatError(
                filename, f"不支持的文件格式 {suffix or '（无扩展名）'}", "请上传 .docx、.txt 或 .pdf 文件"
            )
        limit = int(self.config.max_upload_mb)
        if len(data) > limit * 1024 * 1024:
            raise LimitExceededError(filename, f"文件超过 {limit} MB", "请删减后再上传")
        if suffix in (".txt", ".md"):
            from kb.ingest.text import decode_bytes

            text, _enc = decode_bytes(data, filename)
        else:
            from kb.ingest import read_document

            with tempfile.TemporaryDirectory(prefix="kb-selfcheck-") as tmp:
                path = Path(tmp) / ("draft" + suffix)
                path.write_bytes(data)
                text, _title, _warnings = read_document(
                    path,
                    max_uncompressed_mb=int(self.config.max_docx_uncompressed_mb),
                    parse_timeout_s=float(self.config.parse_timeout_s),
                )
        text = normalize_display(text)
        if not text.strip():
            raise IngestError(filename, "文件中没有可用正文", "请检查文件，或直接粘贴正文")
        return text

    def self_check(
        self,
        text_or_bytes: str | bytes,
        filename: str | None = None,
        kind: str = "scenario",
        claimed: str | None = None,
    ) -> dict[str, Any]:
        """Check a draft for an applicant. Never writes to the database and never returns other submissions.

        Args:
            text_or_bytes: pasted text, or the bytes of an uploaded .docx/.txt/.md/.pdf file.
            filename: the uploaded file's name (required with bytes).
            kind: ``scenario`` or ``factory``.
            claimed: the scenario the applicant intends to claim (optional).

        Returns:
            ``text``, ``zishu``, ``weakness``, ``errors``/``warnings``/``infos`` (findings with their fix messages),
            ``missing`` (canonical parts absent), ``marks``, ``sections``, ``metrics``, ``fit`` (ranked scenarios
            with evidence), ``tasks``, ``off_topic``, ``reference`` (similar reference entries only).
        """
        from nlp.normalize import normalize_display

        if isinstance(text_or_bytes, bytes | bytearray):
            text = self.read_upload(bytes(text_or_bytes), filename or "draft.txt")
        else:
            text = normalize_display(str(text_or_bytes))
        if not text.strip():
            raise KBError("没有正文：请粘贴申报材料正文或上传 .docx/.txt 文件。")
        limit = int(self.config.max_text_chars)
        if len(text) > limit:
            text = text[:limit]
        kind = "factory" if kind in ("factory", "示范工厂") else "scenario"
        # untrusted text: the checks run in a worker process with time and memory limits (kb.ingest.worker)
        from kb.ingest.worker import run_bounded

        check = run_bounded(
            "checks",
            text,
            float(self.config.parse_timeout_s),
            kind=kind,
            boilerplate=self.boilerplate_texts(),
        )
        classify = self.classify_text(text, kind, claimed)
        findings = list(check.get("findings", [])) + list(classify.get("findings", []))
        by_sev: dict[str, list[dict[str, Any]]] = {"error": [], "warning": [], "info": []}
        for f in findings:
            by_sev.setdefault(f.get("severity", "info"), []).append(f)
        missing = [
            f.get("detail", {}).get("part") or f.get("message", "")
            for f in findings
            if f.get("code") == "STR001"
        ]
        reference_hits = self._similar_reference(text)
        if not reference_hits:
            reference_hits = self._reference_fallback(classify)
        return {
            "text": text,
            "kind": kind,
            "zishu": check.get("zishu"),
            "chars": check.get("chars"),
            "weakness": check.get("weakness"),
            "errors": by_sev.get("error", []),
            "warnings": by_sev.get("warning", []),
            "infos": by_sev.get("info", []),
            "missing": missing,
            "marks": self.finding_marks(check, classify),
            "sections": check.get("sections", []),
            "metrics": check.get("metrics", []),
            "contributions": check.get("contributions", []),
            "fit": classify.get("scenarios", []),
            "links": classify.get("links", []),
            "tasks": classify.get("tasks", []),
            "off_topic": classify.get("off_topic", False),
            "reference": reference_hits,
        }

    def _reference_fallback(self, classify: dict[str, Any]) -> list[dict[str, Any]]:
        """Reference entries of the top classified scenarios (used when no reference index exists)."""
        entries = {e.code: e for e in self.active_edition("guide").entries}
        out = []
        for s in (classify.get("scenarios") or [])[:3]:
            e = entries.get(s.get("code"))
            if e is not None:
                out.append(
                    {"code": e.code, "name": e.name, "link": e.link, "text": e.scope, "score": s.get("score")}
                )
        return out

    # ------------------------------------------------------------------ coverage and quotas
    def _coverage_items(self, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        subs = self.list_submissions(filters)
        ids = [s.id for s in subs]
        summ = self.row_summaries(ids)
        guide = {e.code: e for e in self.active_edition("guide").entries}
        by_name = {e.name: e for e in guide.values()}
        confirmed: dict[int, list[str]] = defaultdict(list)
        for lab in self.storage.labels("scenario"):
            confirmed[int(lab["submission_id"])].append(lab["code"])
        items = []
        for s in subs:
            sm = summ[s.id]
            codes = confirmed.get(s.id) or ([sm["predicted_code"]] if sm["predicted_code"] else [])
            if not codes and s.meta.claimed:
                e = guide.get(s.meta.claimed) or by_name.get(s.meta.claimed)
                codes = [e.code] if e else []
            base = {
                "id": s.id,
                "title": s.meta.title,
                "kind": KIND_LABELS.get(s.meta.kind, s.meta.kind),
                "region": s.meta.region or "（未填）",
                "region_type": s.meta.region_type,
                "recommender": s.meta.recommender or s.meta.region or "（未填）",
                "industry": s.meta.industry or "（未填）",
                "year": s.meta.year,
                "source": "人工确认"
                if s.id in confirmed
                else ("模型预测" if sm["predicted_code"] else "申报填写"),
            }
            if not codes:
                items.append({**base, "code": "", "scenario": "（未分类）", "link": "（未分类）"})
            for c in codes:
                e = guide.get(c)
                items.append(
                    {
                        **base,
                        "code": c,
                        "scenario": e.name if e else c,
                        "link": e.link if e else (sm["link"] or "（未分类）"),
                    }
                )
        return items

    def coverage(self, filters: dict[str, Any] | None = None) -> dict[str, Any]:
        """Coverage of the reference scenarios by the stored submissions.

        Scenario per submission: reviewer-confirmed labels first, then the stored top prediction, then the claimed one.

        Returns:
            ``items`` (one row per submission × scenario), ``region_link`` / ``industry_scenario`` / ``year_kind``
            (long-form count rows), ``gaps`` (``scenarios`` and ``industries`` with no submission), ``quotas``.
        """
        items = self._coverage_items(filters)
        region_link = Counter((i["region"], i["link"]) for i in items)
        ind_scen = Counter((i["industry"], i["scenario"]) for i in items)
        seen_ids: set[tuple[int, Any, str]] = set()
        year_kind: Counter[tuple[Any, str]] = Counter()
        for i in items:
            if (i["id"], i["year"], i["kind"]) not in seen_ids:
                seen_ids.add((i["id"], i["year"], i["kind"]))
                year_kind[(i["year"] or "（未填）", i["kind"])] += 1
        covered_codes = {i["code"] for i in items if i["code"]}
        gap_scen = [
            {"code": e.code, "link": e.link, "scenario": e.name}
            for e in self.active_edition("guide").entries
            if e.code not in covered_codes
        ]
        covered_ind = {i["industry"] for i in items}
        gap_ind = [r for r in self._industries() if r["name"] not in covered_ind]
        return {
            "items": items,
            "submissions": len({i["id"] for i in items}),
            "region_link": [
                {"region": r, "link": lk, "count": n} for (r, lk), n in sorted(region_link.items())
            ],
            "industry_scenario": [
                {"industry": a, "scenario": b, "count": n} for (a, b), n in sorted(ind_scen.items())
            ],
            "year_kind": [
                {"year": str(y), "kind": k, "count": n} for (y, k), n in sorted(year_kind.items(), key=str)
            ],
            "gaps": {"scenarios": gap_scen, "industries": gap_ind},
            "quotas": self.quota_usage(filters),
        }

    @staticmethod
    def _industries() -> list[dict[str, str]]:
        path = DATA_DIR / "industries_gbt4754.csv"
        if not path.exists():
            return []
        with path.open(encoding="utf-8") as fh:
            return [{"code": r["code"], "name": r["name"]} for r in csv.DictReader(fh)]

    def quota_usage(self, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Submissions per recommender and year against the notice's limits.

        The recommender is ``meta.recommender`` (else the region). Limits by region type: 省级 20 scenarios / 10
        factories, 计划单列市 and 兵团 10 / 5, each 中央企业 6 / 3.

        Returns:
            Rows with recommender, region_type, year, scenarios, scenario_limit, factories, factory_limit, over.
        """
        from kb import reference

        groups: dict[tuple[str, str, Any], list[int]] = defaultdict(lambda: [0, 0])
        for s in self.list_submissions(filters):
            rec = s.meta.recommender or s.meta.region or "（未填）"
            rtype = s.meta.region_type
            if not rtype and rec != "（未填）":
                found = reference.resolve_region(rec)
                rtype = found.region_type if found else ""
            groups[(rec, rtype, s.meta.year)][0 if s.meta.kind != "factory" else 1] += 1
        rows = []
        for (rec, rtype, year), (ns, nf) in sorted(groups.items(), key=lambda kv: (str(kv[0][2]), kv[0][0])):
            lim = QUOTA_LIMITS.get(rtype, {})
            ls, lf = lim.get("scenario"), lim.get("factory")
            over = (ls is not None and ns > ls) or (lf is not None and nf > lf)
            rows.append(
                {
                    "recommender": rec,
                    "region_type": rtype or "（未知）",
                    "year": year,
                    "scenarios": ns,
                    "scenario_limit": ls,
                    "factories": nf,
                    "factory_limit": lf,
                    "over": bool(over),
                }
            )
        return rows

    def coverage_excel(self, filters: dict[str, Any] | None = None) -> bytes:
        """The coverage analysis as an .xlsx workbook (text cells neutralised against formula injection)."""
        import xlsxwriter

        cov = self.coverage(filters)
        sheets: list[tuple[str, list[str], list[list[Any]]]] = [
            (
                "覆盖明细",
                [
                    "编号",
                    "标题",
                    "类型",
                    "地区",
                    "推荐单位",
                    "行业",
                    "年度",
                    "环节",
                    "场景编码",
                    "典型场景",
                    "来源",
                ],
                [
                    [
                        i["id"],
                        i["title"],
                        i["kind"],
                        i["region"],
                        i["recommender"],
                        i["industry"],
                        i["year"],
                        i["link"],
                        i["code"],
                        i["scenario"],
                        i["source"],
                    ]
                    for i in cov["items"]
                ],
            ),
            (
                "地区×环节",
                ["地区", "环节", "数量"],
                [[r["region"], r["link"], r["count"]] for r in cov["region_link"]],
            ),
            (
                "行业×场景",
                ["行业", "典型场景", "数量"],
                [[r["industry"], r["scenario"], r["count"]] for r in cov["industry_scenario"]],
            ),
            (
                "年度",
                ["年度", "类型", "数量"],
                [[r["year"], r["kind"], r["count"]] for r in cov["year_kind"]],
            ),
            (
                "推荐配额",
                ["推荐单位", "地区类型", "年度", "场景数", "场景上限", "工厂数", "工厂上限", "是否超额"],
                [
                    [
                        q["recommender"],
                        q["region_type"],
                        q["year"],
                        q["scenarios"],
                        q["scenario_limit"],
                        q["factories"],
                        q["factory_limit"],
                        "超额" if q["over"] else "",
                    ]
                    for q in cov["quotas"]
                ],
            ),
            (
                "空白",
                ["类别", "编码", "名称"],
                [["典型场景", g["code"], g["scenario"]] for g in cov["gaps"]["scenarios"]]
                + [["行业", g["code"], g["name"]] for g in cov["gaps"]["industries"]],
            ),
        ]
        buf = io.BytesIO()
        wb = xlsxwriter.Workbook(
            buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        )
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})
        for name, header, rows in sheets:
            ws = wb.add_worksheet(name)
            ws.write_row(0, 0, header, head)
            for r, row in enumerate(rows, start=1):
                for c, v in enumerate(row):
                    v = safe_cell(v)
                    if v is None:
                        ws.write_blank(r, c, None)
                    elif isinstance(v, int | float):
                        ws.write_number(r, c, v)
                    else:
                        ws.write_string(r, c, str(v))
            ws.set_column(0, len(header) - 1, 16)
            ws.freeze_panes(1, 0)
        wb.close()
        return buf.getvalue()

    # ------------------------------------------------------------------ reference browsing
    def reference_rows(self, list_kind: str = "guide", query: str = "") -> list[dict[str, Any]]:
        """Entries of the active guide or task list, filtered by a substring of name, scope, keywords or code."""
        ed = self.active_edition(list_kind)
        q = query.strip().lower()
        rows = []
        for e in ed.entries:
            hay = " ".join([e.code, e.name, e.link, e.subsector, e.scope, *e.keywords, *e.synonyms]).lower()
            if q and q not in hay:
                continue
            row = {
                "code": e.code,
                "link": e.link,
                "name": e.name,
                "status": e.status,
                "scope": e.scope,
                "keywords": "、".join(e.keywords),
            }
            if list_kind == "tasks":
                row["subsector"] = e.subsector
                row["indicators"] = "、".join(e.indicators)
            rows.append(row)
        return rows

    # ------------------------------------------------------------------ duplicates
    def duplicate_families(self) -> dict[str, Any]:
        """Duplicate families and pairs with the reviewers' "reviewed" marks (empty with ``error`` before indexing)."""
        try:
            res = self._dupes_cached()
        except Exception as exc:
            return {"families": [], "pairs": [], "error": f"查重结果暂不可用：{exc}。请在“管理”页重建索引。"}
        if res is None:
            return {
                "families": [],
                "pairs": [],
                "error": "相似度索引尚未建立：请管理员在“管理 → 索引”中重建索引。",
            }
        res = dict(res)
        reviewed = self.storage.family_reviews()
        fams = []
        for f in res.get("families", []):
            f = dict(f)
            f["reviewed"] = reviewed.get(str(f.get("key")))
            fams.append(f)
        res["families"] = fams
        res.setdefault("pairs", [])
        res["error"] = ""
        return res

    def review_family(self, key: str, reviewer: str, note: str = "") -> None:
        """Mark a duplicate family as reviewed (the mark stays with the family key)."""
        self.storage.mark_family_reviewed(str(key), reviewer, note)

    def pair_view(self, a_id: int, b_id: int) -> dict[str, Any]:
        """Two submissions side by side with their shared passages, numbered in reading order of ``a``.

        Returns:
            ``a`` / ``b`` (id, title, source, text), ``similarity``, ``similarity_excl_boilerplate``, ``level``,
            ``matches``: ``[{n, a: [s, e], b: [s, e], boilerplate, text_a, text_b}]``.
        """
        sa, sb = self.get(a_id), self.get(b_id)
        al = dict(self.pair(sa.id, sb.id))
        shared = al.get("shared") or al.get("spans") or []
        shared = sorted(shared, key=lambda s: (s["a"][0], s["b"][0]))
        matches = []
        for n, s in enumerate(shared, start=1):
            (a0, a1), (b0, b1) = s["a"], s["b"]
            matches.append(
                {
                    "n": n,
                    "a": [int(a0), int(a1)],
                    "b": [int(b0), int(b1)],
                    "boilerplate": bool(s.get("boilerplate")),
                    "text_a": sa.text[a0:a1],
                    "text_b": sb.text[b0:b1],
                }
            )

        def side(sub: Any) -> dict[str, Any]:
            return {"id": sub.id, "title": sub.meta.title, "source": sub.source, "text": sub.text}

        return {
            "a": side(sa),
            "b": side(sb),
            "similarity": al.get("similarity"),
            "similarity_excl_boilerplate": al.get("similarity_excl_boilerplate"),
            "level": al.get("level", ""),
            "matches": matches,
        }
