"""Load test of the HTTP API: 20 reviewers browsing, searching and opening dossiers while a filing system ingests
500 texts, against SQLite and PostgreSQL, with one or two API workers.

For each configuration it builds a knowledge base in a temporary folder (``--seed`` generated texts, one ingest),
makes API keys, starts ``scenario-kb api --workers W`` as a real server process, and runs an asyncio + httpx client:

* ``--reviewers`` tasks, each with its own reviewer key, loop with a think time of 0.2-1 s over: the inbox page,
  a submission's detail, its similar texts, a search, its dossier PDF, the duplicate families, a self-check;
* one ingest task POSTs ``--ingest`` new texts one after another (as a filing system would).

The reviewers stop when the ingest is done. Then every ingested text is looked up (present in the database, and in
the live index snapshot: ``index verify`` of a fresh process). Prints p50/p95 per endpoint, errors, texts lost.

Usage::

    .venv/bin/python bench/bench_load.py                       # sqlite/1 worker, postgresql/1, postgresql/2
    .venv/bin/python bench/bench_load.py --only sqlite:1 --ingest 50 --seed 50   # a quick run

PostgreSQL: a throwaway server (``tests/pg_server.py``, Debian's postgresql binaries), or ``--pg-url`` for an
existing one (each run creates its tables in that database: give an empty one).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from gen_corpus import generate  # noqa: E402

QUERIES = [
    "质量追溯",
    "设备预测性维护",
    "数字孪生",
    "能耗监测",
    "机器视觉检测",
    "智能仓储",
    "排产",
    "工业互联网平台",
]
# endpoint -> weight in a reviewer's mix
MIX = {"inbox": 20, "detail": 25, "similar": 15, "search": 20, "dossier": 8, "dupes": 4, "selfcheck": 8}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _texts(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` distinct generated texts (no planted copies: every one must be stored)."""
    out, seen = [], set()
    for rec in generate(n * 2, seed=seed, dup_frac=0.0):
        if rec["text"] not in seen:
            seen.add(rec["text"])
            out.append(rec)
        if len(out) == n:
            break
    return out


def _cli(db: str, *args: str, env: dict[str, str]) -> str:
    res = subprocess.run(
        [sys.executable, "-m", "kb", "--db", db, *args], capture_output=True, text=True, env=env, cwd=ROOT
    )
    if res.returncode != 0:
        raise RuntimeError(f"scenario-kb {' '.join(args)} failed: {res.stderr}")
    return res.stdout


def _version(index: Path) -> int:
    """The number of the live index version (``CURRENT``), 0 before the first."""
    try:
        return int((index / "snapshots" / "CURRENT").read_text(encoding="utf-8").strip()[1:])
    except (OSError, ValueError):
        return 0


def _key(out: str) -> str:
    return out.strip().split("：")[-1].strip()


class Stats:
    def __init__(self) -> None:
        self.lat: dict[str, list[float]] = {}
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, dt: float, ok: bool, detail: str = "") -> None:
        self.lat.setdefault(name, []).append(dt)
        if not ok:
            self.errors.setdefault(name, []).append(detail)

    def table(self) -> list[dict[str, Any]]:
        rows = []
        for name, xs in sorted(self.lat.items()):
            xs = sorted(xs)
            p95 = xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]
            rows.append(
                {
                    "endpoint": name,
                    "n": len(xs),
                    "p50_ms": round(statistics.median(xs) * 1000),
                    "p95_ms": round(p95 * 1000),
                    "errors": len(self.errors.get(name, [])),
                }
            )
        return rows


async def _timed(stats: Stats, name: str, coro: Any) -> httpx.Response | None:
    t0 = time.perf_counter()
    try:
        r = await coro
    except httpx.HTTPError as exc:
        stats.add(name, time.perf_counter() - t0, False, f"{type(exc).__name__}: {exc}")
        return None
    stats.add(name, time.perf_counter() - t0, r.status_code < 400, f"{r.status_code} {r.text[:200]}")
    return r


async def _reviewer(
    client: httpx.AsyncClient,
    key: str,
    app_key: str,
    stats: Stats,
    ids: list[int],
    drafts: list[str],
    stop: Any,
) -> None:
    rng = random.Random(key)
    h = {"X-API-Key": key}
    names, weights = list(MIX), list(MIX.values())
    while not stop.is_set():
        what = rng.choices(names, weights)[0]
        sid = rng.choice(ids)
        if what == "inbox":
            req = client.get(
                "/api/v1/submissions", params={"page": rng.randint(1, 5), "page_size": 50}, headers=h
            )
        elif what == "detail":
            req = client.get(f"/api/v1/submissions/{sid}", headers=h)
        elif what == "similar":
            req = client.get(f"/api/v1/similar/{sid}", params={"k": 10}, headers=h)
        elif what == "search":
            req = client.get("/api/v1/search", params={"q": rng.choice(QUERIES)}, headers=h)
        elif what == "dossier":
            req = client.get(f"/api/v1/submissions/{sid}/dossier.pdf", headers=h)
        elif what == "dupes":
            req = client.get("/api/v1/dupes", headers=h)
        else:
            req = client.post(
                "/api/v1/selfcheck", json={"text": rng.choice(drafts)}, headers={"X-API-Key": app_key}
            )
        await _timed(stats, what, req)
        await asyncio.sleep(rng.uniform(0.2, 1.0))


