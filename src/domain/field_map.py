"""A field map: which attribute of an aggregate holds which stored field, and how it converts.

Declared once per aggregate (`domain/aggregate_fields.py`, `domain/messaging/message_fields.py`).
Everything that lists an aggregate's fields derives from it: the SQL repositories' row
mapping (`values`, `load`) and the audit trail's snapshot (`snapshot`, `masks`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Generic, TypeVar

from domain.audit import Value
from domain.field_codecs import INSTANT, PLAIN, Codec

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Field:
    """One stored field: its name (column and snapshot key), the attribute path it comes
    from ("details.name"; the name itself when omitted) and its codec. `audited` fields go
    into the audit snapshot, through `mask` when personal data must stay out of the trail."""

    name: str
    path: str = ""
    codec: Codec = PLAIN
    audited: bool = True
    mask: Callable[[Value], Value] | None = None

    @property
    def attribute(self) -> str:
        return self.path or self.name

    @classmethod
    def many(cls, names: str, part: str = "", codec: Codec = PLAIN) -> tuple[Field, ...]:
        """One field per space-separated name, at `part.<name>` when a part is given."""
        prefix = f"{part}." if part else ""
        return tuple(cls(name, prefix + name, codec) for name in names.split())


@dataclass(frozen=True, slots=True)
class FieldMap(Generic[T]):
    """The stored fields of `aggregate`, in column order. `parts` names the class of each
    nested value a path goes through ("details" -> CustomerDetails). The aggregate's `id`
    is stored apart (the database assigns it): `values` leaves it out, `load` reads it."""

    aggregate: Callable[..., T]
    fields: tuple[Field, ...]
    parts: Mapping[str, Callable[..., object]] = field(default_factory=dict)
    _getters: tuple[tuple[Field, Callable[[Any], Any]], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for one in self.fields:
            head, _, _ = one.attribute.rpartition(".")
            if "." in head:
                raise ValueError(f"{one.name}: a path goes at most one part deep")
            if head and head not in self.parts:
                raise ValueError(f"{one.name}: no class given for the part {head!r}")
        getters = tuple((one, attrgetter(one.attribute)) for one in self.fields)
        object.__setattr__(self, "_getters", getters)

    @property
    def stored_names(self) -> tuple[str, ...]:
        """Every stored name (column) but the id, in order."""
        return tuple(name for one in self.fields for name in one.codec.names(one.name))

    @property
    def masks(self) -> dict[str, Callable[[Value], Value]]:
        """The snapshot fields recorded through a mask."""
        return {one.name: one.mask for one in self.fields if one.mask is not None}

    def values(self, entity: T) -> dict[str, object]:
        """The stored values of `entity`, by column (no id)."""
        row: dict[str, object] = {}
        for one, get in self._getters:
            one.codec.store(row, one.name, get(entity))
        return row

    def load(self, stored: Mapping[str, Any]) -> T:
        """The aggregate (with its id) from its stored values."""
        arguments: dict[str, dict[str, Any]] = {"": {}, **{part: {} for part in self.parts}}
        for one in self.fields:
            head, _, attribute = one.attribute.rpartition(".")
            arguments[head][attribute] = one.codec.load(stored, one.name)
        top = arguments.pop("")
        for part, build in self.parts.items():
            top[part] = build(**arguments[part])
        return self.aggregate(**top, id=stored["id"])

    def snapshot(self, entity: T) -> dict[str, Value]:
        """What the audit trail records of `entity`: the audited fields, JSON-able, unmasked
        (`domain.audit.diff` applies `masks`)."""
        snapshot: dict[str, Value] = {}
        for one, get in self._getters:
            if one.audited:
                one.codec.record(snapshot, one.name, get(entity))
        return snapshot


CREATED_AT = Field("created_at", codec=INSTANT, audited=False)
UPDATED_AT = Field("updated_at", codec=INSTANT, audited=False)
