"""When a completed job gets its post-service survey: once, `delay` after completion.

A job is due once its completion is at least `delay` old, and at most `LATE_WINDOW` more:
a survey weeks late helps nobody (and jobs completed before the feature existed are not
surveyed in bulk on the first run). `survey_key` is the outbox idempotency key that makes
it one survey per job, ever: a second run, or a racing one, finds the key taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

SURVEY_KEY_PREFIX = "survey:job:"
LATE_WINDOW = timedelta(days=14)


def survey_key(job_id: int) -> str:
    return f"{SURVEY_KEY_PREFIX}{job_id}"


@dataclass(frozen=True, slots=True)
class SurveyWindow:
    """Jobs completed in (after, before] are due for their survey."""

    after: datetime
    before: datetime

    @classmethod
    def at(cls, now: datetime, delay: timedelta) -> SurveyWindow:
        if delay < timedelta(0):
            raise ValueError("the survey delay cannot be negative")
        before = now - delay
        return cls(before - LATE_WINDOW, before)
