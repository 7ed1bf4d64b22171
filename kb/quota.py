"""Recommendation lists (推荐汇总表, 附件6/7 of the 2021 notice): read a list, check it against the notice's rules.

Pure rules over records: no SQL, no :mod:`nlp`. The service layer (:meth:`kb.service.reports.Reports.quota_check`) supplies a
:class:`KBCatalog` built from the stored submissions so that every listed item can be looked up.

Rules (issue codes; severity in brackets):

- ``QTA001`` [error] quota exceeded: a province may list ≤20 优秀场景 and ≤10 示范工厂; a 计划单列市 and the
  新疆生产建设兵团 ≤10 and ≤5; each central enterprise ≤6 and ≤3, counted apart from the local quota
  (:data:`QUOTA_LIMITS`).
- ``QTA002`` [error] a priority that is missing or not a positive whole number.
- ``QTA003`` [error] gaps in the priority order (per recommender and kind it must run 1..n).
- ``QTA004`` [error] the same priority given twice.
- ``QTA005`` [error] the same applicant listed twice for the same kind by one recommender.
- ``QTA006`` [error] the same applicant listed by two recommenders.
- ``QTA007`` [warning] the same applicant listed both as 优秀场景 and as 示范工厂.
- ``QTA008`` [error] a row without applicant, project, kind or recommender, or with an unknown region type.
- ``QTA010`` [error] a listed item not found in the knowledge base (applicant + project, normalised).
- ``QTA011`` [warning] found by project title only: the applicant differs.
- ``QTA012`` [error] the item's checks found errors (e.g. more than 3000 字).
- ``QTA013`` [warning] the stored kind or recommender differs from the list.

Central enterprises: a row whose 地区类型 is 中央企业 counts against the quota of the enterprise named in an optional
``所属中央企业`` column, or, without it, of the 推荐单位 (the central enterprise files its own list).
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from kb.errors import KBError

KIND_LABELS = {"scenario": "优秀场景", "factory": "示范工厂"}
_KIND_VALUES = {
    "优秀场景": "scenario",
    "场景": "scenario",
    "智能制造优秀场景": "scenario",
    "scenario": "scenario",
    "示范工厂": "factory",
    "工厂": "factory",
    "智能制造示范工厂": "factory",
    "factory": "factory",
}
REGION_TYPES = ("省级", "计划单列市", "兵团", "中央企业")
_REGION_TYPE_VALUES = {
    "省级": "省级",
    "省": "省级",
    "省份": "省级",
    "自治区": "省级",
    "直辖市": "省级",
    "省/自治区/直辖市": "省级",
    "province": "省级",
    "计划单列市": "计划单列市",
    "单列市": "计划单列市",
    "city": "计划单列市",
    "兵团": "兵团",
    "新疆生产建设兵团": "兵团",
    "corps": "兵团",
    "中央企业": "中央企业",
    "央企": "中央企业",
    "central": "中央企业",
    "central enterprise": "中央企业",
}

QUOTA_LIMITS: dict[str, dict[str, int]] = {
    "省级": {"scenario": 20, "factory": 10},
    "计划单列市": {"scenario": 10, "factory": 5},
    "兵团": {"scenario": 10, "factory": 5},
    "中央企业": {"scenario": 6, "factory": 3},
}
"""Most items one recommending unit may list, by unit type and kind (the 2021 notice)."""

UNIT_LABELS = {
    "省级": "省（自治区、直辖市）",
    "计划单列市": "计划单列市",
    "兵团": "新疆生产建设兵团",
    "中央企业": "中央企业",
}


LIST_FIELDS: dict[str, tuple[str, ...]] = {
    "priority": ("推荐顺序", "推荐排序", "推荐优先顺序", "优先顺序", "排序", "priority", "序号"),
    "applicant": ("申报单位", "申报主体", "企业名称", "单位名称", "申报企业", "applicant"),
    "project": ("项目名称", "场景名称", "工厂名称", "名称", "标题", "project", "title"),
    "kind": ("类型", "项目类别", "申报类型", "类别", "kind"),
    "recommender": ("推荐单位", "推荐部门", "recommender"),
    "region_type": ("地区类型", "推荐单位类型", "region type", "region_type"),
    "central": ("所属中央企业", "中央企业", "所属集团", "central enterprise", "central_enterprise"),
}
_REQUIRED = ("applicant", "project", "recommender")


class QuotaListError(KBError):
    """推荐名单无法读取：请提供 .xlsx 或 .csv 文件，第一行为表头（推荐顺序、申报单位、项目名称、类型、推荐单位、地区类型）。"""

    code = "KB051"


def norm_key(s: Any) -> str:
    """Normalise a name for matching: NFKC width folding, lower case, no spaces, punctuation or brackets.

    Args:
        s: an applicant or project name as written.

    Returns:
        The key (``"宁波某某 (集团) 有限公司"`` and ``"宁波某某（集团）有限公司"`` give the same key).
    """
    t = unicodedata.normalize("NFKC", "" if s is None else str(s)).lower()
    return "".join(ch for ch in t if not (ch.isspace() or unicodedata.category(ch)[0] in "PSZ"))


# ----------------------------------------------------------------------------------------------- records
@dataclass
class ListItem:
    """One row of a recommendation list."""

    row: int  # row number as the spreadsheet shows it
    priority: int | None
    priority_raw: str
    applicant: str
    project: str
    kind: str  # scenario | factory | "" (unknown)
    recommender: str
    region_type: str  # 省级 | 计划单列市 | 兵团 | 中央企业 | "" (unknown)
    central: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def unit(self) -> str:
        """The quota unit: the central enterprise for 中央企业 rows, else the recommender."""
        if self.region_type == "中央企业":
            return self.central or self.recommender
        return self.recommender

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["unit"] = self.unit
        d["kind_label"] = KIND_LABELS.get(self.kind, self.kind)
        return d


@dataclass(frozen=True)
class KBRecord:
    """What the checks need to know of a stored submission."""

    id: int
    applicant: str
    title: str
    kind: str
    recommender: str = ""
    year: int | None = None
    error_codes: tuple[str, ...] = ()
    checked: bool = True


class KBCatalog:
    """Stored submissions indexed by normalised (applicant, title) and by title alone."""

    def __init__(self, records: Iterable[KBRecord]) -> None:
        self.by_pair: dict[tuple[str, str], list[KBRecord]] = defaultdict(list)
        self.by_title: dict[str, list[KBRecord]] = defaultdict(list)
        for r in records:
            self.by_pair[(norm_key(r.applicant), norm_key(r.title))].append(r)
            self.by_title[norm_key(r.title)].append(r)

    @staticmethod
    def _best(cands: list[KBRecord]) -> KBRecord:
        return max(cands, key=lambda r: (r.year or 0, r.id))

    def find(self, applicant: str, project: str) -> tuple[KBRecord | None, str]:
        """Look an item up.

        Args:
            applicant: 申报单位 as listed.
            project: 项目名称 as listed.

        Returns:
            ``(record, how)`` with ``how`` ``"exact"`` or ``"title"``; ``(None, "")`` when absent. Among several
            records the latest year wins.
        """
        cands = self.by_pair.get((norm_key(applicant), norm_key(project)))
        if cands:
            return self._best(cands), "exact"
        cands = self.by_title.get(norm_key(project))
        if cands and norm_key(project):
            return self._best(cands), "title"
        return None, ""


@dataclass
class QuotaIssue:
    """One broken rule of a recommendation list."""

    code: str
    severity: str  # error | warning
    message: str
    rows: list[int] = field(default_factory=list)
    unit: str = ""
    clause: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class UnitCount:
    """How many items a quota unit lists of one kind, against its limit."""

    unit: str
    unit_type: str
    kind: str
    count: int
    limit: int | None

    @property
    def over(self) -> bool:
        return self.limit is not None and self.count > self.limit

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["kind_label"] = KIND_LABELS.get(self.kind, self.kind)
        d["over"] = self.over
        return d


@dataclass
class QuotaReport:
    """The result of checking one recommendation list."""

    source: str
    items: list[ListItem]
    issues: list[QuotaIssue]
    counts: list[UnitCount]
    kb_checked: bool = False
    matches: dict[int, dict[str, Any]] = field(default_factory=dict)  # row -> {id, how}
    clauses: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # clause id -> clause (filled by the service)

    @property
    def errors(self) -> list[QuotaIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[QuotaIssue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when no rule is broken (warnings allowed)."""
        return not self.errors

    def codes(self) -> set[str]:
        return {i.code for i in self.issues}

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "ok": self.ok,
            "n_items": len(self.items),
            "n_errors": len(self.errors),
            "n_warnings": len(self.warnings),
            "kb_checked": self.kb_checked,
            "counts": [c.to_dict() for c in self.counts],
            "issues": [i.to_dict() for i in self.issues],
            "items": [dict(it.to_dict(), match=self.matches.get(it.row)) for it in self.items],
            "clauses": self.clauses,
        }

    def to_text(self) -> str:
        """The report as Chinese text (CLI output, plain-text download)."""
        lines = [f"推荐名单核查：{self.source}（共 {len(self.items)} 项）"]
        lines.append("结论：" + ("未发现违反规则的情况" if self.ok else f"发现 {len(self.errors)} 个问题"))
        if self.warnings:
            lines[-1] += f"，另有 {len(self.warnings)} 条提示"
        lines.append("")
        lines.append("名额：")
        for c in self.counts:
            limit = "—" if c.limit is None else str(c.limit)
            mark = "  超出" if c.over else ""
            lines.append(
                f"  {c.unit}（{UNIT_LABELS.get(c.unit_type, c.unit_type or '类型未知')}）"
                f" {KIND_LABELS.get(c.kind, c.kind)} {c.count}/{limit}{mark}"
            )
        if not self.kb_checked:
            lines.append("")
            lines.append("（未对照知识库：是否已入库、是否通过检查未核查）")
        cited: list[str] = []
        for title, group in (("问题", self.errors), ("提示", self.warnings)):
            if not group:
                continue
            lines.append("")
            lines.append(f"{title}：")
            for i in group:
                rows = f"（第 {'、'.join(str(r) for r in i.rows)} 行）" if i.rows else ""
                lines.append(f"  [{i.code}] {i.message}{rows}")
                if i.clause and i.clause not in cited:
                    cited.append(i.clause)
        refs = [self.clauses[c] for c in cited if c in self.clauses]
        if refs:
            lines.append("")
            lines.append("依据：")
            for c in refs:
                lines.append(f"  {c.get('ref', '')} {c.get('label', '')}：{c.get('text', '')}")
        return "\n".join(lines)


