"""SQLite connection set-up that the SQLAlchemy engine of :mod:`kb.storage` runs on each new connection."""

from __future__ import annotations

import sqlite3
import time
from typing import Any


def set_wal(cur: Any, wait_s: float = 60.0) -> None:
    """``PRAGMA journal_mode=WAL`` on a SQLite cursor, waiting up to ``wait_s`` while another process switches the
    same new database: the switch needs the database's exclusive lock and SQLite answers "database is locked" at
    once, without the busy handler (two ``init`` at once)."""
    deadline = time.monotonic() + wait_s
    pause = 0.02
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
