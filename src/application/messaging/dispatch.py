"""Sending due outbox messages exactly once, and reconciling those a dead worker left.

The path of one message (`send_one`):

1. **Claim** it in a short transaction: an atomic conditional update moves it from
   SCHEDULED to SENDING (attempts + 1); a worker that loses the race stops here. The
   customer, their consent record and recent sends are read in the same transaction.
2. **Decide** with the domain send policy (no transaction open): SEND, DEFER to the next
   allowed instant (back to SCHEDULED) or SUPPRESS (with the reason in `last_error`).
3. **Send** through the MessageSender port, outside any transaction.
4. **Record** the outcome at once, with a compare-and-set on SENDING: the provider
   message id and SENT; back to SCHEDULED with backoff for a retryable error while
   attempts remain; FAILED with the reason otherwise; NEEDS_REVIEW when the provider may
   have accepted it (unknown outcome). PHONE messages become a call task for the office.

A message left SENDING (the worker died between 1 and 4) is never resent:
`reconcile_stuck` asks the provider where an id was recorded, else marks it NEEDS_REVIEW.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from application.messaging.lifecycle import advance, masked_recipient, store
from application.ports.clock import Clock
from application.ports.outbox import MessageSender, SendError
from application.ports.unit_of_work import UnitOfWork
from domain.contact_preferences import ContactMethod, QuietHours
from domain.customer import Customer
from domain.messaging.call_task import CallTask
from domain.messaging.consent import Consent
from domain.messaging.message import Message, MessageStatus, Purpose
from domain.messaging.send_policy import CAP_WINDOW, Decision, Verdict, decide

log = logging.getLogger(__name__)

M = MessageStatus
DEFAULT_MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
RECONCILE_BATCH = 100
UowFactory = Callable[[], UnitOfWork]


class Outcome(enum.StrEnum):
    """What `send_one` did with a message."""

    SENT = "sent"  # handed to the provider (or, for PHONE, to the office as a call task)
    DEFERRED = "deferred"  # outside the allowed window or over the frequency cap: later
    SUPPRESSED = "suppressed"  # no consent, opted out, unreachable: never sent
    FAILED = "failed"  # the provider refused it, or the last attempt failed
    RETRIED = "retried"  # a retryable error: scheduled again with backoff
    NEEDS_REVIEW = "needs_review"  # the provider may have it: a person checks
    SKIPPED = "skipped"  # not due, or another worker claimed it first


@dataclass(slots=True)
class DispatchReport:
    sent: int = 0
    deferred: int = 0
    suppressed: int = 0
    failed: int = 0
    retried: int = 0
    needs_review: int = 0
    skipped: int = 0

    def count(self, outcome: str) -> None:
        name = Outcome(outcome).value
        setattr(self, name, getattr(self, name) + 1)

    @property
    def processed(self) -> int:
        """Messages this run claimed and moved on (all but the skipped)."""
        return (
            self.sent
            + self.deferred
            + self.suppressed
            + self.failed
            + self.retried
            + self.needs_review
        )


def backoff(attempt: int) -> timedelta:
    """Delay before retry number `attempt` (1-based): 1, 2, 4, ... minutes, at most 1 h."""
    delay: timedelta = BACKOFF_BASE * (2 ** max(attempt - 1, 0))
    return min(delay, BACKOFF_CAP)


async def dispatch_due(
    uow_factory: UowFactory,
    clock: Clock,
    sender: MessageSender,
    quiet: QuietHours,
    batch_size: int = 100,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    concurrency: int = 1,
) -> DispatchReport:
    """Send up to `batch_size` due messages (oldest first). Safe to run in any number of
    workers at once: each message is claimed by exactly one of them."""
    async with uow_factory() as uow:
        ids = await uow.messages.due_ids(clock.now(), batch_size)
    report = DispatchReport()
    limit = asyncio.Semaphore(max(concurrency, 1))

    async def one(message_id: int) -> None:
        async with limit:
            outcome = await send_one(
                uow_factory, clock, sender, quiet, message_id, max_attempts=max_attempts
            )
        report.count(outcome)

    if concurrency <= 1:
        for message_id in ids:
            await one(message_id)
    else:
        await asyncio.gather(*(one(message_id) for message_id in ids))
    return report


@dataclass(slots=True)
class _Claimed:
    message: Message
    customer: Customer | None
    consent: Consent
    recent_sends: list[datetime]


async def _claim(uow_factory: UowFactory, clock: Clock, message_id: int) -> _Claimed | None:
    now = clock.now()
    async with uow_factory() as uow:
        message = await uow.messages.claim(message_id, now)
        if message is None:
            return None
        customer = await uow.customers.get(message.customer_id)
        changes = await uow.consents.changes(message.customer_id)
        recent: list[datetime] = []
        if message.purpose is not Purpose.TRANSACTIONAL:  # the only ones the cap counts
            recent = await uow.messages.recent_sends(message.customer_id, now - CAP_WINDOW)
        await uow.commit()
    marketing = customer.marketing_consent if customer is not None else False
    consent = Consent.from_changes(changes, marketing_allowed=marketing)
    return _Claimed(message, customer, consent, list(recent))


async def send_one(
    uow_factory: UowFactory,
    clock: Clock,
    sender: MessageSender,
    quiet: QuietHours,
    message_id: int,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> str:
    """Claim, decide, send and record one message; returns the `Outcome`. A message that
    is not due or that another worker claimed is left alone (SKIPPED)."""
    claimed = await _claim(uow_factory, clock, message_id)
    if claimed is None:
        return Outcome.SKIPPED
    message = claimed.message
    decision = _decide(claimed, clock, quiet)
    if decision.verdict is Verdict.DEFER:
        assert decision.not_before is not None
        message.move_to(M.SCHEDULED, clock.now())
        message.scheduled_for = decision.not_before
        message.attempts -= 1  # nothing was attempted
        return await _record(uow_factory, message, Outcome.DEFERRED)
    if decision.verdict is Verdict.SUPPRESS:
        message.move_to(M.SUPPRESSED, clock.now())
        message.attempts -= 1
        message.last_error = decision.reason
        return await _record(uow_factory, message, Outcome.SUPPRESSED)
    if message.channel is ContactMethod.PHONE:
        return await _call_task(uow_factory, clock, message)
    return await _send(uow_factory, clock, sender, message, max_attempts)


def _decide(claimed: _Claimed, clock: Clock, quiet: QuietHours) -> Decision:
    message, customer = claimed.message, claimed.customer
    if customer is None:
        return Decision(Verdict.SUPPRESS, "the customer no longer exists")
    # Send to the customer's current contact detail: a number they gave up may now be
    # someone else's.
    details = customer.details
    current = details.email if message.channel is ContactMethod.EMAIL else details.phone
    if current is not None:
        message.recipient = current
    return decide(customer, claimed.consent, message, clock.now(), quiet, claimed.recent_sends)


async def _record(uow_factory: UowFactory, message: Message, outcome: Outcome) -> Outcome:
    """Store the claimed message's new state (compare-and-set on SENDING)."""
    async with uow_factory() as uow:
        stored = await store(uow, message, M.SENDING)
        await uow.commit()
    if not stored:
        log.error("message %s: %s outcome not stored; it was moved meanwhile", message.id, outcome)
        return Outcome.NEEDS_REVIEW
    return outcome


