"""The one conftest: shared fixtures over real SQLite files and the bundled data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kb.sqlite"


# Modules whose tests run against both backends (the others use SQLite only).
BOTH_BACKENDS = {
    "test_storage",
    "test_service_analysis",
    "test_service_similarity",
    "test_api",
    "test_snapshots",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames and metafunc.module.__name__.rsplit(".", 1)[-1] in BOTH_BACKENDS:
        metafunc.parametrize("backend", ["sqlite", "postgresql"])


@pytest.fixture()
def backend() -> str:
    """The database backend of a test: ``sqlite`` unless its module is in :data:`BOTH_BACKENDS`."""
    return "sqlite"


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server for the session (tests/pg_server.py). Missing binaries skip the PostgreSQL tests,
    or fail them when ``SCENARIO_KB_REQUIRE_ALL=1`` (CI)."""
    from pg_server import PgServer

    try:
        server = PgServer()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        if os.environ.get("SCENARIO_KB_REQUIRE_ALL") == "1":
            pytest.fail(f"PostgreSQL is required (SCENARIO_KB_REQUIRE_ALL=1) but could not start: {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")
    yield server
    server.stop()


@pytest.fixture()
def db_target(
    backend: str, db_path: Path, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch
) -> str:
    """What ``--db`` gets: the SQLite file, or the URL of a fresh PostgreSQL database (indexes in ``tmp_path``)."""
    if backend == "sqlite":
        return str(db_path)
    monkeypatch.setenv("SCENARIO_KB_INDEX_DIR", str(tmp_path / "kb.index"))
    return request.getfixturevalue("pg_server").new_database()


@pytest.fixture()
def db_url(db_target: str) -> str:
    """The SQLAlchemy URL of the test database."""
    return db_target if "://" in db_target else "sqlite:///" + db_target


@pytest.fixture()
def kb(db_target: str):
    """A fresh, initialised knowledge base in a temporary SQLite file (or PostgreSQL database)."""
    from kb.service import open_kb

    k = open_kb(db_target)
    k.init()
    yield k
    k.storage.close()


@pytest.fixture()
def run_cli(db_target: str):
    """Run the real CLI in-process against the temporary database."""
    from click.testing import CliRunner

    from kb.cli import cli

    runner = CliRunner()

    def _run(*args: str, input: str | None = None):
        return runner.invoke(cli, ["--db", db_target, *args], input=input, catch_exceptions=False)

    return _run


@pytest.fixture(scope="session")
def demo_kb(tmp_path_factory: pytest.TempPathFactory):
    """The demo knowledge base, built once per test session (read-only for tests)."""
    from kb.service import open_kb

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    k = open_kb(str(path))
    k.init()
    k.store.ingest([DATA / "demo"])
    k.accounts.ensure_demo_users()
    return k


# ------------------------------------------------------------------------------------------------ required skips
# scripts/test.sh (what CI runs) sets SCENARIO_KB_REQUIRE_ALL=1: there a browser or PDF-font test that skips (no
# chromium, no selenium, no CJK font) is a FAILURE, so a CI machine without them cannot pass by skipping.
REQUIRE_ALL = os.environ.get("SCENARIO_KB_REQUIRE_ALL", "") not in ("", "0")
# browser tests; CJK font for PDFs and charts
REQUIRED_FILES = frozenset({"test_browser_e2e.py", "test_browser_journeys.py", "test_export.py"})


def _required(path: str | os.PathLike, keywords: object = ()) -> bool:
    return Path(str(path).split("::")[0]).name in REQUIRED_FILES or "browser" in keywords  # type: ignore[operator]


def _fail_required_skip(report: pytest.BaseReport) -> None:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = f"SCENARIO_KB_REQUIRE_ALL=1 and a required test was skipped: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and _required(item.nodeid, item.keywords):
        _fail_required_skip(report)
    if report.failed and report.when in ("setup", "call"):
        _keep_browser_artifacts(item, report)


def _keep_browser_artifacts(item: pytest.Item, report: pytest.TestReport) -> None:
    """A failed browser test: a screenshot and the page source of each open tab of its browser (a fixture value
    with ``save_screenshot`` and an ``artifacts`` folder) under that folder, the path printed with the failure."""
    for value in getattr(item, "funcargs", {}).values():
        folder = getattr(value, "artifacts", None)
        if folder is None or not hasattr(value, "save_screenshot"):
            continue
        from browser_kit import save_artifacts  # only a browser test gets here: selenium is there

        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in item.name)
        try:
            out = save_artifacts(value, Path(folder), name)
        except Exception as exc:  # a crashed browser: say so, keep the test's own failure
            report.sections.append(("browser artefacts", f"could not save the screenshot: {exc!r}"))
            continue
        report.sections.append(("browser artefacts", f"screenshot and page source: {out}"))
        print(f"\nbrowser artefacts of {item.nodeid}: {out}", file=sys.__stderr__, flush=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and _required(collector.nodeid):
        _fail_required_skip(report)
