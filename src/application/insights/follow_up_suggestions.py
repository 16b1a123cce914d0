"""POST /customers/{id}/followup-suggestions: next actions that respect how and when the
customer wants to be contacted.

The model proposes actions; the customer's preferences decide the channel (the preferred
method when set, always one they have contact details for) and the time (the earliest
allowed instant at or after the proposed one, from `ContactPreferences.next_allowed`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from application.access import Actor
from application.insights.customer_grounding import customer_facts, source_ids
from application.insights.insight_context import (
    InsightContext,
    insight_view,
    local_today,
    prompt_values,
    with_answer,
)
from application.llm.answers import FollowUpSuggestions, Suggestion
from application.llm.gateway import Insight
from application.llm.specs import spec_for
from application.read_models.customer_view import CustomerView
from domain.contact_preferences import (
    ContactMethod,
    ContactPreferences,
    ContactTimes,
    Frequency,
    QuietHours,
)

SPEC = spec_for(FollowUpSuggestions)
TASK = "followup_suggestions.v1"
# How many suggestions a customer's contact frequency preference allows.
MAX_SUGGESTIONS: dict[Frequency | None, int] = {
    Frequency.MINIMAL: 2,
    Frequency.MODERATE: 3,
    Frequency.FREQUENT: 5,
    None: 5,
}
HORIZON = timedelta(days=90)  # a proposed time further out is replaced by "as soon as allowed"
PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def preferences_of(view: CustomerView) -> ContactPreferences:
    """The customer's contact preferences, rebuilt from the Customer View."""
    method = view.preferred_contact_method
    frequency = view.communication_frequency_preference
    times = view.preferred_contact_times
    return ContactPreferences(
        method=ContactMethod(method) if method else None,
        times=ContactTimes.parse(times) if times is not None else None,
        frequency=Frequency(frequency) if frequency else None,
        language=view.language_preference,
    )


def reachable_channels(view: CustomerView) -> frozenset[ContactMethod]:
    """The channels the customer has contact details for (email; phone for the rest)."""
    channels: set[ContactMethod] = set()
    if view.email:
        channels.add(ContactMethod.EMAIL)
    if view.phone:
        channels.update((ContactMethod.PHONE, ContactMethod.SMS, ContactMethod.WHATSAPP))
    return frozenset(channels)


def _proposed(value: str | None, now: datetime, tz: ZoneInfo) -> datetime:
    """The model's proposed instant, when it is a usable one; else now."""
    if value is None:
        return now
    try:
        proposed = datetime.fromisoformat(value)
    except ValueError:
        return now
    if proposed.tzinfo is None:
        proposed = proposed.replace(tzinfo=tz)
    if proposed < now or proposed > now + HORIZON:
        return now
    return proposed


class ContactPolicy:
    """Puts every suggestion on an allowed channel at an allowed time, cites real records."""

    def __init__(
        self,
        view: CustomerView,
        quiet: QuietHours,
        allowed_sources: set[str],
    ) -> None:
        self.preferences = preferences_of(view)
        self.reachable = reachable_channels(view)
        self.zone = view.time_zone
        self.tz = ZoneInfo(view.time_zone)
        self.quiet = quiet
        self.allowed_sources = allowed_sources

    def apply(self, answer: FollowUpSuggestions, now: datetime) -> FollowUpSuggestions:
        kept: list[Suggestion] = []
        for suggestion in answer.suggestions:
            channel = self.preferences.channel_for(
                ContactMethod(suggestion.channel), self.reachable
            )
            if channel is None:
                continue  # the customer cannot be contacted on any allowed channel
            start = _proposed(suggestion.suggested_time, now, self.tz)
            at = self.preferences.next_allowed(start, channel, self.zone, self.quiet)
            kept.append(
                msgspec.structs.replace(
                    suggestion,
                    channel=channel.value,
                    suggested_time=at.astimezone(self.tz).isoformat(timespec="seconds")
                    if at is not None
                    else None,
                    sources=[s for s in suggestion.sources if s in self.allowed_sources],
                )
            )
        kept.sort(key=lambda s: PRIORITY_ORDER[s.priority])
        return FollowUpSuggestions(suggestions=kept[: MAX_SUGGESTIONS[self.preferences.frequency]])


def contact_facts(view: CustomerView, policy: ContactPolicy) -> dict[str, Any]:
    preferences = policy.preferences
    return {
        "preferredContactMethod": preferences.method.value if preferences.method else None,
        "preferredContactTimes": preferences.times.to_document() if preferences.times else None,
        "frequency": preferences.frequency.value if preferences.frequency else None,
        "reachableChannels": sorted(c.value for c in policy.reachable),
        "timeZone": view.time_zone,
        "quietHours": {
            "start": policy.quiet.start.isoformat("minutes"),
            "end": policy.quiet.end.isoformat("minutes"),
        },
        "maxSuggestions": MAX_SUGGESTIONS[preferences.frequency],
    }


async def followup_suggestions(
    actor: Actor, ctx: InsightContext, customer_id: int
) -> Insight[FollowUpSuggestions]:
    """Up to five next actions, each with a reason, channel, time, priority and sources.

    The contact policy is applied to the model's answer before it is cached, and again to
    every answer served (a cached time that has passed moves to the next allowed one).
    """
    view = await insight_view(ctx, actor, customer_id)
    facts = customer_facts(view)
    policy = ContactPolicy(view, ctx.quiet_hours, source_ids(facts))
    today = local_today(ctx.clock.now(), view.time_zone)
    grounding = {**facts, "contact": contact_facts(view, policy), "today": today.isoformat()}

    def check(answer: FollowUpSuggestions) -> FollowUpSuggestions:
        return policy.apply(answer, ctx.clock.now())

    values = prompt_values(ctx, view, grounding, today=today.isoformat())
    insight = await ctx.llm.ask(TASK, values, grounding, SPEC, check)
    return with_answer(insight, policy.apply(insight.answer, ctx.clock.now()))
