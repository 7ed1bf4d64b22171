"""Crash safety and concurrency with real processes: an ingest killed with SIGKILL mid-batch and run again, two
ingests at once on overlapping folders, two `init` at once, and reader threads while other processes write."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
N_FILES = 40


def _text(i: int) -> str:
    """A distinct, small submission (about 40 lines)."""
    return (
        f"一、企业概况\n第{i}号企业实施智能制造改造。\n"
        + f"部署MES系统，实现质量追溯第{i}号方案，提升效率。\n" * 40
    )


def make_files(folder: Path, numbers: range) -> Path:
    """Write submissions ``numbers`` into ``folder``: .docx files (each takes tens of ms to parse, which leaves time
    to kill the batch in the middle), every fifth as .txt."""
    import docx

    folder.mkdir(parents=True, exist_ok=True)
    for i in numbers:
        if i % 5 == 4:
            (folder / f"s{i:03d}.txt").write_text(_text(i), encoding="utf-8")
        else:
            d = docx.Document()
            for line in _text(i).splitlines():
                d.add_paragraph(line)
            d.save(folder / f"s{i:03d}.docx")
    return folder


def _cli(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "kb", "--db", str(db), *args]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONWARNINGS="ignore")
    env.pop("SCENARIO_KB_CONFIG", None)
    return env


def _run(db: Path, *args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _cli(db, *args), cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout
    )


def _count(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
        try:
            return int(con.execute("SELECT count(*) FROM submissions").fetchone()[0])
        finally:
            con.close()
    except sqlite3.OperationalError:  # file or table not created yet
        return 0


def _children(pid: int) -> list[int]:
    """Pids of the child processes of ``pid`` (Linux /proc; empty elsewhere)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def check_store(db: Path, expected_texts: dict[str, str]) -> list[tuple]:
    """Integrity, foreign keys, unique hashes, and every expected text stored exactly once and intact."""
    con = sqlite3.connect(str(db), timeout=30)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = con.execute("SELECT id, content_hash, text FROM submissions ORDER BY id").fetchall()
    finally:
        con.close()
    hashes = [r[1] for r in rows]
    assert len(hashes) == len(set(hashes)), "duplicate content hashes"
    texts = sorted(r[2].strip() for r in rows)
    assert texts == sorted(expected_texts.values()), "lost, duplicated or torn rows"
    return rows


