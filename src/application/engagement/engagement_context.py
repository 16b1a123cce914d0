"""What every periodic engagement pass needs: units of work, the clock, its selection
queries, the LLM use cases' context, and the shop's settings for reminders and surveys."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from application.insights.insight_context import InsightContext
from application.ports.clock import Clock
from application.ports.engagement import EngagementQueries
from application.ports.unit_of_work import UnitOfWork
from domain.contact_preferences import QuietHours
from domain.customer import Customer
from domain.messaging.message import Message, Purpose

log = logging.getLogger("fieldcrm.engagement")

DEFAULT_MAINTENANCE_HORIZON = timedelta(days=14)
DEFAULT_SURVEY_DELAY = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class EngagementContext:
    uow: Callable[[], UnitOfWork]
    clock: Clock
    queries: EngagementQueries
    insights: InsightContext
    maintenance_horizon: timedelta = DEFAULT_MAINTENANCE_HORIZON
    survey_delay: timedelta = DEFAULT_SURVEY_DELAY
    quiet_hours: QuietHours = field(default_factory=QuietHours)
    # Purposes whose AI-written messages skip PENDING_APPROVAL.
    auto_approved: frozenset[Purpose] = frozenset()

    def first_slot(self, customer: Customer, message: Message, now: datetime) -> datetime:
        """When the message may first go out: the customer's next allowed instant (quiet
        hours, preferred times), else now — the dispatcher decides again before sending."""
        slot = customer.preferences.next_allowed(
            now, message.channel, customer.details.time_zone, self.quiet_hours
        )
        return slot if slot is not None else now
