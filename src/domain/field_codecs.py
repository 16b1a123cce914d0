"""How one field of a field map is stored and how the audit trail records it.

A codec turns an attribute's value into its stored values (one per column: money takes two)
and back, and into the JSON-able values of an audit snapshot. Every codec lets None through.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.audit import Value
from domain.money import Money, from_minor_units, to_minor_units


class Plain:
    """Stored and recorded as it is: text, numbers, booleans, ids, dates."""

    def names(self, name: str) -> tuple[str, ...]:
        """The stored names (columns) of a field called `name`."""
        return (name,)

    def stored(self, name: str, value: Any) -> dict[str, object]:
        return {name: value}

    def loaded(self, name: str, stored: Mapping[str, Any]) -> Any:
        return stored[name]

    def recorded(self, name: str, value: Any) -> dict[str, Value]:
        return {name: value}


PLAIN = Plain()


@dataclass(frozen=True, slots=True)
class Converted(Plain):
    """One stored value converted both ways; recorded as stored unless `record` says."""

    encode: Callable[[Any], object]
    decode: Callable[[Any], Any]
    record: Callable[[Any], Value] | None = None

    def stored(self, name: str, value: Any) -> dict[str, object]:
        return {name: None if value is None else self.encode(value)}

    def loaded(self, name: str, stored: Mapping[str, Any]) -> Any:
        raw = stored[name]
        return None if raw is None else self.decode(raw)

    def recorded(self, name: str, value: Any) -> dict[str, Value]:
        record = self.record or self.encode
        return {name: None if value is None else record(value)}


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


class MoneyCodec(Plain):
    """Money in two columns, `<name>_minor` (integer minor units) and `currency`; the trail
    records `<name>` as a decimal string and `currency`."""

    def names(self, name: str) -> tuple[str, ...]:
        return (f"{name}_minor", "currency")

    def stored(self, name: str, value: Money) -> dict[str, object]:
        return {f"{name}_minor": to_minor_units(value), "currency": value.currency}

    def loaded(self, name: str, stored: Mapping[str, Any]) -> Money:
        return from_minor_units(stored[f"{name}_minor"], stored["currency"])

    def recorded(self, name: str, value: Money) -> dict[str, Value]:
        return {name: format(value.amount, "f"), "currency": value.currency}


MONEY = MoneyCodec()
