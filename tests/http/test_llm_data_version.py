"""Cached LLM answers keyed by the customer's data version, through the real app (offline
LLM adapter, the embedded default): a cached answer reads the version, not the Customer
View; a write to any kind of the customer's records makes the next ask build the view
again (and answer anew when the grounding changed)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from entrypoints.container import Container
from tests.http.conftest import Headers
from tests.http.helpers import (
    create_appliance,
    create_completed_job,
    create_customer,
    create_expense,
    create_follow_up,
    create_job,
    create_payment,
    create_review,
    create_technician,
    move_job,
)
from tests.statement_capture import statements_sent

Client = httpx.AsyncClient
VIEW_MARK = "service_follow_ups"  # only the Customer View's statement reads follow-ups here


async def ask(client: Client, headers: Headers, customer_id: int, task: str) -> dict[str, Any]:
    response = await client.post(f"/customers/{customer_id}/{task}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def history(client: Client, office: Headers) -> tuple[int, dict[str, Any]]:
    customer = await create_customer(client, office)
    job = await create_completed_job(client, office, customer["id"])
    await create_payment(client, office, customer["id"], jobId=job["id"])
    return int(customer["id"]), job


@pytest.mark.parametrize("task", ["timeline-summary", "analyze-sentiment"])
async def test_a_cached_answer_reads_the_version_not_the_view(
    client: Client, office: Headers, container: Container, task: str
) -> None:
    customer_id, _ = await history(client, office)
    first = await ask(client, office, customer_id, task)
    assert first["cached"] is False
    with statements_sent(container.engine()) as seen:
        second = await ask(client, office, customer_id, task)
    assert second["cached"] is True and second["result"] == first["result"]
    # The hit names the stored original and adds no row.
    assert (second["generationId"], second["generatedAt"]) == (
        first["generationId"],
        first["generatedAt"],
    )
    listed = await client.get(f"/customers/{customer_id}/insights", headers=office)
    assert [g["id"] for g in listed.json()["items"]] == [first["generationId"]]
    assert not [s for s in seen if VIEW_MARK in s], seen
    assert [s for s in seen if "customer_data_versions" in s], seen


async def test_ask_cached_then_a_payment_is_not_cached(client: Client, office: Headers) -> None:
    customer_id, _ = await history(client, office)
    assert (await ask(client, office, customer_id, "timeline-summary"))["cached"] is False
    assert (await ask(client, office, customer_id, "timeline-summary"))["cached"] is True
    await create_payment(client, office, customer_id, amount="10.00")
    after = await ask(client, office, customer_id, "timeline-summary")
    assert after["cached"] is False


Write = Callable[[Client, Headers, int, dict[str, Any]], Awaitable[Any]]


async def _put(client: Client, headers: Headers, path: str, body: Any) -> None:
    response = await client.put(path, json=body, headers=headers)
    assert response.status_code == 200, response.text


WRITES: dict[str, Write] = {
    "payment": lambda c, h, cid, job: create_payment(c, h, cid, amount="9.99"),
    "expense": lambda c, h, cid, job: create_expense(c, h, customerId=cid, amount="7.00"),
    "appliance": lambda c, h, cid, job: create_appliance(c, h, cid),
    "job": lambda c, h, cid, job: create_job(c, h, cid),
    "job started": lambda c, h, cid, job: _start_new_job(c, h, cid),
    "review": lambda c, h, cid, job: create_review(c, h, job, comment="Broke again"),
    "follow-up": lambda c, h, cid, job: create_follow_up(c, h, job["id"]),
    "customer edit": lambda c, h, cid, job: _put(
        c, h, f"/customers/{cid}", {"name": "Ada King", "notes": "Prefers mornings"}
    ),
    "consent": lambda c, h, cid, job: _put(
        c,
        h,
        f"/customers/{cid}/consent",
        {"channel": "SMS", "purpose": "MARKETING", "allowed": False},
    ),
    "preferred technician": lambda c, h, cid, job: _put(
        c, h, f"/customers/{cid}/preferred-technician", {"technicianId": job["technicianId"]}
    ),
    "referral": lambda c, h, cid, job: _refer(c, h, cid),
}


# Writes the timeline's grounding does not show: the view is read again, the answer is the
# one cached for that grounding.
SAME_GROUNDING = {"consent", "preferred technician"}


async def _start_new_job(client: Client, headers: Headers, customer_id: int) -> None:
    technician = await create_technician(client, headers)
    job = await create_job(client, headers, customer_id, technicianId=technician["id"])
    await move_job(client, headers, job["id"], "start")


async def _refer(client: Client, headers: Headers, customer_id: int) -> None:
    found = await client.get(f"/customers/{customer_id}", headers=headers)
    await create_customer(client, headers, name="Bob", referralCode=found.json()["referralCode"])


@pytest.mark.parametrize("kind", list(WRITES))
async def test_a_write_to_each_kind_of_record_invalidates(
    client: Client, office: Headers, container: Container, kind: str
) -> None:
    customer_id, job = await history(client, office)
    first = await ask(client, office, customer_id, "timeline-summary")
    assert (await ask(client, office, customer_id, "timeline-summary"))["cached"] is True
    await WRITES[kind](client, office, customer_id, job)
    with statements_sent(container.engine()) as seen:
        after = await ask(client, office, customer_id, "timeline-summary")
    assert [s for s in seen if VIEW_MARK in s], f"{kind}: answered without reading the view"
    if kind in SAME_GROUNDING:  # the answer cached for that grounding: the original's row
        assert after["cached"] is True and after["generationId"] == first["generationId"]
    else:  # a new answer, stored as a new row
        assert after["cached"] is False and after["generationId"] != first["generationId"]
    assert (await ask(client, office, customer_id, "timeline-summary"))["cached"] is True