# ----------------------------------------------------------------------------------------------- reading
def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[int, str]]:
    alias = {norm_key(a): (f, rank) for f, aliases in LIST_FIELDS.items() for rank, a in enumerate(aliases)}
    for idx, r in enumerate(rows[:15]):
        best: dict[str, tuple[int, int]] = {}  # field -> (alias rank, column); 序号 only when nothing better
        for i, c in enumerate(r):
            hit = alias.get(norm_key(c))
            if hit and (hit[0] not in best or hit[1] < best[hit[0]][0]):
                best[hit[0]] = (hit[1], i)
        mapping = {col: f for f, (_, col) in best.items()}
        if sum(1 for f in mapping.values() if f in _REQUIRED) >= 2:
            return idx, mapping
    raise QuotaListError(
        "找不到表头：名单需有 申报单位、项目名称、推荐单位 等列（可另有 推荐顺序、类型、地区类型、所属中央企业）。"
    )


def _too_many_cells(filename: str, max_cells: int) -> QuotaListError:
    return QuotaListError(
        f"{filename} 超过 {max_cells:,} 个单元格（上限为设置项 max_table_cells）：请删去多余的空行空列或拆分名单；"
        "确需一次检查可请管理员调大 max_table_cells。"
    )


def _table_rows(data: bytes, filename: str, max_uncompressed_mb: int, max_cells: int) -> list[list[Any]]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                total = sum(i.file_size for i in zf.infolist())
        except zipfile.BadZipFile as exc:
            raise QuotaListError(f"{filename} 不是有效的 .xlsx 文件：请用 Excel/WPS 另存为 .xlsx。") from exc
        if total > max_uncompressed_mb * 1024 * 1024:
            raise QuotaListError(
                f"{filename} 解压后超过 {max_uncompressed_mb} MB（疑似压缩炸弹）：请检查文件来源。"
            )
        import openpyxl

        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:
            raise QuotaListError(
                f"无法读取 {filename}（{type(exc).__name__}）：请用 Excel/WPS 另存为 .xlsx。"
            ) from exc
        try:
            out: list[list[Any]] = []
            cells = 0
            for r in wb.worksheets[0].iter_rows(values_only=True):
                cells += len(r)
                if 0 < max_cells < cells:
                    raise _too_many_cells(filename, max_cells)
                out.append(list(r))
            return out
        finally:
            wb.close()
    if name.endswith(".csv"):
        from kb.errors import IngestError
        from kb.ingest.text import decode_bytes

        try:
            text, _ = decode_bytes(data, filename)
        except IngestError as exc:
            raise QuotaListError(f"无法读取 {filename}：{exc.reason}；{exc.fix}") from exc
        rows = [list(r) for r in csv.reader(io.StringIO(text))]
        if 0 < max_cells < sum(len(r) for r in rows):
            raise _too_many_cells(filename, max_cells)
        return rows
    raise QuotaListError(f"不支持的名单格式 {filename!r}：请提供 .xlsx 或 .csv 文件。")


