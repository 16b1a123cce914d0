"""A record kept as one value of client-writable details, validated on every write."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar


class Details(Protocol):
    """Client-writable fields that check themselves: `validated()` returns the cleaned copy
    or raises ValidationFailed naming every bad field."""

    def validated(self) -> Self: ...


D = TypeVar("D", bound=Details)


@dataclass(slots=True)
class Recorded(Generic[D]):
    """An aggregate built around one value of client-writable details (customers,
    technicians, payments, expenses, jobs, appliances): recorded with them validated,
    revised as a whole."""

    details: D
    created_at: datetime
    id: int | None = None

    @classmethod
    def record(cls, details: D, now: datetime) -> Self:
        return cls(details=details.validated(), created_at=now)

    def revise(self, details: D) -> None:
        self.details = details.validated()


@dataclass(slots=True)
class DatedRecorded(Recorded[D]):
    """A record whose details say when it happened (the field named by `when`, e.g. a
    payment's `paid_at`), like a till: left out (None), it is `now` when the record is
    made, and stays as it was when the record is revised."""

    when: ClassVar[str]

    @classmethod
    def record(cls, details: D, now: datetime) -> Self:
        return cls(details=_dated(details, cls.when, now).validated(), created_at=now)

    def revise(self, details: D) -> None:
        self.details = _dated(details, self.when, getattr(self.details, self.when)).validated()


def _dated(details: Any, when: str, default: datetime) -> Any:
    return details if getattr(details, when) is not None else replace(details, **{when: default})
