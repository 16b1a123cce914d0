"""On the same random histories, the fake stores the same rows as SQL, and the Customer
View and the engagement selections the unit tests see (the SQL run over a SQLite copy of
the fake: `tests.sql_mirror`) equal the SQL adapters' answers on each real backend."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from hypothesis import given
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.customer_view_query import SqlCustomerViewQuery
from adapters.sqlalchemy.engagement_queries import SqlEngagementQueries
from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from application.pagination import MAX_PAGE_SIZE, ListQuery
from application.read_models.customer_view import CustomerView, Ref
from domain.attention import AttentionCriteria
from tests.conftest import truncate_all
from tests.contract.histories import History, contract_examples, histories, write
from tests.contract.rows import T0, repository
from tests.fake_schema import FILTERABLE
from tests.fakes import FakeDatabase
from tests.sql_mirror import MirroredCustomerViewQuery, MirroredEngagementQueries

INSTANTS = [T0 + timedelta(days=days) for days in (-100, 45, 400)]


def test_fake_and_sql_agree_on_the_same_history(sql_url: str) -> None:
    # One event loop and one engine for every example, so the SQL is compiled once.
    with asyncio.Runner() as runner:
        engine = build_engine(sql_url)
        sql = Sql(SqlCustomerViewQuery(engine), SqlEngagementQueries(engine))

        @contract_examples(8)
        @given(history=histories())
        def agree(history: History) -> None:
            runner.run(_compare(engine, sql, history))

        try:
            agree()
        finally:
            runner.run(engine.dispose())


@dataclass(frozen=True)
class Sql:
    views: SqlCustomerViewQuery
    selections: SqlEngagementQueries


async def _compare(engine: AsyncEngine, sql: Sql, history: History) -> None:
    await truncate_all(engine)
    db = FakeDatabase()
    for uow in (db.uow(), SqlUnitOfWork(engine)):
        async with uow:
            await write(uow, history)
            await uow.commit()
    await _same_rows(db, engine)
    await _same_views(db, sql.views, len(history.customers))
    await _same_selections(db, sql.selections)


async def _same_rows(db: FakeDatabase, engine: AsyncEngine) -> None:
    everything = ListQuery(limit=MAX_PAGE_SIZE)
    async with db.uow() as fake, SqlUnitOfWork(engine) as sql:
        for table in sorted(FILTERABLE):
            expected = await repository(sql, table).list(everything)
            assert await repository(fake, table).list(everything) == expected, table


async def _same_views(db: FakeDatabase, sql: SqlCustomerViewQuery, customers: int) -> None:
    fake = MirroredCustomerViewQuery(db)
    for customer_id in range(1, customers + 2):  # the last one does not exist
        for cap in (2,):
            expected = await sql.customer_view(customer_id, cap)
            assert await fake.customer_view(customer_id, cap) == expected, (customer_id, cap)
            if expected is not None:
                _named_as_stored(db, expected)


def _named_as_stored(db: FakeDatabase, view: CustomerView) -> None:
    """Every technician the view names is the stored one, by id and name; a follow-up
    names its job's technician and shows its stored suggestion."""
    names = {t.id: t.details.name for t in db.rows("technicians")}
    jobs = {j.id: j for j in db.rows("jobs")}
    follow_ups = {f.id: f for f in db.rows("follow_ups")}

    def ref(technician_id: int | None) -> Ref | None:
        return None if technician_id is None else Ref(id=technician_id, name=names[technician_id])

    reviews = [*view.reviews, *(r for job in view.jobs for r in job.reviews)]
    for item in [*view.jobs, *reviews, *view.customer_technician_ratings]:
        assert item.technician == ref(item.technician_id), item
    for f in view.follow_ups:
        assert f.technician == ref(jobs[f.job_id].details.technician_id), f
        assert f.suggestion == follow_ups[f.id].suggestion, f


async def _same_selections(db: FakeDatabase, sql: SqlEngagementQueries) -> None:
    fake = MirroredEngagementQueries(db)
    for now in INSTANTS:
        criteria = AttentionCriteria.at(now)
        expected = await sql.customers_needing_attention(criteria)
        assert await fake.customers_needing_attention(criteria) == expected, now
        horizon = now.date() + timedelta(days=14)
        expected_alerts = await sql.appliances_for_maintenance(horizon)
        assert await fake.appliances_for_maintenance(horizon) == expected_alerts, now
        window = (now - timedelta(days=30), now, 5)
        expected_surveys = await sql.jobs_due_for_survey(*window)
        assert await fake.jobs_due_for_survey(*window) == expected_surveys, now
