"""The Customer aggregate: who the shop serves and how to reach them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain import validation as v


@dataclass(slots=True)
class CustomerDetails:
    """The client-writable fields of a customer, validated together."""

    name: str
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    time_zone: str = "UTC"
    notes: str | None = None

    def validated(self) -> CustomerDetails:
        errors: dict[str, str] = {}
        details = CustomerDetails(
            name=v.required_text(errors, "name", self.name, 200),
            phone=v.phone(errors, "phone", self.phone),
            email=v.email(errors, "email", self.email),
            address=v.optional_text(errors, "address", self.address, 500),
            time_zone=v.time_zone(errors, "time_zone", self.time_zone),
            notes=v.optional_text(errors, "notes", self.notes, 5000),
        )
        v.raise_if(errors)
        return details


@dataclass(slots=True)
class Customer:
    details: CustomerDetails
    created_at: datetime
    id: int | None = None

    @classmethod
    def register(cls, details: CustomerDetails, now: datetime) -> Customer:
        return cls(details=details.validated(), created_at=now)

    def revise(self, details: CustomerDetails) -> None:
        self.details = details.validated()
