"""JSON building in SQL for SQLite and PostgreSQL, so a read model is one round trip.

Two flavours: the read model's (keys are the structs' field names, decoded by msgspec in
Python) and the wire's (`wire=True`: keys in camelCase and instants written exactly as
msgspec writes them, so the HTTP layer can send the database's text as it is)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Numeric,
    ScalarSelect,
    Text,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by

from domain.money import minor_digits_table

_Z: ColumnElement[str] = literal_column("'Z'")


def camel(name: str) -> str:
    """A field name as the wire spells it: msgspec's `rename="camel"` (`time_zone` ->
    `timeZone`; a name without underscores is kept)."""
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


class JsonSql:
    """Dialect-aware `json_object` / `json_group_array` (SQLite) or their PostgreSQL twins;
    `wire=True` for documents sent to clients as they are (see the module's docstring)."""

    def __init__(self, dialect_name: str, *, wire: bool = False) -> None:
        self.postgres = dialect_name == "postgresql"
        self.wire = wire

    def obj(self, **fields: ColumnElement[Any]) -> ColumnElement[Any]:
        """A JSON object; keys are trusted identifiers (field names), never user input."""
        args: list[ColumnElement[Any]] = []
        for key, value in fields.items():
            args += [literal_column(f"'{camel(key) if self.wire else key}'"), value]
        return func.json_build_object(*args) if self.postgres else func.json_object(*args)

    def _agg(
        self, element: ColumnElement[Any], order: tuple[ColumnElement[Any], ...] = ()
    ) -> ColumnElement[Any]:
        if self.postgres:
            ordered = aggregate_order_by(element, *order) if order else element
            return func.coalesce(func.json_agg(ordered), literal_column("'[]'::json"))
        return func.json_group_array(element)

    def ordered_array(
        self, element: ColumnElement[Any], rows: FromClause, *order: ColumnElement[Any]
    ) -> ScalarSelect[Any]:
        """A JSON array (possibly empty) of `element` over `rows`, a subquery already sorted
        by `order` (whose columns both refer to). PostgreSQL is told the order again in the
        aggregate (`json_agg(... ORDER BY ...)`, guaranteed); SQLite 3.40 has no ordered
        aggregates, and `json_group_array` reads a sorted subquery in its order (a subquery
        with ORDER BY under an aggregate is never flattened into it)."""
        return select(self._agg(element, order)).select_from(rows).scalar_subquery()

    def nested_array(
        self, element: ColumnElement[Any], source: FromClause, *where: ColumnElement[bool]
    ) -> ScalarSelect[Any]:
        """A JSON array (possibly empty) of `element` over the rows of `source` (those matching
        `where`, which may refer to the enclosing query), as a JSON value to nest in `obj`."""
        return select(self._agg(element)).select_from(source).where(*where).scalar_subquery()

    def array_of(self, element: ColumnElement[Any], source: FromClause) -> ScalarSelect[Any]:
        """A JSON array (possibly empty) of `element` over the rows of `source`, as text."""
        return select(self.text(self._agg(element))).select_from(source).scalar_subquery()

    def text(self, value: ColumnElement[Any]) -> ColumnElement[Any]:
        """A JSON value as text, so the driver hands it over untouched for msgspec to decode."""
        return cast(value, Text) if self.postgres else value

    def ts(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        """A timestamp as RFC 3339 text (SQLite keeps naive UTC text; PostgreSQL is ISO).
        On the wire, exactly msgspec's text: UTC, `Z`, microseconds only when not zero."""
        if self.postgres:
            if not self.wire:
                return column
            utc = column.op("AT TIME ZONE")(literal_column("'UTC'"))
            seconds = func.to_char(utc, literal_column("""'YYYY-MM-DD"T"HH24:MI:SS'"""))
            fraction = case(
                (func.date_trunc(literal_column("'second'"), column) == column, _Z),
                else_=func.to_char(utc, literal_column("""'.US"Z"'""")),
            )
            return seconds.concat(fraction)
        if self.wire:  # stored as "YYYY-MM-DD HH:MM:SS.ffffff"
            whole_second = func.substr(column, 20) == literal_column("'.000000'")
            column = case((whole_second, func.substr(column, 1, 19)), else_=column)
            return func.replace(column, literal_column("' '"), literal_column("'T'")).concat(_Z)
        return func.replace(column, " ", "T").concat("Z")

    def boolean(self, value: ColumnElement[Any]) -> ColumnElement[Any]:
        """A JSON true/false (SQLite has no boolean: its 0/1 would decode as a number)."""
        if self.postgres:
            return value
        return func.json(case((value, literal("true")), else_=literal("false")))

    def document(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        """A JSON column nested as JSON (SQLite stores it as text)."""
        return column if self.postgres else func.json(column)

    def money(self, minor: ColumnElement[Any], currency: ColumnElement[Any]) -> ColumnElement[Any]:
        """Minor units as a decimal string with the currency's decimals ("125.50", "1250")."""
        whens = [
            (currency.in_(codes), self._decimal_text(minor, digits))
            for digits, codes in sorted(minor_digits_table().items())
        ]
        return case(*whens, else_=self._decimal_text(minor, 2))

    def _decimal_text(self, minor: ColumnElement[Any], digits: int) -> ColumnElement[Any]:
        if digits == 0:
            return cast(minor, Text)
        if self.postgres:
            exact = cast(minor, Numeric) / 10**digits
            return cast(func.round(exact, digits), Text)
        scale = 10**digits
        sign = case((minor < 0, literal("-")), else_=literal(""))
        units = cast(func.abs(minor).op("/")(scale), Text)
        remainder = cast(func.abs(minor) % scale, Text)
        fraction = func.substr(literal("0" * digits).concat(remainder), -digits)
        return sign.concat(units).concat(".").concat(fraction)