MAX_PRIORITY_DIGITS = 6


def _parse_priority(raw: str) -> int | None:
    t = unicodedata.normalize("NFKC", raw).strip()
    # a priority has at most 6 digits; a longer run is invalid (and int() refuses over 4,300 digits)
    if len(t) <= MAX_PRIORITY_DIGITS and t.isascii() and t.isdigit() and int(t) > 0:
        return int(t)
    return None


def _infer_region_type(recommender: str) -> str:
    from kb import reference

    found = reference.resolve_region(recommender)
    return found.region_type if found else ""


def read_list(
    data: bytes,
    filename: str,
    *,
    default_kind: str | None = None,
    infer_region_type: Callable[[str], str] | None = _infer_region_type,
    max_uncompressed_mb: int = 200,
    max_cells: int = 2_000_000,
) -> list[ListItem]:
    """Read a recommendation list from .xlsx or .csv bytes.

    Args:
        data: the file content.
        filename: its name (the suffix chooses the reader).
        default_kind: ``scenario``/``factory`` (or 优秀场景/示范工厂) for lists without a 类型 column (附件6 / 附件7).
        infer_region_type: maps a recommender to its 地区类型 when the column is empty (None: never infer).
        max_uncompressed_mb: zip-bomb guard for .xlsx.
        max_cells: a list with more cells is refused (the ``max_table_cells`` setting).

    Returns:
        The rows, each with the problems found while reading (empty fields, unknown values).
    """
    rows = _table_rows(data, filename, max_uncompressed_mb, max_cells)
    if not any(any(_cell(c) for c in r) for r in rows):
        raise QuotaListError(f"{filename} 是空表：请按模板填写（第一行为表头）。")
    hidx, mapping = _find_header(rows)
    dk = _KIND_VALUES.get(norm_key(default_kind)) if default_kind else None
    items: list[ListItem] = []
    for n, r in enumerate(rows[hidx + 1 :], start=hidx + 2):
        vals = {f: _cell(r[i]) if i < len(r) else "" for i, f in mapping.items()}
        if not any(vals.values()):
            continue
        problems: list[str] = []
        kind_raw = vals.get("kind", "")
        kind = _KIND_VALUES.get(norm_key(kind_raw), "") if kind_raw else (dk or "")
        if kind_raw and not kind:
            problems.append(f"类型 {kind_raw!r} 无效，应为 优秀场景 或 示范工厂")
        elif not kind:
            problems.append("未填写类型（优秀场景/示范工厂）")
        rt_raw = vals.get("region_type", "")
        rtype = _REGION_TYPE_VALUES.get(rt_raw.strip().lower(), "") if rt_raw else ""
        if rt_raw and not rtype:
            problems.append(f"地区类型 {rt_raw!r} 无效，应为 省级、计划单列市、兵团 或 中央企业")
        elif not rt_raw and infer_region_type and vals.get("recommender"):
            rtype = infer_region_type(vals["recommender"])
            if not rtype:
                problems.append(f"无法从推荐单位 {vals['recommender']!r} 判断地区类型，请填写地区类型")
        for f, label in (("applicant", "申报单位"), ("project", "项目名称"), ("recommender", "推荐单位")):
            if not vals.get(f):
                problems.append(f"未填写{label}")
        prio_raw = vals.get("priority", "")
        items.append(
            ListItem(
                row=n,
                priority=_parse_priority(prio_raw),
                priority_raw=prio_raw,
                applicant=vals.get("applicant", ""),
                project=vals.get("project", ""),
                kind=kind,
                recommender=vals.get("recommender", ""),
                region_type=rtype,
                central=vals.get("central", ""),
                problems=problems,
            )
        )
    if not items:
        raise QuotaListError(f"{filename} 只有表头，没有名单行：请填写推荐项目。")
    return items


