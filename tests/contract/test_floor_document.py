"""The benchmark's floor (bench/floor.py) answers exactly what GET /customers/{id} answers:
on varied customers (random histories plus consent, call tasks, maintenance alerts,
follow-ups with suggestions, preferred technicians, money in 0-, 2- and 3-decimal
currencies, instants with and without microseconds) and on the benchmark's heavy customer
(more rows than the cap in every collection), the floor's document, its raw financial sums
made into the app's summary (`as_app_document`), is the app's body member for member, in
the same order, on each real backend. So the ratios against the floor compare the app with
a query that does the same work."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta
from typing import Any

from bench.floor import Floor, app_document, as_app_document, check_floor_matches_app
from bench.seed import Plan, seed
from hypothesis import given
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.customer_view_query import SqlCustomerViewQuery
from adapters.sqlalchemy.engine import build_engine
from domain.contact_preferences import ContactMethod
from domain.messaging.call_task import CallTaskStatus
from domain.messaging.message import Purpose
from entrypoints.http.customer_view_body import customer_view_body
from tests.conftest import truncate_all
from tests.contract.histories import (
    History,
    contract_examples,
    histories,
    with_microseconds,
    write_anew,
)
from tests.contract.rows import T0

CAPS = (1, 2, 100)


async def _same(
    engine: AsyncEngine, query: SqlCustomerViewQuery, currency: str, ids: Any, caps: Any
) -> None:
    floor = Floor(engine)
    for customer_id, cap in itertools.product(ids, caps):
        document = await query.customer_view_document(customer_id, cap)
        floor_document = await floor.fetch(customer_id, cap)
        if document is None:
            assert floor_document is None, customer_id
            continue
        assert floor_document is not None, customer_id
        expected = app_document(customer_view_body(document))
        assert as_app_document(floor_document, customer_id, currency) == expected, (
            customer_id,
            cap,
        )


def test_the_floor_answers_what_the_app_answers(sql_url: str) -> None:
    with asyncio.Runner() as runner:
        engine = build_engine(sql_url)
        # The summary's currency when a customer has no money is the shop's default.
        queries = {currency: SqlCustomerViewQuery(engine, currency) for currency in ("USD", "JPY")}

        @contract_examples(10)
        @given(history=histories())
        def same(history: History) -> None:
            async def check() -> None:
                await write_anew(engine, history)
                await _what_histories_leave_out(engine)
                customers = range(1, len(history.customers) + 2)  # the last one does not exist
                for currency, query in queries.items():
                    await _same(engine, query, currency, customers, CAPS)

            runner.run(check())

        try:
            same()
        finally:
            runner.run(engine.dispose())


def test_the_floor_answers_what_the_app_answers_for_the_heavy_customer(sql_url: str) -> None:
    """The benchmark's own data: 540 related rows, several collections over the cap."""

    async def check() -> None:
        engine = build_engine(sql_url)
        try:
            await truncate_all(engine)
            seeded = await seed(engine, Plan(other_customers=3))
            await _what_histories_leave_out(engine)
            ids = [seeded.customer_id, 1, 2]
            # What bench/http_load.py runs before timing, then a smaller cap.
            await check_floor_matches_app(engine, ids, 100, "USD")
            await _same(engine, SqlCustomerViewQuery(engine, "USD"), "USD", ids, (7,))
        finally:
            await engine.dispose()

    asyncio.run(check())


async def _what_histories_leave_out(engine: AsyncEngine) -> None:
    """Add to every customer what the random histories do not write: consent changes (the
    latest per channel x purpose wins, ties by id), call tasks open and done, a preferred
    technician and contact times, a suggestion on suggested follow-ups, money in JPY (no
    decimals) and KWD (three), and instants with microseconds."""
    async with engine.begin() as conn:
        customers = list((await conn.execute(select(t.customers.c.id))).scalars())
        technicians = list((await conn.execute(select(t.technicians.c.id))).scalars())
        keys = list(itertools.product(ContactMethod, Purpose))
        for n, customer in enumerate(customers):
            for k in range(n % 4 + 1):
                # Entries 0 and 1 change the same pair at the same instant: the later id wins.
                channel, purpose = keys[(n + k // 2) % len(keys)]
                at = T0 + timedelta(hours=k // 2, microseconds=n * 250)
                entry = {"customer_id": customer, "channel": channel.value}
                entry |= {"purpose": purpose.value, "allowed": k % 2 == 0, "at": at}
                await conn.execute(insert(t.consent_ledger).values(**entry, source=f"test {k}"))
            for k in range(n % 3 + 1):
                status = CallTaskStatus.DONE if k == 1 else CallTaskStatus.OPEN
                at = T0 + timedelta(minutes=-k, microseconds=(n * 7 + k) % 3)
                await conn.execute(
                    insert(t.call_tasks).values(
                        customer_id=customer,
                        body=f"Call {n}/{k}",
                        status=status.value,
                        created_at=at,
                    )
                )
            if n % 2 == 0 and technicians:
                await conn.execute(
                    update(t.customers)
                    .where(t.customers.c.id == customer)
                    .values(
                        preferred_technician_id=technicians[n % len(technicians)],
                        preferred_contact_times={"mon": ["09:00-12:00"], "fri": []},
                    )
                )
            if n % 3 == 1:
                for minor, currency in ((125_050, "JPY"), (-1_005, "KWD"), (5, "KWD"), (-7, "USD")):
                    paid = T0 + timedelta(days=n, microseconds=minor % 1000)
                    await conn.execute(
                        insert(t.payments).values(
                            customer_id=customer,
                            amount_minor=minor,
                            currency=currency,
                            paid_at=paid,
                            created_at=paid,
                        )
                    )
        await conn.execute(
            update(t.service_follow_ups)
            .where(t.service_follow_ups.c.suggestion_key.is_not(None))
            .values(suggestion="Offer a maintenance check")
        )
        await with_microseconds(conn, ((t.jobs, "created_at"), (t.expenses, "incurred_at")))
