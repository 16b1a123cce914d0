"""GET /customers/{id} sends the database's document as it is (`customer_view_document`):
on the same random histories it is exactly the document the read model gives once encoded
(`CustomerView` -> camelCase twin -> JSON), member for member, in the same order, with the
same instant and money texts, on each real backend."""

from __future__ import annotations

import asyncio
import itertools
import json

from hypothesis import given
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.customer_view_query import SqlCustomerViewQuery
from adapters.sqlalchemy.engine import build_engine
from entrypoints.http.customer_view_body import customer_view_body
from tests.contract.histories import (
    History,
    contract_examples,
    histories,
    with_microseconds,
    write_anew,
)

CAPS = (1, 2, 100)


def test_the_document_is_the_encoded_read_model(sql_url: str) -> None:
    with asyncio.Runner() as runner:
        engine = build_engine(sql_url)
        # The shop's default currency is the summary's when a customer has no money at all
        # ("0.00" in USD, "0" in JPY).
        queries = [SqlCustomerViewQuery(engine, currency) for currency in ("USD", "JPY")]

        @contract_examples(10)
        @given(history=histories())
        def same(history: History) -> None:
            runner.run(_compare(engine, queries, history))

        try:
            same()
        finally:
            runner.run(engine.dispose())


async def _compare(
    engine: AsyncEngine, queries: list[SqlCustomerViewQuery], history: History
) -> None:
    await write_anew(engine, history)
    async with engine.begin() as conn:  # microseconds are written only when there are some
        await with_microseconds(conn, ((t.payments, "paid_at"), (t.jobs, "created_at")))
    customers = range(1, len(history.customers) + 2)  # the last one does not exist
    for query, customer_id, cap in itertools.product(queries, customers, CAPS):
        view = await query.customer_view(customer_id, cap)
        document = await query.customer_view_document(customer_id, cap)
        if view is None:
            assert document is None, customer_id
            continue
        assert document is not None, customer_id
        body = customer_view_body(document)
        # Members in the same order at every level, the same texts and numbers.
        expected = json.loads(customer_view_body(view), object_pairs_hook=list)
        assert json.loads(body, object_pairs_hook=list) == expected, (customer_id, cap)