# ----------------------------------------------------------------------------------------------- rules
def _issue(code: str, severity: str, message: str, rows: Iterable[int] = (), unit: str = "") -> QuotaIssue:
    return QuotaIssue(code, severity, message, sorted(set(rows)), unit)


def _check_rows(items: list[ListItem]) -> list[QuotaIssue]:
    return [_issue("QTA008", "error", "；".join(it.problems), [it.row]) for it in items if it.problems]


def _check_quota(
    items: list[ListItem], limits: Mapping[str, Mapping[str, int]]
) -> tuple[list[UnitCount], list[QuotaIssue]]:
    groups: dict[tuple[str, str, str], list[ListItem]] = defaultdict(list)
    for it in items:
        if it.kind and it.unit:
            groups[(it.unit, it.region_type, it.kind)].append(it)
    counts: list[UnitCount] = []
    issues: list[QuotaIssue] = []
    for (unit, utype, kind), group in sorted(groups.items(), key=lambda kv: (kv[0][1] == "中央企业", kv[0])):
        limit = limits.get(utype, {}).get(kind)
        uc = UnitCount(unit, utype, kind, len(group), limit)
        counts.append(uc)
        if uc.over:
            extra = "（中央企业名额单列，不占属地指标）" if utype == "中央企业" else ""
            issues.append(
                _issue(
                    "QTA001",
                    "error",
                    f"{unit}（{UNIT_LABELS.get(utype, utype)}）列入{KIND_LABELS[kind]} {uc.count} 项，"
                    f"超过上限 {limit} 项{extra}；请按推荐顺序保留前 {limit} 项",
                    [it.row for it in group],
                    unit,
                )
            )
    return counts, issues


