"""Safety helpers of the command line: names printed safely, output and database paths checked.

- :func:`safe_name` strips control characters (newline, CR, ANSI escapes, bidi overrides) from a name before it
  is printed, so a file or user name cannot forge lines or colours of ``list``/``ingest`` output.
- :func:`check_output_path` refuses to overwrite the database or a file the program did not create.
- :func:`check_db_path` refuses a mistyped ``--db`` (a missing file) unless the command creates the database,
  and gives a one-line error for a file that is not a scenario-kb database.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

INGEST_REJECTED_EXIT = 3
"""Exit status of ``ingest`` when some files or rows were rejected (the others were stored)."""

_BIDI = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
SQLITE_MAGIC = b"SQLite format 3\x00"
OUTPUT_MARK = b"%scenario-kb-report"  # not written into files; see check_output_path


def safe_name(s: object) -> str:
    """``s`` as text with control and bidi-override characters replaced by ``?`` (tabs become spaces)."""
    text = str(s)
    out = []
    for ch in text:
        if ch == "\t":
            out.append(" ")
        elif ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cs"):
            out.append("?")
        else:
            out.append(ch)
    return "".join(out)


def has_control(s: str) -> bool:
    """True when ``s`` holds a control, bidi-override or surrogate character."""
    return any(ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cs") for ch in s)


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.resolve().samefile(b.resolve())
    except OSError:
        return False


def _written_by_us(path: Path) -> bool:
    """A file this program wrote before (its dossiers name scenario-kb in the footer / PDF creator)."""
    try:
        if path.stat().st_size > 64 << 20:
            return False
        return b"scenario-kb" in path.read_bytes()
    except OSError:
        return False


def check_output_path(out: Path, db_path: str | None, *, force: bool) -> str | None:
    """Why writing ``out`` is refused, or None when it may be written.

    Refused always: the database itself (or one of its -wal/-shm files). Refused unless ``force``: an existing
    file that this program did not write (an earlier dossier may be replaced).
    """
    if db_path:
        db = Path(db_path.split("///", 1)[-1]) if "://" in db_path else Path(db_path)
        for cand in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            if same_file(out, cand) or out.resolve() == cand.resolve():
                return f"{out} 是知识库数据库文件，不能作为输出文件"
    if out.exists() and out.is_dir():
        return f"{out} 是一个文件夹，请给出文件名"
    if out.exists() and not force and not _written_by_us(out):
        return f"{out} 已存在且不是本程序生成的文件；确需覆盖请加 --force，或换一个文件名"
    return None


def db_problem(path: Path, *, create: bool) -> str | None:
    """Why ``path`` cannot be opened as the database, or None.

    A missing file is refused unless ``create`` (the ``init`` command or ``--create``); an existing file that is
    not an SQLite database is refused with one line.
    """
    if str(path).startswith(("sqlite:", "file:")) or str(path) == ":memory:":
        return None
    if not path.exists():
        if create:
            return None
        return f"数据库 {path} 不存在：请检查 --db 路径；新建请运行 `scenario-kb --db {path} init`（或加 --create）"
    if path.is_dir():
        return f"{path} 是一个文件夹，不是数据库文件"
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        return f"无法读取数据库 {path}（{exc.strerror}）"
    if head and head != SQLITE_MAGIC:
        return f"{path} 不是 scenario-kb 数据库（不是 SQLite 文件）：请检查 --db 路径"
    return None
