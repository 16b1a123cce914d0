"""Ports of the proactive-engagement passes: what to look at (one query each), and alerts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from application.ports.repositories import Repository
from domain.attention import AttentionCriteria, AttentionSignal
from domain.maintenance_alert import MaintenanceAlert


@dataclass(frozen=True, slots=True)
class MaintenanceCandidate:
    """An appliance the maintenance pass must look at.

    `predict`: it has no alert yet, or it changed (serviced, edited) since its alert was
    last assessed. `remind`: its alert is not DONE, falls due by the horizon, its customer
    gave marketing consent and no reminder was queued for that due date yet.
    """

    appliance_id: int
    customer_id: int
    predict: bool
    remind: bool


@dataclass(frozen=True, slots=True)
class SurveyCandidate:
    """A job completed long enough ago, with no survey message queued for it yet."""

    job_id: int
    customer_id: int
    completion_date: datetime


class EngagementQueries(Protocol):
    """The selection of each periodic pass, each ONE statement whatever the data size."""

    async def customers_needing_attention(
        self, criteria: AttentionCriteria
    ) -> list[AttentionSignal]:
        """Every attention signal (see `domain.attention`) not yet handled by a suggestion."""
        ...

    async def appliances_for_maintenance(self, horizon_end: date) -> list[MaintenanceCandidate]:
        """Appliances to predict or remind about (see `MaintenanceCandidate`), by customer."""
        ...

    async def jobs_due_for_survey(
        self, completed_after: datetime, completed_before: datetime, limit: int
    ) -> list[SurveyCandidate]:
        """COMPLETED jobs with completion_date in (after, before], whose customer has a phone
        or an email, and no message keyed `survey:job:{id}`; oldest first."""
        ...


class MaintenanceAlertRepository(Repository[MaintenanceAlert], Protocol):
    """Alerts, one per appliance."""

    async def for_appliances(self, appliance_ids: Sequence[int]) -> dict[int, MaintenanceAlert]:
        """The alerts of these appliances, by appliance id (appliances without one: absent)."""
        ...
