"""Hostile class 3: one poisoned file or row in a batch (bad 年度, lone surrogates, a CSV field over the csv
module's limit, an unterminated quote). Each is rejected with its reason; every other row is stored; the CLI
lists the rejected ones and exits with status 3; the index stays in sync with the store."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.cli.safety import INGEST_REJECTED_EXIT

BODY = "企业概况：某公司实施了智能排产。实施成效：生产效率提升{n}%，不良品率由2.1%降至0.{n}%。"

bad_years = st.one_of(
    st.sampled_from(["inf", "-inf", "nan", "1e400", "年", "二〇二一"]),
    st.integers(min_value=10**5, max_value=10**40).map(str),
    st.integers(min_value=-(10**9), max_value=999).map(str),
)
surrogates = st.integers(min_value=0xD800, max_value=0xDFFF).map(chr)


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue()


def _ingest(run_cli, folder: Path):
    assert run_cli("init").exit_code == 0
    return run_cli("ingest", "--no-analyze", str(folder))


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(year=bad_years, seed=st.integers(0, 10**6))
def test_bad_year_row_is_rejected_and_the_rest_stored(run_cli, tmp_path_factory, year: str, seed: int):
    folder = tmp_path_factory.mktemp("batch")
    rng = random.Random(seed)
    n_rows = rng.randint(3, 8)
    bad = rng.randrange(n_rows)
    rows = [["标题", "年度", "正文"]]
    for i in range(n_rows):
        rows.append([f"场景{i}", year if i == bad else "2023", BODY.format(n=i + 10 * seed % 7 + i * 11)])
    (folder / "batch.csv").write_text(_csv(rows), encoding="utf-8")
    (folder / "other.txt").write_text(BODY.format(n=99), encoding="utf-8")
    db = tmp_path_factory.mktemp("db") / "kb.sqlite"
    from click.testing import CliRunner

    from kb.cli import cli

    def run(*a):
        return CliRunner().invoke(cli, ["--db", str(db), *a], catch_exceptions=False)

    r = _ingest(run, folder)
    assert r.exit_code == INGEST_REJECTED_EXIT, r.output
    assert f"batch.csv#row={bad + 2}" in r.output and "年度" in r.output
    assert "Traceback" not in r.output
    listed = json.loads(run("list", "--json").output)
    assert len(listed) == n_rows  # n_rows - 1 good rows + other.txt


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(ch=surrogates, where=st.sampled_from(["row", "sidecar"]))
def test_lone_surrogate_rejects_only_its_row_or_file(tmp_path_factory, ch: str, where: str):
    from kb.service import open_kb

    folder = tmp_path_factory.mktemp("sur")
    (folder / "good.txt").write_text(BODY.format(n=1), encoding="utf-8")
    if where == "sidecar":
        (folder / "bad.txt").write_text(BODY.format(n=2), encoding="utf-8")
        (folder / "bad.txt.meta.json").write_text(
            json.dumps({"申报单位": "公司" + ch}, ensure_ascii=True), encoding="utf-8"
        )
    else:
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["标题", "正文"])
        ws.append(["好", BODY.format(n=3)])
        wb.save(folder / "t.xlsx")
        # a lone surrogate cannot go through openpyxl: hand the same rows to the CSV path with one in
        (folder / "t2.csv").write_text(
            _csv([["标题", "正文"], ["坏", BODY.format(n=4)], ["好2", BODY.format(n=5)]]).replace(
                "坏", "坏" + ch
            ),
            encoding="utf-8",
            errors="surrogatepass",
        )
    k = open_kb(str(tmp_path_factory.mktemp("db") / "kb.sqlite"))
    k.init()
    report = k.store.ingest([folder], analyze=False)
    errors = [o for o in report.outcomes if o.status == "error"]
    assert len(errors) == 1, [(o.path, o.reason) for o in report.outcomes]
    assert k.store.count() == len([o for o in report.outcomes if o.status == "added"]) >= 1
    k.storage.close()


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(extra=st.integers(min_value=1, max_value=200_000), n_after=st.integers(1, 5))
def test_csv_field_over_the_csv_limit_is_read(tmp_path_factory, extra: int, n_after: int):
    from kb.service import open_kb

    folder = tmp_path_factory.mktemp("big")
    long_text = (BODY.format(n=7) * (1 + (131_072 + extra) // len(BODY)))[: 131_072 + extra]
    rows = [["标题", "正文"], ["长", long_text]] + [[f"后{i}", BODY.format(n=20 + i)] for i in range(n_after)]
    (folder / "b.csv").write_text(_csv(rows), encoding="utf-8")
    k = open_kb(str(tmp_path_factory.mktemp("db") / "kb.sqlite"))
    k.init()
    report = k.store.ingest([folder], analyze=False)
    assert [o.status for o in report.outcomes] == ["added"] * (1 + n_after)
    k.storage.close()


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(n_rows=st.integers(3, 8), seed=st.integers(0, 10**6), closed_later=st.booleans())
def test_unterminated_quote_rejects_its_row_and_does_not_merge_the_next(
    tmp_path_factory, n_rows: int, seed: int, closed_later: bool
):
    from kb.service import open_kb

    rng = random.Random(seed)
    bad = rng.randrange(n_rows - 1)
    lines = ["标题,年度,正文"]
    for i in range(n_rows):
        body = BODY.format(n=30 + i)
        lines.append(f'行{i},2023,"{body}' if i == bad else f"行{i},2023,{body}")
    if closed_later:
        lines.append('尾,2023,"收尾"')  # a later quote pair: the naive reader closes the open quote there
    folder = tmp_path_factory.mktemp("quote")
    (folder / "q.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    k = open_kb(str(tmp_path_factory.mktemp("db") / "kb.sqlite"))
    k.init()
    report = k.store.ingest([folder], analyze=False)
    errors = [o for o in report.outcomes if o.status == "error"]
    assert len(errors) == 1 and "引号" in errors[0].reason, [(o.path, o.reason) for o in report.outcomes]
    stored = {s.meta.title for s in k.store.list_submissions()}
    assert {f"行{i}" for i in range(n_rows) if i != bad} <= stored
    assert not any("\n" in s.text and "2023" in s.text for s in k.store.list_submissions())
    k.storage.close()
