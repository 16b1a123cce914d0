"""`make bench` / `python -m bench`: the Customer View, the scheduler pass, LLM insight
latency and outbox dispatch throughput, on SQLite and PostgreSQL.

Environment:
  BENCH_POSTGRES_URL (else FIELDCRM_TEST_POSTGRES_URL)  also run on PostgreSQL; the bench
      creates and drops its own database `fieldcrm_bench` on that server.
  BENCH_REQUESTS (default 400), BENCH_WARMUP (default 50)  timed and warm-up requests.
  BENCH_SCHEDULER_CUSTOMERS (default 10000), BENCH_SCHEDULER_RUNS (default 5)  the scheduler
      pass (bench/scheduler_pass.py), in its own database `fieldcrm_bench_scheduler`.
  BENCH_OTHER_CUSTOMERS (default 400)  customers around the benchmarked one (each with jobs,
      payments, expenses...): raise it to see how the view scales with the table sizes.
  BENCH_LLM_SECONDS (default 5), BENCH_LLM_WARMUP_SECONDS (default 1), BENCH_LLM_MISSES
      (default 30)  POST /customers/{id}/timeline-summary answered from the cache, and
      GET /health beside it, each timed by `wrk -t1 -c1` for that long through the real
      server (bench/llm_cache.py; needs `wrk`), then that many asks right after a write
      (timed by httpx), in its own database `fieldcrm_bench_llm`.
  BENCH_WRITERS (default 16), BENCH_WRITES (default 1600), BENCH_WRITES_WARMUP (default
      160)  concurrent clients and requests of POST /customers through the real server
      (bench/sqlite_writers.py, `hey` when on PATH), in its own database
      `fieldcrm_bench_writers`; BENCH_WRITES_PROCESSES (default 1) its `--workers`.
  BENCH_OUTBOX_MESSAGES (default 2000), BENCH_OUTBOX_CUSTOMERS (default 500)  due messages
      per run and their customers for outbox dispatch (bench/outbox.py), in its own
      database `fieldcrm_bench_outbox`.
  BENCH_SEARCH_CUSTOMERS (default 100000), BENCH_SEARCH_QUERIES (default 1000)  customer
      search (bench/search.py; `python -m bench search` runs it alone), in its own database
      `fieldcrm_bench_search`.
  BENCH_HTTP_SECONDS (default 10)  each wrk run of the HTTP load against the floor
      (bench/http_load.py; `python -m bench http` runs it alone; needs `wrk`), in its own
      database `fieldcrm_bench_http`. `python -m bench servers` compares HTTP servers
      (uvicorn plain, uvicorn[standard], granian when installed) on the same app.
  BENCH_INSTRUCTIONS_WARMUP (default 300), BENCH_INSTRUCTIONS_GETS (default 600)
      `python -m bench instructions` (only when named: needs valgrind): the app's and the
      floor's server under callgrind, instructions per GET /customers/{id}
      (bench/instructions.py) -- a measure a busy machine does not move.

`python -m bench PART [PART ...]` runs only those parts: search, http, servers, instructions, llm
(cached insight through the server), writers (SQLite under 16 concurrent writers),
scheduler, outbox.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bench import (
    http_load,
    instructions,
    llm_cache,
    outbox,
    scheduler_pass,
    search,
    sqlite_writers,
)
from bench.customer_view import Result, run
from bench.databases import bench_postgres_database, drop_postgres_database, int_env
from bench.seed import Plan
from entrypoints import migrate


def _print(results: list[Result]) -> None:
    print()
    print("Customer View, GET /customers/{id}: app vs one-query floor (same run, same database)")
    header = (
        f"{'database':<12}{'rows':>6}{'app p50':>10}{'app p99':>10}{'floor p50':>11}"
        f"{'floor p99':>11}{'ratio p50':>11}{'ratio p99':>11}{'SQL/GET':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.database:<12}{r.related_rows:>6}{r.app.p50_ms:>10.2f}{r.app.p99_ms:>10.2f}"
            f"{r.floor.p50_ms:>11.2f}{r.floor.p99_ms:>11.2f}{r.ratio_p50:>11.2f}"
            f"{r.ratio_p99:>11.2f}{r.statements_per_get:>9}"
        )
    print("(times in ms; rows = related rows in the view; SQL/GET = statements seen by")
    print(" before_cursor_execute during one GET, the auth user lookup included)")
    for r in results:
        print()
        print(
            f"{r.database} ({r.server_version}): {r.requests} timed requests each side, "
            f"{r.rows_in_database} rows in the database, response {r.response_bytes} bytes "
            f"(floor {r.floor_bytes} bytes); means: app {r.app.mean_ms:.2f} ms, "
            f"floor {r.floor.mean_ms:.2f} ms"
        )
        for n, statement in enumerate(r.statements, 1):
            print(f"  statement {n}: {statement}...")
        print(f"  {'each step timed alone (round-robin)':<58}{'p50':>8}{'p99':>8}")
        for name, timing in r.parts.items():
            print(f"  {name:<58}{timing.p50_ms:>8.2f}{timing.p99_ms:>8.2f}")


def main() -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # One INFO line per LLM answer (the scheduler's survey pass, the LLM bench).
    logging.getLogger("fieldcrm.llm").setLevel(logging.WARNING)
    requests = int_env("BENCH_REQUESTS", 400)
    others = int_env("BENCH_OTHER_CUSTOMERS", Plan().other_customers)
    warmup = int_env("BENCH_WARMUP", 50)
    postgres_url = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get(
        "FIELDCRM_TEST_POSTGRES_URL", ""
    )
    parts = {
        "search": search.run_all,
        "http": http_load.run_all,
        "servers": http_load.run_servers,
        "instructions": instructions.run_all,
        "llm": llm_cache.run_all,
        "writers": sqlite_writers.run_all,
        "scheduler": scheduler_pass.run_all,
        "outbox": outbox.run_all,
    }
    if sys.argv[1:]:
        unknown = [name for name in sys.argv[1:] if name not in parts]
        if unknown:
            print(f"python -m bench: unknown part {unknown[0]!r}; parts: {', '.join(parts)}")
            return 2
        for name in sys.argv[1:]:
            parts[name](postgres_url)
        return 0
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        print("SQLite: migrated, seeding and measuring...", flush=True)
        results.append(asyncio.run(run(url, "SQLite", requests, warmup, others)))
    if postgres_url:
        url = asyncio.run(bench_postgres_database(postgres_url))
        try:
            migrate.upgrade(url)
            print("PostgreSQL: migrated, seeding and measuring...", flush=True)
            results.append(asyncio.run(run(url, "PostgreSQL", requests, warmup, others)))
        finally:
            asyncio.run(drop_postgres_database(postgres_url))
    else:
        print("PostgreSQL: skipped (set BENCH_POSTGRES_URL to include it)")
    _print(results)
    http_load.run_all(postgres_url)
    scheduler_pass.run_all(postgres_url)
    llm_cache.run_all(postgres_url)
    sqlite_writers.run_all(postgres_url)
    outbox.run_all(postgres_url)
    search.run_all(postgres_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
