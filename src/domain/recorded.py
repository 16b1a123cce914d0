"""A record kept as one value of client-writable details, validated on every write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, Self, TypeVar


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
