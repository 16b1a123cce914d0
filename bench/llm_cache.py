"""POST /customers/{id}/timeline-summary through the real server (`fieldcrm serve`, what
`make run` starts, over loopback): a cached answer versus an answer after a write.

The server runs with the LLM settings unconfigured, so its client is the offline adapter
(the embedded default), and the in-memory cache. A cached answer costs the customer's data
version (one small SELECT) and one cache read; it never builds the Customer View. A miss
is forced the way a real one happens: a payment is written for the customer (untimed),
which bumps the data version in the same transaction, so the next ask builds the view,
grounds the prompt and answers anew. Cached and after-write asks alternate, so drift hits
both alike; GET /health (no auth, no database) is timed alongside as the server's floor.

Run alone: `python -m bench.llm_cache` (BENCH_POSTGRES_URL, BENCH_LLM_REQUESTS,
BENCH_LLM_WARMUP as in `python -m bench`).
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.customer_view import JWT_SECRET, Timing, _timed
from bench.databases import int_env, on_each_database, print_header, server_version
from bench.office_user import add_office_user, office_headers, quick_hashing
from bench.seed import Plan, seed
from bench.server import served
from entrypoints.container import build_container
from entrypoints.settings import Settings

DATABASE = "fieldcrm_bench_llm"
TARGET_CACHED_P50_MS = 2.0
# The per-user LLM limit (20 a minute by default) would refuse the bench's asks; the
# server's highest allowed setting.
SERVER_SETTINGS = {"LLM_RATE_LIMIT_PER_MINUTE": "10000", "OPENAI_API_KEY": ""}


@dataclass(slots=True)
class LlmResult:
    database: str
    server_version: str
    requests: int
    cached: Timing
    after_write: Timing
    health: Timing
    response_bytes: int


async def run(
    url: str, label: str, requests: int, warmup: int, other_customers: int = 400
) -> LlmResult:
    container = build_container(
        Settings(database_url=url, jwt_secret=JWT_SECRET, environment="test")
    )
    quick_hashing(container)
    engine: AsyncEngine = container.engine()
    try:
        seeded = await seed(engine, Plan(other_customers=other_customers))
        await add_office_user(container)
        with served(url, JWT_SECRET, settings=SERVER_SETTINGS) as base_url:
            result = await _drive(base_url, seeded.customer_id, requests, warmup)
        version = await server_version(engine)
        return LlmResult(label, version, requests, *result)
    finally:
        await engine.dispose()


async def _drive(
    base_url: str, customer_id: int, requests: int, warmup: int
) -> tuple[Timing, Timing, Timing, int]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        headers = await office_headers(client)
        path = f"/customers/{customer_id}/timeline-summary"
        payment = {
            "customerId": customer_id,
            "amount": "1.00",
            "currency": "USD",
            "paymentMethod": "CARD",
            "paidAt": "2030-01-03T12:00:00+00:00",
        }

        async def ask(cached: bool) -> httpx.Response:
            response = await client.post(path, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"POST {path}: {response.status_code} {response.text}")
            body = response.json()
            if body["cached"] is not cached or body["model"] != "offline":
                raise RuntimeError(f"expected cached={cached} from the offline model: {body}")
            return response

        async def write() -> None:
            response = await client.post("/payments", json=payment, headers=headers)
            if response.status_code != 201:
                raise RuntimeError(f"POST /payments: {response.status_code} {response.text}")

        async def health() -> None:
            (await client.get("/health")).raise_for_status()

        first = (await ask(cached=False)).json()
        second = await ask(cached=True)
        if second.json()["result"] != first["result"]:
            raise RuntimeError("the cached answer differs from the first one")
        for _ in range(warmup):
            await ask(cached=True)
            await write()
            await ask(cached=False)
            await health()
        gc.collect()
        hit_ns: list[int] = []
        miss_ns: list[int] = []
        health_ns: list[int] = []
        for _ in range(requests):
            hit_ns.append(await _timed(lambda: ask(cached=True)))
            await write()
            miss_ns.append(await _timed(lambda: ask(cached=False)))
            health_ns.append(await _timed(health))
        return Timing.of(hit_ns), Timing.of(miss_ns), Timing.of(health_ns), len(second.content)


def print_results(results: Sequence[LlmResult]) -> None:
    print_header(
        "LLM insights through the server, POST /customers/{id}/timeline-summary: cached "
        f"answer vs after a write (target: cached p50 <= {TARGET_CACHED_P50_MS:.0f} ms)",
        f"{'database':<12}{'cached p50':>11}{'cached p99':>11}{'write p50':>11}"
        f"{'write p99':>11}{'health p50':>12}{'health p99':>12}",
    )
    for r in results:
        print(
            f"{r.database:<12}{r.cached.p50_ms:>11.2f}{r.cached.p99_ms:>11.2f}"
            f"{r.after_write.p50_ms:>11.2f}{r.after_write.p99_ms:>11.2f}"
            f"{r.health.p50_ms:>12.2f}{r.health.p99_ms:>12.2f}"
        )
    print("(ms, one client over loopback; cached = data version + cache read; write = the ask")
    print(" right after a payment was written: the view is built and the offline adapter")
    print(" answers; health = GET /health, no auth and no database: the server's floor)")
    for r in results:
        verdict = "meets" if r.cached.p50_ms <= TARGET_CACHED_P50_MS else "MISSES"
        print(
            f"{r.database} ({r.server_version}): {r.requests} timed asks each side, response "
            f"{r.response_bytes} bytes; cached p50 {verdict} the target"
        )


def run_all(postgres_url: str) -> list[LlmResult]:
    """SQLite always, PostgreSQL when `postgres_url` is set (in its own database)."""
    requests = int_env("BENCH_LLM_REQUESTS", 300)
    warmup = int_env("BENCH_LLM_WARMUP", 30)
    results = on_each_database(
        postgres_url,
        DATABASE,
        "LLM timeline summary through the server, cached and after a write",
        lambda url, label: run(url, label, requests, warmup),
    )
    print_results(results)
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    run_all(os.environ.get("BENCH_POSTGRES_URL", ""))