def _assert_clean(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == 0, proc.stderr[-2000:]
    for bad in ("database is locked", "Traceback", "OperationalError", "数据库操作失败"):
        assert bad not in proc.stderr and bad not in proc.stdout, proc.stderr[-2000:]


def _index_verify(db: Path, cwd: Path) -> None:
    """Run `index verify` once the CLI has it (a later issue); it must report a clean index."""
    from kb.cli import cli

    grp = cli.commands.get("index")
    if grp is None or "verify" not in getattr(grp, "commands", {}):
        return
    _assert_clean(_run(db, "index", "verify", cwd=cwd))


@pytest.fixture()
def fresh_db(tmp_path: Path) -> Path:
    from kb.service import open_kb

    db = tmp_path / "kb.sqlite"
    k = open_kb(str(db))
    k.init()
    k.storage.close()
    return db


@pytest.mark.slow
def test_ingest_killed_mid_batch_then_rerun_is_consistent(fresh_db: Path, tmp_path: Path):
    folder = make_files(tmp_path / "in", range(N_FILES))
    expected = {f"s{i:03d}": _text(i).strip() for i in range(N_FILES)}
    proc = subprocess.Popen(
        _cli(fresh_db, "ingest", str(folder)),
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while _count(fresh_db) < 8 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    workers = _children(proc.pid)  # the parse worker (kb.ingest.worker) of the ingest process
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    proc.stdout.close()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    at_kill = _count(fresh_db)
    assert 8 <= at_kill < N_FILES, f"not killed mid-batch ({at_kill} of {N_FILES} stored)"
    if Path("/proc").exists():  # the orphaned parse worker notices its parent is gone and exits
        assert workers, "no parse worker seen"
        deadline = time.monotonic() + 20
        while any(Path(f"/proc/{pid}").exists() and _is_running(pid) for pid in workers):
            assert time.monotonic() < deadline, "parse worker outlived the killed ingest"
            time.sleep(0.1)

    # After the crash: consistent, and what is stored is whole.
    con = sqlite3.connect(str(fresh_db), timeout=30)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = [r[0] for r in con.execute("SELECT text FROM submissions")]
    con.close()
    assert all(t.strip() in expected.values() for t in stored)

    second = _run(fresh_db, "ingest", "--json", str(folder), cwd=tmp_path)
    _assert_clean(second)
    import json

    report = json.loads(second.stdout)
    assert report["added"] == N_FILES - at_kill and report["duplicates"] == at_kill and report["skipped"] == 0
    check_store(fresh_db, expected)
    third = _run(fresh_db, "ingest", "--json", "--no-analyze", str(folder), cwd=tmp_path)
    _assert_clean(third)
    assert json.loads(third.stdout)["duplicates"] == N_FILES
    _index_verify(fresh_db, tmp_path)

    # The rows stored by the killed run must also get their checks and classification.
    con = sqlite3.connect(str(fresh_db), timeout=30)
    unanalysed = con.execute(
        "SELECT count(*) FROM submissions s WHERE NOT EXISTS "
        "(SELECT 1 FROM analyses a WHERE a.submission_id = s.id AND a.kind = 'check')"
    ).fetchone()[0]
    con.close()
    assert unanalysed == 0, f"{unanalysed} submissions stored by the killed run were never analysed"


@pytest.mark.slow
def test_two_ingests_at_once_and_readers_during_writes(fresh_db: Path, tmp_path: Path):
    a = make_files(tmp_path / "a", range(0, 30))
    b = make_files(tmp_path / "b", range(15, 45))  # 15 files overlap with a (same content, other folder)
    expected = {str(i): _text(i).strip() for i in range(45)}

    from kb.storage import Storage

    storage = Storage("sqlite:///" + str(fresh_db))
    stop = threading.Event()
    errors: list[BaseException] = []
    seen: list[list[int]] = [[], []]

    def reader(k: int) -> None:
        try:
            while not stop.is_set():
                n = storage.count_submissions()
                rows = storage.list_submissions(limit=5, order_by="id", descending=True)
                assert len(rows) == min(5, n) or storage.count_submissions() > n
                seen[k].append(n)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    procs = [
        subprocess.Popen(
            _cli(fresh_db, "ingest", "--no-analyze", str(folder)),
            cwd=tmp_path,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in (a, b)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    stop.set()
    for t in threads:
        t.join(30)
    storage.close()

    for r in results:
        _assert_clean(r)
    assert not errors, errors
    for s in seen:
        assert s and s == sorted(s), "a reader saw the row count go down"
    check_store(fresh_db, expected)
    # Each text was added by exactly one of the two processes; the other reported it as a duplicate.
    added = sum(int(r.stdout.split("新增 ")[1].split(" 份")[0]) for r in results)
    assert added == 45


def test_two_inits_at_once_on_a_new_database(tmp_path: Path):
    db = tmp_path / "new" / "kb.sqlite"
    procs = [
        subprocess.Popen(
            _cli(db, "init"),
            cwd=tmp_path,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for p in procs:
        out, err = p.communicate(timeout=120)
        _assert_clean(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    con = sqlite3.connect(str(db))
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        eds = con.execute("SELECT list_kind, edition, variant FROM reference_editions").fetchall()
        assert eds and len(eds) == len(set(eds))
        ids = {r[0] for r in con.execute("SELECT id FROM reference_editions")}
        for kind in ("guide", "tasks"):
            active = con.execute("SELECT value FROM meta WHERE key = ?", (f"active_{kind}",)).fetchone()
            assert active and int(active[0]) in ids, f"active {kind} edition points nowhere"
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        assert len(version) == 1
    finally:
        con.close()


def test_switching_to_wal_waits_for_another_connection_holding_the_new_database(tmp_path: Path):
    from kb.storage_sqlite import set_wal

    db = tmp_path / "new.sqlite"
    holder = sqlite3.connect(str(db), isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("CREATE TABLE t (x)")
    released = threading.Event()

    def release() -> None:
        released.set()
        holder.execute("COMMIT")

    other = sqlite3.connect(str(db), isolation_level=None, timeout=0)  # no busy handler: locked at once
    cur = other.cursor()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        cur.execute("PRAGMA journal_mode=WAL")
    timer = threading.Timer(0.3, release)
    timer.start()
    set_wal(cur)
    timer.join()
    assert released.is_set()
    assert cur.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()
    holder.close()