async def _call_task(uow_factory: UowFactory, clock: Clock, message: Message) -> Outcome:
    now = clock.now()
    message.move_to(M.SENT, now)
    message.sent_at = now
    async with uow_factory() as uow:
        if not await store(uow, message, M.SENDING):
            return Outcome.NEEDS_REVIEW
        await uow.call_tasks.add(
            CallTask(message.customer_id, message.body, now, message_id=message.id)
        )
        await uow.commit()
    return Outcome.SENT


async def _send(
    uow_factory: UowFactory,
    clock: Clock,
    sender: MessageSender,
    message: Message,
    max_attempts: int,
) -> Outcome:
    try:
        result = await sender.send(message)
    except SendError as error:
        return await _record(uow_factory, *_after_error(message, error, clock, max_attempts))
    except Exception as error:  # a bug or an unexpected failure: the outcome is unknown
        log.exception("message %s: sender raised unexpectedly", message.id)
        message.move_to(M.NEEDS_REVIEW, clock.now())
        message.last_error = f"unexpected sender error: {type(error).__name__}"[:500]
        return await _record(uow_factory, message, Outcome.NEEDS_REVIEW)
    now = clock.now()
    message.provider_message_id = result.provider_message_id
    message.last_error = None
    message.move_to(M.SENT, now)
    message.sent_at = now
    advance(message, result.status, now)
    log.info(
        "message %s sent by %s to %s as %s",
        message.id,
        message.channel,
        masked_recipient(message),
        result.provider_message_id,
    )
    async with uow_factory() as uow:
        stored = await store(uow, message, M.SENDING)
        if not stored:
            stored = await _store_over_review(uow, message)
        await uow.commit()
    if not stored:
        # Never resend: the provider has it. The id is in the log for the reviewer.
        log.error(
            "message %s was sent as %s but could not be recorded",
            message.id,
            result.provider_message_id,
        )
        return Outcome.NEEDS_REVIEW
    return Outcome.SENT


