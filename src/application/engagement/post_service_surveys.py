"""Post-service surveys: a short survey to each customer a few days after their job."""

from __future__ import annotations

from datetime import datetime

from application.access import SYSTEM
from application.engagement.engagement_context import EngagementContext, log
from application.insights.survey_questions import generate_survey
from application.llm.answers import Survey
from application.llm.errors import LlmInvalidReply
from application.outbox.enqueue import enqueue
from application.ports.engagement import SurveyCandidate
from application.ports.unit_of_work import UnitOfWork
from domain.errors import Conflict, DomainError, NotFound
from domain.follow_up import FollowUp
from domain.messaging.message import MAX_BODY, Purpose, compose
from domain.survey_window import SurveyWindow, survey_key

BATCH = 500  # jobs per pass; a longer backlog is worked off by the next passes

ANSWER_HINT = {"rating": "1-5", "yes_no": "yes/no", "text": "your words"}


def survey_text(survey: Survey) -> str:
    """The survey as one message body: title, intro, numbered questions."""
    lines = [survey.title, survey.intro]
    lines += [f"{n}. {q.text} ({ANSWER_HINT[q.kind]})" for n, q in enumerate(survey.questions, 1)]
    body = "\n".join(line.strip() for line in lines if line.strip())
    return body if len(body) <= MAX_BODY else body[: MAX_BODY - 1] + "…"


async def queue_post_service_surveys(ctx: EngagementContext) -> int:
    """Queue a survey (TRANSACTIONAL) for each job completed `survey_delay` ago (see
    `domain.survey_window`), written by the survey use case in the customer's language.

    At most one survey per job, ever: the message's idempotency key `survey:job:{id}` is
    unique in the outbox, so a second run, or two racing ones, queue it once. Each survey
    message is linked to a follow-up of its job (SCHEDULED for the message's time), written
    in the same transaction: the customer's reply lands on it (see `outbox.replies`), and a
    run that loses the race on the key rolls its follow-up back with its message. Returns
    how many surveys this run queued.
    """
    window = SurveyWindow.at(ctx.clock.now(), ctx.survey_delay)
    due = await ctx.queries.jobs_due_for_survey(window.after, window.before, BATCH)
    queued = 0
    for job in due:
        queued += await _queue_survey(ctx, job)
    return queued


async def _survey_follow_up(
    uow: UnitOfWork, job: SurveyCandidate, scheduled_for: datetime, now: datetime
) -> int:
    """A new follow-up of the job, the one its survey asks about; its id."""
    follow_up = await uow.follow_ups.add(
        FollowUp.open(job.job_id, job.customer_id, scheduled_for, now)
    )
    assert follow_up.id is not None
    return follow_up.id


async def _queue_survey(ctx: EngagementContext, job: SurveyCandidate) -> int:
    try:
        insight = await generate_survey(SYSTEM, ctx.insights, job.job_id)
    except (LlmInvalidReply, NotFound, Conflict) as exc:  # this job waits for the next pass
        log.warning("survey for job %s skipped: %s", job.job_id, exc)
        return 0
    now = ctx.clock.now()
    try:
        async with ctx.uow() as uow:
            customer = await uow.customers.get(job.customer_id)
            if customer is None:
                return 0
            message = compose(
                customer,
                Purpose.TRANSACTIONAL,
                survey_text(insight.answer),
                survey_key(job.job_id),
                now,
                now,
                job_id=job.job_id,
            )
            message.scheduled_for = ctx.first_slot(customer, message, now)
            if await uow.messages.get_by_idempotency_key(message.idempotency_key) is not None:
                return 0  # queued before
            message.follow_up_id = await _survey_follow_up(uow, job, message.scheduled_for, now)
            stored = await enqueue(uow.messages, message)
            if stored is not message:  # the key was taken: queued before
                return 0
            await uow.commit()
    except Conflict:  # a racing run queued it between our check and our insert
        log.info("survey for job %s was queued by a concurrent pass", job.job_id)
        return 0
    except DomainError as exc:  # e.g. no contact detail for the preferred channel
        log.warning("survey for job %s not queued: %s", job.job_id, exc)
        return 0
    return 1
