"""`python -m bench search`: GET /customers?q= from the real server over 100,000 customers.

The customers are bulk-loaded (batched multi-row inserts, one transaction), then
`fieldcrm serve` runs as a child process (bench/server.py) and an httpx client sends 1,000
mixed queries (full names, partial names, accented and unaccented names, emails, the last 4
digits of a phone, streets) over loopback HTTP with keep-alive, each a page of 50, timed one
by one from the call to the complete body after a warm-up, on SQLite and PostgreSQL. After
every fifth query the same client also times `GET /customers` without `q` (the newest 50, no
search): the same request minus the search, at the same moment's load.
Environment: BENCH_SEARCH_CUSTOMERS (default 100000), BENCH_SEARCH_QUERIES (default 1000),
BENCH_WARMUP (default 50).
"""

from __future__ import annotations

import gc
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.tables import customers
from bench.customer_view import _VERSION_SQL, JWT_SECRET, Timing, _timed
from bench.databases import int_env, on_each_database
from bench.office_user import add_office_user, office_headers, quick_hashing
from bench.server import served
from domain.customer_search import fold
from entrypoints.container import build_container
from entrypoints.settings import Settings

FIRST = [
    "Anna",
    "José",
    "Zoë",
    "Émile",
    "Lars",
    "Mia",
    "Noah",
    "Chloé",
    "Jürgen",
    "Sofía",
    "Liam",
    "Olivia",
    "Björn",
    "Inès",
    "Mateo",
    "Hannah",
    "François",
    "Léa",
    "Ömer",
    "Iris",
]
LAST = [
    "Müller",
    "Núñez",
    "García",
    "Svensson",
    "Dubois",
    "Smith",
    "Kowalski",
    "Novák",
    "O'Brien",
    "Łukasz",
    "Brontë",
    "Schäfer",
    "Jensen",
    "Rossi",
    "Silva",
    "Çelik",
    "Andersen",
    "Moreau",
    "Fischer",
    "Santos",
    "Petrović",
    "Walker",
    "Nakamura",
    "Lind",
]
STREETS = [
    "Elm Street",
    "Maple Avenue",
    "Kungsgatan",
    "Calle Mayor",
    "Rue de Lyon",
    "Hauptstraße",
    "Oak Lane",
    "Birch Road",
    "Via Roma",
    "Strandvejen",
]
CITIES = ["Springfield", "Stockholm", "Madrid", "Paris", "München", "Roma", "Lisboa"]
KINDS = ["name", "partial name", "accented", "unaccented", "email", "phone last 4", "street"]
UNSEARCHED = "no q (floor)"
"""The kind of the interleaved `GET /customers` without a search; not in the overall figures."""
FLOOR_EVERY = 5
BATCH = 5_000  # fmt: skip


@dataclass(frozen=True, slots=True)
class SearchResult:
    database: str
    server_version: str
    customers: int
    queries: int
    seed_seconds: float
    overall: Timing
    by_kind: dict[str, Timing]
    found_share: float


def _people(n: int, rng: random.Random) -> list[dict[str, Any]]:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        rows.append(
            {
                "name": f"{first} {last}",
                "phone": f"+1{rng.randrange(200, 999)}{rng.randrange(10**7):07d}",
                "email": f"{fold(first)}.{fold(last).replace(chr(39), '')}{i}@example.com",
                "address": f"{rng.randrange(1, 300)} {rng.choice(STREETS)}, {rng.choice(CITIES)}",
                "time_zone": "UTC",
                "created_at": now,
                "referral_code": f"B{i:07d}",
            }
        )
    return rows


def _query(kind: str, person: dict[str, Any], rng: random.Random) -> str:
    last = person["name"].split(" ", 1)[1]
    if kind == "name":
        return str(person["name"])
    if kind == "partial name":
        return last[: rng.randrange(3, max(4, len(last)))]
    if kind == "accented":
        return str(rng.choice([n for n in FIRST + LAST if fold(n) != n.lower()]))
    if kind == "unaccented":
        return fold(last)
    if kind == "email":
        return str(person["email"]).split("@")[0]
    if kind == "phone last 4":
        digits = str(person["phone"])[-4:]
        return f"{digits[:2]} {digits[2:]}" if rng.random() < 0.5 else digits
    return str(person["address"]).split(",")[0].split(" ", 1)[1][:6]


