"""Who is asking an insight, and about whom: the subject a stored generation is filed under.

Use cases set it (`asking_about`) once the actor may see the customer or job; the gateway
reads it when it stores the generation. A context variable, so concurrent requests (each
its own asyncio task) never see each other's subject.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from application.access import Actor


@dataclass(frozen=True, slots=True)
class Asking:
    user_id: int | None = None
    customer_id: int | None = None
    job_id: int | None = None


_ASKING: ContextVar[Asking] = ContextVar("fieldcrm_asking", default=Asking())  # noqa: B039


def asking_about(actor: Actor, customer_id: int | None, job_id: int | None = None) -> None:
    """File the insights asked from here on (in this task) under this actor and subject."""
    _ASKING.set(Asking(actor.user_id, customer_id, job_id))


def current_asking() -> Asking:
    return _ASKING.get()
