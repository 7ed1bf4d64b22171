"""Bounded parsing and analysis: untrusted files and texts are handled in worker processes with limits.

Each request takes a worker process of its own (``python -m kb.ingest.worker``) from a small pool of idle ones,
or starts one (about a second); there is no lock held while a worker works, so one slow file delays only its
own request. Up to :data:`MAX_PARALLEL` requests run at once (a semaphore, not a shared worker). In the worker:

- the address space is capped (``RLIMIT_AS``, :data:`MEMORY_MB`): an allocation past it fails with
  ``MemoryError`` there and becomes a :class:`kb.errors.LimitExceededError` here (peak memory is bounded
  whatever the file, e.g. a PDF stream that inflates to gigabytes);
- CPU time per request is capped (``RLIMIT_CPU``, set before each request to the time used so far plus the
  limit): past it the kernel ends the worker (SIGXCPU) and the request gets a ``LimitExceededError``;
- wall time per request is capped by the caller (``timeout_s``): past it the worker is killed (SIGKILL).

A worker that failed or hit a limit is discarded; a healthy one goes back to the pool. The worker is a plain
subprocess (not ``multiprocessing`` spawn), so it never re-imports the caller's ``__main__`` script; it exits by
itself when its parent goes away.
"""

from __future__ import annotations

import atexit
import os
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kb import errors
from kb.errors import IngestError, LimitExceededError

STARTUP_TIMEOUT_S = 120.0
"""How long the worker may take to start and import the parsers (not counted in the parse time limit)."""

MEMORY_MB = 1024
"""Address-space limit of a parse worker (``RLIMIT_AS``), in MB: peak memory for any file stays under it."""
CPU_FACTOR = 1.0
"""CPU-time limit of one request, as a multiple of its wall-time limit."""
MAX_PARALLEL = 8
"""Requests parsed at the same time; a further one waits for a free slot (never for a particular worker)."""
POOL_IDLE = 2
"""Idle workers kept for reuse."""


def _read_docx(path: str, max_uncompressed_mb: int = 200) -> Any:
    from kb.ingest.docx import read_docx

    return read_docx(Path(path), int(max_uncompressed_mb))


def _read_pdf(path: str) -> Any:
    from kb.ingest.pdf import read_pdf_pages

    return read_pdf_pages(Path(path))


def _read_xlsx(path: str, column_map: Any = None, max_uncompressed_mb: int = 200) -> Any:
    from kb.ingest.table import iter_table_rows

    return list(iter_table_rows(Path(path), column_map, int(max_uncompressed_mb)))


PARSERS: dict[str, Callable[..., Any]] = {"docx": _read_docx, "pdf": _read_pdf, "xlsx": _read_xlsx}
"""The parse tasks of ingest, by name; any other task is a function its caller hands to :func:`run_bounded`."""


def _run_task(task: str | Callable[..., Any], arg: str, opts: dict[str, Any]) -> Any:
    fn = PARSERS[task] if isinstance(task, str) else task
    return fn(arg, **opts)


def _limit_memory(mb: int) -> None:
    if mb > 0:
        soft = mb * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _limit_cpu(seconds: float) -> None:
    """Let this request use ``seconds`` more CPU time (the kernel sends SIGXCPU past it)."""
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if seconds <= 0:
        resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))
        return
    ru = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(ru.ru_utime + ru.ru_stime + seconds) + 1
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _serve(inbox: Connection, conn: Connection, memory_mb: int) -> None:
    """Worker loop: import the parsers, cap memory, say ready, then answer requests until EOF."""
    import kb.ingest.docx  # noqa: F401  (imports happen before "ready" so they do not count as parse time)
    import kb.ingest.pdf  # noqa: F401
    import kb.ingest.table  # noqa: F401

    _limit_memory(memory_mb)
    conn.send(("ready", None))
    while True:
        try:
            task, path, opts = inbox.recv()
        except (EOFError, OSError):  # the parent went away (finished or was killed)
            return
        _limit_cpu(float(opts.pop("cpu_s", 0)))
        fatal = False
        try:
            reply: tuple[str, Any] = ("ok", _run_task(task, path, opts))
        except MemoryError:
            reply, fatal = ("memory", None), True
        except RecursionError:
            reply = ("error", "RecursionError: 结构嵌套过深")
        except IngestError as exc:
            reply = ("ingest_error", (type(exc).__name__, exc.path, exc.reason, exc.fix))
        except Exception as exc:  # noqa: BLE001 - any parser failure is reported for this file only
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
        except MemoryError:
            return
        if fatal:  # after a MemoryError the process state is not to be trusted: the parent discards it
            return


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])  # so that `kb` imports even when not installed
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        try:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kb.ingest.worker",
                    str(to_child_r),
                    str(from_child_w),
                    str(memory_mb),
                ],
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


