"""An insight's reads do not wait for the office's writes: while a write transaction is open
(on SQLite it holds the writer queue and the database's write lock), every insight reads
what it needs and asks the model; only storing the answer, a write, waits its turn, and
the answer arrives once the writer commits. GET /customers/{id}/insights, a read, answers
while the writer is still open."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import pytest
from dependency_injector import providers
from sqlalchemy import insert

from adapters.llm.offline_client import OfflineLlmClient
from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from application.ports.llm import AnswerSpec, GenerationOptions, LlmReply, Prompt
from domain.user import Role
from entrypoints.container import Container
from tests.http.conftest import Headers
from tests.http.helpers import create_serviced_appliance

T = TypeVar("T")
SECONDS = 5


class AskedLlm:
    """The offline client, telling when it was asked."""

    def __init__(self) -> None:
        self.inner = OfflineLlmClient()
        self.asked = asyncio.Event()

    @property
    def model(self) -> str:
        return self.inner.model

    async def complete(
        self, prompt: Prompt, spec: AnswerSpec[T], options: GenerationOptions
    ) -> LlmReply[T]:
        self.asked.set()
        return await self.inner.complete(prompt, spec, options)


@pytest.fixture
def llm(container: Container) -> AskedLlm:
    client = AskedLlm()
    container.llm_client.override(providers.Object(client))
    return client


async def _shop(
    client: httpx.AsyncClient, office: Headers, make_user: Callable[..., Awaitable[Headers]]
) -> dict[str, Any]:
    shop = await create_serviced_appliance(client, office)
    field = await make_user(Role.TECHNICIAN, "field-tech", technician_id=shop["technician"]["id"])
    return {**shop, "field": field}


def _asks(shop: dict[str, Any], office: Headers) -> dict[str, tuple[str, Any, Headers]]:
    """Each insight whose reads were units of work of their own: path, body, who asks."""
    return {
        "match for a job": (f"/jobs/{shop['job']['id']}/match-technician", None, office),
        "match for a request": (
            "/jobs/match-technician",
            {
                "applianceType": "refrigerator",
                "problem": "Not cooling",
                "customerId": shop["customer"]["id"],
            },
            office,
        ),
        "survey": (f"/jobs/{shop['job']['id']}/generate-survey", None, office),
        "maintenance, office": (
            f"/appliances/{shop['appliance']['id']}/predict-maintenance",
            None,
            office,
        ),
        "maintenance, the job's technician": (
            f"/appliances/{shop['appliance']['id']}/predict-maintenance",
            None,
            shop["field"],
        ),
    }


def _elsewhere(
    outside: contextvars.Context, request: Coroutine[Any, Any, httpx.Response]
) -> asyncio.Task[httpx.Response]:
    """`request` as another client's: in the context from before the writer began (a task
    started inside a unit of work counts as that unit of work's own and does not queue)."""
    return asyncio.create_task(request, context=outside.copy())


def _open_customer() -> dict[str, object]:
    return {
        "name": "Written meanwhile",
        "time_zone": "UTC",
        "created_at": datetime.now(UTC),
        "referral_code": "WRITING1",
    }


@pytest.mark.parametrize(
    "ask",
    [
        "match for a job",
        "match for a request",
        "survey",
        "maintenance, office",
        "maintenance, the job's technician",
    ],
)
async def test_an_insight_reads_and_asks_while_a_write_is_open(
    container: Container,
    client: httpx.AsyncClient,
    office: Headers,
    make_user: Callable[..., Awaitable[Headers]],
    llm: AskedLlm,
    ask: str,
) -> None:
    shop = await _shop(client, office, make_user)
    path, body, headers = _asks(shop, office)[ask]
    outside = contextvars.copy_context()
    async with SqlUnitOfWork(container.engine()) as writing:
        await writing.connection.execute(insert(t.customers).values(_open_customer()))
        asked = _elsewhere(outside, client.post(path, json=body, headers=headers))
        try:
            await asyncio.wait_for(llm.asked.wait(), timeout=SECONDS)
        finally:
            await writing.commit()
    response = await asyncio.wait_for(asked, timeout=SECONDS)
    assert response.status_code == 200, response.text
    assert response.json()["generationId"] is not None  # stored once the writer was done


async def test_the_insight_history_answers_while_a_write_is_open(
    container: Container,
    client: httpx.AsyncClient,
    office: Headers,
    make_user: Callable[..., Awaitable[Headers]],
    llm: AskedLlm,
) -> None:
    shop = await _shop(client, office, make_user)
    path = f"/appliances/{shop['appliance']['id']}/predict-maintenance"
    assert (await client.post(path, headers=office)).status_code == 200
    history = f"/customers/{shop['customer']['id']}/insights"
    outside = contextvars.copy_context()
    async with SqlUnitOfWork(container.engine()) as writing:
        await writing.connection.execute(insert(t.customers).values(_open_customer()))
        for who in (office, shop["field"]):
            listing = _elsewhere(outside, client.get(history, headers=who))
            listed = await asyncio.wait_for(listing, timeout=SECONDS)
            assert listed.status_code == 200, listed.text
            assert [g["task"] for g in listed.json()["items"]] == ["maintenance"]
        await writing.commit()
