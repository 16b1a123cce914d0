"""GET /customers/{id} through the real app versus the one-query floor, on one database."""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import msgspec
from litestar.security.jwt import Token
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from application.users import active_user
from bench.floor import Floor, app_document, as_app_document
from bench.office_user import add_office_user, office_headers, quick_hashing
from bench.seed import Plan, seed
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings

JWT_SECRET = "bench-secret-" + "x" * 40
CAP = 500  # above every collection's size: the app returns all rows, like the floor


@dataclass(frozen=True, slots=True)
class Timing:
    p50_ms: float
    p99_ms: float
    mean_ms: float

    @classmethod
    def of(cls, samples_ns: list[int]) -> Timing:
        ordered = sorted(samples_ns)
        p99 = ordered[math.ceil(0.99 * len(ordered)) - 1]  # nearest rank
        return cls(
            p50_ms=statistics.median(ordered) / 1e6,
            p99_ms=p99 / 1e6,
            mean_ms=statistics.fmean(ordered) / 1e6,
        )


@dataclass(slots=True)
class Result:
    database: str
    server_version: str
    related_rows: int
    rows_in_database: int
    response_bytes: int
    floor_bytes: int
    requests: int
    app: Timing
    floor: Timing
    statements_per_get: int
    statements: list[str]
    parts: dict[str, Timing] = field(default_factory=dict)

    @property
    def ratio_p50(self) -> float:
        return self.app.p50_ms / self.floor.p50_ms

    @property
    def ratio_p99(self) -> float:
        return self.app.p99_ms / self.floor.p99_ms


async def _timed(fn: Callable[[], Awaitable[Any]]) -> int:
    start = time.perf_counter_ns()
    await fn()
    return time.perf_counter_ns() - start


def check_same_data(app_body: bytes, floor_body: bytes, customer_id: int, currency: str) -> None:
    """The floor returns what the app returns: its document, financial sums made into the
    app's summary, is the app's body (every member, in order; no collection truncated)."""
    view = msgspec.json.decode(app_body)
    assert not any(info["truncated"] for info in view["collections"].values())
    assert as_app_document(floor_body, customer_id, currency) == app_document(app_body)