async def _store_over_review(uow: UnitOfWork, message: Message) -> bool:
    """The reconciler marked the message NEEDS_REVIEW while the send was in flight: the
    send did succeed, so record it over the review mark."""
    fresh = await uow.messages.get(message.id) if message.id is not None else None
    if fresh is None or fresh.status is not M.NEEDS_REVIEW:
        return False
    fresh.provider_message_id = message.provider_message_id
    fresh.sent_at = message.sent_at
    fresh.last_error = None
    fresh.move_to(message.status, message.updated_at)
    return await store(uow, fresh, M.NEEDS_REVIEW)


def _after_error(
    message: Message, error: SendError, clock: Clock, max_attempts: int
) -> tuple[Message, Outcome]:
    now = clock.now()
    reason = error.reason[:500]
    if error.outcome_unknown:
        message.move_to(M.NEEDS_REVIEW, now)
        message.last_error = f"outcome unknown, not resent: {reason}"
        return message, Outcome.NEEDS_REVIEW
    if error.retryable and message.attempts < max_attempts:
        message.move_to(M.SCHEDULED, now)
        message.scheduled_for = now + backoff(message.attempts)
        message.last_error = reason
        return message, Outcome.RETRIED
    message.move_to(M.FAILED, now)
    suffix = f" (after {message.attempts} attempts)" if error.retryable else ""
    message.last_error = reason + suffix
    return message, Outcome.FAILED


async def reconcile_stuck(
    uow_factory: UowFactory,
    clock: Clock,
    sender: MessageSender,
    stale_after: timedelta,
    limit: int = RECONCILE_BATCH,
) -> int:
    """Settle messages left SENDING for longer than `stale_after` (their worker died).

    Where the provider's id was recorded, its current status is applied; otherwise (or
    when the provider cannot say) the message goes to NEEDS_REVIEW. Nothing is resent.
    `stale_after` must exceed the longest a send can take (the sender's timeout).
    Returns how many messages were settled.
    """
    async with uow_factory() as uow:
        stale = await uow.messages.stale_sending(clock.now() - stale_after, limit)
    settled = 0
    for message in stale:
        reported = None
        if message.provider_message_id is not None:
            try:
                reported = await sender.fetch_status(message)
            except Exception:
                log.exception("message %s: provider status unavailable", message.id)
        now = clock.now()
        if reported in (M.SCHEDULED, M.SENDING):
            reported = M.SENT  # the provider has it, still on its way
        if reported is None or not advance(message, reported, now):
            message.move_to(M.NEEDS_REVIEW, now)
            message.last_error = (
                "worker stopped mid-send; the provider does not know it: check before resending"
                if message.provider_message_id
                else "worker stopped mid-send; outcome unknown: check before resending"
            )
        async with uow_factory() as uow:
            if await store(uow, message, M.SENDING):
                settled += 1
            await uow.commit()
    return settled
