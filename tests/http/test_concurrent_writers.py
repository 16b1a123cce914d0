"""What an office does at once: 16 clients creating customers through the real app, on
SQLite (one writer at a time, queued) and PostgreSQL: every request succeeds, none is lost."""

from __future__ import annotations

import asyncio

import httpx

from tests.http.conftest import Headers
from tests.http.helpers import customer_body, total

CLIENTS, EACH = 16, 4


async def test_sixteen_clients_creating_customers(
    client: httpx.AsyncClient, office: Headers
) -> None:
    async def one_client(n: int) -> list[int]:
        statuses = []
        for k in range(EACH):
            body = customer_body(name=f"C{n}-{k}", phone=f"+1415555{n:02d}{k:02d}")
            statuses.append(
                (await client.post("/customers", json=body, headers=office)).status_code
            )
        return statuses

    results = await asyncio.gather(*(one_client(n) for n in range(CLIENTS)))
    assert [s for statuses in results for s in statuses] == [201] * CLIENTS * EACH
    assert await total(client, "/customers", office) == CLIENTS * EACH
