"""The repositories' own look-ups and the outbox's conditional writes, fake and SQL alike."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from application.pagination import DUE_BEFORE, ListQuery
from domain.job import JobStatus
from domain.messaging.call_task import CallTask
from domain.messaging.message import MessageStatus, Purpose
from domain.time_window import TimeWindow
from tests.contract.conftest import Store
from tests.contract.rows import T0, Seed


async def test_customers_by_referral_code_phone_and_referral_chain(store: Store) -> None:
    async def history(uow: Any) -> list[int]:
        seed = Seed(uow)
        root = await seed.add("customers")
        middle = await seed.add("customers", referred_by_id=root.id, phone="+14155550999")
        leaf = await seed.add("customers", referred_by_id=middle.id, phone="+14155550999")
        return [root.id, middle.id, leaf.id]

    root, middle, leaf = await store.run(history)

    async def look_ups(uow: Any) -> None:
        c = uow.customers
        found = await c.get_by_referral_code((await c.get(middle)).referral_code)
        assert found is not None and found.id == middle
        assert await c.get_by_referral_code("NOPE0000") is None
        assert [x.id for x in await c.find_by_phone("+14155550999")] == [leaf, middle]
        assert await c.find_by_phone("+10000000000") == []
        assert await c.referral_chain(leaf) == [middle, root]
        assert await c.referral_chain(root) == []
        assert await c.referral_chain(999) == []

    await store.run(look_ups, commit=False)


async def test_users_by_username_and_count(store: Store) -> None:
    async def look_ups(uow: Any) -> None:
        assert await uow.users.count() == 0
        seed = Seed(uow)
        user = await seed.add("users")
        await seed.add("users")
        assert await uow.users.get_by_username(user.username) == user
        assert await uow.users.get_by_username("nobody") is None
        assert await uow.users.count() == 2

    await store.run(look_ups)


async def test_open_job_counts_per_technician_in_a_window(store: Store) -> None:
    async def history(uow: Any) -> tuple[int, int, int]:
        seed = Seed(uow)
        busy, idle, other = [await seed.add("technicians") for _ in range(3)]
        for hours, status in [(0, "SCHEDULED"), (24, "IN_PROGRESS"), (48, "COMPLETED")]:
            job = seed.entity("jobs", technician_id=busy.id, status=JobStatus(status))
            job.details.customer_id = (await seed.add("customers")).id
            job.details.scheduled_for = T0 + timedelta(hours=hours)
            await uow.jobs.add(job)
        await seed.add("jobs", technician_id=other.id, scheduled_for=T0 + timedelta(days=30))
        return busy.id, idle.id, other.id

    busy, idle, other = await store.run(history)

    async def counts(uow: Any) -> None:
        jobs = uow.jobs
        assert await jobs.open_job_counts([busy, idle]) == {busy: 2}
        assert await jobs.open_job_counts([other]) == {other: 1}
        assert await jobs.open_job_counts([]) == {}
        window = TimeWindow(T0 + timedelta(hours=1), T0 + timedelta(hours=25))
        assert await jobs.open_job_counts([busy, other], window) == {busy: 1}
        until = TimeWindow(end=T0 + timedelta(hours=24))
        assert await jobs.open_job_counts([busy], until) == {busy: 1}

    await store.run(counts, commit=False)


async def test_jobs_booked_between_two_instants(store: Store) -> None:
    async def history(uow: Any) -> tuple[int, int, list[int]]:
        seed = Seed(uow)
        tech, other = [await seed.add("technicians") for _ in range(2)]
        ids: list[int] = []
        for hours, status in [
            (0, "SCHEDULED"),
            (1, "CANCELLED"),
            (2, "COMPLETED"),
            (3, "IN_PROGRESS"),
        ]:
            job = seed.entity("jobs", technician_id=tech.id, status=JobStatus(status))
            job.details.customer_id = (await seed.add("customers")).id
            job.details.scheduled_for = T0 + timedelta(hours=hours)
            ids.append((await uow.jobs.add(job)).id)
        await seed.add("jobs", technician_id=other.id, scheduled_for=T0 + timedelta(hours=1))
        return tech.id, other.id, ids

    tech, other, (at0, cancelled, at2, at3) = await store.run(history)

    async def booked(uow: Any) -> None:
        jobs = uow.jobs
        end = T0 + timedelta(hours=3)
        assert await jobs.booked_between(tech, T0 - timedelta(hours=1), end, 0) == [at0, at2]
        assert await jobs.booked_between(tech, T0, end + timedelta(hours=1), 0) == [at2, at3]
        assert await jobs.booked_between(tech, T0 - timedelta(hours=1), end, at0) == [at2]
        assert cancelled not in await jobs.booked_between(tech, T0, T0 + timedelta(hours=2), 0)
        assert await jobs.booked_between(other, T0, T0 + timedelta(hours=2), 0) != []
        assert await jobs.booked_between(other + 100, T0, end, 0) == []

    await store.run(booked, commit=False)


async def test_maintenance_alerts_for_appliances(store: Store) -> None:
    async def history(uow: Any) -> tuple[Any, int]:
        seed = Seed(uow)
        alert = await seed.add("maintenance_alerts")
        bare = await seed.add("appliances")
        return alert, bare.id

    alert, bare = await store.run(history)

    async def look_up(uow: Any) -> None:
        alerts = uow.maintenance_alerts
        assert await alerts.for_appliances([alert.appliance_id, bare]) == {
            alert.appliance_id: alert
        }
        assert await alerts.for_appliances([]) == {}

    await store.run(look_up, commit=False)


async def test_maintenance_alerts_due_before_keeps_those_due_by_that_day(store: Store) -> None:
    async def history(uow: Any) -> dict[int, date]:
        seed = Seed(uow)
        alerts = [await seed.add("maintenance_alerts") for _ in range(3)]
        return {alert.id: alert.due_date for alert in alerts}

    due = await store.run(history)
    middle = sorted(due.values())[1]

    async def listed(uow: Any) -> tuple[list[int], int, bool]:
        query = ListQuery(filters={DUE_BEFORE: middle})
        page = await uow.maintenance_alerts.list(query)
        later = ListQuery(filters={DUE_BEFORE: middle - timedelta(days=400)})
        return [a.id for a in page.items], page.total, await uow.maintenance_alerts.exists(later)

    wanted = sorted((i for i, d in due.items() if d <= middle), reverse=True)
    assert await store.run(listed, commit=False) == (wanted, 2, False)


async def test_call_tasks_list_oldest_first_by_creation_time_then_id(store: Store) -> None:
    async def history(uow: Any) -> list[int]:
        seed = Seed(uow)
        customer = await seed.add("customers")
        ids = []
        for hours in (5, 1, 5, 3):
            task = CallTask(customer.id, "Call", T0 + timedelta(hours=hours))
            ids.append((await uow.call_tasks.add(task)).id)
        return ids

    ids = await store.run(history)

    async def listed(uow: Any) -> list[int]:
        page = await uow.call_tasks.list(ListQuery(limit=10))
        return [task.id for task in page.items]

    assert await store.run(listed, commit=False) == [ids[1], ids[3], ids[0], ids[2]]


async def test_the_audit_trail_lists_newest_first_by_time_then_id(store: Store) -> None:
    async def history(uow: Any) -> list[int]:
        seed = Seed(uow)
        ids = []
        for hours in (5, 1, 5, 3):
            entry = seed.entity("audit_entries", occurred_at=T0 + timedelta(hours=hours))
            ids.append((await uow.audit_entries.add(entry)).id)
        return ids

    ids = await store.run(history)

    async def listed(uow: Any) -> list[int]:
        page = await uow.audit_entries.list(ListQuery(limit=10))
        return [entry.id for entry in page.items]

    assert await store.run(listed, commit=False) == [ids[2], ids[0], ids[3], ids[1]]


async def test_webhook_receipts_once(store: Store) -> None:
    async def history(uow: Any) -> None:
        assert await uow.webhook_events.remember("token-1", T0) is True
        assert await uow.webhook_events.remember("token-1", T0) is False
        assert await uow.webhook_events.remember("token-2", T0) is True

    await store.run(history)


async def test_the_outbox_selects_claims_and_compares_and_sets(store: Store) -> None:
    now = T0 + timedelta(hours=10)

    async def history(uow: Any) -> dict[str, Any]:
        seed = Seed(uow)
        customer = await seed.add("customers")
        rows: dict[str, Any] = {}
        for name, hours, status in [
            ("late", 3, MessageStatus.SCHEDULED),
            ("early", 1, MessageStatus.SCHEDULED),
            ("future", 11, MessageStatus.SCHEDULED),
            ("stuck", 2, MessageStatus.SENDING),
            ("sent", 4, MessageStatus.SENT),
        ]:
            message = seed.entity(
                "messages",
                customer_id=customer.id,
                scheduled_for=T0 + timedelta(hours=hours),
                updated_at=T0 + timedelta(hours=hours),
                status=status,
                purpose=Purpose.MARKETING if name == "sent" else Purpose.TRANSACTIONAL,
                sent_at=T0 + timedelta(hours=4) if name == "sent" else None,
                provider_message_id="SM-sent" if name == "sent" else None,
            )
            rows[name] = await uow.messages.add(message)
        return rows

    rows = await store.run(history)
    ids = {name: message.id for name, message in rows.items()}

    async def outbox(uow: Any) -> None:
        m = uow.messages
        assert await m.due_ids(now, 10) == [ids["early"], ids["late"]]
        assert await m.due_ids(now, 1) == [ids["early"]]
        assert await m.get_by_idempotency_key(rows["late"].idempotency_key) == rows["late"]
        assert await m.get_by_idempotency_key("no-such-key") is None
        assert await m.get_by_provider_id("SM-sent") == rows["sent"]
        assert await m.get_by_provider_id("SM-none") is None
        stale = await m.stale_sending(T0 + timedelta(hours=3), 10)
        assert [x.id for x in stale] == [ids["stuck"]]
        assert await m.stale_sending(T0 + timedelta(hours=2), 10) == []
        sends = await m.recent_sends(rows["sent"].customer_id, T0)
        assert sends == [T0 + timedelta(hours=4)]
        assert await m.recent_sends(rows["sent"].customer_id, T0 + timedelta(hours=5)) == []

        claimed = await m.claim(ids["early"], now)
        assert claimed is not None
        assert (claimed.status, claimed.attempts, claimed.updated_at) == (
            MessageStatus.SENDING,
            1,
            now,
        )
        assert await m.claim(ids["early"], now) is None  # already taken
        assert await m.claim(ids["future"], now) is None  # not due yet
        assert await m.claim(999, now) is None
        assert await m.get(ids["early"]) == claimed

        claimed.status = MessageStatus.SENT
        assert await m.update_if_status(claimed, MessageStatus.SCHEDULED) is False
        assert await m.update_if_status(claimed, MessageStatus.SENDING) is True
        assert (await m.get(ids["early"])).status is MessageStatus.SENT

    await store.run(outbox)


async def test_call_tasks_are_a_plain_repository_filtered_by_message(store: Store) -> None:
    async def history(uow: Any) -> None:
        seed = Seed(uow)
        message = await seed.add("messages")
        task = await seed.add("call_tasks", message_id=message.id)
        await seed.add("call_tasks")
        page = await uow.call_tasks.list(ListQuery(filters={"message_id": message.id}))
        assert page.items == [task]

    await store.run(history)


async def test_the_shop_service_history_and_past_job_texts(store: Store) -> None:
    async def history(uow: Any) -> dict[str, int]:
        seed = Seed(uow)
        fran, bo, idle = [await seed.add("technicians") for _ in range(3)]
        fridge = await seed.add("appliances", type="Fridge", brand="LG")
        done = {}
        for days, tech, text in [
            (0, fran, "ice maker jammed"),
            (200, fran, "not cooling"),
            (400, bo, "door seal"),
        ]:
            job = seed.entity(
                "jobs",
                technician_id=tech.id,
                status=JobStatus.COMPLETED,
                appliance_id=fridge.id if tech is fran else None,
                description=text,
            )
            job.details.customer_id = fridge.details.customer_id
            job.completion_date = T0 + timedelta(days=days)
            done[text] = (await uow.jobs.add(job)).id
        await seed.add("jobs", technician_id=idle.id, description="still open")
        return {"fran": fran.id, "bo": bo.id, "idle": idle.id, "fridge": fridge.id, **done}

    ids = await store.run(history)

    async def look_ups(uow: Any) -> None:
        services = await uow.jobs.completed_appliance_services(10)
        assert [(s.appliance_id, s.appliance_type, s.brand, s.serviced_on) for s in services] == [
            (ids["fridge"], "Fridge", "LG", (T0 + timedelta(days=200)).date()),
            (ids["fridge"], "Fridge", "LG", T0.date()),
        ]
        assert len(await uow.jobs.completed_appliance_services(1)) == 1
        texts = await uow.jobs.completed_job_texts([ids["fran"], ids["bo"], ids["idle"]], 5)
        assert texts == {
            ids["fran"]: [
                (ids["not cooling"], "not cooling"),
                (ids["ice maker jammed"], "ice maker jammed"),
            ],
            ids["bo"]: [(ids["door seal"], "door seal")],
        }
        assert await uow.jobs.completed_job_texts([ids["fran"]], 1) == {
            ids["fran"]: [(ids["not cooling"], "not cooling")]
        }
        assert await uow.jobs.completed_job_texts([], 5) == {}

    await store.run(look_ups, commit=False)