async def _ingest(
    client: httpx.AsyncClient, key: str, stats: Stats, texts: list[dict[str, Any]]
) -> list[int]:
    got = []
    for rec in texts:
        m = rec["meta"]
        body = {
            "text": rec["text"],
            "source": m["source"],
            "meta": {
                "year": m["year"],
                "region": m["region"],
                "industry": m["industry"],
                "title": m["source"],
            },
        }
        r = await _timed(
            stats, "ingest", client.post("/api/v1/submissions", json=body, headers={"X-API-Key": key})
        )
        if r is not None and r.status_code in (200, 201):
            got.append(int(r.json()["id"]))
    return got


class ProcCPU:
    """CPU seconds used by the server process tree during the load, by kind of process (sampled from ``/proc``
    every few seconds, so processes that end meanwhile count up to their last sample): ``server`` (the API
    process(es)), ``workers`` (bounded worker processes: self-checks, the ingest's analysis, dossier renders),
    ``sweeper`` (background duplicate sweeps). Figures that do not depend on how loaded the machine is."""

    KINDS = (("kb.ingest.worker", "workers"), ("kb.service.sweeper", "sweeper"))

    def __init__(self, root: int) -> None:
        self.root = root
        self.last: dict[tuple[int, str], float] = {}
        self.total: dict[str, float] = {"server": 0.0, "workers": 0.0, "sweeper": 0.0}
        self.hz = os.sysconf("SC_CLK_TCK")

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for p in Path("/proc").iterdir():
            if p.name.isdigit():
                try:
                    ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(p.name))
        out, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo += children.get(pid, [])
        return out

    def sample(self, baseline: bool = False) -> None:
        """Add what each process used since the last sample (``baseline``: count from now on)."""
        if not Path("/proc").is_dir():
            return
        for pid in self._tree():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            kind = next((k for marker, k in self.KINDS if marker in cmd), "server")
            cpu = (int(stat[11]) + int(stat[12])) / self.hz
            key = (pid, stat[19])  # pid and start time
            if baseline:
                self.last[key] = cpu  # what ran before the load (start-up, warm-up) is not counted
            self.total[kind] += cpu - self.last.get(key, 0.0)
            self.last[key] = cpu


async def _loadavg(samples: list[float], stop: Any, cpu: ProcCPU | None = None) -> None:
    while not stop.is_set():
        samples.append(os.getloadavg()[0])
        if cpu is not None:
            cpu.sample()
        try:
            await asyncio.wait_for(stop.wait(), timeout=5)
        except TimeoutError:
            pass


async def _load(
    base: str,
    keys: dict[str, Any],
    ids: list[int],
    texts: list[dict[str, Any]],
    drafts: list[str],
    cpu: ProcCPU | None = None,
):
    stats = Stats()
    stop = asyncio.Event()
    load: list[float] = []
    if cpu is not None:
        cpu.sample(baseline=True)
    sampler = asyncio.create_task(_loadavg(load, stop, cpu))
    # idle connections are dropped before uvicorn's 5 s keep-alive ends: a request sent on a connection the
    # server is closing reads a reset (ReadError), a client artefact, not a server error
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=32, keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        reviewers = [
            asyncio.create_task(_reviewer(client, k, keys["applicant"], stats, ids, drafts, stop))
            for k in keys["reviewers"]
        ]
        t0 = time.perf_counter()
        got = await _ingest(client, keys["admin"], stats, texts)
        wall = time.perf_counter() - t0
        stop.set()
        await asyncio.gather(*reviewers, sampler)
    if cpu is not None:
        cpu.sample()
    return stats, got, wall, load


