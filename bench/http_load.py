"""What clients see: `fieldcrm serve` against the floor, over loopback, driven by `wrk`.

Both servers run as child processes under the same uvicorn settings (bench/server.py); the
floor is a bare ASGI app running one hand-written query that builds the app's whole Customer
View document in the database (bench/floor_server.py, bench/floor.py). The data is the
issue's: `fieldcrm seed-demo`'s shop (200 customers, 1000 jobs) plus one customer with 540
related rows (bench/seed.py), the view capped at CUSTOMER_VIEW_CAP (100) on both sides.
Before anything is timed, every customer's floor document must be the app's
(`check_floor_matches_app`), or the run stops.

Measured, side by side in one run, on SQLite and PostgreSQL:
  heavy   the 540-row customer, one connection (`wrk -t1 -c1`): p50, p99
  mixed   every customer in turn, 16 connections (`wrk -t2 -c16`): throughput, p99
for the app as `make run` runs it (access log on), the app with LOG_LEVEL=WARNING (what
the app's access line costs: uvicorn's own access log is off), the floor, and both with
two processes (`--workers 2`).
Every run counts errors and responses with status >= 400 (wrk), and each customer is
fetched once beforehand and must answer 200. `python -m bench http` runs this alone;
BENCH_HTTP_SECONDS (default 10) is the length of each wrk run.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.cpu_share import CpuShare, CpuWatch
from bench.databases import bench_postgres_database, drop_postgres_database, int_env
from bench.floor import check_floor_matches_app, floor_sql
from bench.office_user import PASSWORD, USERNAME, add_office_user, quick_hashing
from bench.seed import Plan, seed
from bench.server import asgi_served, floor_served, served
from entrypoints import migrate
from entrypoints.container import build_container
from entrypoints.demo import DemoPlan
from entrypoints.demo import seed as seed_demo
from entrypoints.settings import Settings

JWT_SECRET = "bench-http-secret-" + "x" * 40
DATABASE = "fieldcrm_bench_http"
CAP = 100  # CUSTOMER_VIEW_CAP's default: what a client gets
LUA = Path(__file__).resolve().parent / "wrk" / "report.lua"
# The floor checks nothing, but gets a header of a real token's size, as the app does.
FLOOR_TOKEN = "floor." + "x" * 200


@dataclass(frozen=True, slots=True)
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    failures: int  # socket errors + timeouts + responses with status >= 400

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds


@dataclass(slots=True)
class Prepared:
    heavy_id: int
    customer_ids: list[int]
    floor_sql: str


def wrk(base_url: str, token: str, connections: int, seconds: int, ids: list[int]) -> Load:
    """One wrk run: GET /customers/{id}, the heavy one (one id) or every id in turn."""
    threads = 1 if connections == 1 else 2
    path = f"/customers/{ids[0]}" if len(ids) == 1 else "/"
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "-H",
        f"Authorization: Bearer {token}",
        "-s",
        str(LUA),
        base_url + path,
    ]
    if len(ids) > 1:
        command += ["--", *map(str, ids)]
    return run_wrk(command)


def run_wrk(command: list[str]) -> Load:
    """Run a wrk `command` whose script prints the WRK_JSON line (bench/wrk/*.lua)."""
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    failures = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Load(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        failures=failures,
    )


def _login(base_url: str) -> str:
    response = httpx.post(
        f"{base_url}/auth/login", json={"username": USERNAME, "password": PASSWORD}, timeout=30
    )
    response.raise_for_status()
    return str(response.json()["accessToken"])


def _all_answer(base_url: str, token: str, ids: list[int]) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for customer_id in ids:
            response = client.get(
                f"/customers/{customer_id}", headers={"Authorization": f"Bearer {token}"}
            )
            if response.status_code != 200:
                raise RuntimeError(f"GET /customers/{customer_id}: {response.status_code}")


async def _prepare(url: str) -> Prepared:
    settings = Settings(database_url=url, jwt_secret=JWT_SECRET, environment="test")
    container = build_container(settings)
    quick_hashing(container)
    engine: AsyncEngine = container.engine()
    try:
        await seed_demo(container, DemoPlan())
        seeded = await seed(engine, Plan(other_customers=0))
        await add_office_user(container)
        async with engine.connect() as conn:
            ids = list((await conn.execute(text("SELECT id FROM customers ORDER BY id"))).scalars())
        # The floor must answer what the app answers, or its ratios mean nothing.
        await check_floor_matches_app(engine, ids, CAP, settings.default_currency)
        print(f"  the floor's document is the app's for all {len(ids)} customers", flush=True)
        return Prepared(seeded.customer_id, ids, floor_sql(engine.dialect.name))
    finally:
        await engine.dispose()


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    heavy: Load | None
    mixed: Load
    cpu: CpuShare | None  # where the machine's CPU went during the mixed run


def _row(
    name: str, base: str, token: str, seconds: int, heavy: int | None, mixed: list[int]
) -> Row:
    """Heavy (customer `heavy`, one connection; unless None), then mixed (every customer of
    `mixed`, 16 connections) with the CPU it took."""
    one = wrk(base, token, 1, seconds, [heavy]) if heavy is not None else None
    with CpuWatch() as watch:
        many = wrk(base, token, 16, seconds, mixed)
    return Row(name, one, many, watch.share)


def run_database(url: str, label: str, seconds: int) -> list[Row]:
    prepared = asyncio.run(_prepare(url))
    heavy, mixed = prepared.heavy_id, prepared.customer_ids
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="fieldcrm-floor-") as tmp:
        sql_file = Path(tmp) / "floor.sql"
        sql_file.write_text(prepared.floor_sql, encoding="utf-8")
        with floor_served(url, sql_file, CAP, log_level="INFO") as base:
            _all_answer(base, FLOOR_TOKEN, mixed)
            rows.append(_row("floor", base, FLOOR_TOKEN, seconds, heavy, mixed))
        for name, workers, level in (
            ("app (as make run: access log on)", 1, "INFO"),
            ("app, LOG_LEVEL=WARNING (no access log)", 1, "WARNING"),
        ):
            with served(url, JWT_SECRET, workers, level) as base:
                token = _login(base)
                _all_answer(base, token, mixed)
                rows.append(_row(name, base, token, seconds, heavy, mixed))
        with floor_served(url, sql_file, CAP, workers=2, log_level="INFO") as base:
            rows.append(_row("floor --workers 2", base, FLOOR_TOKEN, seconds, None, mixed))
        with served(url, JWT_SECRET, 2, "INFO") as base:
            token = _login(base)
            _all_answer(base, token, mixed)
            rows.append(_row("app --workers 2", base, token, seconds, None, mixed))
    _print(label, len(mixed), rows)
    return rows


def _servers() -> dict[str, list[str]]:
    """The HTTP servers compared on the same app (granian only when it is installed)."""
    bin_dir = Path(sys.executable).parent
    uvicorn = [str(bin_dir / "uvicorn"), "--log-level", "warning", "--no-access-log"]
    servers = {
        "uvicorn, asyncio loop + h11 (pip install uvicorn)": [
            *uvicorn,
            "--loop",
            "asyncio",
            "--http",
            "h11",
        ],
        "uvicorn, uvloop + httptools (uvicorn[standard])": [
            *uvicorn,
            "--loop",
            "uvloop",
            "--http",
            "httptools",
        ],
    }
    if (bin_dir / "granian").exists():
        servers["granian (asgi interface, uvloop)"] = [
            str(bin_dir / "granian"),
            "--interface",
            "asgi",
            "--loop",
            "uvloop",
            "--no-log",
        ]
    return servers


def compare_servers(url: str, label: str, seconds: int) -> None:
    """The same app (`entrypoints.http.asgi:app`, access log off) under each HTTP server."""
    prepared = asyncio.run(_prepare(url))
    heavy, mixed = [prepared.heavy_id], prepared.customer_ids
    print()
    print(f"{label}: the app under each HTTP server, one process, no access log")
    header = f"{'server':<52}{'heavy p50':>10}{'heavy p99':>10}{'mixed req/s':>12}{'mixed p99':>10}"
    print(header)
    print("-" * len(header))
    for name, command in _servers().items():
        with asgi_served(url, JWT_SECRET, command) as base:
            token = _login(base)
            _all_answer(base, token, mixed)
            one, many = wrk(base, token, 1, seconds, heavy), wrk(base, token, 16, seconds, mixed)
        failures = one.failures + many.failures
        print(
            f"{name:<52}{one.p50_ms:>10.2f}{one.p99_ms:>10.2f}{many.throughput:>12.0f}"
            f"{many.p99_ms:>10.2f}" + (f"  ({failures} failures)" if failures else "")
        )


def _cell(value: float | None, width: int, digits: int = 2) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def _print(label: str, customers: int, rows: list[Row]) -> None:
    print()
    print(
        f"{label}: GET /customers/{{id}} over loopback (wrk), {customers} customers; "
        "heavy = the 540-row customer, 1 connection; mixed = every customer, 16 connections"
    )
    header = (
        f"{'server':<40}{'heavy p50':>10}{'heavy p99':>10}{'mixed req/s':>12}"
        f"{'mixed p99':>10}{'failures':>9}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        one, many = row.heavy, row.mixed
        failures = many.failures + (one.failures if one else 0)
        print(
            f"{row.name:<40}{_cell(one and one.p50_ms, 10)}{_cell(one and one.p99_ms, 10)}"
            f"{many.throughput:>12.0f}{many.p99_ms:>10.2f}{failures:>9}"
        )
    _print_cpu(rows)
    floor, app, quiet, floor2, app2 = rows[0], rows[1], rows[2], rows[-2], rows[-1]
    assert floor.heavy and app.heavy
    print("ratios, app (as make run) / floor; targets in parentheses:")
    print(f"  heavy p50   {app.heavy.p50_ms / floor.heavy.p50_ms:6.2f}x   (<= 1.3x)")
    print(f"  heavy p99   {app.heavy.p99_ms / floor.heavy.p99_ms:6.2f}x   (<= 1.5x)")
    print(f"  mixed req/s {app.mixed.throughput / floor.mixed.throughput:6.2f}    (>= 0.60)")
    print(f"  mixed p99   {app.mixed.p99_ms / floor.mixed.p99_ms:6.2f}x   (<= 2x)")
    print(
        "  app --workers 2 / 1 process, mixed req/s "
        f"{app2.mixed.throughput / app.mixed.throughput:.2f}x"
        f"   (>= 1.6x; floor: {floor2.mixed.throughput / floor.mixed.throughput:.2f}x)"
    )
    print(
        f"  the access line: mixed {app.mixed.throughput:.0f} req/s with it, "
        f"{quiet.mixed.throughput:.0f} req/s without (LOG_LEVEL=WARNING)"
    )


def _print_cpu(rows: list[Row]) -> None:
    """Where the CPU went during each mixed run, in cores busy on average."""
    shares = [(row.name, row.cpu) for row in rows if row.cpu is not None]
    if not shares:
        return
    cores = shares[0][1].cores
    print(
        f"CPU during the mixed runs, in cores busy (of {cores}): server = its process(es), "
        "database = PostgreSQL's processes (SQLite runs inside the server), wrk = the load"
    )
    for name, share in shares:
        other = share.machine - share.server - share.database - share.load
        print(
            f"  {name:<40} server {share.server:4.2f}  database {share.database:4.2f}"
            f"  wrk {share.load:4.2f}  other {max(other, 0.0):4.2f}"
            f"  machine {share.machine:4.2f}"
        )


def run_servers(postgres_url: str) -> None:
    """`python -m bench servers`: which HTTP server, on SQLite (and PostgreSQL when set)."""
    if _no_wrk():
        return
    seconds = int_env("BENCH_HTTP_SECONDS", 10)
    with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-servers-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        compare_servers(url, "SQLite", seconds)
    if postgres_url:
        url = asyncio.run(bench_postgres_database(postgres_url, DATABASE))
        try:
            migrate.upgrade(url)
            compare_servers(url, "PostgreSQL", seconds)
        finally:
            asyncio.run(drop_postgres_database(postgres_url, DATABASE))


def _no_wrk() -> bool:
    if shutil.which("wrk") is None:
        print("\nHTTP load (wrk): skipped, wrk is not installed (apt-get install -y wrk)")
        return True
    return False


def run_all(postgres_url: str) -> None:
    if _no_wrk():
        return
    seconds = int_env("BENCH_HTTP_SECONDS", 10)
    with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-http-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        print("HTTP load, SQLite: seeding (seed-demo + the heavy customer)...", flush=True)
        run_database(url, "SQLite", seconds)
    if not postgres_url:
        print("HTTP load, PostgreSQL: skipped (set BENCH_POSTGRES_URL to include it)")
        return
    url = asyncio.run(bench_postgres_database(postgres_url, DATABASE))
    try:
        migrate.upgrade(url)
        print("HTTP load, PostgreSQL: seeding (seed-demo + the heavy customer)...", flush=True)
        run_database(url, "PostgreSQL", seconds)
    finally:
        asyncio.run(drop_postgres_database(postgres_url, DATABASE))
