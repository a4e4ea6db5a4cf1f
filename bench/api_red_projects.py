"""Benchmark: an industry bureau listing its sector's red projects of a month, through the real API.

Run:  python -m bench.api_red_projects [--projects 10000] [--months 12] [--clients 20] [--seconds 20]
                                       [--workers 2] [--client raw|httpx] [--json bench/out/api_red_projects.json]

Creates a fresh PostgreSQL database on the server of FOUR_REAL_BENCH_PG (default: the test server,
postgresql+psycopg://postgres@127.0.0.1:5432/test), migrates it, bulk-loads the projects and a year of
project-month figures with COPY (seeded, about 15 % red), issues a housing bureau's token, starts uvicorn
(``api.main:create_app``) on a free port, and runs ``--clients`` concurrent clients (asyncio, one
keep-alive connection each), each requesting ``GET /v1/projects?sector=housing&level=red&month=…`` (a
random month) back to back for ``--seconds`` after a warm-up. Prints p50/p95/p99 latency and requests per
second; drops the database. A benchmark, not a test: nothing here asserts.

The clients run in this process, the server in its own processes. On a two-core machine the clients share
the cores with the server and PostgreSQL, so their own cost is part of every latency measured: the default
``raw`` client writes the request and reads the ``Content-Length`` framed answer on a plain asyncio stream
(as wrk does), about a tenth of the CPU httpx spends per request; ``--client httpx`` measures with httpx.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import httpx
import numpy as np
from sqlalchemy import create_engine, make_url, text

from four_real.access import create_token
from four_real.settings import normalise_url
from four_real.store.db import make_engine, session_scope
from four_real.store.schema import upgrade

SECTORS = ("housing", "transport", "water")
TOWNSHIPS = ("吴宁街道", "白云街道", "江北街道", "城东街道", "六石街道", "歌山镇", "巍山镇", "虎鹿镇", "南马镇",
             "横店镇", "湖溪镇", "马宅镇", "千祥镇", "画水镇", "东阳江镇", "佐村镇", "三单乡", "南市街道")


def _admin(url: str):  # type: ignore[no-untyped-def]
    return create_engine(url, isolation_level="AUTOCOMMIT")


def create_database(server: str) -> str:
    name = "four_real_bench_" + uuid.uuid4().hex[:8]
    engine = _admin(server)
    with engine.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_database(server: str, url: str) -> None:
    name = make_url(url).database
    engine = _admin(server)
    with engine.connect() as c:
        c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    engine.dispose()


def months_of(n: int) -> list[str]:
    return [f"{2025 + (i // 12)}-{i % 12 + 1:02d}" for i in range(n)]


def bulk_load(url: str, *, projects: int, months: list[str], seed: int) -> int:
    """COPY the projects and their project-months; returns how many red rows the housing sector has."""
    rng = np.random.default_rng(seed)
    codes = [f"DY{2025}-{i:05d}" for i in range(projects)]
    sector = rng.choice(SECTORS, projects)
    town = rng.choice(TOWNSHIPS, projects)
    engine = make_engine(url)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        run_as_of = dt.date(2026, 1, 20)
        cur.execute("INSERT INTO reconciliation_run (started_at, as_of, months, projects, findings, opened, resolved) "
                    "VALUES (now(), %s, %s, %s, 0, 0, 0) RETURNING id", (run_as_of, ",".join(months), projects))
        run_id = cur.fetchone()[0]
        with cur.copy("COPY project (code, name, sector, township, contractor) FROM STDIN") as copy:
            for i, code in enumerate(codes):
                copy.write_row((code, f"{town[i]}{i}号工程", sector[i], town[i], f"东阳市建设{i % 500}公司"))
        n = projects * len(months)
        level = rng.choice(np.array(["red", "yellow", "green"]), n, p=[0.15, 0.25, 0.60])
        payable = rng.integers(100_000, 50_000_000, n)
        unpaid = (payable * rng.random(n) * (level != "green")).astype("int64")
        risk = rng.integers(0, 100, n)
        index = np.round(100 - 30 * rng.random(n), 1)
        cols = ("project_code, month, due_date, status, workers, payable, paid, unpaid, unpaid_own, underpaid, "
                "anxin_index, risk_score, level, critical, high, medium, low, holiday_calendar, run_id, as_of")
        # Month by month, as reconciliation writes them: each run scores every project of its month.
        with cur.copy(f"COPY project_month ({cols}) FROM STDIN") as copy:
            k = 0
            for month in months:
                y, m = int(month[:4]), int(month[5:])
                due = dt.date(y + (m == 12), m % 12 + 1, 15)
                for code in codes:
                    copy.write_row((code, month, due, "due", int(20 + risk[k] % 200), int(payable[k]),
                                    int(payable[k] - unpaid[k]), int(unpaid[k]), 0, 0, float(index[k]), int(risk[k]),
                                    str(level[k]), int(level[k] == "red"), 0, 0, 0, "official", run_id, run_as_of))
                    k += 1
        raw.commit()
        cur.execute("ANALYZE project")
        cur.execute("ANALYZE project_month")
        raw.commit()
        per_month = level.reshape(len(months), projects)
        return int(((per_month == "red") & (sector[None, :] == "housing")).sum())
    finally:
        raw.close()
        engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory", "--host",
                             "127.0.0.1", "--port", str(port), "--workers", str(workers), "--no-access-log",
                             "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("the server did not start: " + (proc.stderr.read().decode() if proc.stderr else ""))


async def raw_client(base: str, token: str, months: list[str], until: float, latencies: list[float],
                     statuses: dict[int, int], seed: int) -> None:
    """HTTP/1.1 on one keep-alive connection, nothing parsed but the status line and Content-Length."""
    rng = random.Random(seed)
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        while time.perf_counter() < until:
            query = urlencode({"sector": "housing", "level": "red", "month": rng.choice(months), "limit": 50})
            request = (f"GET /v1/projects?{query} HTTP/1.1\r\nHost: {host}\r\n"
                       f"Authorization: Bearer {token}\r\n\r\n").encode()
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            status = int(head.split(b" ", 2)[1])
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        writer.close()


async def httpx_client(base: str, token: str, months: list[str], until: float, latencies: list[float],
                       statuses: dict[int, int], seed: int) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as http:
        while time.perf_counter() < until:
            params = {"sector": "housing", "level": "red", "month": rng.choice(months), "limit": 50}
            started = time.perf_counter()
            r = await http.get("/v1/projects", params=params)
            latencies.append(time.perf_counter() - started)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1


async def load(base: str, token: str, months: list[str], *, clients: int, seconds: float,
               kind: str = "raw") -> tuple[list[float], dict[int, int]]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    until = time.perf_counter() + seconds
    client = raw_client if kind == "raw" else httpx_client
    await asyncio.gather(*(client(base, token, months, until, latencies, statuses, i) for i in range(clients)))
    return latencies, statuses


def _runner():  # type: ignore[no-untyped-def]
    """uvloop's runner where installed (the clients' own CPU is part of every latency), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run
    return uvloop.run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=10_000)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--client", choices=["raw", "httpx"], default="raw")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    load_before = os.getloadavg()[0]  # what else the machine runs (the run itself adds about 3-4)

    server = normalise_url(os.environ.get("FOUR_REAL_BENCH_PG") or os.environ.get("FOUR_REAL_TEST_PG")
                           or "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    url = create_database(server)
    proc = None
    try:
        upgrade(url)
        months = months_of(args.months)
        t0 = time.perf_counter()
        red = bulk_load(url, projects=args.projects, months=months, seed=args.seed)
        load_s = time.perf_counter() - t0
        engine = make_engine(url)
        with session_scope(engine) as session:
            token = create_token(session, role="industry_bureau", label="bench 住建局", sector="housing").secret
        engine.dispose()
        port = free_port()
        proc = start_server(url, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        run = _runner()
        run(load(base, token, months, clients=args.clients, seconds=args.warmup, kind=args.client))
        latencies, statuses = run(load(base, token, months, clients=args.clients, seconds=args.seconds,
                                       kind=args.client))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        drop_database(server, url)

    ms = np.array(latencies) * 1000
    result = {
        "projects": args.projects, "months": args.months, "project_months": args.projects * args.months,
        "housing_red_project_months": red, "bulk_load_s": round(load_s, 1), "clients": args.clients,
        "server_workers": args.workers, "client": args.client, "seconds": args.seconds, "requests": len(ms),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1),
        "p99_ms": round(float(np.percentile(ms, 99)), 1), "requests_per_s": round(len(ms) / args.seconds, 1),
        "cpus": os.cpu_count(), "load_average_1m_before": round(load_before, 2),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    print(f"{result['project_months']:,} project-months loaded in {result['bulk_load_s']} s; "
          f"{args.clients} clients, {args.workers} server workers, {args.seconds:g} s")
    print(f"GET /v1/projects?sector=housing&level=red&month=…  {result['requests']} requests "
          f"{result['statuses']}  p50 {result['p50_ms']} ms  p95 {result['p95_ms']} ms  p99 {result['p99_ms']} ms  "
          f"{result['requests_per_s']} req/s  ({args.client} client; load average {result['load_average_1m_before']} "
          f"before, {result['load_average_1m']} after, on {result['cpus']} cpus)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
