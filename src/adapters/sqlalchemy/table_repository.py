"""A Core-table repository: one aggregate in one table, rows mapped by its field map."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from functools import cache
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import (
    Column,
    ColumnElement,
    Insert,
    Row,
    Select,
    String,
    Table,
    UnaryExpression,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.tables import jobs
from application.pagination import (
    ASSIGNED_TO_TECHNICIAN,
    NEWEST_FIRST,
    SERVED_BY_TECHNICIAN,
    ListQuery,
    Page,
)
from domain.errors import Conflict, ValidationFailed
from domain.field_map import FieldMap

T = TypeVar("T")


@cache
def _insert_returning_id(table: Table) -> Insert:
    """`INSERT ... RETURNING id`, built once per table: the row travels as parameters
    (building `.values(**row)` anew for every insert was a quarter of a write's Python)."""
    return insert(table).returning(table.c.id)


class TableRepository(Generic[T]):
    """CRUD over one table. Subclasses name the table, the aggregate's field map (which must
    store exactly the table's columns but the id) and the filters; lists are newest id first
    unless `newest_first` names other columns."""

    table: Table
    fields: FieldMap[T]
    entity: str
    filterable: Collection[str] = ()
    newest_first: Sequence[str] = ("id",)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        columns = [column.name for column in cls.table.c if not column.primary_key]
        if sorted(columns) != sorted(cls.fields.stored_names):
            raise TypeError(f"{cls.__name__}: the field map does not store {cls.table.name}")

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    @property
    def _id(self) -> Column[int]:
        return self.table.c.id

    def to_row(self, entity: T) -> dict[str, object]:
        return self.fields.values(entity)

    def from_row(self, row: Row[Any]) -> T:
        return self.fields.load(cast("Mapping[str, Any]", row._mapping))

    @property
    def _order(self) -> list[UnaryExpression[Any]]:
        return [self.table.c[name].desc() for name in self.newest_first]

    def _order_for(self, query: ListQuery) -> list[ColumnElement[Any]]:
        """The query's sort keys (NULLs last either way, text by its lower case), then newest
        id first so pages are stable; the default order when it names none."""
        if not query.sort or list(query.sort) == [NEWEST_FIRST]:
            return list(self._order)
        order: list[ColumnElement[Any]] = []
        for key in query.sort:
            if key.field not in self.table.c:
                raise ValidationFailed.single("sort", f"{self.entity}s cannot be sorted by it")
            column: ColumnElement[Any] = self.table.c[key.field]
            if isinstance(column.type, String):
                column = func.lower(column)
            order.append((column.desc() if key.descending else column.asc()).nulls_last())
        return [*order, self._id.desc()]

    async def add(self, entity: T) -> T:
        try:
            result = await self._conn.execute(_insert_returning_id(self.table), self.to_row(entity))
        except IntegrityError as exc:
            raise Conflict(f"{self.entity} clashes with an existing record") from exc
        entity.id = result.scalar_one()  # type: ignore[attr-defined]
        return entity

    async def get(self, entity_id: int) -> T | None:
        row = (await self._conn.execute(select(self.table).where(self._id == entity_id))).first()
        return None if row is None else self.from_row(row)

    async def _matching(
        self, *conditions: ColumnElement[bool], limit: int | None = None
    ) -> list[T]:
        """The rows matching every condition, in list order (newest first)."""
        query = select(self.table).where(*conditions).order_by(*self._order).limit(limit)
        return [self.from_row(row) for row in await self._conn.execute(query)]

    async def _newest(self, *conditions: ColumnElement[bool]) -> T | None:
        found = await self._matching(*conditions, limit=1)
        return found[0] if found else None

    async def update(self, entity: T) -> None:
        entity_id = entity.id  # type: ignore[attr-defined]
        try:
            await self._conn.execute(
                update(self.table).where(self._id == entity_id).values(**self.to_row(entity))
            )
        except IntegrityError as exc:
            raise Conflict(f"{self.entity} clashes with an existing record") from exc

    async def delete(self, entity_id: int) -> bool:
        try:
            result = await self._conn.execute(delete(self.table).where(self._id == entity_id))
        except IntegrityError as exc:
            raise Conflict(
                f"{self.entity} {entity_id} is still referenced by other records"
            ) from exc
        return result.rowcount > 0

    def _conditions(self, query: ListQuery) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        for name, value in query.filters.items():
            if name == SERVED_BY_TECHNICIAN:
                conditions.append(self._served_by(value))
                continue
            if name == ASSIGNED_TO_TECHNICIAN and "job_id" in self.table.c:
                assigned = select(jobs.c.id).where(jobs.c.technician_id == value)
                conditions.append(self.table.c.job_id.in_(assigned))
                continue
            if name not in self.filterable:
                raise ValidationFailed.single(name, "is not a filter of this list")
            column = self.table.c[name]
            if isinstance(value, list | tuple):
                conditions.append(column.in_(list(value)))
            else:
                conditions.append(column == value)
        return conditions

    def _served_by(self, technician_id: object) -> ColumnElement[bool]:
        """Rows of customers the technician has a job at (the customer's own row, or its
        `customer_id` column)."""
        if self.entity == "customer":
            column = self._id
        elif "customer_id" in self.table.c:
            column = self.table.c.customer_id
        else:
            raise ValidationFailed.single(SERVED_BY_TECHNICIAN, "is not a filter of this list")
        served = select(jobs.c.customer_id).where(jobs.c.technician_id == technician_id)
        return column.in_(served)

    async def exists(self, query: ListQuery) -> bool:
        """One `SELECT EXISTS (...)`: no count, no row, no entity."""
        matching = select(self._id).where(*self._conditions(query)).exists()
        return bool((await self._conn.execute(select(matching))).scalar_one())

    def _total_cap(self, query: ListQuery) -> int | None:
        """Count at most this many matches (None: all); see `CustomerRepository`."""
        return None

    async def list(self, query: ListQuery) -> Page[T]:
        conditions = self._conditions(query)
        counted = select(self._id).where(*conditions).limit(self._total_cap(query)).subquery()
        total = (await self._conn.execute(select(func.count()).select_from(counted))).scalar_one()
        rows = await self._conn.execute(self._page(query, conditions, total))
        return Page([self.from_row(row) for row in rows], total, query.limit, query.offset)

    def _page(
        self, query: ListQuery, conditions: Sequence[ColumnElement[bool]], total: int
    ) -> Select[Any]:
        """The statement of one page of the `total` (maybe capped) rows matching `conditions`."""
        return (
            select(self.table)
            .where(*conditions)
            .order_by(*self._order_for(query))
            .limit(query.limit)
            .offset(query.offset)
        )


def repository(
    entity: str, table: Table, fields: FieldMap[T], *filterable: str
) -> type[TableRepository[T]]:
    """The repository of an aggregate that needs no query of its own: a table, its field
    map and the columns its lists filter on."""
    name = "".join(word.title() for word in entity.replace("-", " ").split()) + "Repository"
    attributes = {"table": table, "fields": fields, "entity": entity, "filterable": filterable}
    return cast("type[TableRepository[T]]", type(name, (TableRepository,), attributes))
