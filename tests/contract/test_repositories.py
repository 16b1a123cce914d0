"""add / get / update / delete / list of every repository, with every filter its SQL list
accepts (read from the SQL repositories), the technician scopes, paging and the order."""

from __future__ import annotations

import enum
from typing import Any

import pytest

from application.pagination import ASSIGNED_TO_TECHNICIAN, SERVED_BY_TECHNICIAN, ListQuery
from domain.errors import ValidationFailed
from tests.contract.conftest import Store
from tests.contract.rows import BUILDERS, Seed, repository
from tests.fake_schema import FILTERABLE, REFERENCES, UNIQUE
from tests.fakes import field_value, with_field

# A field each table's rows may change, and the value it changes to.
CHANGES: dict[str, tuple[str, object]] = {
    "customers": ("name", "Renamed"),
    "technicians": ("name", "Renamed"),
    "jobs": ("description", "Changed"),
    "payments": ("reference", "INV-9"),
    "expenses": ("category", "travel"),
    "users": ("password_hash", "other-hash"),
    "appliances": ("brand", "Bosch"),
    "reviews": ("comment", "changed my mind"),
    "technician_ratings": ("rating", 2),
    "follow_ups": ("feedback", "all good"),
    "maintenance_alerts": ("reason", "new reason"),
    "messages": ("body", "Changed"),
    "call_tasks": ("body", "Changed"),
}
# Lists in the other order: the office's call list puts the longest-waiting call on top.
OLDEST_FIRST = frozenset({"call_tasks"})


def _in_list_order(table: str, ids: Any) -> list[int]:
    """Ids as `list` returns them (the seeds' times grow with their ids)."""
    return sorted(ids, reverse=table not in OLDEST_FIRST)


FILTERS = [
    pytest.param(table, name, id=f"{table}.{name}")
    for table, names in sorted(FILTERABLE.items())
    for name in sorted(names)
]


def test_every_repository_and_filter_is_covered() -> None:
    assert set(CHANGES) | {"audit_entries"} == set(BUILDERS)
    assert set(FILTERABLE) <= set(BUILDERS)


@pytest.mark.parametrize("table", sorted(CHANGES))
async def test_add_get_update_delete(store: Store, table: str) -> None:
    async def add_two(uow: Any) -> tuple[Any, Any]:
        seed = Seed(uow)
        first = await seed.add(table)
        return first, await seed.add(table, **_parents(table, first))

    first, second = await store.run(add_two)
    assert second.id > first.id
    column, value = CHANGES[table]

    async def read_and_change(uow: Any) -> Any:
        rows = repository(uow, table)
        assert await rows.get(first.id) == first
        assert await rows.get(second.id + 100) is None
        await rows.update(with_field(first, column, value))
        missing = with_field(first, column, value)
        missing.id = second.id + 100
        await rows.update(missing)  # a missing id changes nothing
        assert await rows.delete(second.id) is True
        assert await rows.delete(second.id) is False
        return await rows.get(first.id)

    changed = await store.run(read_and_change)
    assert changed == with_field(first, column, value)

    async def after(uow: Any) -> tuple[Any, Any, Any]:
        rows = repository(uow, table)
        return await rows.get(first.id), await rows.get(second.id), await rows.get(second.id + 100)

    assert await store.run(after, commit=False) == (changed, None, None)


@pytest.mark.parametrize("table", sorted(FILTERABLE))
async def test_list_pages_newest_first_with_the_total(store: Store, table: str) -> None:
    async def five(uow: Any) -> list[int]:
        seed = Seed(uow)
        first = await seed.add(table)
        rest = [await seed.add(table, **_parents(table, first)) for _ in range(4)]
        return [row.id for row in [first, *rest]]

    ids = await store.run(five)

    async def pages(uow: Any) -> list[tuple[list[int], int]]:
        rows = repository(uow, table)
        found = []
        for offset in (0, 2, 4, 6):
            page = await rows.list(ListQuery(limit=2, offset=offset))
            found.append(([row.id for row in page.items], page.total))
        return found

    ordered = _in_list_order(table, ids)  # audit entries: by time, here in id order
    assert await store.run(pages, commit=False) == [
        (ordered[0:2], 5),
        (ordered[2:4], 5),
        (ordered[4:], 5),
        ([], 5),
    ]


