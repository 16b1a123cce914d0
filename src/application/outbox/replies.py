"""A customer's reply that is no keyword: a survey answer, or feedback on a follow-up.

A reply from a customer whose latest survey awaits an answer (its follow-up SENT or
NO_RESPONSE) goes to that survey's follow-up. When it starts with a 1-5 rating in the
customer's language (`domain.survey_reply`), the rating becomes the follow-up's
`satisfaction_rating`, the rest of the text its feedback, and the follow-up is COMPLETED;
the job's technician gets the rating too (a technician rating of the job, once per job).
Any other reply is appended to the feedback of that follow-up, else of the customer's
latest follow-up we contacted them about, else of their latest open one.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import datetime

from application.pagination import MAX_PAGE_SIZE, ListQuery
from application.ports.unit_of_work import UnitOfWork
from domain.errors import DomainError
from domain.follow_up import FOLLOW_UP_TRANSITIONS, FollowUp, FollowUpStatus
from domain.review import TechnicianRating
from domain.survey_reply import parse_rating
from domain.survey_window import SURVEY_KEY_PREFIX
from domain.validation import mask_phone

log = logging.getLogger(__name__)

MAX_FEEDBACK = 5000
OPEN_FOLLOW_UP = frozenset(s for s, nxt in FOLLOW_UP_TRANSITIONS.items() if nxt)
# A reply most likely answers a follow-up we contacted the customer about.
CONTACTED = frozenset({FollowUpStatus.SENT, FollowUpStatus.NO_RESPONSE})


async def take_reply(
    uow: UnitOfWork, customer_ids: list[int], body: str, phone: str, now: datetime
) -> None:
    """Store a reply from `phone` (whose customers are `customer_ids`) on the follow-up it
    answers; a rating on a survey completes it (see the module docstring)."""
    text = body.replace("\x00", "").strip()
    if not text:
        return
    surveys = [f for cid in customer_ids if (f := await _awaiting_survey(uow, cid)) is not None]
    if surveys:
        survey = max(surveys, key=lambda f: f.id or 0)
        if await _rate(uow, survey, text, now):
            return
        await _append_feedback(uow, survey, text)
        return
    candidates = [f for cid in customer_ids if (f := await _open_follow_up(uow, cid)) is not None]
    if not candidates:
        log.info("reply from %s has no open follow-up to attach to; ignored", mask_phone(phone))
        return
    latest = max(candidates, key=lambda f: (f.status in CONTACTED, f.id or 0))
    await _append_feedback(uow, latest, text)


async def _append_feedback(uow: UnitOfWork, follow_up: FollowUp, text: str) -> None:
    combined = f"{follow_up.feedback}\n{text}" if follow_up.feedback else text
    follow_up.record_feedback(None, combined[-MAX_FEEDBACK:])
    await uow.follow_ups.update(follow_up)


async def _rate(uow: UnitOfWork, survey: FollowUp, text: str, now: datetime) -> bool:
    """Complete the survey's follow-up with the rating the reply starts with; False (and
    nothing changed) when the reply gives none."""
    customer = await uow.customers.get(survey.customer_id)
    language = customer.preferences.language if customer is not None else "en"
    rated = parse_rating(text, language)
    if rated is None:
        return False
    feedback = survey.feedback
    if rated.rest:
        feedback = f"{feedback}\n{rated.rest}" if feedback else rated.rest
    survey.record_feedback(rated.rating, feedback[-MAX_FEEDBACK:] if feedback else None)
    survey.move_to(FollowUpStatus.COMPLETED)
    await uow.follow_ups.update(survey)
    await _rate_technician(uow, survey, rated.rating, now)
    return True


async def _rate_technician(uow: UnitOfWork, survey: FollowUp, rating: int, now: datetime) -> None:
    """The job's technician rated by the survey's rating, unless the job is rated already
    (a rating the office recorded stands) or has no technician."""
    job = await uow.jobs.get(survey.job_id)
    if job is None or job.details.technician_id is None:
        return
    rated = await uow.technician_ratings.list(ListQuery(1, 0, {"job_id": survey.job_id}))
    if rated.total:
        return
    try:
        rating_of_job = TechnicianRating.of_job(
            job, survey.customer_id, job.details.technician_id, rating, now
        )
    except DomainError as exc:  # e.g. the job now belongs to another customer
        log.info("survey rating of job %s not given to its technician: %s", job.id, exc)
        return
    await uow.technician_ratings.add(rating_of_job)


async def _newest_first(uow: UnitOfWork, customer_id: int) -> AsyncIterator[FollowUp]:
    """The customer's follow-ups, newest first, a page at a time."""
    offset = 0
    while True:
        query = ListQuery(MAX_PAGE_SIZE, offset, {"customer_id": customer_id})
        page = await uow.follow_ups.list(query)
        for follow_up in page.items:
            yield follow_up
        offset += MAX_PAGE_SIZE
        if offset >= page.total:
            return


async def _awaiting_survey(uow: UnitOfWork, customer_id: int) -> FollowUp | None:
    """The customer's latest survey follow-up awaiting an answer (SENT or NO_RESPONSE)."""
    async for follow_up in _newest_first(uow, customer_id):
        if follow_up.status in CONTACTED and await _is_survey(uow, follow_up):
            return follow_up
    return None


async def _is_survey(uow: UnitOfWork, follow_up: FollowUp) -> bool:
    query = ListQuery(MAX_PAGE_SIZE, 0, {"follow_up_id": follow_up.id})
    messages = await uow.messages.list(query)
    return any(m.idempotency_key.startswith(SURVEY_KEY_PREFIX) for m in messages.items)


async def _open_follow_up(uow: UnitOfWork, customer_id: int) -> FollowUp | None:
    """The customer's latest follow-up we contacted them about (SENT, NO_RESPONSE), else
    their latest open one."""
    latest_open: FollowUp | None = None
    async for follow_up in _newest_first(uow, customer_id):
        if follow_up.status in CONTACTED:
            return follow_up
        if latest_open is None and follow_up.status in OPEN_FOLLOW_UP:
            latest_open = follow_up
    return latest_open
