"""The daily pruning pass on SQLite and PostgreSQL: scheduler runs, webhook receipts and
audit entries past retention are deleted; bodies of final messages past retention are
blanked, their metadata kept; what is younger, or not final, stays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from adapters.sqlalchemy import tables as t
from application.data_lifecycle import Retention, prune_old_data
from domain.messaging.message import MessageStatus
from tests.fakes import FakeClock
from tests.integration.test_claim_sql import NOW, a_customer, queue

DAY = timedelta(days=1)


async def test_prune_removes_only_what_is_past_retention(container) -> None:
    customer = await a_customer(container)
    old_sent = await queue(container, customer, "old-sent")
    old_scheduled = await queue(container, customer, "old-scheduled")
    young_sent = await queue(container, customer, "young-sent")
    async with container.engine().begin() as conn:
        for message_id, status, age in (
            (old_sent, MessageStatus.DELIVERED, 400),
            (old_scheduled, MessageStatus.SCHEDULED, 400),
            (young_sent, MessageStatus.SENT, 10),
        ):
            await conn.execute(
                t.messages.update()
                .where(t.messages.c.id == message_id)
                .values(status=status.value, updated_at=NOW - age * DAY)
            )
        for age in (40, 5):
            await conn.execute(
                insert(t.scheduler_runs).values(
                    job_name="dispatch",
                    period_key=f"p{age}",
                    claimed_at=NOW - age * DAY,
                    claimed_by="test",
                )
            )
            await conn.execute(
                insert(t.webhook_events).values(token=f"tok{age}", received_at=NOW - age * DAY)
            )
    retention = Retention(30, 30, 365, None)
    pruned = await prune_old_data(container.uow(), FakeClock(NOW), retention)
    assert pruned == {"scheduler_runs": 1, "webhook_events": 1, "message_bodies": 1}
    async with container.engine().connect() as conn:
        bodies = dict((await conn.execute(select(t.messages.c.id, t.messages.c.body))).all())
        runs = (await conn.execute(select(t.scheduler_runs.c.period_key))).scalars().all()
        tokens = (await conn.execute(select(t.webhook_events.c.token))).scalars().all()
    assert bodies == {
        old_sent: "(pruned)",
        old_scheduled: "hello old-scheduled",
        young_sent: "hello young-sent",
    }
    assert (runs, tokens) == (["p5"], ["tok5"])
    again = await prune_old_data(container.uow(), FakeClock(NOW), retention)
    assert again == {"scheduler_runs": 0, "webhook_events": 0, "message_bodies": 0}
