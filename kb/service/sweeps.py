"""Helpers of :mod:`kb.service.similarity` that run beside the requests: the queue of texts waiting for the next
published index version, and the stored / background duplicate sweeps (``python -m kb.service.sweeper``)."""

from __future__ import annotations

import copy
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class PublishQueue:
    """Ids waiting for the next published version, and the daemon thread that publishes them in batches: after
    ``delay()`` seconds from the first waiting id, or as soon as ``most()`` wait, or when :meth:`flush` asks."""

    def __init__(
        self, publish: Callable[[list[int]], None], delay: Callable[[], float], most: Callable[[], int]
    ):
        self._publish, self._delay, self._most = publish, delay, most
        self._pending: set[int] = set()
        self._since: float | None = None
        self._publishing = False
        self._flush_asked = False
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, ids: Sequence[int]) -> None:
        with self._cv:
            self._pending.update(int(i) for i in ids)
            if self._since is None:
                self._since = time.monotonic()
            if self._thread is None:
                import atexit

                self._thread = threading.Thread(target=self._loop, name="kb-index-publisher", daemon=True)
                self._thread.start()
                atexit.register(self.flush)
            self._cv.notify_all()

    def pending(self) -> int:
        with self._cv:
            return len(self._pending) + (1 if self._publishing else 0)

    def flush(self, timeout: float = 300.0) -> bool:
        end = time.monotonic() + timeout
        with self._cv:
            self._flush_asked = True
            self._cv.notify_all()
            while self._pending or self._publishing:
                left = end - time.monotonic()
                if left <= 0 or self._thread is None or not self._thread.is_alive():
                    return not (self._pending or self._publishing)
                self._cv.wait(timeout=min(left, 1.0))
            self._flush_asked = False
        return True

    def _loop(self) -> None:
        while True:
            with self._cv:
                while not self._pending:
                    self._cv.wait()
                delay, most = self._delay(), max(1, self._most())
                while len(self._pending) < most and not self._flush_asked:
                    left = (self._since or time.monotonic()) + delay - time.monotonic()
                    if left <= 0:
                        break
                    self._cv.wait(timeout=left)
                batch = sorted(self._pending)
                self._pending.clear()
                self._since = None
                self._publishing = True
            try:
                self._publish(batch)
            except Exception:  # the texts are stored: the next publish (or `index rebuild`) indexes them
                log.exception("publishing the index for %d texts failed", len(batch))
            finally:
                with self._cv:
                    self._publishing = False
                    self._cv.notify_all()


PUBLISH_NICE = 5
"""Niceness of the worker that publishes the API's batches: the requests of the server go first."""


def publish_batch(sim: Any, ids: list[int]) -> None:
    """Publish a batch of :class:`PublishQueue` (``sim``: a :class:`kb.service.similarity.Similarity`): indexed
    and published by a worker process (:func:`kb.service.bounded.run_publish`), then loaded here by this
    (background) thread while the requests go on with the previous version; this process then spends no CPU or
    GIL time on syncing, building, learning the boilerplate or writing. In this process when workers are off
    (``parse_timeout_s`` 0) or the worker fails."""
    from kb.errors import KBError
    from kb.ingest.worker import run_bounded
    from kb.service.bounded import run_publish

    cfg = sim.kb.config
    if float(cfg.parse_timeout_s) > 0:
        try:
            run_bounded(
                run_publish,
                list(ids),
                max(600.0, float(cfg.parse_timeout_s)),
                memory_mb=0,  # the whole index: no address-space cap of a parse worker
                label="（索引发布）",
                nice=PUBLISH_NICE,
                pool="publish",
                config=dict(cfg.values),
            )
            sim.engine()  # the new version, loaded by this thread; readers keep theirs meanwhile
            return
        except KBError as exc:
            log.warning("publishing in a worker failed (%s); publishing in this process", exc)
    sim.index_add(ids)


class Sweeps:
    """The newest stored sweep of given settings, and the background process that sweeps the live version."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: Any = None  # subprocess.Popen of this process's background sweep
        self._started = 0.0
        self._read: dict[str, tuple[float, dict[str, Any]]] = {}

    def newest(self, folder: Path, settings_key: str) -> dict[str, Any] | None:
        """The newest sweep in ``folder`` made with ``settings_key`` (of any version), or None."""
        files = []
        for f in folder.glob("*.json"):
            try:
                files.append((f.stat().st_mtime, f))
            except FileNotFoundError:
                continue
        for mtime, f in sorted(files, reverse=True):
            got = self._read.get(str(f))
            if got is None or got[0] != mtime:
                try:
                    got = (mtime, json.loads(f.read_text(encoding="utf-8")))
                except (OSError, ValueError):
                    continue
                self._read[str(f)] = got
                self._forget_removed()
            if got[1].get("stats", {}).get("settings_key") == settings_key:
                return copy.deepcopy(got[1])
        return None

    def read(self, path: Path) -> dict[str, Any] | None:
        """The sweep stored in ``path`` (None when there is none), parsed once per file version and shared: the
        caller must not change it."""
        try:
            mtime = path.stat().st_mtime
            got = self._read.get(str(path))
            if got is None or got[0] != mtime:
                got = (mtime, json.loads(path.read_text(encoding="utf-8")))
                self._read[str(path)] = got
                self._forget_removed()
            return got[1]
        except (OSError, ValueError):
            return None

    def _forget_removed(self) -> None:
        for name in [n for n in list(self._read) if not Path(n).exists()]:  # swept files removed meanwhile
            self._read.pop(name, None)

    def start(self, config: dict[str, Any], threshold: float, interval_s: float) -> None:
        """Start ``python -m kb.service.sweeper`` for the live version: one at a time from this process, at most
        every ``interval_s`` seconds (and one at a time across processes, by the sweeper's lock file)."""
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                return
            now = time.monotonic()
            if self._started and now - self._started < interval_s:
                return
            self._started = now
            root = str(Path(__file__).resolve().parents[2])
            env = dict(os.environ)
            env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
            try:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "kb.service.sweeper"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    env=env,
                )
                assert proc.stdin is not None
                proc.stdin.write(json.dumps({"config": config, "threshold": threshold}).encode())
                proc.stdin.close()
                self._proc = proc
            except OSError:
                log.exception("could not start the background sweep")
