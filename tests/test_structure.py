"""Structure guards: import direction between layers (AST scan)."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_nlp_never_imports_kb_ui_cli_or_sql():
    for path in (REPO / "nlp").rglob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            assert top not in {"kb", "streamlit", "click", "sqlite3", "sqlalchemy", "app_pages"}, (
                f"{path}: {name}"
            )


def test_only_service_imports_nlp_beyond_records():
    for path in (REPO / "kb").rglob("*.py"):
        rel = path.relative_to(REPO).as_posix()
        if rel.startswith("kb/service/"):
            continue
        for name in _imports(path):
            if name.startswith("nlp") and name != "nlp.types":
                raise AssertionError(
                    f"{rel} imports {name}: only kb/service may import nlp (besides nlp.types)"
                )


def test_only_storage_speaks_sql():
    for path in (REPO / "kb").rglob("*.py"):
        rel = path.relative_to(REPO).as_posix()
        if rel == "kb/storage.py" or rel.startswith("kb/storage_"):  # storage_keys.py: the API key table
            continue
        for name in _imports(path):
            assert name.split(".")[0] not in {"sqlalchemy", "sqlite3"}, f"{rel} imports {name}"


def test_pages_use_the_service_not_storage_or_nlp():
    for path in [REPO / "app_streamlit.py", *(REPO / "app_pages").glob("*.py")]:
        for name in _imports(path):
            assert not name.startswith(("kb.storage", "nlp", "sqlalchemy")), f"{path.name} imports {name}"
