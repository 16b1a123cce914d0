"""The Customer View is built in a fixed number of statements, however much data there is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import tables as t
from application import users as user_cases
from application.access import SYSTEM
from domain.referral import new_referral_code
from domain.user import Role
from entrypoints.http.app import create_app
from tests.statement_capture import statements_sent

MAX_STATEMENTS = 8
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _customer(n: int, **extra: object) -> dict[str, object]:
    return {
        "name": f"Customer {n}",
        "time_zone": "UTC",
        "created_at": T0,
        "referral_code": new_referral_code(),
        **extra,
    }


async def seed_customer(engine: AsyncEngine, related: int) -> int:
    """One customer with about `related` rows in every related table."""
    per = max(related // 8, 0)
    async with engine.begin() as conn:
        technician_id = (
            await conn.execute(
                insert(t.technicians).returning(t.technicians.c.id),
                [{"name": "Tech", "skills": [], "active": True, "created_at": T0}],
            )
        ).scalar_one()
        customer_id = (
            await conn.execute(insert(t.customers).returning(t.customers.c.id), [_customer(0)])
        ).scalar_one()
        if not per:
            return customer_id
        when = [T0 + timedelta(hours=i) for i in range(per)]
        jobs = [
            {
                "customer_id": customer_id,
                "technician_id": technician_id,
                "description": f"Job {i}",
                "scheduled_for": when[i],
                "status": "COMPLETED",
                "completion_date": when[i],
                "created_at": when[i],
            }
            for i in range(per)
        ]
        job_ids = list((await conn.execute(insert(t.jobs).returning(t.jobs.c.id), jobs)).scalars())
        money = {"amount_minor": 12550, "currency": "USD"}
        await conn.execute(
            insert(t.payments),
            [
                {
                    "customer_id": customer_id,
                    "job_id": job_ids[i],
                    "payment_method": "CARD",
                    "paid_at": when[i],
                    "created_at": when[i],
                    **money,
                }
                for i in range(per)
            ],
        )
        await conn.execute(
            insert(t.expenses),
            [
                {
                    "customer_id": customer_id if i % 2 else None,
                    "job_id": job_ids[i],
                    "category": "parts",
                    "incurred_at": when[i],
                    "created_at": when[i],
                    **money,
                }
                for i in range(per)
            ],
        )
        await conn.execute(
            insert(t.appliances),
            [
                {
                    "customer_id": customer_id,
                    "type": "washer",
                    "created_at": when[i],
                    "updated_at": when[i],
                }
                for i in range(per)
            ],
        )
        await conn.execute(
            insert(t.reviews),
            [
                {
                    "job_id": job_ids[i],
                    "customer_id": customer_id,
                    "technician_id": technician_id,
                    "rating": 1 + i % 5,
                    "created_at": when[i],
                }
                for i in range(per)
            ],
        )
        await conn.execute(
            insert(t.customer_technician_ratings),
            [
                {
                    "job_id": job_ids[i],
                    "customer_id": customer_id,
                    "technician_id": technician_id,
                    "rating": 1 + i % 5,
                    "created_at": when[i],
                }
                for i in range(per)
            ],
        )
        await conn.execute(
            insert(t.service_follow_ups),
            [
                {
                    "job_id": job_ids[i],
                    "customer_id": customer_id,
                    "status": "PENDING",
                    "created_at": when[i],
                }
                for i in range(per)
            ],
        )
        await conn.execute(
            insert(t.customers), [_customer(i + 1, referred_by_id=customer_id) for i in range(per)]
        )
    return customer_id


@pytest.mark.parametrize("related", [0, 10, 500])
async def test_view_query_statement_count_does_not_grow(container, related):
    engine = container.engine()
    customer_id = await seed_customer(engine, related)
    query = container.customer_view_query()
    with statements_sent(engine) as statements:
        view = await query.customer_view(customer_id, 1000)
    assert view is not None
    assert len(view.jobs) == related // 8 and len(view.referrals) == related // 8
    assert len(statements) == 1
    assert len(statements) <= MAX_STATEMENTS


async def test_http_get_customer_statement_count_is_the_same_for_0_10_500(container):
    engine = container.engine()
    app = create_app(container)
    await user_cases.create_user(
        SYSTEM,
        container.uow(),
        container.clock(),
        container.password_hasher(),
        user_cases.NewUser("office-user", "correct-horse-42", Role.OFFICE),
    )
    counts = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        login = await client.post(
            "/auth/login", json={"username": "office-user", "password": "correct-horse-42"}
        )
        headers = {"Authorization": f"Bearer {login.json()['accessToken']}"}
        # The token's user is remembered for a few seconds (entrypoints/http/active_users.py):
        # one warm-up request loads it, so the counts below are the view's own.
        assert (await client.get("/customers", headers=headers)).status_code == 200
        for related in (0, 10, 500):
            customer_id = await seed_customer(engine, related)
            with statements_sent(engine) as statements:
                response = await client.get(f"/customers/{customer_id}", headers=headers)
            assert response.status_code == 200, response.text
            assert response.json()["collections"]["jobs"]["total"] == related // 8
            # On SQLite a unit of work starts with BEGIN IMMEDIATE (sqlite_writes.py): a
            # transaction's start, not a query.
            counts.append(len([s for s in statements if s != "BEGIN IMMEDIATE"]))
    # One statement for the whole view, whatever the number of related rows.
    assert counts == [1, 1, 1]
    assert max(counts) <= MAX_STATEMENTS
