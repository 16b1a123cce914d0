"""A Core-table repository: maps one aggregate to one table with explicit row functions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from sqlalchemy import Column, ColumnElement, Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.tables import jobs
from application.pagination import (
    ASSIGNED_TO_TECHNICIAN,
    SERVED_BY_TECHNICIAN,
    ListQuery,
    Page,
)
from domain.errors import Conflict, ValidationFailed

T = TypeVar("T")


class TableRepository(Generic[T]):
    """CRUD over one table. Subclasses name the table, the row mapping and the filters."""

    table: Table
    entity: str
    filterable: Mapping[str, str] = {}
    to_row: Callable[[T], dict[str, Any]]
    from_row: Callable[[Any], T]

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    @property
    def _id(self) -> Column[int]:
        return self.table.c.id

    async def add(self, entity: T) -> T:
        try:
            result = await self._conn.execute(
                insert(self.table).values(**type(self).to_row(entity)).returning(self._id)
            )
        except IntegrityError as exc:
            raise Conflict(f"{self.entity} clashes with an existing record") from exc
        entity.id = result.scalar_one()  # type: ignore[attr-defined]
        return entity

    async def get(self, entity_id: int) -> T | None:
        row = (await self._conn.execute(select(self.table).where(self._id == entity_id))).first()
        return None if row is None else type(self).from_row(row)

    async def update(self, entity: T) -> None:
        entity_id = entity.id  # type: ignore[attr-defined]
        try:
            await self._conn.execute(
                update(self.table).where(self._id == entity_id).values(**type(self).to_row(entity))
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
            column = self.filterable.get(name)
            if column is None:
                raise ValidationFailed.single(name, "is not a filter of this list")
            conditions.append(self.table.c[column] == value)
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

    async def list(self, query: ListQuery) -> Page[T]:
        conditions = self._conditions(query)
        total = (
            await self._conn.execute(
                select(func.count()).select_from(self.table).where(*conditions)
            )
        ).scalar_one()
        rows = await self._conn.execute(
            select(self.table)
            .where(*conditions)
            .order_by(self._id.desc())
            .limit(query.limit)
            .offset(query.offset)
        )
        from_row = type(self).from_row
        return Page([from_row(row) for row in rows], total, query.limit, query.offset)
