"""Daily follow-up suggestions: the office's to-do list of customers who need attention."""

from __future__ import annotations

from application.access import SYSTEM
from application.engagement.engagement_context import EngagementContext, log
from application.insights.follow_up_suggestions import followup_suggestions
from application.llm.answers import Suggestion
from application.llm.errors import LlmInvalidReply
from domain.attention import AttentionCriteria, AttentionReason, NeedsAttention, needing_attention
from domain.errors import Conflict, NotFound
from domain.follow_up import FollowUp, suggestion_key


def suggestion_text(suggestion: Suggestion, reasons: tuple[AttentionReason, ...]) -> str:
    """One suggestion as the office reads it on the follow-up."""
    when = f", {suggestion.suggested_time}" if suggestion.suggested_time else ""
    flagged = ", ".join(r.value.lower().replace("_", " ") for r in reasons)
    return (
        f"{suggestion.action} (by {suggestion.channel}{when}; {suggestion.priority} priority). "
        f"Why: {suggestion.reason} Flagged for: {flagged}."
    )


async def daily_follow_up_suggestions(ctx: EngagementContext) -> int:
    """For each customer needing attention (recent completed job, low rating, negative
    feedback, long silence — `domain.attention`), ask the follow-up suggestions use case
    and store each suggestion as a PENDING follow-up of the signal's job.

    Idempotent: a signal already followed by a suggestion is not selected again, and each
    stored suggestion has a unique key (customer, job, UTC day, index), so a second or a
    racing run the same day stores nothing. Returns how many suggestions were stored.

    Each customer's suggestions are committed on their own; an unusable reply skips that
    customer, while a provider outage or rate limit ends the pass with its error (the
    worker retries it later, and the retry skips whoever was already handled).
    """
    now = ctx.clock.now()
    signals = await ctx.queries.customers_needing_attention(AttentionCriteria.at(now))
    stored = 0
    for target in needing_attention(signals):
        stored += await _suggest_for(ctx, target)
    return stored


async def _suggest_for(ctx: EngagementContext, target: NeedsAttention) -> int:
    try:
        insight = await followup_suggestions(SYSTEM, ctx.insights, target.customer_id)
    except (LlmInvalidReply, NotFound) as exc:  # this customer waits for the next run
        log.warning("suggestions for customer %s skipped: %s", target.customer_id, exc)
        return 0
    now = ctx.clock.now()
    day = now.date()  # `now` is UTC: the key's day is the UTC day
    follow_ups = [
        FollowUp.suggest(
            target.job_id,
            target.customer_id,
            suggestion_text(suggestion, target.reasons),
            suggestion_key(target.customer_id, target.job_id, day, index),
            now,
        )
        for index, suggestion in enumerate(insight.answer.suggestions)
    ]
    if not follow_ups:
        return 0
    try:
        async with ctx.uow() as uow:
            for follow_up in follow_ups:
                await uow.follow_ups.add(follow_up)
            await uow.commit()
    except Conflict as exc:  # another run stored this batch first (or the job is gone)
        log.info("suggestions for customer %s not stored: %s", target.customer_id, exc)
        return 0
    return len(follow_ups)
