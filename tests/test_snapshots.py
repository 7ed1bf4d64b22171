"""Versioned index snapshots: readers follow the newest version without a restart; a killed build leaves the
previous version serving (real processes, real SIGKILL), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sample_texts import BASE, FACTORY

from kb.service import open_kb

REPO = Path(__file__).resolve().parent.parent

# a build that stops at its first progress report (marker file) until it is killed
SLOW_BUILD = """
import sys, time
from pathlib import Path
from kb.service import open_kb
kb = open_kb(sys.argv[1])
marker = Path(sys.argv[2])
def progress(done, total):
    marker.write_text("building")
    time.sleep(600)
kb.similarity.index_rebuild(progress=progress)
"""
# rebuilds over and over (killed at whatever step it is in)
REBUILD_LOOP = """
import sys
from pathlib import Path
from kb.service import open_kb
kb = open_kb(sys.argv[1])
Path(sys.argv[2]).write_text("started")
while True:
    kb.similarity.index_rebuild()
"""


def _spawn(script: str, target: str, marker: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen([sys.executable, "-c", script, target, str(marker)], env=env, cwd=str(REPO))


def _wait_for(cond, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting")
        time.sleep(0.005)


def _texts(n: int) -> list[str]:
    return [
        BASE.format(co=f"第{i}精工有限公司") + f"\n补充说明{i}：" + "设备联网" * (i % 7) for i in range(n)
    ]


def test_readers_pick_up_a_new_version_without_restart(kb, db_target):
    a = kb.store.add_text(BASE.format(co="甲公司"), {"title": "甲"})
    kb.store.add_text(FACTORY.format(co="乙公司"), {"title": "乙"})
    reader = open_kb(db_target)  # another process's view: its own engine cache
    assert "matches" in reader.similarity.similar(a, k=5)  # loads the live version
    seen = reader.similarity.index_dir().name
    snaps = kb.similarity._snapshots()
    assert seen == snaps.current_name() and seen.startswith("v")
    c = kb.store.add_text(BASE.format(co="丙公司"), {"title": "丙"})  # the writer publishes a new version
    assert snaps.current_name() != seen
    published = snaps.versions()
    rep = reader.similarity.similar(c, k=5)  # no restart, no invalidate
    assert a in [m["id"] for m in rep["matches"]]
    assert reader.similarity.index_dir().name == snaps.current_name()
    assert snaps.versions() == published  # the reader loaded the writer's version; it built none itself
    hits = reader.similarity.search("追溯码", k=10)
    assert c in [h["id"] for h in hits if h["type"] == "submission"]


def test_a_killed_build_leaves_the_previous_version_serving(kb, db_target, tmp_path):
    ids = [kb.store.add_text(t, {"title": f"t{i}"}) for i, t in enumerate(_texts(12))]
    snaps = kb.similarity._snapshots()
    before = snaps.current_name()
    expected = kb.similarity.similar(ids[0], k=5)
    marker = tmp_path / "building"
    proc = _spawn(SLOW_BUILD, db_target, marker)
    try:
        _wait_for(marker.exists)  # the killed process holds the index lock and is in the middle of a build
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    assert snaps.current_name() == before
    fresh = open_kb(db_target)
    assert fresh.similarity.similar(ids[0], k=5) == expected
    # the lock died with the process: the next writer publishes a new version
    new = kb.store.add_text(FACTORY.format(co="新公司"), {"title": "新"})
    assert snaps.current_name() != before and new in fresh.similarity.engine()


def test_a_build_killed_while_writing_never_becomes_current(kb, db_target, tmp_path):
    ids = [kb.store.add_text(t, {"title": f"t{i}"}) for i, t in enumerate(_texts(30))]
    snaps = kb.similarity._snapshots()
    root = snaps.root
    marker = tmp_path / "started"
    for _ in range(3):  # kill a rebuild loop as soon as a version is being written (or wherever it is)
        proc = _spawn(REBUILD_LOOP, db_target, marker)
        try:
            _wait_for(marker.exists)
            _wait_for(lambda: any(p.name.startswith(".building-") for p in root.iterdir()), timeout=120)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
        marker.unlink()
        live = snaps.current()
        assert live is not None and (live / "config.json").exists() and (live / "db.json").exists()
        fresh = open_kb(db_target)
        assert sorted(fresh.similarity.engine().ids()) == sorted(ids)
        assert fresh.similarity.similar(ids[1], k=3)["matches"]
    # a half-written folder is ignored by readers and removed by the next writer
    assert not snaps.current().name.startswith(".")
    kb.store.add_text(FACTORY.format(co="后来公司"), {"title": "后来"})
    assert not [p for p in root.iterdir() if p.name.startswith(".building-")]
    assert len(snaps.versions()) <= 3


def test_threads_sweeping_at_once_all_get_the_families(kb):
    import threading

    ids = [kb.store.add_text(t, {"title": f"t{i}"}) for i, t in enumerate(_texts(6))]
    results, errors = [], []

    def sweep() -> None:
        try:
            results.append(kb.similarity.dupes(threshold=0.31))  # a threshold not swept yet: all compute it
        except Exception as exc:  # bench_load once hit a temp file shared by two threads (a rare race)
            errors.append(exc)

    threads = [threading.Thread(target=sweep) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 8
    assert {json.dumps(r["families"], sort_keys=True) for r in results} == {
        json.dumps(results[0]["families"], sort_keys=True)
    }
    assert ids