async def run(
    url: str, label: str, requests: int, warmup: int, other_customers: int = 400
) -> Result:
    settings = Settings(
        database_url=url,
        jwt_secret=JWT_SECRET,
        environment="test",
        customer_view_cap=CAP,
    )
    container = build_container(settings)
    quick_hashing(container)
    engine: AsyncEngine = container.engine()
    try:
        plan = Plan(other_customers=other_customers)
        seeded = await seed(engine, plan)
        customer_id = seeded.customer_id
        app = create_app(container)
        await add_office_user(container)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            headers = await office_headers(client)
            path = f"/customers/{customer_id}"
            floor = Floor(engine)

            async def get_app() -> httpx.Response:
                response = await client.get(path, headers=headers)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {path}: {response.status_code} {response.text}")
                return response

            async def get_floor() -> bytes:
                body = await floor.fetch(customer_id, CAP)
                assert body is not None
                return body

            first = await get_app()
            floor_body = await get_floor()
            check_same_data(first.content, floor_body, customer_id, settings.default_currency)
            view = first.json()
            related = sum(info["total"] for info in view["collections"].values())

            statements: list[str] = []

            def count(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
                statements.append(statement)

            event.listen(engine.sync_engine, "before_cursor_execute", count)
            try:
                await get_app()
            finally:
                event.remove(engine.sync_engine, "before_cursor_execute", count)

            for _ in range(warmup):
                await get_app()
                await get_floor()
            gc.collect()
            app_ns: list[int] = []
            floor_ns: list[int] = []
            for _ in range(requests):  # interleaved, so drift hits both sides alike
                app_ns.append(await _timed(get_app))
                floor_ns.append(await _timed(get_floor))

            parts = await _parts(container, app, client, floor, customer_id, headers, requests // 2)
        async with engine.connect() as conn:
            version = (await conn.exec_driver_sql(_VERSION_SQL[engine.dialect.name])).scalar()
        return Result(
            database=label,
            server_version=str(version),
            related_rows=related,
            rows_in_database=seeded.rows_in_database,
            response_bytes=len(first.content),
            floor_bytes=len(floor_body),
            requests=requests,
            app=Timing.of(app_ns),
            floor=Timing.of(floor_ns),
            statements_per_get=len(statements),
            statements=[" ".join(s.split())[:70] for s in statements],
            parts=parts,
        )
    finally:
        await engine.dispose()


_VERSION_SQL = {
    "sqlite": "SELECT 'SQLite ' || sqlite_version()",
    "postgresql": "SELECT 'PostgreSQL ' || current_setting('server_version')",
}


async def _parts(
    container: Any,
    app: Any,
    client: httpx.AsyncClient,
    floor: Floor,
    customer_id: int,
    headers: dict[str, str],
    n: int,
) -> dict[str, Timing]:
    """Where the time goes: each step of both paths timed alone, round-robin (so that load
    from other processes hits every step alike)."""
    query = container.customer_view_query()
    engine: AsyncEngine = container.engine()
    statement = query._query  # the Select the read model built once, executed as it does
    params = {"customer_id": customer_id, "cap": CAP}
    floor_params = floor.params(customer_id, CAP)
    token = headers["Authorization"].removeprefix("Bearer ")
    secret = container.jwt_secret()
    user_id = int(Token.decode(token, secret, "HS256").sub)
    encoder = msgspec.json.Encoder()
    async with engine.connect() as conn:
        row = (await conn.execute(statement, params)).first()
    view = query._assemble(row, customer_id, CAP)
    path = f"/customers/{customer_id}"
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("bench", 80),
    }

    async def view_select() -> None:
        async with engine.connect() as conn:
            (await conn.execute(statement, params)).first()

    async def assemble() -> None:
        query._assemble(row, customer_id, CAP)

    async def read_model() -> None:
        await query.customer_view(customer_id, CAP)

    async def encode() -> None:
        encoder.encode(view)

    async def jwt() -> None:
        Token.decode(token, secret, "HS256", audience=["fieldcrm-api"], issuer=["fieldcrm"])

    async def user_lookup() -> None:
        await active_user(container.uow(), user_id)

    async def raw_asgi() -> None:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app(dict(scope), receive, send)
        assert sent[0]["status"] == 200

    async def health() -> None:
        (await client.get("/health")).raise_for_status()

    async def floor_select() -> None:
        async with engine.connect() as conn:
            (await conn.exec_driver_sql(floor.sql, floor_params)).first()

    async def whole_get() -> None:
        (await client.get(path, headers=headers)).raise_for_status()

    async def whole_floor() -> None:
        assert await floor.fetch(customer_id, CAP) is not None

    steps: dict[str, Callable[[], Awaitable[None]]] = {
        "app: the whole GET through httpx (as in the table)": whole_get,
        "app: the whole GET as a raw ASGI call (no httpx)": raw_asgi,
        "app: view SELECT, execute + fetch (SQLAlchemy Core)": view_select,
        "app: assemble the view from the row (msgspec, Structs)": assemble,
        "app: read model = the two above, in one call": read_model,
        "app: encode the CustomerView to JSON (msgspec)": encode,
        "app: JWT signature and claims check (Token.decode)": jwt,
        "app: load the token's user (one SELECT in a UoW)": user_lookup,
        "httpx + Litestar alone: GET /health (no auth, no DB)": health,
        "floor: the whole floor (as in the table)": whole_floor,
        "floor: SELECT, execute + fetch (exec_driver_sql)": floor_select,
    }
    samples: dict[str, list[int]] = {name: [] for name in steps}
    for _ in range(10):
        for step in steps.values():
            await step()
    gc.collect()
    for _ in range(n):
        for name, step in steps.items():
            samples[name].append(await _timed(step))
    return {name: Timing.of(values) for name, values in samples.items()}
