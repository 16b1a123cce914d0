"""Who may do what: the one access policy every use case applies.

Roles (see docs/security.md):
- `admin`: everything, and the only role that manages users and reads the audit trail.
- `office`: reads and writes all business data.
- `technician`: reads the jobs assigned to them and the customers, appliances and
  follow-ups of those jobs; writes only their own jobs' status and notes and their own
  jobs' expenses.

Two kinds of refusal:
- an action the role may never take (create a customer, read payments) is `PermissionDenied`
  (403) — it reveals nothing about any record;
- a record the actor may not see is `NotFound` (404), exactly as if it did not exist, so a
  technician cannot probe which ids exist. A technician who can see a record but may not make
  this change to it gets 403.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from application.pagination import ListQuery
from application.ports.unit_of_work import UnitOfWork
from domain.errors import NotFound, PermissionDenied
from domain.job import Job
from domain.user import Role, User


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated caller of a use case (or the system itself, for workers)."""

    user_id: int | None
    role: Role
    technician_id: int | None = None

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.role, user.technician_id)

    @property
    def is_technician(self) -> bool:
        return self.role is Role.TECHNICIAN


SYSTEM = Actor(user_id=None, role=Role.ADMIN)
"""Workers, the scheduler and the CLI act as the system: full access, no user id."""


class Permission(enum.StrEnum):
    """Role-level permissions; object-level limits for technicians come on top."""

    MANAGE_USERS = "manage users"
    ERASE_PERSONAL_DATA = "erase a customer's personal data"
    READ_AUDIT = "read the audit trail"
    WRITE_BUSINESS = "change business records"
    READ_BUSINESS = "read business records"
    READ_MONEY = "read payments, expenses and financials"
    MANAGE_MESSAGES = "read, cancel or resolve messages"
    USE_INSIGHTS = "use this assistant"
    # What a technician may do, limited to their own work by the object-level checks below.
    READ_OWN_WORK = "read assigned work"
    WORK_JOBS = "move jobs along their lifecycle and edit their notes"
    WRITE_OWN_EXPENSES = "record expenses on assigned jobs"
    USE_FIELD_INSIGHTS = "use field assistants (greeting, maintenance)"


_STAFF = frozenset(Permission) - {
    Permission.MANAGE_USERS,
    Permission.READ_AUDIT,
    Permission.ERASE_PERSONAL_DATA,
}
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.OFFICE: _STAFF,
    Role.TECHNICIAN: frozenset(
        {
            Permission.READ_OWN_WORK,
            Permission.WORK_JOBS,
            Permission.WRITE_OWN_EXPENSES,
            Permission.USE_FIELD_INSIGHTS,
        }
    ),
}


def can(actor: Actor, permission: Permission) -> bool:
    return permission in GRANTS[actor.role]


def authorize(actor: Actor, permission: Permission) -> None:
    """PermissionDenied unless the actor's role holds `permission`."""
    if not can(actor, permission):
        raise PermissionDenied(f"a {actor.role.value} may not {permission.value}")


def limited_to_own_work(actor: Actor) -> bool:
    """True when the actor sees only their assigned work (a technician)."""
    return not can(actor, Permission.READ_BUSINESS)


def authorize_read(actor: Actor) -> None:
    """Reading business records: all of them (staff) or the actor's own work (technician)."""
    if not (can(actor, Permission.READ_BUSINESS) or can(actor, Permission.READ_OWN_WORK)):
        raise PermissionDenied(f"a {actor.role.value} may not {Permission.READ_BUSINESS.value}")


def owns_job(actor: Actor, job: Job) -> bool:
    return actor.technician_id is not None and job.details.technician_id == actor.technician_id


def require_job_visible(actor: Actor, job: Job) -> None:
    """NotFound when a technician asks for a job not assigned to them."""
    if limited_to_own_work(actor) and not owns_job(actor, job):
        assert job.id is not None
        raise NotFound("job", job.id)


async def require_record_of_own_job(
    uow: UnitOfWork, actor: Actor, job_id: int | None, entity: str, entity_id: int
) -> None:
    """NotFound(entity, entity_id) when a technician asks for a record (expense, follow-up)
    that does not belong to a job assigned to them."""
    if not limited_to_own_work(actor):
        return
    job = None if job_id is None else await uow.jobs.get(job_id)
    if job is None or not owns_job(actor, job):
        raise NotFound(entity, entity_id)


async def serves_customer(uow: UnitOfWork, actor: Actor, customer_id: int) -> bool:
    """Whether the technician actor has (had) a job at this customer."""
    if actor.technician_id is None:
        return False
    assigned = {"customer_id": customer_id, "technician_id": actor.technician_id}
    return await uow.jobs.exists(ListQuery(filters=assigned))


async def require_customer_visible(
    uow: UnitOfWork, actor: Actor, customer_id: int, field: str | None = None
) -> None:
    """NotFound when a technician asks about a customer none of their jobs is for."""
    if limited_to_own_work(actor) and not await serves_customer(uow, actor, customer_id):
        raise NotFound("customer", customer_id, field)


def scoped(actor: Actor, query: ListQuery, *, by: str) -> ListQuery | None:
    """`query` narrowed to what the actor may see, or None when that is nothing.

    `by` names how the listed rows relate to a technician's work: "technician_id" (jobs
    assigned to them), ASSIGNED_TO_TECHNICIAN (rows of jobs assigned to them: expenses,
    follow-ups) or SERVED_BY_TECHNICIAN (rows of customers they have a job at: customers,
    appliances).
    """
    if not limited_to_own_work(actor):
        return query
    if actor.technician_id is None:
        return None
    asked = query.filters.get(by)
    if asked is not None and asked != actor.technician_id:
        return None
    return query.with_filters(**{by: actor.technician_id})
