"""GET /customers/{id} with a small view cap: the newest items, the counts, and the lists
that page through the rest."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from entrypoints.container import Container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.conftest import TEST_JWT_SECRET
from tests.http.helpers import create_customer, create_expense, create_job, create_payment
from tests.http.test_customer_view import get_ok, ids, iso
from tests.overrides import container_for_tests


@pytest.fixture
async def capped_client(
    database_url: str, container: Container
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app over the same (clean) database, with customer_view_cap=3."""
    settings = Settings(
        database_url=database_url,
        jwt_secret=TEST_JWT_SECRET,
        environment="test",
        customer_view_cap=3,
    )
    capped = container_for_tests(settings)
    transport = httpx.ASGITransport(app=create_app(capped))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    await capped.engine().dispose()


async def test_view_truncates_to_the_newest_and_lists_page_through_the_rest(
    client, capped_client, office
):
    cid = (await create_customer(client, office))["id"]
    paid = [
        (await create_payment(client, office, cid, amount=f"{n}.00", paidAt=iso(1 + n)))["id"]
        for n in range(1, 6)
    ]
    jobs = [(await create_job(client, office, cid, scheduledFor=iso(n)))["id"] for n in range(1, 5)]
    for job_id in jobs:
        await create_expense(client, office, jobId=job_id, incurredAt=iso(10))
    view = await get_ok(capped_client, f"/customers/{cid}", office)
    assert ids(view["payments"]) == paid[:1:-1]
    assert view["collections"]["payments"] == {"total": 5, "returned": 3, "truncated": True}
    assert ids(view["jobs"]) == jobs[:0:-1]
    assert view["collections"]["jobs"] == {"total": 4, "returned": 3, "truncated": True}
    assert view["collections"]["expenses"] == {"total": 4, "returned": 3, "truncated": True}
    assert all(len(job["expenses"]) == 1 for job in view["jobs"])
    assert view["collections"]["reviews"] == {"total": 0, "returned": 0, "truncated": False}
    # The sums still cover every row, not just the ones shown.
    assert view["financialSummary"]["revenue"] == "15.00"
    assert view["financialSummary"]["expenses"] == "168.00"

    listed: list[int] = []
    for offset in (0, 2, 4):
        page = await get_ok(
            capped_client, f"/payments?customerId={cid}&limit=2&offset={offset}", office
        )
        assert page["total"] == 5
        listed += ids(page["items"])
    assert sorted(listed) == sorted(paid) and len(listed) == 5
    uncapped = await get_ok(client, f"/customers/{cid}", office)
    assert uncapped["collections"]["payments"] == {"total": 5, "returned": 5, "truncated": False}
