"""Versioned index snapshots: one writer builds a new version, every reader switches to it without a restart.

Layout under ``root`` (``<index_dir>/snapshots``)::

    CURRENT            the name of the live version (one line), replaced atomically
    v000007/           a complete, fsynced version (never changed once published)
    .building-v000008-<pid>/   a version being written; ignored by readers, removed by the next writer

A writer (holding the index lock) writes the new version into a ``.building-*`` folder, fsyncs its files and the
folder, renames it to ``vNNNNNN``, then writes ``CURRENT.tmp`` and renames it over ``CURRENT`` (fsyncing the root
after each rename). A crash at any point leaves ``CURRENT`` naming the previous complete version. Readers compare
``CURRENT`` with the version they hold on each use and load the newer one. The last :data:`KEEP` versions stay on
disk so a reader that has just read ``CURRENT`` can still open the version it names.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

KEEP = 3
_VERSION = re.compile(r"^v(\d{6,})$")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    for p in sorted(path.rglob("*")):
        if p.is_file():
            with open(p, "rb") as fh:
                os.fsync(fh.fileno())
    for d in sorted((p for p in path.rglob("*") if p.is_dir()), reverse=True):
        _fsync_dir(d)
    _fsync_dir(path)


class Snapshots:
    """The versions of one derived folder (the similarity index) under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def current_name(self) -> str | None:
        """The live version's name, or ``None`` when none was published (or ``CURRENT`` names a missing one)."""
        try:
            name = (self.root / "CURRENT").read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return name if _VERSION.match(name) and (self.root / name).is_dir() else None

    def current(self) -> Path | None:
        name = self.current_name()
        return None if name is None else self.root / name

    def versions(self) -> list[str]:
        """Published version names, oldest first."""
        if not self.root.is_dir():
            return []
        return sorted(
            (p.name for p in self.root.iterdir() if _VERSION.match(p.name)), key=lambda n: int(n[1:])
        )

    def publish(self, write: Callable[[Path], None]) -> str:
        """Write a new version with ``write(folder)`` and make it the live one. Call with the writer lock held.

        Returns:
            The new version's name.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        for left in self.root.glob(
            ".building-*"
        ):  # a writer killed mid-build (we hold the lock: none is running)
            shutil.rmtree(left, ignore_errors=True)
        have = self.versions()
        name = f"v{(int(have[-1][1:]) + 1 if have else 1):06d}"
        tmp = self.root / f".building-{name}-{os.getpid()}"
        write(tmp)
        _fsync_tree(tmp)
        tmp.rename(self.root / name)
        _fsync_dir(self.root)
        pointer = self.root / f"CURRENT.tmp-{os.getpid()}"
        with open(pointer, "w", encoding="utf-8") as fh:
            fh.write(name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(pointer, self.root / "CURRENT")
        _fsync_dir(self.root)
        for old in self.versions()[:-KEEP]:
            shutil.rmtree(self.root / old, ignore_errors=True)
        return name
