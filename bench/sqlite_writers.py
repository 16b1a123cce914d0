"""16 concurrent clients creating customers (POST /customers) through the real server
(`fieldcrm serve`, what `make run` starts) over loopback: latency, throughput and errors.

On SQLite, write transactions queue on one lock per database in the server (asyncio, first
come first served) and start with BEGIN IMMEDIATE (src/adapters/sqlalchemy/sqlite_writes.py)
instead of polling SQLite's lock. Target there: p99 < 100 ms, zero errors. PostgreSQL runs
the same load for comparison when BENCH_POSTGRES_URL is set.

The load generator is `hey` (Debian's package) with keep-alive connections when it is on
PATH, else an asyncio httpx client with the same number of connections.

Run alone: `python -m bench.sqlite_writers` (BENCH_POSTGRES_URL; BENCH_WRITERS (16),
BENCH_WRITES (1600) in all, BENCH_WRITES_WARMUP (160), BENCH_WRITES_PROCESSES (1): the
server's `--workers`, to see writers queue across processes).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.tables import customers
from bench.customer_view import JWT_SECRET, Timing
from bench.databases import int_env, on_each_database, print_header, server_version
from bench.office_user import add_office_user, office_headers, quick_hashing
from bench.server import served
from entrypoints.container import build_container
from entrypoints.settings import Settings

DATABASE = "fieldcrm_bench_writers"
TARGET_P99_MS = 100.0
BODY = {"name": "Bench Writer", "phone": "+14155550123", "notes": "created under load"}


@dataclass(slots=True)
class WritersResult:
    database: str
    server_version: str
    tool: str
    writers: int
    requests: int
    timing: Timing
    max_ms: float
    per_second: float
    statuses: dict[str, int]
    rows: int


async def run(url: str, label: str) -> WritersResult:
    writers = int_env("BENCH_WRITERS", 16)
    requests = int_env("BENCH_WRITES", 1600)
    warmup = int_env("BENCH_WRITES_WARMUP", 160)
    container = build_container(
        Settings(database_url=url, jwt_secret=JWT_SECRET, environment="test")
    )
    quick_hashing(container)
    engine: AsyncEngine = container.engine()
    try:
        await add_office_user(container)
        with served(url, JWT_SECRET, int_env("BENCH_WRITES_PROCESSES", 1)) as base_url:
            async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
                headers = await office_headers(client)
            load = _hey if shutil.which("hey") else _httpx_load
            await load(base_url, headers, min(writers, warmup), warmup)
            before = await _rows(engine)
            tool, samples, statuses, seconds = await load(base_url, headers, writers, requests)
        rows = await _rows(engine) - before
        version = await server_version(engine)
        return WritersResult(
            database=label,
            server_version=version,
            tool=tool,
            writers=writers,
            requests=len(samples),
            timing=Timing.of(samples),
            max_ms=max(samples) / 1e6,
            per_second=len(samples) / seconds,
            statuses=dict(statuses),
            rows=rows,
        )
    finally:
        await engine.dispose()


async def _rows(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(customers)) or 0)


Load = tuple[str, list[int], Counter[str], float]


async def _hey(base_url: str, headers: dict[str, str], writers: int, requests: int) -> Load:
    """`hey -o csv`: one line per request (seconds, ..., status code, offset)."""
    command = ["hey", "-n", str(requests), "-c", str(writers), "-m", "POST", "-o", "csv"]
    command += ["-T", "application/json", "-d", json.dumps(BODY), "-t", "30"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"{base_url}/customers")
    started = time.perf_counter()
    done = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"hey failed ({done.returncode}): {done.stderr[-500:]}")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    samples = [int(float(row["response-time"]) * 1e9) for row in rows]
    statuses = Counter(row["status-code"] for row in rows)
    errors = requests - len(rows)
    if errors:
        statuses["no response"] += errors
    return "hey", samples, statuses, seconds


async def _httpx_load(base_url: str, headers: dict[str, str], writers: int, requests: int) -> Load:
    """`writers` connections, each sending its share of the requests one after another."""
    samples: list[int] = []
    statuses: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=writers, max_keepalive_connections=writers)
    async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as client:

        async def one_writer(count: int) -> None:
            for _ in range(count):
                start = time.perf_counter_ns()
                try:
                    response = await client.post("/customers", json=BODY, headers=headers)
                    statuses[str(response.status_code)] += 1
                except httpx.HTTPError as exc:
                    statuses[type(exc).__name__] += 1
                samples.append(time.perf_counter_ns() - start)

        shares = [requests // writers + (n < requests % writers) for n in range(writers)]
        started = time.perf_counter()
        await asyncio.gather(*(one_writer(share) for share in shares))
    return "httpx", samples, statuses, time.perf_counter() - started


def print_results(results: list[WritersResult]) -> None:
    print_header(
        "Concurrent writers through the server, POST /customers "
        f"(target on SQLite: p99 < {TARGET_P99_MS:.0f} ms, zero errors)",
        f"{'database':<12}{'clients':>8}{'requests':>9}{'req/s':>8}{'p50':>8}{'p99':>8}"
        f"{'max':>9}  statuses",
    )
    for r in results:
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(r.statuses.items()))
        print(
            f"{r.database:<12}{r.writers:>8}{r.requests:>9}{r.per_second:>8.0f}"
            f"{r.timing.p50_ms:>8.2f}{r.timing.p99_ms:>8.2f}{r.max_ms:>9.2f}  {statuses}"
        )
    print("(ms; keep-alive connections over loopback)")
    for r in results:
        errors = sum(n for code, n in r.statuses.items() if code != "201")
        lost = r.statuses.get("201", 0) - r.rows
        meets = r.timing.p99_ms < TARGET_P99_MS and not errors
        verdict = (
            ("meets the target" if meets else "MISSES the target")
            if r.database == "SQLite"
            else "for comparison (the target is SQLite's)"
        )
        print(
            f"{r.database} ({r.server_version}), load by {r.tool}: {errors} errors, "
            f"{r.rows} customers written for {r.statuses.get('201', 0)} created "
            f"({'none lost' if lost == 0 else f'{lost} MISSING'}); {verdict}"
        )


def run_all(postgres_url: str) -> list[WritersResult]:
    """SQLite always, PostgreSQL when `postgres_url` is set (in its own database)."""
    results = on_each_database(postgres_url, DATABASE, "concurrent writers", run)
    print_results(results)
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    run_all(os.environ.get("BENCH_POSTGRES_URL", ""))
