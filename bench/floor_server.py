"""The floor as a server: a bare ASGI app (no framework, no auth) that answers
GET /customers/{id} with the text of ONE hand-written query (bench/floor.py: the database
builds the app's whole JSON document, financial sums raw), sent as the body.

Run under the same uvicorn settings as the app (bench/http_load.py starts it):
    FLOOR_DATABASE_URL=... FLOOR_SQL_FILE=... uvicorn bench.floor_server:app
PostgreSQL through asyncpg's own pool (the app's pool size, prepared statements cached);
SQLite through aiosqlite connections in a queue of the same size.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

# The app's pool size (bench/server.py passes DATABASE_POOL_SIZE's default): both let as
# many statements run at once.
POOL_SIZE = int(os.environ.get("FLOOR_POOL_SIZE", "5"))
CAP = int(os.environ.get("FLOOR_CAP", "100"))
_HEADERS = [(b"content-type", b"application/json")]


class _Postgres:
    def __init__(self, url: str, sql: str) -> None:
        self._url, self._sql = url, sql
        self._pool: Any = None

    async def open(self) -> None:
        import asyncpg

        # Prepared statements cached as the app's are: asyncpg's default keeps only those
        # up to 15 KB, and the whole document's statement is larger.
        self._pool = await asyncpg.create_pool(
            self._url,
            min_size=1,
            max_size=POOL_SIZE,
            max_cacheable_statement_size=256 * 1024,
        )

    async def fetch(self, customer_id: int) -> str | None:
        return await self._pool.fetchval(self._sql, customer_id, CAP)  # type: ignore[no-any-return]

    async def close(self) -> None:
        await self._pool.close()


class _Sqlite:
    def __init__(self, path: str, sql: str) -> None:
        self._path, self._sql = path, sql
        self._idle: asyncio.Queue[Any] = asyncio.Queue()

    async def open(self) -> None:
        import aiosqlite

        for _ in range(POOL_SIZE):
            self._idle.put_nowait(await aiosqlite.connect(self._path))

    async def fetch(self, customer_id: int) -> str | None:
        conn = await self._idle.get()
        try:
            async with conn.execute(self._sql, {"cid": customer_id, "cap": CAP}) as cursor:
                row = await cursor.fetchone()
        finally:
            self._idle.put_nowait(conn)
        return None if row is None else row[0]

    async def close(self) -> None:
        while not self._idle.empty():
            await self._idle.get_nowait().close()


def _database() -> _Postgres | _Sqlite:
    url = os.environ["FLOOR_DATABASE_URL"]
    sql = Path(os.environ["FLOOR_SQL_FILE"]).read_text(encoding="utf-8")
    if url.startswith("sqlite"):
        return _Sqlite(url.split("///", 1)[1], sql)
    return _Postgres(url.replace("postgresql+asyncpg://", "postgresql://"), sql)


_db = _database()


async def _respond(send: Any, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": body})


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await _db.open()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await _db.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    path: str = scope["path"]
    if path == "/health":
        await _respond(send, 200, b'{"status":"ok"}')
        return
    prefix, _, tail = path.rpartition("/")
    if prefix != "/customers" or not tail.isdigit():
        await _respond(send, 404, b"{}")
        return
    text = await _db.fetch(int(tail))
    if text is None:
        await _respond(send, 404, b"{}")
    else:
        await _respond(send, 200, text.encode())