def _check_priority(items: list[ListItem]) -> list[QuotaIssue]:
    issues: list[QuotaIssue] = []
    groups: dict[tuple[str, str], list[ListItem]] = defaultdict(list)
    for it in items:
        if it.kind:  # rows without a valid kind are reported as QTA008
            groups[(it.recommender, it.kind)].append(it)
    for (rec, kind), group in groups.items():
        label = f"{rec} 的{KIND_LABELS[kind]}名单"
        bad = [it for it in group if it.priority is None]
        for it in bad:
            what = f"“{it.priority_raw}”不是正整数" if it.priority_raw else "未填写"
            issues.append(
                _issue("QTA002", "error", f"{label}：推荐顺序{what}；请填写 1、2、3……", [it.row], rec)
            )
        prios = [it.priority for it in group if it.priority is not None]
        if not prios:
            continue
        counter = Counter(prios)
        for p, k in sorted(counter.items()):
            if k > 1:
                rows = [it.row for it in group if it.priority == p]
                issues.append(
                    _issue(
                        "QTA004",
                        "error",
                        f"{label}：推荐顺序 {p} 重复出现 {k} 次；每个顺序号只能用一次",
                        rows,
                        rec,
                    )
                )
        n = len(group)
        missing = [p for p in range(1, n + 1) if p not in counter]
        beyond = sorted(p for p in counter if p > n)
        if missing or beyond:
            msg = f"{label}共 {n} 项，推荐顺序应为 1 至 {n} 连续编号"
            if missing:
                msg += f"，缺少 {'、'.join(map(str, missing))}"
            if beyond:
                msg += f"，多出 {'、'.join(map(str, beyond))}"
            rows = [it.row for it in group if it.priority in beyond]
            issues.append(_issue("QTA003", "error", msg, rows, rec))
    return issues


