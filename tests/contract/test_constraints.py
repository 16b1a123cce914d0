"""Every constraint of the schema, on the fake and on SQL alike: the cases are generated
from `tables.metadata` (foreign keys with their ON DELETE action, NOT NULL references,
UNIQUE columns), so a new constraint is covered the day it is declared."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import Conflict
from tests.contract.conftest import Store
from tests.contract.rows import BUILDERS, Seed, repository
from tests.fake_schema import REFERENCES, UNIQUE, Reference
from tests.fakes import field_value, with_field

# (child table, reference) for every foreign key of a table written through a Repository.
FOREIGN_KEYS = [
    pytest.param(table, ref, id=f"{table}.{ref.column}-{ref.on_delete}")
    for table in BUILDERS
    for ref in REFERENCES[table]
]
UNIQUE_COLUMNS = [
    pytest.param(table, column, id=f"{table}.{column}")
    for table in BUILDERS
    for column in UNIQUE[table]
]
REQUIRED_KEYS = [p for p in FOREIGN_KEYS if not p.values[1].nullable]


def test_every_foreign_key_and_unique_column_is_covered() -> None:
    assert len(FOREIGN_KEYS) >= 25 and len(UNIQUE_COLUMNS) == 7
    assert {p.values[1].on_delete for p in FOREIGN_KEYS} == {"RESTRICT", "SET NULL", "CASCADE"}


async def _refused(store: Store, table: str, ref: Reference, value: int | None) -> None:
    """Adding a row of `table` whose `ref` column holds `value` (its other required
    parents exist) is a Conflict."""

    async def add(uow: Any) -> None:
        seed = Seed(uow)
        parents = {
            r.column: (await seed.add(r.parent)).id
            for r in REFERENCES[table]
            if not r.nullable and r.column != ref.column
        }
        with pytest.raises(Conflict):
            await repository(uow, table).add(seed.entity(table, **parents, **{ref.column: value}))

    await store.run(add, commit=False)


@pytest.mark.parametrize(("table", "ref"), FOREIGN_KEYS)
async def test_a_row_pointing_at_no_parent_is_a_conflict(
    store: Store, table: str, ref: Reference
) -> None:
    await _refused(store, table, ref, 999)


@pytest.mark.parametrize(("table", "ref"), REQUIRED_KEYS)
async def test_a_required_reference_left_empty_is_a_conflict(
    store: Store, table: str, ref: Reference
) -> None:
    await _refused(store, table, ref, None)


@pytest.mark.parametrize(("table", "ref"), FOREIGN_KEYS)
async def test_deleting_a_referenced_row_follows_its_on_delete_action(
    store: Store, table: str, ref: Reference
) -> None:
    """RESTRICT refuses (nothing changes), SET NULL empties the reference, CASCADE deletes
    the row that pointed at it."""

    async def parent_and_child(uow: Any) -> tuple[int, int]:
        seed = Seed(uow)
        parent = await seed.add(ref.parent)
        child = await seed.add(table, **{ref.column: parent.id})
        return parent.id, child.id

    parent_id, child_id = await store.run(parent_and_child)

    async def delete_parent(uow: Any) -> None:
        parents = repository(uow, ref.parent)
        if ref.on_delete == "RESTRICT":
            with pytest.raises(Conflict):
                await parents.delete(parent_id)
        else:
            assert await parents.delete(parent_id) is True

    await store.run(delete_parent, commit=ref.on_delete != "RESTRICT")

    async def state(uow: Any) -> tuple[Any, Any]:
        return await repository(uow, ref.parent).get(parent_id), await repository(uow, table).get(
            child_id
        )

    parent, child = await store.run(state, commit=False)
    if ref.on_delete == "RESTRICT":
        assert parent is not None and child is not None
        assert field_value(child, ref.column) == parent_id
    elif ref.on_delete == "SET NULL":
        assert parent is None and child is not None
        assert field_value(child, ref.column) is None
    else:
        assert parent is None and child is None


@pytest.mark.parametrize(("table", "column"), UNIQUE_COLUMNS)
async def test_a_duplicate_of_a_unique_column_is_a_conflict_on_add_and_update(
    store: Store, table: str, column: str
) -> None:
    async def first_two(uow: Any) -> tuple[Any, Any]:
        seed = Seed(uow)
        return await seed.add(table), await seed.add(table)

    first, second = await store.run(first_two)
    taken = field_value(first, column)

    async def add_duplicate(uow: Any) -> None:
        seed = Seed(uow)
        seed.count = 100
        duplicate = seed.entity(table, **(_parents_of(second) | {column: taken}))
        with pytest.raises(Conflict):
            await repository(uow, table).add(duplicate)

    await store.run(add_duplicate, commit=False)

    async def update_to_duplicate(uow: Any) -> None:
        stored = await repository(uow, table).get(second.id)
        with pytest.raises(Conflict):
            await repository(uow, table).update(with_field(stored, column, taken))

    await store.run(update_to_duplicate, commit=False)

    async def unchanged(uow: Any) -> Any:
        return await repository(uow, table).get(second.id)

    assert await store.run(unchanged, commit=False) == second


def _parents_of(row: Any) -> dict[str, Any]:
    table = next(name for name, build in BUILDERS.items() if type(build(0)) is type(row))
    return {r.column: field_value(row, r.column) for r in REFERENCES[table] if not r.nullable}
