"""Database files we create are private to the user running the program."""

from __future__ import annotations

import os
from pathlib import Path


def create_private_db_file(path: Path) -> None:
    """Create a missing database file 0600 (SQLite gives its -wal/-shm files the same mode) in a missing folder
    made 0700: texts and password hashes are for this user only. Existing files and folders are left as they are.
    """
    parent = path.parent
    if not parent.exists():
        parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        os.chmod(parent, 0o700)  # the mode argument is filtered by the umask
    if not path.exists():
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            return
        os.close(fd)
        os.chmod(path, 0o600)
