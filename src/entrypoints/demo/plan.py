"""What the demo seeder is asked for (`DemoPlan`) and what it plans: timed steps, one per
use-case call, over plan-local indexes (`ref`) that the writer maps to database ids."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.errors import ValidationFailed
from domain.payment import PaymentMethod
from domain.technician import TechnicianDetails


@dataclass(frozen=True, slots=True)
class DemoPlan:
    """What to generate. `as_of` is the simulated present (default: today 00:00 UTC)."""

    seed: int = 42
    customers: int = 200
    technicians: int = 10
    jobs: int = 1000
    as_of: datetime | None = None

    def checked(self) -> DemoPlan:
        errors: dict[str, str] = {}
        for name in ("customers", "technicians", "jobs"):
            if getattr(self, name) < 0:
                errors[name] = "must not be negative"
        if self.jobs > 0 and self.customers < 1:
            errors["customers"] = "jobs need at least one customer"
        if self.as_of is not None and self.as_of.tzinfo is None:
            errors["as_of"] = "must include a UTC offset"
        if errors:
            raise ValidationFailed(errors)
        return self


class Kind(enum.Enum):
    TECHNICIAN = "technician"
    RETIRE = "retire"
    CUSTOMER = "customer"
    JOB = "job"
    START = "start"
    COMPLETE = "complete"
    CANCEL = "cancel"
    PAYMENT = "payment"
    EXPENSE = "expense"


CREATES = frozenset({Kind.TECHNICIAN, Kind.CUSTOMER, Kind.JOB, Kind.PAYMENT, Kind.EXPENSE})


@dataclass(slots=True)
class Step:
    """One use-case call: `at` is the clock's now; `ref` is a plan-local index."""

    at: datetime
    kind: Kind
    ref: int
    data: Any = None


@dataclass(slots=True)
class PlannedTechnician:
    details: TechnicianDetails
    hired_at: datetime
    retired_at: datetime | None


@dataclass(slots=True)
class PlannedJob:
    customer: int
    technician: int | None
    description: str
    scheduled_for: datetime
    appliance: str
    notes: str | None
    created_at: datetime


@dataclass(slots=True)
class PlannedPayment:
    customer: int
    job: int | None
    cents: int
    paid_at: datetime
    method: PaymentMethod
    reference: str | None


@dataclass(slots=True)
class PlannedExpense:
    cents: int
    category: str
    incurred_at: datetime
    description: str
    # Plan-local indexes: a job's parts and travel name both, a customer-level cost only the
    # customer, the shop's own overhead neither.
    customer: int | None
    job: int | None


@dataclass(slots=True)
class Plan:
    steps: list[Step] = field(default_factory=list)

    def add(self, at: datetime, kind: Kind, ref: int = -1, data: Any = None) -> None:
        self.steps.append(Step(at, kind, ref, data))

    def chronological(self) -> list[Step]:
        # Stable: steps at the same instant keep the order they were planned in.
        return sorted(self.steps, key=lambda s: s.at)


def plan_records(steps: Sequence[Step]) -> int:
    """How many records the steps create (lifecycle moves and deactivations are updates)."""
    return sum(1 for s in steps if s.kind in CREATES)
