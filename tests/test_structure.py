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


def test_jieba_is_set_up_in_one_module():
    for path in [
        *(REPO / "kb").rglob("*.py"),
        *(REPO / "nlp").rglob("*.py"),
        *(REPO / "app_pages").glob("*.py"),
    ]:
        rel = path.relative_to(REPO).as_posix()
        if rel == "nlp/text/words.py":
            continue
        assert not any(n.split(".")[0] == "jieba" for n in _imports(path)), f"{rel}: use nlp.text"


def test_only_service_imports_nlp_beyond_records():
    for path in (REPO / "kb").rglob("*.py"):
        rel = path.relative_to(REPO).as_posix()
        if rel.startswith("kb/service/"):
            continue
        for name in _imports(path):
            if name.startswith("nlp") and name not in ("nlp.types", "nlp.text", "nlp.rx"):
                raise AssertionError(
                    f"{rel} imports {name}: only kb/service may import nlp (besides nlp.types, the text toolkit and nlp.rx)"
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


def test_kb_is_a_composition_of_components_not_mixins():
    from kb.service import KB

    assert KB.__bases__ == (object,)
    kb = KB(db=":memory:")
    names = ("store", "reference", "analysis", "similarity", "reviews", "coverage", "reports", "accounts")
    for name in names:
        component = getattr(kb, name)
        assert type(component).__bases__ == (object,), name
        assert component.kb is kb, name
    public = {m for m in vars(KB) if not m.startswith("_")}
    assert public == {"init", "invalidate", "reset"}  # everything else lives on a component


def test_no_module_of_kb_nlp_or_app_pages_over_800_lines():
    for path in [
        *(REPO / "kb").rglob("*.py"),
        *(REPO / "nlp").rglob("*.py"),
        *(REPO / "app_pages").rglob("*.py"),
    ]:
        rel = path.relative_to(REPO).as_posix()
        n = len(path.read_text(encoding="utf-8").splitlines())
        assert n <= 800, f"{rel} has {n} lines"


STAGES = ("collect", "extract", "worker", "decode", "metadata", "document")


def _stages_entered(path: Path) -> tuple[list[str], list]:
    """The stage modules of kb/ingest that reading ``path`` enters from another module, in order."""
    import sys

    from kb.ingest import read_path

    seen: list = []
    order: list[str] = []

    def profile(frame, event, arg):  # noqa: ARG001
        if event != "call" or frame.f_code.co_name == "<module>":
            return  # not a call (or a module being imported)
        mod = Path(frame.f_code.co_filename)
        if mod.parent.name != "ingest" or mod.stem not in STAGES or any(f is frame for f in seen):
            return  # another module, or a generator of a stage resumed
        back = frame.f_back
        if back is not None and back.f_code.co_filename == frame.f_code.co_filename:
            return  # a call inside the stage
        seen.append(frame)
        order.append(mod.stem)

    sys.setprofile(profile)
    try:
        docs = list(read_path(path))
    finally:
        sys.setprofile(None)
    return order, docs


def test_ingest_enters_each_stage_once_in_order(tmp_path: Path):
    import docx

    d = docx.Document()
    d.add_paragraph("智能工厂建设方案")
    d.add_paragraph("一、企业概况\n本企业部署MES系统。")
    d.save(tmp_path / "a.docx")
    (tmp_path / "b.txt").write_text("智能工厂建设方案\n一、企业概况\n本企业部署MES系统。", encoding="gb18030")
    order, docs = _stages_entered(tmp_path / "a.docx")
    assert order == ["collect", "extract", "worker", "decode", "metadata", "document"]
    assert docs[0].meta.title == "智能工厂建设方案" and "MES" in docs[0].text
    order, docs = _stages_entered(tmp_path / "b.txt")
    assert order == ["collect", "extract", "decode", "metadata", "document"]  # plain text needs no worker
    assert docs[0].warnings == ["文本编码为 gb18030，已转换为 UTF-8"]


# Python's backtracking ``re`` is kept only here; every other pattern on user text is compiled by nlp.rx (RE2,
# linear time). tests/hostile/test_hostile_regex.py runs all of them (RE2 and these) on generated worst cases.
PYTHON_RE_ALLOWED = {
    "nlp/rx.py": "translates Python patterns for RE2",
    "nlp/sections.py": "look-ahead in the heading markers, each bounded (<= 30 characters); matched per offset",
    "nlp/text/sentences.py": "the sentence splitter: character classes only, linear; RE2's binding ~7x slower per match",
    "kb/ingest/pdf_bounds.py": "bytes patterns with a look-ahead over raw PDF bytes, no nested repetition",
    "kb/service/snapshots.py": "names of the index's own version folders, not user text",
    "app_pages/resources.py": "one character class (Markdown escaping); pages import no nlp",
}


def test_python_re_only_where_listed():
    for path in [
        *(REPO / "kb").rglob("*.py"),
        *(REPO / "nlp").rglob("*.py"),
        *(REPO / "app_pages").rglob("*.py"),
    ]:
        rel = path.relative_to(REPO).as_posix()
        if "re" in _imports(path):
            assert rel in PYTHON_RE_ALLOWED, (
                f"{rel} imports re: compile its patterns with nlp.rx (linear time)"
            )
