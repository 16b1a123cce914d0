"""End to end through the real app and container (offline LLM): a job completed over HTTP
gets exactly one survey message once the delay has passed, and a suggestion the office
reads on GET /follow-ups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from application.engagement import daily_follow_up_suggestions, queue_post_service_surveys
from entrypoints.container import Container
from tests.fakes import FakeClock
from tests.http.helpers import create_customer, create_job

Headers = dict[str, str]


@pytest.fixture
def clock(container: Container) -> FakeClock:
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
    container.clock.override(clock)
    return clock


async def _complete(client: httpx.AsyncClient, office: Headers, customer_id: int) -> int:
    job = await create_job(client, office, customer_id)
    for step in ("start", "complete"):
        response = await client.post(f"/jobs/{job['id']}/{step}", headers=office)
        assert response.status_code == 200, response.text
    job_id: int = job["id"]
    return job_id


async def test_a_completed_job_gets_one_survey_after_the_delay(
    client: httpx.AsyncClient, office: Headers, container: Container, clock: FakeClock
) -> None:
    customer = await create_customer(client, office, email="ada@example.com")
    job_id = await _complete(client, office, customer["id"])
    completed = (await client.get(f"/jobs/{job_id}", headers=office)).json()["completionDate"]
    assert datetime.fromisoformat(completed) == clock.now()
    ctx = container.engagement_context()
    assert ctx.survey_delay == container.settings().engagement.survey_delay == timedelta(days=3)

    clock.advance(ctx.survey_delay - timedelta(minutes=1))
    assert await queue_post_service_surveys(container.engagement_context()) == 0
    clock.advance(minutes=2)
    assert await queue_post_service_surveys(container.engagement_context()) == 1
    assert await queue_post_service_surveys(container.engagement_context()) == 0
    clock.advance(days=1)
    assert await queue_post_service_surveys(container.engagement_context()) == 0

    response = await client.get(f"/messages?customerId={customer['id']}", headers=office)
    assert response.status_code == 200, response.text
    messages = response.json()["items"]
    assert len(messages) == 1
    (survey,) = messages
    assert survey["jobId"] == job_id and survey["purpose"] == "TRANSACTIONAL"
    assert survey["status"] == "SCHEDULED" and survey["channel"] == "SMS"
    assert survey["recipient"] == customer["phone"] and survey["body"].strip()


async def test_the_office_reads_the_daily_suggestions_on_pending_follow_ups(
    client: httpx.AsyncClient, office: Headers, container: Container, clock: FakeClock
) -> None:
    customer = await create_customer(client, office)
    job_id = await _complete(client, office, customer["id"])
    clock.advance(hours=12)
    stored = await daily_follow_up_suggestions(container.engagement_context())
    assert stored >= 1
    assert await daily_follow_up_suggestions(container.engagement_context()) == 0

    response = await client.get("/follow-ups?status=PENDING", headers=office)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert len(items) == stored
    assert all(f["jobId"] == job_id and f["customerId"] == customer["id"] for f in items)
    assert all(
        f["suggestion"] and "Flagged for: recent completion." in f["suggestion"] for f in items
    )
