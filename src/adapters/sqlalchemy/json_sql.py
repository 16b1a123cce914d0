"""JSON building in SQL for SQLite and PostgreSQL, so a read model is one round trip."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    ScalarSelect,
    Text,
    cast,
    func,
    literal_column,
    select,
)


class JsonSql:
    """Dialect-aware `json_object` / `json_group_array` (SQLite) or their PostgreSQL twins."""

    def __init__(self, dialect_name: str) -> None:
        self.postgres = dialect_name == "postgresql"

    def obj(self, **fields: ColumnElement[Any]) -> ColumnElement[Any]:
        """A JSON object; keys are trusted identifiers (camelCase names), never user input."""
        args: list[ColumnElement[Any]] = []
        for key, value in fields.items():
            args += [literal_column(f"'{key}'"), value]
        return func.json_build_object(*args) if self.postgres else func.json_object(*args)

    def array_of(self, element: ColumnElement[Any], source: FromClause) -> ScalarSelect[Any]:
        """A JSON array (possibly empty) of `element` over the rows of `source`."""
        agg: ColumnElement[Any]
        if self.postgres:
            # As text, so the driver hands over the JSON untouched for msgspec to decode.
            agg = cast(func.coalesce(func.json_agg(element), literal_column("'[]'::json")), Text)
        else:
            agg = func.json_group_array(element)
        return select(agg).select_from(source).scalar_subquery()

    def ts(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        """A timestamp as RFC 3339 text (SQLite keeps naive UTC text; PostgreSQL is ISO)."""
        if self.postgres:
            return column
        return func.replace(column, " ", "T").concat("Z")