def _check_applicants(items: list[ListItem]) -> list[QuotaIssue]:
    issues: list[QuotaIssue] = []
    by_app: dict[str, list[ListItem]] = defaultdict(list)
    for it in items:
        if norm_key(it.applicant):
            by_app[norm_key(it.applicant)].append(it)
    for group in by_app.values():
        if len(group) < 2:
            continue
        name = group[0].applicant
        recs = sorted({it.recommender for it in group if it.recommender})
        if len(recs) > 1:
            issues.append(
                _issue(
                    "QTA006",
                    "error",
                    f"{name} 同时由 {'、'.join(recs)} 推荐；同一申报主体只能由一个推荐单位推荐",
                    [it.row for it in group],
                )
            )
        for (rec, kind), sub in _group(group, lambda it: (it.recommender, it.kind)).items():
            if kind and len(sub) > 1:
                issues.append(
                    _issue(
                        "QTA005",
                        "error",
                        f"{name} 在 {rec} 的{KIND_LABELS[kind]}名单中出现 {len(sub)} 次；请合并或删除重复项",
                        [it.row for it in sub],
                        rec,
                    )
                )
        kinds = {it.kind for it in group if it.kind}
        if kinds == {"scenario", "factory"}:
            issues.append(
                _issue(
                    "QTA007",
                    "warning",
                    f"{name} 同时申报优秀场景和示范工厂；部分地区要求同一申报主体只选择其中一类，请核实",
                    [it.row for it in group],
                )
            )
    return issues


def _group(items: Iterable[ListItem], key: Callable[[ListItem], Any]) -> dict[Any, list[ListItem]]:
    out: dict[Any, list[ListItem]] = defaultdict(list)
    for it in items:
        out[key(it)].append(it)
    return out


def _check_catalog(
    items: list[ListItem], catalog: KBCatalog
) -> tuple[list[QuotaIssue], dict[int, dict[str, Any]]]:
    issues: list[QuotaIssue] = []
    matches: dict[int, dict[str, Any]] = {}
    for it in items:
        if not (it.applicant or it.project):
            continue
        rec, how = catalog.find(it.applicant, it.project)
        if rec is None:
            issues.append(
                _issue(
                    "QTA010",
                    "error",
                    f"“{it.applicant}｜{it.project}”在知识库中找不到；请先导入其申报材料，或核对申报单位和项目名称",
                    [it.row],
                )
            )
            continue
        matches[it.row] = {"id": rec.id, "how": how}
        if how == "title":
            issues.append(
                _issue(
                    "QTA011",
                    "warning",
                    f"“{it.project}”按项目名称找到 #{rec.id}，但申报单位不同（名单：{it.applicant}；库中：{rec.applicant}）；请核对",
                    [it.row],
                )
            )
        if rec.error_codes:
            issues.append(
                _issue(
                    "QTA012",
                    "error",
                    f"#{rec.id}“{it.project}”未通过检查（{'、'.join(rec.error_codes)}）；请先修改申报材料",
                    [it.row],
                )
            )
        elif not rec.checked:
            issues.append(_issue("QTA012", "warning", f"#{rec.id}“{it.project}”尚未完成检查", [it.row]))
        diffs = []
        if it.kind and rec.kind and it.kind != rec.kind:
            diffs.append(f"类型为{KIND_LABELS.get(rec.kind, rec.kind)}")
        if it.recommender and rec.recommender and norm_key(it.recommender) != norm_key(rec.recommender):
            diffs.append(f"推荐单位为{rec.recommender}")
        if diffs:
            issues.append(
                _issue(
                    "QTA013",
                    "warning",
                    f"#{rec.id} 在知识库中{'，'.join(diffs)}，与名单不一致；请核对",
                    [it.row],
                )
            )
    return issues, matches


def check_list(
    items: list[ListItem],
    catalog: KBCatalog | None = None,
    *,
    source: str = "",
    limits: Mapping[str, Mapping[str, int]] = QUOTA_LIMITS,
) -> QuotaReport:
    """Check a recommendation list against the quota, order, duplicate and knowledge-base rules.

    Args:
        items: the rows (see :func:`read_list`).
        catalog: stored submissions to look items up in; None skips the QTA010–QTA013 rules.
        source: the list's name for the report.
        limits: quota table (default :data:`QUOTA_LIMITS`).

    Returns:
        A :class:`QuotaReport`.
    """
    issues = _check_rows(items)
    counts, qi = _check_quota(items, limits)
    issues += qi
    issues += _check_priority(items)
    issues += _check_applicants(items)
    matches: dict[int, dict[str, Any]] = {}
    if catalog is not None:
        ci, matches = _check_catalog(items, catalog)
        issues += ci
    issues.sort(key=lambda i: (i.severity != "error", i.code, i.rows[:1]))
    return QuotaReport(source, items, issues, counts, kb_checked=catalog is not None, matches=matches)