@pytest.mark.parametrize(("table", "name"), FILTERS)
async def test_each_filter_keeps_exactly_the_matching_rows(
    store: Store, table: str, name: str
) -> None:
    references = {ref.column: ref.parent for ref in REFERENCES[table]}

    async def two_kinds(uow: Any) -> tuple[object, list[int]]:
        seed = Seed(uow)
        if name in references:
            wanted: object = (await seed.add(references[name])).id
            unwanted: object = (await seed.add(references[name])).id
        else:
            wanted = _raw(seed.entity(table), name)
            wanted = _other(wanted) if wanted is None else wanted  # lists never ask for NULL
            unwanted = _other(wanted)
        twice = 1 if name in UNIQUE[table] else 2
        matching = [await seed.add(table, **{name: wanted}) for _ in range(twice)]
        await seed.add(table, **{name: unwanted})
        if name in references and references[name] != table:
            await seed.add(table)  # one more with its own parent (or NULL)
        return wanted, _in_list_order(table, (row.id for row in matching))

    wanted, expected = await store.run(two_kinds)

    async def listed(uow: Any) -> tuple[list[int], int]:
        page = await repository(uow, table).list(ListQuery(filters={name: wanted}))
        return [row.id for row in page.items], page.total

    assert await store.run(listed, commit=False) == (expected, len(expected))


@pytest.mark.parametrize("table", sorted(FILTERABLE))
async def test_an_unknown_filter_is_refused(store: Store, table: str) -> None:
    async def listed(uow: Any) -> None:
        with pytest.raises(ValidationFailed):
            await repository(uow, table).list(ListQuery(filters={"no_such_field": 1}))

    await store.run(listed, commit=False)


SCOPED = sorted(t for t in FILTERABLE if any(r.column == "customer_id" for r in REFERENCES[t]))
JOB_OWNED = sorted(t for t in FILTERABLE if any(r.column == "job_id" for r in REFERENCES[t]))


@pytest.mark.parametrize("table", ["customers", *SCOPED])
async def test_served_by_technician_keeps_rows_of_customers_they_have_a_job_at(
    store: Store, table: str
) -> None:
    async def history(uow: Any) -> tuple[int, list[int]]:
        seed = Seed(uow)
        tech, other = await seed.add("technicians"), await seed.add("technicians")
        served, unserved = await seed.add("customers"), await seed.add("customers")
        job = await seed.add("jobs", customer_id=served.id, technician_id=tech.id)
        await seed.add("jobs", customer_id=unserved.id, technician_id=other.id)
        if table == "customers":
            return tech.id, [served.id]
        mine = await seed.add(table, customer_id=served.id)
        await seed.add(table, customer_id=unserved.id)
        return tech.id, [mine.id, *([job.id] if table == "jobs" else [])]

    tech_id, expected = await store.run(history)

    async def listed(uow: Any) -> list[int]:
        query = ListQuery(filters={SERVED_BY_TECHNICIAN: tech_id})
        return [row.id for row in (await repository(uow, table).list(query)).items]

    assert await store.run(listed, commit=False) == expected


@pytest.mark.parametrize("table", JOB_OWNED)
async def test_assigned_to_technician_keeps_rows_of_their_jobs(store: Store, table: str) -> None:
    async def history(uow: Any) -> tuple[int, list[int]]:
        seed = Seed(uow)
        tech, other = await seed.add("technicians"), await seed.add("technicians")
        assigned = await seed.add("jobs", technician_id=tech.id)
        elsewhere = await seed.add("jobs", technician_id=other.id)
        mine = await seed.add(table, job_id=assigned.id)
        await seed.add(table, job_id=elsewhere.id)
        return tech.id, [mine.id]

    tech_id, expected = await store.run(history)

    async def listed(uow: Any) -> list[int]:
        query = ListQuery(filters={ASSIGNED_TO_TECHNICIAN: tech_id})
        return [row.id for row in (await repository(uow, table).list(query)).items]

    assert await store.run(listed, commit=False) == expected


def _parents(table: str, row: Any) -> dict[str, Any]:
    """The NOT NULL, not UNIQUE references of `row` (to add siblings sharing parents)."""
    return {
        r.column: field_value(row, r.column)
        for r in REFERENCES[table]
        if not r.nullable and r.column not in UNIQUE[table]
    }


def _raw(row: Any, name: str) -> object:
    return getattr(row, name) if hasattr(row, name) else getattr(row.details, name)


def _other(value: object) -> object:
    """Another valid value of the same type."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, enum.Enum):
        return next(member for member in type(value) if member is not value)
    if isinstance(value, int):
        return value + 1000
    if isinstance(value, str):
        return value + "-other"
    return 7  # a nullable integer left empty
