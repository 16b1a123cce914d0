"""GET /customers/{id}/insights: every answer produced is stored and listed newest first (or
by `sort`), with its prompt version, model, inputs' hash, sources, cost, who asked and when;
a cache hit adds no row and names the stored original; the retention pass deletes old ones."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from application.insights.generation_retention import prune_generations
from domain.user import Role
from entrypoints.container import Container
from tests.fakes import FakeClock
from tests.http.conftest import Headers, assert_problem
from tests.http.helpers import create_completed_job, create_customer, create_payment


async def test_answers_are_listed_newest_first_with_their_provenance(
    client: httpx.AsyncClient, office: Headers, container: Container, clock: FakeClock
) -> None:
    customer = await create_customer(client, office)
    base = f"/customers/{customer['id']}"
    timeline = (await client.post(f"{base}/timeline-summary", headers=office)).json()
    clock.advance(timedelta(minutes=1))
    sentiment = (await client.post(f"{base}/analyze-sentiment", headers=office)).json()

    listed = await client.get(f"{base}/insights", headers=office)
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert (page["total"], page["limit"], page["offset"]) == (2, 50, 0)
    newest, oldest = page["items"]
    assert (newest["id"], oldest["id"]) == (sentiment["generationId"], timeline["generationId"])
    assert (newest["task"], newest["promptVersion"]) == ("sentiment", "sentiment.v1")
    assert newest["result"] == sentiment["result"]  # camelCase, as the endpoint answered
    assert (newest["model"], newest["degraded"]) == ("offline", False)
    assert "cached" not in newest and "repeatsId" not in newest
    assert newest["customerId"] == customer["id"] and len(newest["groundingHash"]) == 64
    assert (newest["promptTokens"], newest["estimatedCost"]) == (0, "0")
    assert newest["askedBy"] is not None  # the office user
    assert newest["createdAt"] > oldest["createdAt"]
    assert oldest["sources"] == timeline["sources"]

    only = await client.get(f"{base}/insights", params={"task": "timeline_summary"}, headers=office)
    assert [g["id"] for g in only.json()["items"]] == [timeline["generationId"]]
    second = await client.get(f"{base}/insights", params={"limit": 1, "offset": 1}, headers=office)
    assert [g["id"] for g in second.json()["items"]] == [timeline["generationId"]]
    assert second.json()["total"] == 2


async def listed_ids(
    client: httpx.AsyncClient, headers: Headers, url: str, **params: Any
) -> list[int]:
    response = await client.get(url, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [g["id"] for g in response.json()["items"]]


async def answer(client: httpx.AsyncClient, headers: Headers, base: str, task: str) -> Any:
    response = await client.post(f"{base}/{task}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_cache_hit_adds_no_row_and_a_write_makes_a_new_one(
    client: httpx.AsyncClient, office: Headers, clock: FakeClock
) -> None:
    customer = await create_customer(client, office)
    base = f"/customers/{customer['id']}"
    first = await answer(client, office, base, "timeline-summary")
    clock.advance(timedelta(minutes=1))
    hit = await answer(client, office, base, "timeline-summary")
    assert (first["cached"], hit["cached"]) == (False, True)
    assert (hit["generationId"], hit["generatedAt"]) == (
        first["generationId"],
        first["generatedAt"],
    )
    assert await listed_ids(client, office, f"{base}/insights") == [first["generationId"]]

    await create_payment(client, office, customer["id"], amount="10.00")
    clock.advance(timedelta(minutes=1))
    fresh = await answer(client, office, base, "timeline-summary")
    assert fresh["cached"] is False and fresh["generationId"] != first["generationId"]
    assert fresh["generatedAt"] > first["generatedAt"]
    ids = await listed_ids(client, office, f"{base}/insights")
    assert ids == [fresh["generationId"], first["generationId"]]


async def test_the_list_sorts_by_time_or_task(
    client: httpx.AsyncClient, office: Headers, clock: FakeClock
) -> None:
    customer = await create_customer(client, office)
    base = f"/customers/{customer['id']}"
    made = []
    for task in ["timeline-summary", "analyze-sentiment", "profitability-analysis"]:
        made.append(await answer(client, office, base, task))
        clock.advance(timedelta(minutes=1))
    timeline, sentiment, money = (g["generationId"] for g in made)
    url = f"{base}/insights"
    newest_first = [money, sentiment, timeline]
    assert await listed_ids(client, office, url) == newest_first
    assert await listed_ids(client, office, url, sort="-createdAt") == newest_first
    assert await listed_ids(client, office, url, sort="createdAt") == newest_first[::-1]
    assert await listed_ids(client, office, url, sort="task") == [money, sentiment, timeline]
    assert await listed_ids(client, office, url, sort="-task") == [timeline, sentiment, money]
    assert await listed_ids(client, office, url, sort="id", limit=1, offset=1) == [sentiment]
    refused = await client.get(url, params={"sort": "model"}, headers=office)
    assert "-createdAt" in assert_problem(refused, 400, "sort")["detail"]


async def test_bad_filters_and_unknown_customers_are_refused(
    client: httpx.AsyncClient, office: Headers
) -> None:
    customer = await create_customer(client, office)
    url = f"/customers/{customer['id']}/insights"
    assert_problem(await client.get(url, params={"task": "horoscope"}, headers=office), 400)
    assert_problem(await client.get(url, params={"limit": 0}, headers=office), 400)
    assert_problem(await client.get("/customers/999999/insights", headers=office), 404)
    assert (await client.get(url)).status_code == 401


async def test_a_technician_sees_field_answers_of_their_own_customers_only(
    client: httpx.AsyncClient,
    office: Headers,
    make_user,
    container: Container,
) -> None:
    tech_user = await make_user(Role.TECHNICIAN, "field-tech")
    async with container.uow() as uow:
        user = await uow.users.get_by_username("field-tech")
    assert user is not None
    job = await create_completed_job(client, office, technicianId=user.technician_id)
    base = f"/customers/{job['customerId']}"
    await client.post(f"{base}/profitability-analysis", headers=office)
    greeting = (await client.post(f"{base}/generate-greeting", headers=tech_user)).json()

    mine = await client.get(f"{base}/insights", headers=tech_user)
    assert mine.status_code == 200, mine.text
    assert [g["id"] for g in mine.json()["items"]] == [greeting["generationId"]]
    money = await client.get(f"{base}/insights?task=profitability", headers=tech_user)
    assert money.json()["items"] == []
    other = await create_customer(client, office, name="Someone Else")
    assert_problem(await client.get(f"/customers/{other['id']}/insights", headers=tech_user), 404)


async def test_the_retention_pass_deletes_old_generations_only(
    client: httpx.AsyncClient, office: Headers, container: Container, clock: FakeClock
) -> None:
    customer = await create_customer(client, office)
    base = f"/customers/{customer['id']}"
    await client.post(f"{base}/timeline-summary", headers=office)
    clock.advance(timedelta(days=40))
    kept = (await client.post(f"{base}/analyze-sentiment", headers=office)).json()
    clock.advance(timedelta(days=1))

    log = container.generation_log()
    assert await prune_generations(log, clock, retention_days=30) == 1
    assert await prune_generations(log, clock, retention_days=30) == 0
    left = (await client.get(f"{base}/insights", headers=office)).json()["items"]
    assert [g["id"] for g in left] == [kept["generationId"]]


async def test_an_unstorable_generation_still_answers(
    client: httpx.AsyncClient, office: Headers, container: Container
) -> None:
    customer = await create_customer(client, office)
    async with container.engine().begin() as conn:  # the table is gone: storing fails
        await conn.exec_driver_sql("ALTER TABLE insight_generations RENAME TO gone")
    try:
        response = await client.post(
            f"/customers/{customer['id']}/timeline-summary", headers=office
        )
    finally:
        async with container.engine().begin() as conn:
            await conn.exec_driver_sql("ALTER TABLE gone RENAME TO insight_generations")
    assert response.status_code == 200, response.text
    assert response.json()["generationId"] is None
