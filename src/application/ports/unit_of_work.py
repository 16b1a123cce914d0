"""Unit of work port: one transaction over every repository."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from application.ports.data_lifecycle import DataLifecycle
from application.ports.engagement import MaintenanceAlertRepository
from application.ports.outbox import (
    CallTaskRepository,
    ConsentRepository,
    MessageRepository,
    WebhookEventRepository,
)
from application.ports.repositories import (
    AuditEntryRepository,
    CustomerRepository,
    JobRepository,
    Repository,
    UserRepository,
)
from domain.appliance import Appliance
from domain.expense import Expense
from domain.follow_up import FollowUp
from domain.payment import Payment
from domain.review import Review, TechnicianRating
from domain.technician import Technician


class UnitOfWork(Protocol):
    """A transaction: changes made through its repositories land together on `commit`.

    Leaving the `async with` block without committing rolls everything back.
    A unit of work is used once: create a fresh one per request or message. Its
    repositories are attributes set when it is created.
    """

    customers: CustomerRepository
    technicians: Repository[Technician]
    jobs: JobRepository
    payments: Repository[Payment]
    expenses: Repository[Expense]
    users: UserRepository
    appliances: Repository[Appliance]
    reviews: Repository[Review]
    technician_ratings: Repository[TechnicianRating]
    follow_ups: Repository[FollowUp]
    consents: ConsentRepository
    call_tasks: CallTaskRepository
    webhook_events: WebhookEventRepository
    maintenance_alerts: MaintenanceAlertRepository
    audit_entries: AuditEntryRepository
    data_lifecycle: DataLifecycle

    @property
    def messages(self) -> MessageRepository:
        """Read-only: `SendAtOnce` wraps a unit of work to watch what it queues."""
        ...

    def read_only(self) -> Self:
        """Declare, before `async with`, that this unit of work only reads: it takes no
        write lock (on SQLite it neither queues behind the writers nor blocks them, and
        reads one snapshot), and `commit` raises. Returns the unit of work itself."""
        ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...
