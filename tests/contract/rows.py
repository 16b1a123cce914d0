"""Valid rows of every table the unit of work writes, and a `Seed` that stores them with
whatever parents their NOT NULL foreign keys need (read from `tables.metadata`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from application.ports.unit_of_work import UnitOfWork
from domain.appliance import Appliance, ApplianceDetails
from domain.audit import AuditAction, AuditEntry
from domain.contact_preferences import ContactMethod
from domain.customer import Customer, CustomerDetails
from domain.expense import Expense, ExpenseDetails
from domain.follow_up import FollowUp
from domain.job import Job, JobDetails
from domain.maintenance_alert import MaintenanceAlert
from domain.messaging.call_task import CallTask
from domain.messaging.message import Message, Purpose
from domain.money import Money
from domain.payment import Payment, PaymentDetails, PaymentMethod
from domain.review import Review, TechnicianRating
from domain.technician import Technician, TechnicianDetails
from domain.user import Role, User
from tests.fake_schema import REFERENCES
from tests.fakes import with_field

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _at(n: int) -> datetime:
    return T0 + timedelta(hours=n)


def _usd(n: int) -> Money:
    return Money.of(Decimal(n) + Decimal("0.25"), "USD")


# One valid row per table; `n` makes its unique values unique. Foreign keys are 0 (a
# placeholder `Seed` replaces) or None (nullable ones, left empty unless asked for).
BUILDERS: dict[str, Callable[[int], Any]] = {
    "customers": lambda n: Customer(
        CustomerDetails(f"Customer {n}", f"+1415555{n:04d}", f"c{n}@example.com"),
        _at(n),
        referral_code=f"R{n:07d}",
    ),
    "technicians": lambda n: Technician(TechnicianDetails(f"Tech {n}", skills=("hvac",)), _at(n)),
    "jobs": lambda n: Job(JobDetails(0, f"Job {n}", _at(n)), _at(n)),
    "payments": lambda n: Payment(PaymentDetails(0, _usd(n), _at(n), PaymentMethod.CARD), _at(n)),
    "expenses": lambda n: Expense(ExpenseDetails(_usd(n), "parts", _at(n)), _at(n)),
    "users": lambda n: User(f"user{n}", "hash", Role.OFFICE, _at(n)),
    "appliances": lambda n: Appliance(ApplianceDetails(0, "fridge"), _at(n), updated_at=_at(n)),
    "reviews": lambda n: Review(0, 0, 0, 4, _at(n), "fine"),
    "technician_ratings": lambda n: TechnicianRating(0, 0, 0, 5, _at(n)),
    "follow_ups": lambda n: FollowUp(0, 0, _at(n), suggestion_key=f"suggest:{n}"),
    "maintenance_alerts": lambda n: MaintenanceAlert(
        0, 0, date(2024, 6, 1) + timedelta(days=n), 0.5, "interval", _at(n), _at(n)
    ),
    "messages": lambda n: Message(
        customer_id=0,
        purpose=Purpose.TRANSACTIONAL,
        channel=ContactMethod.SMS,
        recipient="+14155550000",
        body=f"Hello {n}",
        language="en",
        scheduled_for=_at(n),
        idempotency_key=f"key:{n}",
        request_digest=f"{n:064x}",  # a client-keyed request's SHA-256 (hex)
        created_at=_at(n),
        updated_at=_at(n),
    ),
    "call_tasks": lambda n: CallTask(0, f"Call {n}", _at(n)),
    "audit_entries": lambda n: AuditEntry(
        _at(n), None, "SYSTEM", AuditAction.CREATE, "customer", n, None, {"name": [None, "x"]}
    ),
}
# The repository of each table on the unit of work.
REPOSITORY = {name: name for name in BUILDERS}


def repository(uow: UnitOfWork, table: str) -> Any:
    return getattr(uow, REPOSITORY[table])


class Seed:
    """Stores rows through one open unit of work; each gets fresh unique values."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.count = 0

    def entity(self, table: str, **columns: Any) -> Any:
        """A row of `table` not stored yet, with `columns` set (no parents created)."""
        self.count += 1
        row = BUILDERS[table](self.count)
        for column, value in columns.items():
            row = with_field(row, column, value)
        return row

    async def add(self, table: str, **columns: Any) -> Any:
        """Store a row of `table`, first storing a parent for each NOT NULL foreign key
        not given in `columns`."""
        for ref in REFERENCES[table]:
            if ref.column not in columns and not ref.nullable:
                columns[ref.column] = (await self.add(ref.parent)).id
        return await repository(self.uow, table).add(self.entity(table, **columns))