def run(backend: str, workers: int, args: argparse.Namespace, pg: Any) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix=f"kb-load-{backend}-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCENARIO_KB_INDEX_DIR": str(tmp / "index")}
    db = str(tmp / "kb.sqlite") if backend == "sqlite" else (args.pg_url or pg.new_database())
    seed = _texts(args.seed + args.ingest, seed=11)
    seed_texts, new_texts = seed[: args.seed], seed[args.seed :]
    folder = tmp / "seed"
    folder.mkdir()
    for rec in seed_texts:
        (folder / rec["meta"]["source"]).write_text(rec["text"], encoding="utf-8")
    _cli(db, "init", env=env)
    _cli(db, "ingest", str(folder), env=env)
    _cli(db, "dupes", "--json", env=env)  # an office's knowledge base has its duplicate sweep stored
    keys = {
        "admin": _key(_cli(db, "apikey", "add", "filing", "--role", "admin", env=env)),
        "applicant": _key(_cli(db, "apikey", "add", "portal", "--role", "applicant", env=env)),
        "reviewers": [
            _key(_cli(db, "apikey", "add", f"reviewer{i}", "--role", "reviewer", env=env))
            for i in range(args.reviewers)
        ],
    }
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kb", "--db", db, "api", "--port", str(port), "--workers", str(workers)]
        + ["--rate-limit", str(args.rate_limit)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "server.log", "w"),  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{port}"
    try:
        ready = time.monotonic() + 900  # the server answers once warm (workers and indexes loaded)
        while time.monotonic() < ready:
            try:
                if httpx.get(base + "/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        ids = [int(x["id"]) for x in json.loads(_cli(db, "list", "--json", env=env))]
        drafts = [r["text"] for r in seed_texts[:10]]
        first = _version(tmp / "index")
        cpu = ProcCPU(server.pid)
        stats, got, wall, load = asyncio.run(_load(base, keys, ids, new_texts, drafts, cpu))
        during = _version(tmp / "index")
    finally:
        server.terminate()  # it publishes what waits, and finishes the requests still running, before it exits
        try:
            server.wait(timeout=600)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    # nothing lost: every ingested text is stored, and indexed in the live snapshot (a fresh process looks)
    from kb.service import open_kb
    from nlp.normalize import content_hash, normalize_display

    os.environ["SCENARIO_KB_INDEX_DIR"] = env["SCENARIO_KB_INDEX_DIR"]
    kb = open_kb(db)
    stored = set(kb.storage.submission_hashes().values())
    lost = [
        r["meta"]["source"] for r in new_texts if content_hash(normalize_display(r["text"])) not in stored
    ]
    verify = kb.similarity.index_verify()
    kb.storage.close()
    return {
        "backend": backend,
        "workers": workers,
        "seed": args.seed,
        "ingested": len(set(got)),
        "ingest_wall_s": round(wall, 1),
        "versions_published": during - first,
        "loadavg_1min": {
            "min": round(min(load), 1) if load else None,
            "mean": round(statistics.fmean(load), 1) if load else None,
            "max": round(max(load), 1) if load else None,
        },
        "cpu_s": {k: round(v, 1) for k, v in cpu.total.items()},
        "server_cpu_ms_per_request": round(
            1000 * cpu.total["server"] / max(1, sum(map(len, stats.lat.values())))
        ),
        "texts_lost": len(lost),
        "not_indexed": len(verify.get("missing", [])),
        "index_ok": verify["ok"],
        "errors": {k: v[:3] for k, v in stats.errors.items()},
        "endpoints": stats.table(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reviewers", type=int, default=20)
    ap.add_argument(
        "--ingest", type=int, default=500, help="texts POSTed by the filing system during the run"
    )
    ap.add_argument("--seed", type=int, default=200, help="texts in the knowledge base before the run")
    ap.add_argument("--only", action="append", help="BACKEND:WORKERS, e.g. sqlite:1 (repeatable)")
    ap.add_argument(
        "--rate-limit",
        type=int,
        default=600,
        help="the server's requests a minute per key (counted in the database; 0 = off)",
    )
    ap.add_argument("--pg-url", help="an existing, empty PostgreSQL database instead of a throwaway server")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    configs = [tuple(c.split(":")) for c in (args.only or ["sqlite:1", "postgresql:1", "postgresql:2"])]
    pg = None
    if any(b == "postgresql" for b, _ in configs) and not args.pg_url:
        from pg_server import PgServer

        pg = PgServer()
    results = []
    try:
        for backend, workers in configs:
            res = run(backend, int(workers), args, pg)
            results.append(res)
            if not args.json:
                print(
                    f"\n== {backend}, {workers} API worker(s): {res['seed']} texts + {res['ingested']} ingested in "
                    f"{res['ingest_wall_s']} s; texts lost {res['texts_lost']}, not indexed {res['not_indexed']}; "
                    f"{res['versions_published']} index versions published; load average (1 min) "
                    f"{res['loadavg_1min']}; CPU s used {res['cpu_s']} "
                    f"(server {res['server_cpu_ms_per_request']} ms a request)"
                )
                print(f"{'endpoint':<10} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
                for r in res["endpoints"]:
                    print(
                        f"{r['endpoint']:<10} {r['n']:>6} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['errors']:>7}"
                    )
                for name, errs in res["errors"].items():
                    print(f"  {name} errors, first: {errs}")
                sys.stdout.flush()
    finally:
        if pg is not None:
            pg.stop()
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0 if all(r["texts_lost"] == 0 and r["index_ok"] and not r["errors"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
