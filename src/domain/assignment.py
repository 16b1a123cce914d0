"""Who may be assigned to a job: active, skilled for its appliance, free at its time.

A job has no duration of its own: it occupies the slot [scheduled_for, scheduled_for +
SLOT). Two jobs overlap when their slots do, i.e. when their start times are less than
SLOT apart. A technician is double-booked by any other of their jobs that is not CANCELLED
(scheduled, in progress or completed) overlapping the job's slot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from domain.appliance import APPLIANCE_KINDS, KIND_ALIASES, appliance_kind
from domain.errors import Conflict, InvalidTransition
from domain.job import Job, JobStatus
from domain.technician import Technician
from domain.technician_matching import matched_skill

SLOT = timedelta(hours=2)


def slot(job: Job) -> tuple[datetime, datetime]:
    """The time the job occupies its technician: [scheduled_for, scheduled_for + SLOT)."""
    start = job.details.scheduled_for
    return start, start + SLOT


def overlapping_starts(job: Job) -> tuple[datetime, datetime]:
    """Another job overlaps this one when it starts strictly between these two instants."""
    start = job.details.scheduled_for
    return start - SLOT, start + SLOT


def job_appliance_type(job: Job, appliance_type: str | None) -> str | None:
    """The kind of appliance the job is about: its appliance record's type, else the
    job's `appliance` text, else a known kind named in its description; None if none."""
    for named in (appliance_type, job.details.appliance):
        if named:
            return named
    return first_kind_named(job.details.description)


def first_kind_named(text: str) -> str | None:
    """The appliance kind mentioned first in free text ("Fridge not cooling" ->
    "refrigerator", not the "cooling" of an air conditioner), or None."""
    words = f" {' '.join(re.sub(r'[^a-z0-9/]+', ' ', text.lower()).split())} "
    found: list[tuple[int, int, str]] = []
    for phrase in (*APPLIANCE_KINDS, *KIND_ALIASES):
        for form in (phrase, phrase + "s"):
            at = words.find(f" {form} ")
            if at >= 0:
                found.append((at, -len(form), phrase))
    if not found:
        return None
    return appliance_kind(min(found)[2])


def check_assignable(
    job: Job,
    technician: Technician,
    appliance_type: str | None,
    overlapping_job_ids: Sequence[int],
) -> None:
    """Conflict naming the first rule broken: the job is open, the technician is active,
    skilled for the job's appliance (when it names one) and not double-booked."""
    if job.status in (JobStatus.COMPLETED, JobStatus.CANCELLED):
        raise InvalidTransition("job", job.status.value, "assigned")
    if not technician.details.active:
        raise Conflict("technician is not active")
    if appliance_type and matched_skill(technician.details.skills, appliance_type) is None:
        raise Conflict(
            f"technician is not skilled for {appliance_kind(appliance_type)}"
            f" (skills: {', '.join(technician.details.skills) or 'none'})"
        )
    if overlapping_job_ids:
        ids = ", ".join(str(i) for i in sorted(overlapping_job_ids))
        raise Conflict(
            f"technician is double-booked: job(s) {ids} overlap this job's"
            f" {int(SLOT.total_seconds() // 60)}-minute slot"
        )
