"""Hostile class 8: input over a stage's size budget. Every check and classifier stage reads a bounded amount
(characters, sentences, figures, scoring units, table cells; the ``check_max_*``, ``classify_max_*`` and
``max_table_cells`` settings). Over it the stage processes the first part and says so in a ``LIM001`` finding (or a
table is refused) naming the limit and the setting that raises it; nothing hangs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.config import SETTINGS
from kb.errors import LimitExceededError
from kb.quota import QuotaListError
from nlp import budget
from nlp.checks import check_text

SENTENCE = st.sampled_from(
    [
        "生产效率提升{n}%。",
        "不良品率由2.{n}%降至0.8%。",
        "部署制造执行系统，实现排产自动化。",
        "企业概况：某公司生产汽车零部件，年产值{n}亿元。",
        "单价{n}元/吨，交付周期缩短{n}天。",
    ]
)
texts = st.lists(SENTENCE, min_size=3, max_size=8).map(
    lambda xs: "".join(x.format(n=i + 1) for i, x in enumerate(xs))
)


def _lim(findings: list, setting: str) -> list:
    return [f for f in findings if f.code == budget.CODE and f.detail.get("setting") == setting]


def test_nlp_budget_defaults_are_the_settings_defaults():
    defaults = {s.name: s.default for s in SETTINGS}
    assert defaults["check_max_chars"] == budget.CHECK_MAX_CHARS
    assert defaults["check_max_sentences"] == budget.CHECK_MAX_SENTENCES
    assert defaults["check_max_figures"] == budget.CHECK_MAX_FIGURES
    assert defaults["classify_max_chars"] == budget.CLASSIFY_MAX_CHARS
    assert defaults["classify_max_units"] == budget.CLASSIFY_MAX_UNITS
    import inspect

    params = inspect.signature(check_text).parameters
    for s in SETTINGS:
        if s.scope == "checks" and s.name != "rules_file":
            assert params[s.name].default == s.default, s.name


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(unit=texts, reps=st.integers(50, 200))
def test_every_check_budget_cuts_the_input_and_names_its_setting(unit: str, reps: int):
    text = unit * reps
    limits = {"check_max_chars": len(text) // 3, "check_max_sentences": 40, "check_max_figures": 30}
    rep = check_text(text, kind="scenario", **limits)
    for setting, limit in limits.items():
        [f] = _lim(rep.findings, setting)
        assert f.severity == "warning" and f.detail["limit"] == limit and f.detail["size"] > limit
        assert setting in f.message and f"{limit:,}" in f.message and "请" in f.message
    cut = limits["check_max_chars"]
    assert all(e <= cut for f in rep.findings if f.code != "LEN001" for _, e in f.spans)
    assert len(rep.metrics) <= limits["check_max_figures"]
    assert rep.zishu == check_text(text, kind="scenario").zishu  # 字数 is always of the whole text
    within = check_text(unit, kind="scenario", **limits)
    assert not [f for f in within.findings if f.code == budget.CODE]


@pytest.fixture(scope="module")
def small_budget_classifier(tmp_path_factory):
    from kb.service import open_kb
    from kb.service.bounded import build_classifier

    k = open_kb(str(tmp_path_factory.mktemp("clf") / "kb.sqlite"))
    k.init()
    spec = k.analysis.classifier_spec()
    k.storage.close()
    options = {**spec["options"], "classify_max_chars": 3_000, "classify_max_units": 25}
    clf, _ = build_classifier({**spec, "options": options, "judgment": False})
    return clf


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(unit=texts, reps=st.integers(150, 400))
def test_every_classifier_budget_cuts_the_input_and_names_its_setting(small_budget_classifier, unit, reps):
    text = unit * reps
    res = small_budget_classifier.classify(text, kind="factory")
    [chars] = _lim(res.findings, "classify_max_chars")
    [units] = _lim(res.findings, "classify_max_units")
    assert chars.detail["size"] == len(text) and chars.detail["limit"] == 3_000
    assert units.detail["limit"] == 25 and units.detail["size"] > 25
    assert res.scenarios  # still ranked, on the first part
    for s in res.scenarios:
        for ev in s.evidence:
            assert ev.span[1] <= 3_000


def _wide_csv(cols: int, rows: int) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["标题", "年度", "正文"] + [f"备注{i}" for i in range(cols)])
    for r in range(rows):
        w.writerow(
            [f"场景{r}", "2023", f"企业概况：第{r}家公司实施智能排产，效率提升{r % 40 + 1}%。"] + [""] * cols
        )
    return buf.getvalue()


@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(cols=st.integers(200, 600), rows=st.integers(5, 20))
def test_a_table_over_the_cell_budget_is_refused_and_the_batch_goes_on(
    tmp_path_factory, cols: int, rows: int
):
    from kb.service import open_kb

    folder = tmp_path_factory.mktemp("cells")
    (folder / "wide.csv").write_text(_wide_csv(cols, rows), encoding="utf-8")
    (folder / "ok.txt").write_text(
        "企业概况：某公司实施了智能排产。实施成效：效率提升30%。", encoding="utf-8"
    )
    k = open_kb(str(tmp_path_factory.mktemp("db") / "kb.sqlite"), max_table_cells=1_000)
    k.init()
    rep = k.store.ingest([folder], analyze=False)
    bad = [o for o in rep.outcomes if o.status == "error"]
    assert len(bad) == 1 and "wide.csv" in bad[0].path
    assert "max_table_cells" in bad[0].reason and "1,000" in bad[0].reason
    assert sum(o.status == "added" for o in rep.outcomes) == 1 and k.storage.count_submissions() == 1
    k.storage.close()


def test_xlsx_and_quota_lists_over_the_cell_budget_are_refused(tmp_path: Path):
    import openpyxl

    from kb.ingest.table import iter_table_rows
    from kb.quota import read_list

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["推荐顺序", "申报单位", "项目名称", "类型", "推荐单位", "正文"])
    for i in range(300):
        ws.append([i + 1, f"某公司{i}", f"项目{i}", "优秀场景", "某省工信厅", f"第{i}家公司实施智能排产。"])
    p = tmp_path / "list.xlsx"
    wb.save(p)
    with pytest.raises(LimitExceededError, match="max_table_cells") as info:
        list(iter_table_rows(p, max_cells=500))
    assert "拆" in info.value.fix
    assert len(list(iter_table_rows(p, max_cells=0))) == 300  # 0: no limit
    with pytest.raises(QuotaListError, match="max_table_cells"):
        read_list(p.read_bytes(), "list.xlsx", max_cells=500)
    with pytest.raises(QuotaListError, match="max_table_cells"):
        read_list(_wide_csv(300, 5).encode("utf-8"), "list.csv", max_cells=500)


def test_changing_a_budget_recomputes_the_stored_analyses(tmp_path: Path):
    from kb.service import open_kb

    db = str(tmp_path / "kb.sqlite")
    k = open_kb(db)
    k.init()
    default = k.analysis.versions()
    k.storage.close()
    small = open_kb(db, check_max_chars=5_000, classify_max_units=100)
    got = small.analysis.versions()
    small.storage.close()
    assert got["check"] != default["check"] and got["classify"] != default["classify"]
    assert got["check"].startswith(default["check"])  # the rules' version, plus the budgets
