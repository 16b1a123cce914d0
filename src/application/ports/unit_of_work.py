"""Unit of work port: one transaction over every repository."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

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
    A unit of work is used once: create a fresh one per request or message.
    """

    @property
    def customers(self) -> CustomerRepository: ...

    @property
    def technicians(self) -> Repository[Technician]: ...

    @property
    def jobs(self) -> JobRepository: ...

    @property
    def payments(self) -> Repository[Payment]: ...

    @property
    def expenses(self) -> Repository[Expense]: ...

    @property
    def users(self) -> UserRepository: ...

    @property
    def appliances(self) -> Repository[Appliance]: ...

    @property
    def reviews(self) -> Repository[Review]: ...

    @property
    def technician_ratings(self) -> Repository[TechnicianRating]: ...

    @property
    def follow_ups(self) -> Repository[FollowUp]: ...

    @property
    def messages(self) -> MessageRepository: ...

    @property
    def consents(self) -> ConsentRepository: ...

    @property
    def call_tasks(self) -> CallTaskRepository: ...

    @property
    def webhook_events(self) -> WebhookEventRepository: ...

    @property
    def maintenance_alerts(self) -> MaintenanceAlertRepository: ...

    @property
    def audit_entries(self) -> AuditEntryRepository: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...
