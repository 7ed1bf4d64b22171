"""The coverage component: which reference scenarios, regions, industries and years the stored submissions cover,
the recommenders' quota usage, and their exports (long-form workbook, count matrices, heatmaps).

The scenario of a submission: reviewer-confirmed labels first, then the stored top prediction, then the claimed one.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from kb import reference
from kb.config import DATA_DIR
from kb.errors import KBError
from kb.export import Matrix, Sheet, csv_bytes, find_cjk_font, heatmap_png, xlsx_bytes
from kb.models import KIND_LABELS
from kb.quota import QUOTA_LIMITS

if TYPE_CHECKING:
    from kb.service import KB


class Coverage:
    """Coverage tables, quota usage and coverage exports (reads submissions, labels and stored analyses)."""

    def __init__(self, kb: KB) -> None:
        self.kb = kb

    def _coverage_items(self, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        subs = self.kb.store.list_submissions(filters)
        ids = [s.id for s in subs]
        summ = self.kb.analysis.row_summaries(ids)
        guide = {e.code: e for e in self.kb.reference.active_edition("guide").entries}
        by_name = {e.name: e for e in guide.values()}
        confirmed: dict[int, list[str]] = defaultdict(list)
        for lab in self.kb.storage.labels("scenario"):
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

    def summary(self, filters: dict[str, Any] | None = None) -> dict[str, Any]:
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
            for e in self.kb.reference.active_edition("guide").entries
            if e.code not in covered_codes
        ]
        covered_ind = {i["industry"] for i in items}
        gap_ind = [r for r in self.industries() if r["name"] not in covered_ind]
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
    def industries() -> list[dict[str, str]]:
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
        groups: dict[tuple[str, str, Any], list[int]] = defaultdict(lambda: [0, 0])
        for s in self.kb.store.list_submissions(filters):
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

    def excel(self, filters: dict[str, Any] | None = None) -> bytes:
        """The coverage analysis in long form as an .xlsx workbook (text cells neutralised against formula injection)."""
        cov = self.summary(filters)
        detail = [
            "id",
            "title",
            "kind",
            "region",
            "recommender",
            "industry",
            "year",
            "link",
            "code",
            "scenario",
        ]
        quota = [
            "recommender",
            "region_type",
            "year",
            "scenarios",
            "scenario_limit",
            "factories",
            "factory_limit",
        ]
        sheets = [
            Sheet(
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
                [[i[k] for k in detail] + [i["source"]] for i in cov["items"]],
            ),
            Sheet(
                "地区×环节",
                ["地区", "环节", "数量"],
                [[r["region"], r["link"], r["count"]] for r in cov["region_link"]],
            ),
            Sheet(
                "行业×场景",
                ["行业", "典型场景", "数量"],
                [[r["industry"], r["scenario"], r["count"]] for r in cov["industry_scenario"]],
            ),
            Sheet(
                "年度",
                ["年度", "类型", "数量"],
                [[r["year"], r["kind"], r["count"]] for r in cov["year_kind"]],
            ),
            Sheet(
                "推荐配额",
                ["推荐单位", "地区类型", "年度", "场景数", "场景上限", "工厂数", "工厂上限", "是否超额"],
                [[q[k] for k in quota] + ["超额" if q["over"] else ""] for q in cov["quotas"]],
            ),
            Sheet(
                "空白",
                ["类别", "编码", "名称"],
                [["典型场景", g["code"], g["scenario"]] for g in cov["gaps"]["scenarios"]]
                + [["行业", g["code"], g["name"]] for g in cov["gaps"]["industries"]],
            ),
        ]
        return xlsx_bytes(sheets)

    def matrices(self, filters: dict[str, Any] | None = None) -> list[Matrix]:
        """Coverage as count matrices: region × 环节, industry × scenario (every guide scenario a column, so gaps
        show as empty columns) and year × kind.

        Args:
            filters: storage filters.

        Returns:
            Three :class:`kb.export.Matrix` objects named ``region_link``, ``industry_scenario``, ``year_kind``.
        """
        cov = self.summary(filters)
        entries = self.kb.reference.active_edition("guide").entries
        links = list(dict.fromkeys(e.link for e in entries))
        scen = list(dict.fromkeys(e.name for e in entries))
        specs = (
            ("region_link", "地区 × 环节", "地区", "环节", "region", "link", links),
            ("industry_scenario", "行业 × 典型场景", "行业", "典型场景", "industry", "scenario", scen),
            ("year_kind", "年度 × 类型", "年度", "类型", "year", "kind", list(KIND_LABELS.values())),
        )
        return [
            Matrix.from_counts(name, title, rl, cl, ((r[a], r[b], r["count"]) for r in cov[name]), cols=cols)
            for name, title, rl, cl, a, b, cols in specs
        ]

    def charts(self, filters: dict[str, Any] | None = None) -> dict[str, bytes]:
        """Heatmap PNGs of :meth:`coverage_matrices`, ``{matrix name: PNG bytes}``."""
        font = find_cjk_font(override=self.kb.config.cjk_font)
        return {m.name: heatmap_png(m, font=font) for m in self.matrices(filters)}

    def export(
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
        mats = self.matrices(filters)
        out: dict[str, bytes] = {}
        pngs: dict[str, bytes] = {}
        if charts:
            font = find_cjk_font(override=self.kb.config.cjk_font)
            pngs = {m.name: heatmap_png(m, font=font) for m in mats}
        if fmt == "csv":
            for m in mats:
                sh = m.sheet()
                out[f"{m.name}.csv"] = csv_bytes(sh.header, sh.rows)
        elif fmt == "xlsx":
            cov = self.summary(filters)
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
