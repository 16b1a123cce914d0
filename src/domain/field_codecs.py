"""How one field of a field map is stored and how the audit trail records it.

A codec writes an attribute's value into a row (one value per column: money takes two),
reads it back, and writes the JSON-able values of an audit snapshot. Every codec lets None
through. Codecs write into the caller's dict: rows are built for every statement.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.audit import Value
from domain.money import Money, from_minor_units, to_minor_units


class Codec:
    """The plain codec (`PLAIN`): stored and recorded as it is (text, numbers, booleans,
    ids, dates). Other codecs override what they convert."""

    def names(self, name: str) -> tuple[str, ...]:
        """The stored names (columns) of a field called `name`."""
        return (name,)

    def store(self, row: dict[str, object], name: str, value: Any) -> None:
        row[name] = value

    def load(self, row: Mapping[str, Any], name: str) -> Any:
        return row[name]

    def record(self, snapshot: dict[str, Value], name: str, value: Any) -> None:
        snapshot[name] = value


PLAIN = Codec()


@dataclass(frozen=True, slots=True)
class Converted(Codec):
    """One stored value converted both ways; recorded as stored unless `recorded_as` says."""

    encode: Callable[[Any], object]
    decode: Callable[[Any], Any]
    recorded_as: Callable[[Any], Value] | None = None

    def store(self, row: dict[str, object], name: str, value: Any) -> None:
        row[name] = None if value is None else self.encode(value)

    def load(self, row: Mapping[str, Any], name: str) -> Any:
        raw = row[name]
        return None if raw is None else self.decode(raw)

    def record(self, snapshot: dict[str, Value], name: str, value: Any) -> None:
        recorded_as = self.recorded_as or self.encode
        snapshot[name] = None if value is None else recorded_as(value)


def _same(value: Any) -> Any:
    return value


def _iso(value: datetime) -> Value:
    return value.isoformat()


def enum_of(kind: type[enum.Enum]) -> Converted:
    """An enum member, stored and recorded as its value."""
    return Converted(lambda member: member.value, kind)


INSTANT = Converted(_same, _same, _iso)
"""An aware datetime: the column type keeps it; the trail records ISO 8601."""
TUPLE = Converted(list, tuple)
"""A tuple of plain values, stored as a JSON list."""


class MoneyCodec(Codec):
    """Money in two columns, `<name>_minor` (integer minor units) and `currency`; the trail
    records `<name>` as a decimal string and `currency`."""

    def names(self, name: str) -> tuple[str, ...]:
        return (f"{name}_minor", "currency")

    def store(self, row: dict[str, object], name: str, value: Money) -> None:
        row[f"{name}_minor"] = to_minor_units(value)
        row["currency"] = value.currency

    def load(self, row: Mapping[str, Any], name: str) -> Money:
        return from_minor_units(row[f"{name}_minor"], row["currency"])

    def record(self, snapshot: dict[str, Value], name: str, value: Money) -> None:
        snapshot[name] = format(value.amount, "f")
        snapshot["currency"] = value.currency


MONEY = MoneyCodec()
