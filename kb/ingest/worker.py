"""Parse time limit: the .docx/.pdf/.xlsx parsers run in a worker process that is killed when it takes too long.

One worker process (``python -m kb.ingest.worker``) per server/CLI process is started on first use (about a
second) and reused for every file, so the cost per file is one message each way. A parse that runs past
``parse_timeout_s`` gets the worker killed (SIGKILL) and a :class:`kb.errors.LimitExceededError` naming the file;
the next file starts a fresh worker. A worker that dies (crash, out of memory) becomes an
:class:`kb.errors.IngestError` for that file only. Calls are serialised by a lock, so Streamlit sessions share the
worker safely. The worker is a plain subprocess (not ``multiprocessing`` spawn), so it never re-imports the
caller's ``__main__`` script; it exits by itself when its parent goes away.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kb import errors
from kb.errors import IngestError, LimitExceededError

STARTUP_TIMEOUT_S = 120.0
"""How long the worker may take to start and import the parsers (not counted in the parse time limit)."""

TASKS = ("docx", "pdf", "xlsx")


def _run_task(task: str, path: str, opts: dict[str, Any]) -> Any:
    p = Path(path)
    if task == "docx":
        from kb.ingest.docx import read_docx

        return read_docx(p, int(opts.get("max_uncompressed_mb", 200)))
    if task == "pdf":
        from kb.ingest.pdf import read_pdf_pages

        return read_pdf_pages(p)
    if task == "xlsx":
        from kb.ingest.table import iter_table_rows

        return list(iter_table_rows(p, opts.get("column_map"), int(opts.get("max_uncompressed_mb", 200))))
    raise ValueError(f"unknown parse task {task!r}")


def _serve(inbox: Connection, conn: Connection) -> None:
    """Worker loop: import the parsers, say ready, then answer ``(task, path, opts)`` requests until EOF."""
    import kb.ingest.docx  # noqa: F401  (imports happen before "ready" so they do not count as parse time)
    import kb.ingest.pdf  # noqa: F401
    import kb.ingest.table  # noqa: F401

    conn.send(("ready", None))
    while True:
        try:
            task, path, opts = inbox.recv()
        except (EOFError, OSError):  # the parent went away (finished or was killed)
            return
        try:
            reply: tuple[str, Any] = ("ok", _run_task(task, path, opts))
        except IngestError as exc:
            reply = ("ingest_error", (type(exc).__name__, exc.path, exc.reason, exc.fix))
        except Exception as exc:  # noqa: BLE001 - any parser failure is reported for this file only
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


class _Worker:
    def __init__(self) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])  # so that `kb` imports even when not installed
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "kb.ingest.worker", str(to_child_r), str(from_child_w)],
                pass_fds=(to_child_r, from_child_w),
                stdin=subprocess.DEVNULL,
                env=env,
                close_fds=True,
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.send_conn = Connection(to_child_w, readable=False)
        self.conn = Connection(from_child_r, writable=False)
        try:
            ready = self.conn.poll(STARTUP_TIMEOUT_S) and self.conn.recv()
        except (EOFError, OSError):
            ready = None
        if not ready:
            self.kill()
            raise IngestError("（解析进程）", "解析进程无法启动", "请检查 Python 环境与机器负载后重试")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, msg: Any) -> None:
        self.send_conn.send(msg)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        for c in (self.send_conn, self.conn):
            c.close()


_lock = threading.Lock()
_worker: _Worker | None = None


def _shutdown() -> None:
    global _worker
    if _worker is not None:
        _worker.kill()
        _worker = None


atexit.register(_shutdown)


def run_bounded(task: str, path: Path, timeout_s: float, **opts: Any) -> Any:
    """Run one parser on ``path`` in the worker process, at most ``timeout_s`` seconds.

    Args:
        task: ``docx`` (returns ``(text, title)``), ``pdf`` (returns ``(text, page_count)``) or ``xlsx`` (returns the
            ``(row_number, {field: value})`` list of :func:`kb.ingest.table.iter_table_rows`).
        path: the file.
        timeout_s: the parse time limit; ``<= 0`` parses in this process without a limit.
        **opts: ``max_uncompressed_mb``, ``column_map``.

    Returns:
        What the parser returns.

    Raises:
        LimitExceededError: the parse took longer than ``timeout_s`` (the worker was killed).
        IngestError: the parser rejected the file, or the worker died while parsing it.
    """
    global _worker
    if task not in TASKS:
        raise ValueError(f"unknown parse task {task!r}")
    if timeout_s <= 0:
        return _run_task(task, str(path), opts)
    with _lock:
        if _worker is None or not _worker.alive():
            _worker = _Worker()
        w = _worker
        try:
            w.send((task, str(path), opts))
            if not w.conn.poll(timeout_s):
                _worker = None
                w.kill()
                raise LimitExceededError(
                    str(path),
                    f"解析超过 {timeout_s:g} 秒时限，已中止",
                    "文件可能过大或结构异常：请拆分或另存后重试；确属正常文件可调大 parse_timeout_s",
                )
            status, value = w.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            _worker = None
            w.kill()
            raise IngestError(
                str(path), "解析进程意外退出（文件可能损坏或占用内存过大）", "请用 Word/WPS 打开后另存再试"
            ) from exc
    if status == "ok":
        return value
    if status == "ingest_error":
        cls_name, epath, reason, fix = value
        cls = getattr(errors, cls_name, IngestError)
        if not (isinstance(cls, type) and issubclass(cls, IngestError)):
            cls = IngestError
        raise cls(epath, reason, fix)
    raise IngestError(str(path), f"读取失败（{value}）", "请检查文件是否完好，或另存后重试")


if __name__ == "__main__":  # the worker process: python -m kb.ingest.worker READ_FD WRITE_FD
    _serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
