"""Hostile class 7: paths and files. The database is private when created; --db on a missing path or a
non-database file is refused in one line; -o never overwrites the database or a file we did not write; names
with control characters cannot forge CLI output; same-name uploads are both kept; oversized 推荐顺序 and partial
reference imports are refused with a message."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.cli import cli
from kb.upload_names import unique_upload_path


def _run(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


def test_database_created_private(tmp_path: Path):
    db = tmp_path / "new" / "deeper" / "kb.sqlite"
    assert _run(db, "init").exit_code == 0
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(junk=st.binary(min_size=1, max_size=200).filter(lambda b: not b.startswith(b"SQLite")))
def test_missing_or_foreign_db_is_refused_in_one_line(tmp_path_factory, junk: bytes):
    d = tmp_path_factory.mktemp("db")
    r = _run(d / "typo.sqlite", "list")
    assert r.exit_code == 1 and "不存在" in r.output and not (d / "typo.sqlite").exists()
    assert _run(d / "made.sqlite", "--create", "list").exit_code == 0 and (d / "made.sqlite").exists()
    (d / "notes.txt").write_bytes(junk)
    r = _run(d / "notes.txt", "list")
    assert r.exit_code == 1 and "不是 scenario-kb 数据库" in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1
    assert (d / "notes.txt").read_bytes() == junk


def test_report_never_overwrites_the_database_or_a_foreign_file(tmp_path: Path):
    db = tmp_path / "kb.sqlite"
    _run(db, "init")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("企业概况：某公司。实施成效：效率提升20%。", encoding="utf-8")
    _run(db, "ingest", "--no-analyze", str(folder))

    def intact() -> bool:  # still the database with its one row (SQLite itself may touch the header)
        return (
            db.read_bytes().startswith(b"SQLite format 3\x00")
            and len(json.loads(_run(db, "list", "--json").output)) == 1
        )

    r = _run(db, "report", "1", "-o", str(db))
    assert r.exit_code == 1 and "数据库" in r.output and intact()
    r = _run(db, "report", "1", "-o", str(db), "--force")
    assert r.exit_code == 1 and intact()  # not even with --force
    mine = tmp_path / "notes.html"
    mine.write_text("my own notes", encoding="utf-8")
    assert _run(db, "report", "1", "-o", str(mine)).exit_code == 1 and mine.read_text() == "my own notes"
    out = tmp_path / "d.html"
    assert _run(db, "report", "1", "-o", str(out)).exit_code == 0
    assert _run(db, "report", "1", "-o", str(out)).exit_code == 0  # our own dossier may be replaced
    assert _run(db, "report", "1", "-o", str(mine), "--force").exit_code == 0


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(ctl=st.sampled_from(["\n#99   2099 伪造行", "\r", "\x1b[2J", "\u202e"]))
def test_control_characters_cannot_forge_list_output(tmp_path_factory, ctl: str):
    d = tmp_path_factory.mktemp("ctl")
    db = d / "kb.sqlite"
    _run(db, "init")
    folder = d / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("企业概况：某公司。", encoding="utf-8")
    (folder / "a.txt.meta.json").write_text(json.dumps({"标题": "标题" + ctl + "尾"}), encoding="utf-8")
    _run(db, "ingest", "--no-analyze", str(folder))
    out = _run(db, "list").output
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    assert len(out.strip().splitlines()) == 2  # one row + the total


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(name=st.sampled_from(["a.docx", "申报书.txt", "../../etc/passwd", "x\n.txt"]), n=st.integers(2, 5))
def test_same_name_uploads_are_kept_apart(tmp_path_factory, name: str, n: int):
    d = tmp_path_factory.mktemp("up")
    paths = []
    for i in range(n):
        p = unique_upload_path(d, name)
        p.write_text(str(i), encoding="utf-8")
        paths.append(p)
    assert len(set(paths)) == n and all(p.parent == d for p in paths)
    assert [p.read_text() for p in paths] == [str(i) for i in range(n)]


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(digits=st.integers(7, 6000))
def test_huge_priority_is_an_invalid_priority_not_a_traceback(tmp_path_factory, digits: int):
    d = tmp_path_factory.mktemp("q")
    db = d / "kb.sqlite"
    _run(db, "init")
    lst = d / "list.csv"
    lst.write_text(f"推荐顺序,申报单位,标题,类型\n{'9' * digits},甲公司,场景甲,优秀场景\n", encoding="utf-8")
    r = _run(db, "quota", str(lst), "--no-kb")
    assert "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit)


@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(n=st.integers(1, 3))
def test_a_fragment_of_the_guide_is_not_imported_as_the_official_edition(tmp_path_factory, n: int):
    d = tmp_path_factory.mktemp("ref")
    db = d / "kb.sqlite"
    assert _run(db, "init").exit_code == 0
    items = "".join(
        f"{i + 1}. 场景{i + 1}数字化。利用数字化工具开展第{i + 1}类规划，提高设计效率、缩短建设周期。\n"
        for i in range(n)
    )
    frag = d / "fragment.txt"
    frag.write_text("智能制造典型场景参考指引\n一、工厂设计\n" + items, encoding="utf-8")
    before = _run(db, "reference", "list").output
    r = _run(db, "reference", "import", str(frag), "--kind", "guide", "--edition", "2099", "--yes")
    assert r.exit_code == 1 and "不到当前版本" in r.output and "--allow-partial" in r.output
    assert _run(db, "reference", "list").output == before  # nothing stored, the edition in use unchanged