async def _seed(engine: AsyncEngine, people: list[dict[str, Any]]) -> None:
    async with engine.begin() as conn:
        for start in range(0, len(people), BATCH):
            await conn.execute(insert(customers), people[start : start + BATCH])
    async with engine.begin() as conn:
        await conn.exec_driver_sql("ANALYZE customers" if _postgres(engine) else "ANALYZE")


def _postgres(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


async def measure(url: str, label: str) -> SearchResult:
    n = int_env("BENCH_SEARCH_CUSTOMERS", 100_000)
    count = int_env("BENCH_SEARCH_QUERIES", 1_000)
    warmup = int_env("BENCH_WARMUP", 50)
    rng = random.Random(11)
    settings = Settings(database_url=url, jwt_secret=JWT_SECRET, environment="test")
    container = build_container(settings)
    quick_hashing(container)
    engine: AsyncEngine = container.engine()
    try:
        people = _people(n, rng)
        started = datetime.now(UTC)
        await _seed(engine, people)
        seed_seconds = (datetime.now(UTC) - started).total_seconds()
        await add_office_user(container)
        queries = [(k, _query(k, rng.choice(people), rng)) for k in rng.choices(KINDS, k=count)]
        with served(url, JWT_SECRET) as base_url:
            samples, found = await _drive(base_url, queries, warmup)
        async with engine.connect() as conn:
            version = (await conn.exec_driver_sql(_VERSION_SQL[engine.dialect.name])).scalar()
        every = [s for kind in KINDS for s in samples[kind]]
        return SearchResult(
            database=label,
            server_version=str(version),
            customers=n,
            queries=len(queries),
            seed_seconds=seed_seconds,
            overall=Timing.of(every),
            by_kind={k: Timing.of(samples[k]) for k in [*KINDS, UNSEARCHED] if samples[k]},
            found_share=found / len(queries),
        )
    finally:
        await engine.dispose()


async def _drive(
    base_url: str, queries: list[tuple[str, str]], warmup: int
) -> tuple[dict[str, list[int]], int]:
    """Log in, warm up, then time each query alone: (samples by kind, queries that found some)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        headers = await office_headers(client)
        found = 0

        async def search(q: str | None) -> None:
            nonlocal found
            params = {"q": q} if q is not None else {}
            response = await client.get("/customers", params=params, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"q={q!r}: {response.status_code} {response.text}")
            found += q is not None and response.json()["total"] > 0

        for _, q in queries[:warmup]:
            await search(q)
        found = 0
        gc.collect()
        samples: dict[str, list[int]] = defaultdict(list)
        for n, (kind, q) in enumerate(queries):
            samples[kind].append(await _timed(lambda q=q: search(q)))  # type: ignore[misc]
            if n % FLOOR_EVERY == 0:
                samples[UNSEARCHED].append(await _timed(lambda: search(None)))
    return samples, found


def print_results(results: list[SearchResult]) -> None:
    print()
    print("Customer search, GET /customers?q= (page of 50, ranked)")
    for r in results:
        print(
            f"{r.database} ({r.server_version}): {r.customers} customers (seeded in "
            f"{r.seed_seconds:.1f} s), {r.queries} queries, {r.found_share:.0%} found something; "
            f"p50 {r.overall.p50_ms:.2f} ms, p99 {r.overall.p99_ms:.2f} ms"
        )
        for kind, timing in r.by_kind.items():
            print(f"  {kind:<16}p50 {timing.p50_ms:>8.2f} ms   p99 {timing.p99_ms:>8.2f} ms")


def run_all(postgres_url: str) -> list[SearchResult]:
    results = on_each_database(postgres_url, "fieldcrm_bench_search", "customer search", measure)
    print_results(results)
    return results