_pool_lock = threading.Lock()  # guards the idle list only; never held while a worker works
_idle: list[_Worker] = []
_slots = threading.BoundedSemaphore(MAX_PARALLEL)


def _shutdown() -> None:
    with _pool_lock:
        workers, _idle[:] = list(_idle), []
    for w in workers:
        w.kill()


atexit.register(_shutdown)


def _take(memory_mb: int) -> _Worker:
    with _pool_lock:
        while _idle:
            w = _idle.pop()
            if w.alive() and w.memory_mb == memory_mb:
                return w
            w.kill()
    return _Worker(memory_mb)


def _give_back(w: _Worker) -> None:
    with _pool_lock:
        if len(_idle) < POOL_IDLE and w.alive():
            _idle.append(w)
            return
    w.kill()


def _limit_error(label: str, reason: str, fix: str) -> LimitExceededError:
    return LimitExceededError(label, reason, fix)


def run_bounded(
    task: str | Callable[..., Any],
    path: Path | str,
    timeout_s: float,
    *,
    memory_mb: int | None = None,
    label: str | None = None,
    **opts: Any,
) -> Any:
    """Run one parser, or a function of the caller's, in a worker process of its own, within time and memory limits.

    Args:
        task: a parser of :data:`PARSERS` by name: ``docx`` (returns ``(text, title)``), ``pdf`` (returns
            ``(text, page_count)``), ``xlsx`` (returns the ``(row_number, {field: value})`` list of
            :func:`kb.ingest.table.iter_table_rows`); or a module-level function ``task(path, **opts)`` that the
            caller hands over (it reaches the worker by reference, so its module is imported there, not here:
            the service runs the text checks this way, see :mod:`kb.service.bounded`).
        path: the file, or the text a function of the caller's works on.
        timeout_s: the wall-time limit; the CPU-time limit is ``CPU_FACTOR`` times it. ``<= 0`` runs the task in
            this process without limits.
        memory_mb: the worker's address-space limit (default :data:`MEMORY_MB`).
        label: how errors name the input (default the path).
        **opts: keyword arguments of the task, e.g. ``max_uncompressed_mb``, ``column_map``.

    Returns:
        What the task returns.

    Raises:
        LimitExceededError: the request ran past its wall-time, CPU-time or memory limit (the worker was ended).
        IngestError: the parser rejected the file, or the worker died while parsing it.
    """
    if isinstance(task, str) and task not in PARSERS:
        raise ValueError(f"unknown parse task {task!r}")
    label = str(path) if label is None else label
    verb = "解析" if isinstance(task, str) else "处理"
    if timeout_s <= 0:
        return _run_task(task, str(path), opts)
    mem = MEMORY_MB if memory_mb is None else int(memory_mb)
    with _slots:
        w = _take(mem)
        ok = False
        try:
            w.send((task, str(path), {**opts, "cpu_s": timeout_s * CPU_FACTOR}))
            if not w.conn.poll(timeout_s):
                raise _limit_error(
                    label,
                    f"{verb}超过 {timeout_s:g} 秒时限，已中止",
                    "文件可能过大或结构异常：请拆分或另存后重试；确属正常文件可调大 parse_timeout_s",
                )
            status, value = w.conn.recv()
            ok = status in ("ok", "ingest_error", "error")
        except (EOFError, OSError, BrokenPipeError) as exc:
            w.kill()
            if w.proc.returncode == -signal.SIGXCPU:
                raise _limit_error(
                    label,
                    f"{verb}超过 CPU 时间上限（{timeout_s * CPU_FACTOR:g} 秒），已中止",
                    "文件可能结构异常：请拆分或另存后重试",
                ) from exc
            raise IngestError(
                label, "解析进程意外退出（文件可能损坏或占用内存过大）", "请用 Word/WPS 打开后另存再试"
            ) from exc
        finally:
            if ok:
                _give_back(w)
            else:
                w.kill()
    if status == "ok":
        return value
    if status == "memory":
        raise _limit_error(
            label,
            f"{verb}所需内存超过上限（{mem} MB），已中止",
            "文件可能含异常大的压缩内容：请拆分或另存后重试",
        )
    if status == "ingest_error":
        cls_name, epath, reason, fix = value
        cls = getattr(errors, cls_name, IngestError)
        if not (isinstance(cls, type) and issubclass(cls, IngestError)):
            cls = IngestError
        raise cls(epath, reason, fix)
    raise IngestError(label, f"读取失败（{value}）", "请检查文件是否完好，或另存后重试")


if __name__ == "__main__":  # the worker process: python -m kb.ingest.worker READ_FD WRITE_FD
    _serve(
        Connection(int(sys.argv[1]), writable=False),
        Connection(int(sys.argv[2]), readable=False),
        int(sys.argv[3]) if len(sys.argv) > 3 else MEMORY_MB,
    )
