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

A worker that failed or hit a limit is discarded; a healthy one goes back to the pool (one pool per memory
limit). :func:`keep_warm` tops a pool up in the background with workers that have already run one request (the
self-check's models loaded), so that a request that follows a killed one does not pay for a cold start. The
worker is a plain
subprocess (not ``multiprocessing`` spawn), so it never re-imports the caller's ``__main__`` script; it exits by
itself when its parent goes away.
"""

from __future__ import annotations

import atexit
import errno
import logging
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kb import errors
from kb.errors import IngestError, LimitExceededError

log = logging.getLogger(__name__)

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


def _read_xlsx(
    path: str, column_map: Any = None, max_uncompressed_mb: int = 200, max_cells: int = 2_000_000
) -> Any:
    from kb.ingest.table import iter_table_rows

    return list(iter_table_rows(Path(path), column_map, int(max_uncompressed_mb), int(max_cells)))


PARSERS: dict[str, Callable[..., Any]] = {"docx": _read_docx, "pdf": _read_pdf, "xlsx": _read_xlsx}
"""The parse tasks of ingest, by name; any other task is a function its caller hands to :func:`run_bounded`."""


def _run_task(task: str | Callable[..., Any], arg: Any, opts: dict[str, Any]) -> Any:
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


def _out_of_memory(exc: BaseException) -> bool:
    """An error that an allocation failure under the memory limit causes (besides ``MemoryError``)."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, MemoryError) or (isinstance(e, OSError) and e.errno == errno.ENOMEM):
            return True
        text = str(e).lower()
        if "cannot allocate memory" in text or "failed to map segment" in text or "bad_alloc" in text:
            return True
        e = e.__cause__ or e.__context__
    return _near_memory_cap()


def _near_memory_cap() -> bool:
    """This process's address space came within 10 % of its cap (then any odd failure of a native library,
    e.g. ``SystemError`` from a failed allocation, is taken for what it most likely is)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return False
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return False
    for line in status.splitlines():
        if line.startswith("VmPeak:"):
            return int(line.split()[1]) * 1024 >= 0.9 * soft
    return False


def _serve(inbox: Connection, conn: Connection, memory_mb: int, nice: int = 0) -> None:
    """Worker loop: import the parsers, cap memory, say ready, then answer requests until EOF."""
    import faulthandler

    import kb.ingest.docx  # noqa: F401  (imports happen before "ready" so they do not count as parse time)
    import kb.ingest.pdf  # noqa: F401
    import kb.ingest.table  # noqa: F401

    faulthandler.enable()  # a crash in native code prints the Python stack to the worker's stderr
    _limit_memory(memory_mb)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a worker ended by a limit writes no core file
    if nice > 0:  # a low-priority worker: the server process and the other workers get the CPU first
        os.nice(nice)
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
            if _out_of_memory(exc):  # e.g. a library that could not be mapped under the address-space cap
                reply, fatal = ("memory", None), True
            else:
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
    def __init__(self, memory_mb: int, nice: int = 0, pool: str = "") -> None:
        self.memory_mb = memory_mb
        self.nice = nice
        self.pool = pool
        self.key: PoolKey = (memory_mb, nice, pool)
        self.prepared: set[str] = set()  # keys of the preparations (e.g. models loaded) this worker has run
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])  # so that `kb` imports even when not installed
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(var, "1")  # one request, one core: a worker never crowds out the others
        try:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kb.ingest.worker",
                    str(to_child_r),
                    str(from_child_w),
                    str(memory_mb),
                    str(nice),
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


PoolKey = tuple[int, int, str]
"""A pool of workers: (memory limit, niceness, name). Named pools keep apart workers that are prepared for one
kind of task (the self-check's models loaded, the dossier renderer's font converted), so that one kind of task
never takes, and leaves unprepared, a worker that another kind has warmed."""

_pool_lock = threading.Condition()  # guards the pools only; never held while a worker works
_idle: dict[PoolKey, list[_Worker]] = {}  # idle workers by pool
_idle_cap: dict[PoolKey, int] = {}  # idle workers kept per pool (default POOL_IDLE)
_warming: set[PoolKey] = set()  # pools a keep_warm thread is topping up
_busy: dict[PoolKey, int] = {}  # workers of each pool that are answering a request now
_warm_spec: dict[PoolKey, tuple[Any, int, Any]] = {}  # keep_warm's (task, n, prepare) of each pool
_slots = threading.BoundedSemaphore(MAX_PARALLEL)


def _shutdown() -> None:
    with _pool_lock:
        workers = [w for ws in _idle.values() for w in ws]
        _idle.clear()
    for w in workers:
        w.kill()


atexit.register(_shutdown)


def _pop_idle(key: PoolKey) -> tuple[_Worker | None, Any]:
    """A live idle worker of pool ``key`` (call with the pool lock held), and the pool's :func:`keep_warm` spec
    when taking it left the pool under its warm count (None otherwise)."""
    idle = _idle.get(key, [])
    while idle:
        w = idle.pop()
        if w.alive():
            return w, (_warm_spec.get(key) if len(idle) < _idle_cap.get(key, POOL_IDLE) else None)
        w.kill()
    return None, None


def _take(memory_mb: int, nice: int = 0, pool: str = "", wait_s: float = 0.0) -> _Worker:
    """An idle worker of the pool, else a new one.

    A low-priority request (``nice > 0``) that finds none idle in its own pool takes an idle worker of the
    normal-priority pool and lowers its priority (it then stays in the low-priority pool): a warm worker, not a
    cold one that would load its models at low priority.
    ``wait_s > 0`` (a pool kept warm): when none is idle but one of the pool is busy or being warmed, wait up to
    that long for it rather than start a cold one here (a cold start costs the imports and the preparation,
    seconds to tens of seconds on a loaded machine, while a warm worker's request takes well under one).
    Taking a pool's last idle worker starts its replacement in the background (:func:`keep_warm`)."""
    key = (memory_mb, nice, pool)
    base = (memory_mb, 0, pool)
    deadline = None
    refill: tuple[PoolKey, Any] | None = None
    with _pool_lock:
        while True:
            w, spec = _pop_idle(key)
            refill = (key, spec)
            if w is None and nice > 0:
                w, spec = _pop_idle(base)
                refill = (base, spec)
                if w is not None:
                    try:
                        os.setpriority(os.PRIO_PROCESS, w.proc.pid, nice)
                        w.nice, w.key = nice, key
                    except OSError:  # cannot lower it: it goes back, and this request starts its own
                        _idle.setdefault(base, []).append(w)
                        w, refill = None, None
            if w is not None or wait_s <= 0 or not (_busy.get(key, 0) or key in _warming):
                break
            now = time.monotonic()
            deadline = now + wait_s if deadline is None else deadline
            if now >= deadline:
                break
            _pool_lock.wait(deadline - now)
        _busy[key] = _busy.get(key, 0) + 1
    if w is not None and refill is not None and refill[1] is not None:  # replaced before it is needed
        (mem, n_ice, name), (task, n, prepare) = refill
        keep_warm(task, n, memory_mb=mem, nice=n_ice, pool=name, prepare=prepare)
    if w is not None:
        return w
    try:
        return _Worker(memory_mb, nice, pool)
    except BaseException:
        _done(key)
        raise


def _busy_add(key: PoolKey) -> None:
    with _pool_lock:
        _busy[key] = _busy.get(key, 0) + 1


def _done(key: PoolKey) -> None:
    """A request of pool ``key`` is over (its worker given back, or ended)."""
    with _pool_lock:
        _busy[key] = max(0, _busy.get(key, 0) - 1)
        _pool_lock.notify_all()


def _give_back(w: _Worker) -> None:
    with _pool_lock:
        idle = _idle.setdefault(w.key, [])
        if len(idle) < _idle_cap.get(w.key, POOL_IDLE) and w.alive():
            idle.append(w)
            _pool_lock.notify_all()
            return
    w.kill()


def idle_workers(memory_mb: int, nice: int = 0, pool: str = "") -> int:
    """How many idle workers with this memory limit (and niceness) are waiting for a request in ``pool``."""
    with _pool_lock:
        return sum(w.alive() for w in _idle.get((memory_mb, nice, pool), []))


Task = str | Callable[..., Any]
Preparation = tuple[Any, dict[str, Any]]
"""``(arg, opts)`` of a preparation run of a task; ``opts["key"]`` names it (see :func:`run_bounded`)."""


def _prepare(w: _Worker, task: Task, prepare: Preparation) -> str:
    """Run ``task(arg, **opts)`` of ``prepare`` once on this worker (not counted in any request's limits).

    Returns:
        ``ok``, ``memory`` (it ran out of memory) or ``failed``.
    """
    arg, opts = prepare
    key = str(opts.get("key", ""))
    if key in w.prepared:
        return "ok"
    try:
        w.send((task, arg, {**opts, "cpu_s": 0}))
        status = w.conn.recv()[0] if w.conn.poll(STARTUP_TIMEOUT_S) else "failed"
    except (EOFError, OSError):
        try:
            w.proc.wait(2)
        except subprocess.TimeoutExpired:
            pass
        status = "memory" if w.proc.returncode == -signal.SIGABRT else "failed"
    if status == "ok":
        w.prepared.add(key)
    return status if status in ("ok", "memory") else "failed"


def keep_warm(
    task: Task, n: int, *, memory_mb: int, nice: int = 0, pool: str = "", prepare: Preparation
) -> None:
    """Top the pool of ``(memory_mb, nice, pool)`` workers up to ``n`` idle ones in a background thread, each
    prepared with ``task`` and the ``prepare`` options (e.g. a self-check's models loaded; see
    :func:`run_bounded`). From then on, a request that takes the pool's last idle workers starts their
    replacements at once, and a request that finds none idle waits for a warm one (:func:`_take`).

    Returns at once; at most one such thread runs per pool. Failures only end the top-up.
    """
    if n <= 0:
        return
    key = (memory_mb, nice, pool)
    with _pool_lock:
        _idle_cap[key] = max(n, _idle_cap.get(key, POOL_IDLE))
        _warm_spec[key] = (task, _idle_cap[key], prepare)
        if key in _warming:
            return
        _warming.add(key)

    def top_up() -> None:
        try:
            while idle_workers(memory_mb, nice, pool) < n:
                w = _Worker(memory_mb, nice, pool)
                if _prepare(w, task, prepare) != "ok":
                    w.kill()
                    return
                _give_back(w)
        except Exception:  # noqa: BLE001 - warming is an optimisation; the next request starts its own worker
            return
        finally:
            with _pool_lock:
                _warming.discard(key)
                _pool_lock.notify_all()  # a request waiting for a warm worker starts its own now

    threading.Thread(target=top_up, daemon=True, name=f"kb-warm-workers-{memory_mb}-{nice}").start()


DEMOTED_NICE = 10
"""Niceness of a worker whose request ran past ``demote_after_s``."""


def _cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) a process has used, or None where ``/proc`` cannot tell."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _answered(w: _Worker, timeout_s: float, demote_after_s: float) -> bool:
    """Wait up to ``timeout_s`` for the worker's answer, lowering its CPU priority once the request has used
    ``demote_after_s`` seconds of CPU time (of wall time where the CPU time cannot be read): a request that is
    slow by itself yields the CPU, one that only waited for a core on a busy machine keeps its priority and its
    worker stays in its pool (a demoted worker never goes back to it)."""
    if not (0 < demote_after_s < timeout_s and w.nice < DEMOTED_NICE):
        return bool(w.conn.poll(timeout_s))
    end = time.monotonic() + timeout_s
    start = _cpu_s(w.proc.pid)
    while True:
        left = end - time.monotonic()
        if start is None:  # no /proc: wall time
            if w.conn.poll(min(demote_after_s, max(0.0, left))):
                return True
        elif w.conn.poll(min(0.25, max(0.0, left))):
            return True
        if time.monotonic() >= end:
            return False
        used = _cpu_s(w.proc.pid) if start is not None else None
        if start is None or (used is not None and used - start >= demote_after_s):
            break
    try:
        os.setpriority(os.PRIO_PROCESS, w.proc.pid, DEMOTED_NICE)
        _done(w.key)  # a slow request leaves its pool: the pool's quick requests no longer wait for it
        w.nice, w.key = DEMOTED_NICE, (w.memory_mb, DEMOTED_NICE, w.pool)
        _busy_add(w.key)
    except OSError:
        pass
    return bool(w.conn.poll(max(0.0, end - time.monotonic())))


def _limit_error(label: str, reason: str, fix: str) -> LimitExceededError:
    return LimitExceededError(label, reason, fix)


def _memory_error(label: str, verb: str, what: str, mem: int, memory_setting: str) -> LimitExceededError:
    more = f"；确属正常{what}可请管理员调大 {memory_setting}" if memory_setting else ""
    return _limit_error(
        label,
        f"{verb}所需内存超过上限（{mem} MB），已中止",
        f"{what}可能过大或含异常大的压缩内容：请删减、拆分或另存后重试{more}",
    )


def run_bounded(
    task: Task,
    path: Any,
    timeout_s: float,
    *,
    memory_mb: int | None = None,
    label: str | None = None,
    nice: int = 0,
    demote_after_s: float = 0,
    prepare: Preparation | None = None,
    time_setting: str = "parse_timeout_s",
    memory_setting: str = "",
    pool: str = "",
    wait_warm_s: float = 0.0,
    **opts: Any,
) -> Any:
    """Run one parser, or a function of the caller's, in a worker process of its own, within time and memory limits.

    Args:
        task: a parser of :data:`PARSERS` by name: ``docx`` (returns ``(text, title)``), ``pdf`` (returns
            ``(text, page_count)``), ``xlsx`` (returns the ``(row_number, {field: value})`` list of
            :func:`kb.ingest.table.iter_table_rows`); or a module-level function ``task(path, **opts)`` that the
            caller hands over (it reaches the worker by reference, so its module is imported there, not here:
            the service runs the text checks and the self-check this way, see :mod:`kb.service.bounded`).
        path: the file, or what a function of the caller's works on (a text, a draft's bytes).
        timeout_s: the wall-time limit; the CPU-time limit is ``CPU_FACTOR`` times it. ``<= 0`` runs the task in
            this process without limits.
        memory_mb: the worker's address-space limit (default :data:`MEMORY_MB`).
        label: how errors name the input (default the path).
        nice: run it in a worker of this niceness (> 0: lower CPU priority than this process and the other
            workers; such workers form a pool of their own).
        demote_after_s: a request still running after this many seconds drops to low CPU priority (niceness
            :data:`DEMOTED_NICE`; its worker then joins the low-priority pool), so that a slow request yields the
            CPU to quick ones; 0: never.
        prepare: ``(arg, opts)`` of a preparation run of the same task (``opts["key"]`` names it), done once per
            worker before its first request and outside the request's limits (e.g. loading a self-check's models).
        time_setting: the setting named in the error when the time limit is hit.
        memory_setting: the setting named in the error when the memory limit is hit (none when empty).
        pool: the name of the worker pool (workers prepared for one kind of task; see :data:`PoolKey`).
        wait_warm_s: when the pool is kept warm (:func:`keep_warm`) and none of its workers is idle, wait up to
            this long for one rather than start a cold worker in this request.
        **opts: the task's options.

    Returns:
        What the task returns.

    Raises:
        LimitExceededError: the request ran past its wall-time, CPU-time or memory limit (the worker was ended).
        IngestError: the parser rejected the file, or the worker died while parsing it.
    """
    if isinstance(task, str) and task not in PARSERS:
        raise ValueError(f"unknown parse task {task!r}")
    text_task = not isinstance(task, str)
    arg = str(path) if isinstance(path, Path) or not text_task else path
    label = str(path) if label is None else label
    verb = "处理" if text_task else "解析"
    what = "材料" if text_task else "文件"
    if timeout_s <= 0:
        return _run_task(task, arg, opts)
    mem = MEMORY_MB if memory_mb is None else int(memory_mb)
    with _slots:
        w = _take(mem, max(0, int(nice)), pool, wait_warm_s)
        ready = "ok" if prepare is None else _prepare(w, task, prepare)
        if ready != "ok":
            w.kill()
            _done(w.key)
            if ready == "memory":
                raise _memory_error(label, verb, what, mem, memory_setting)
            raise IngestError(label, f"{verb}进程无法启动", "请稍后重试；如持续出现请检查机器负载与内存")
        ok = False
        try:
            w.send((task, arg, {**opts, "cpu_s": timeout_s * CPU_FACTOR}))
            if not _answered(w, timeout_s, demote_after_s):
                raise _limit_error(
                    label,
                    f"{verb}超过 {timeout_s:g} 秒时限，已中止",
                    f"{what}可能过大或结构异常：请删减、拆分或另存后重试；确属正常{what}可请管理员调大 {time_setting}",
                )
            status, value = w.conn.recv()
            ok = status in ("ok", "ingest_error", "error")
        except (EOFError, OSError, BrokenPipeError) as exc:
            try:  # the worker is ending (e.g. SIGXCPU): let it, so that its exit status says why
                w.proc.wait(2)
            except subprocess.TimeoutExpired:
                pass
            w.kill()
            if w.proc.returncode == -signal.SIGXCPU:
                raise _limit_error(
                    label,
                    f"{verb}超过 CPU 时间上限（{timeout_s * CPU_FACTOR:g} 秒），已中止",
                    f"{what}可能过大或结构异常：请删减、拆分或另存后重试；确属正常{what}可请管理员调大 {time_setting}",
                ) from exc
            if w.proc.returncode == -signal.SIGABRT:  # a native allocation failed under the memory cap
                raise _memory_error(label, verb, what, mem, memory_setting) from exc
            log.warning("worker %s ended with status %s on %s", w.proc.pid, w.proc.returncode, label)
            fix = "请删减或拆分后重试" if text_task else "请用 Word/WPS 打开后另存再试"
            if (
                memory_setting
            ):  # native code under the memory cap can crash (SIGSEGV) instead of failing cleanly
                fix += f"；确属正常{what}可请管理员调大 {memory_setting}"
            raise IngestError(label, f"{verb}进程意外退出（{what}可能损坏或占用内存过大）", fix) from exc
        finally:
            if ok:
                _give_back(w)
            else:
                w.kill()
            _done(w.key)
    if status == "ok":
        return value
    if status == "memory":
        raise _memory_error(label, verb, what, mem, memory_setting)
    if status == "ingest_error":
        cls_name, epath, reason, fix = value
        cls = getattr(errors, cls_name, IngestError)
        if not (isinstance(cls, type) and issubclass(cls, IngestError)):
            cls = IngestError
        raise cls(epath, reason, fix)
    raise IngestError(label, f"读取失败（{value}）", "请检查文件是否完好，或另存后重试")


if (
    __name__ == "__main__"
):  # the worker process: python -m kb.ingest.worker READ_FD WRITE_FD [MEMORY_MB [NICE]]
    _serve(
        Connection(int(sys.argv[1]), writable=False),
        Connection(int(sys.argv[2]), readable=False),
        int(sys.argv[3]) if len(sys.argv) > 3 else MEMORY_MB,
        int(sys.argv[4]) if len(sys.argv) > 4 else 0,
    )
