"""The one conftest: shared fixtures over real SQLite files and the bundled data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kb.sqlite"


@pytest.fixture()
def kb(db_path: Path):
    """A fresh, initialised knowledge base in a temporary SQLite file."""
    from kb.service import open_kb

    k = open_kb(str(db_path))
    k.init()
    yield k
    k.storage.close()


@pytest.fixture()
def run_cli(db_path: Path):
    """Run the real CLI in-process against the temporary database."""
    from click.testing import CliRunner

    from kb.cli import cli

    runner = CliRunner()

    def _run(*args: str, input: str | None = None):
        return runner.invoke(cli, ["--db", str(db_path), *args], input=input, catch_exceptions=False)

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
