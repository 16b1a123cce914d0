"""Repository ports: persistence of the aggregates, one repository per aggregate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from application.pagination import ListQuery, Page
from domain.audit import AuditEntry
from domain.customer import Customer
from domain.job import Job
from domain.maintenance_history import ServiceRecord
from domain.time_window import ANY_TIME, TimeWindow
from domain.user import User

T = TypeVar("T")


class Repository(Protocol[T]):
    """Stores one kind of aggregate; ids are assigned by `add`."""

    async def add(self, entity: T) -> T: ...

    async def get(self, entity_id: int) -> T | None: ...

    async def update(self, entity: T) -> None: ...

    async def delete(self, entity_id: int) -> bool: ...

    async def list(self, query: ListQuery) -> Page[T]: ...

    async def exists(self, query: ListQuery) -> bool:
        """Whether any record matches every filter of `query` (its paging is ignored)."""
        ...


class CustomerRepository(Repository[Customer], Protocol):
    """Customers, also found by referral code and walked up their referral chain."""

    async def get_by_referral_code(self, code: str) -> Customer | None: ...

    async def referral_chain(self, customer_id: int) -> list[int]:
        """Ids of who referred this customer, who referred them, and so on (nearest first)."""
        ...

    async def find_by_phone(self, phone: str) -> list[Customer]:
        """Customers with this E.164 phone number (several may share one), newest first."""
        ...


class UserRepository(Repository[User], Protocol):
    """Users, looked up by username at login."""

    async def get_by_username(self, username: str) -> User | None: ...

    async def count(self) -> int: ...


class JobRepository(Repository[Job], Protocol):
    """Jobs, also counted per technician for workload."""

    async def open_job_counts(
        self, technician_ids: Sequence[int], window: TimeWindow = ANY_TIME
    ) -> dict[int, int]:
        """SCHEDULED and IN_PROGRESS jobs per technician (scheduled in `window`);
        technicians without any are left out."""
        ...

    async def booked_between(
        self, technician_id: int, after: datetime, before: datetime, excluding_job_id: int
    ) -> list[int]:
        """Ids (ascending) of the technician's jobs that are not CANCELLED, scheduled
        strictly between `after` and `before`, other than `excluding_job_id`."""
        ...

    async def completed_appliance_services(self, limit: int) -> list[ServiceRecord]:
        """The shop's service history: COMPLETED jobs naming an appliance (its type and
        brand, the completion date), the newest `limit`."""
        ...

    async def completed_job_texts(
        self, technician_ids: Sequence[int], per_technician: int
    ) -> dict[int, list[tuple[int, str]]]:
        """(job id, description and appliance) of each technician's newest `per_technician`
        COMPLETED jobs, newest first; technicians without any are left out."""
        ...


class AuditEntryRepository(Protocol):
    """The audit trail: entries are only ever added, and listed newest first.

    `list` filters by `entity`, `entity_id`, `customer_id` and `actor_user_id`.
    """

    async def add(self, entry: AuditEntry) -> AuditEntry: ...

    async def list(self, query: ListQuery) -> Page[AuditEntry]: ...
