"""Sending due outbox messages exactly once.

The path of one message (`send_one`):

1. **Claim** it (`claim.py`): SCHEDULED → SENDING in one atomic conditional update; a
   worker that loses the race stops here.
2. **Decide** with the domain send policy (no transaction open): SEND, DEFER to the next
   allowed instant (back to SCHEDULED) or SUPPRESS (with the reason in `last_error`).
3. **Send** through the MessageSender port, outside any transaction; PHONE messages become
   a call task for the office. Where we choose the provider's id (SMTP's Message-ID) it is
   stored first: a send whose answer is lost can be looked up, and a SENDING row without
   it was certainly never handed over (the reconciler queues it again).
4. **Record** the outcome at once (`record.py`), a compare-and-set on SENDING, retried
   across a database outage (`write_back.py`): a known outcome is not lost to it.

`send_one` runs for a message queued for "now" as soon as its transaction commits (the
`send_message` actor) and for every due message from the once-a-minute `dispatch_due`;
the claim lets exactly one of them send it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime

from application.outbox.claim import Claimed, UowFactory, claim
from application.outbox.outcome import DispatchReport, Outcome
from application.outbox.record import (
    after_error,
    record,
    record_call_task,
    record_sent,
    store_chosen_id,
)
from application.outbox.state import advance
from application.outbox.write_back import WriteBack, written_back
from application.ports.clock import Clock
from application.ports.outbox import MessageSender, SendError
from domain.contact_preferences import ContactMethod, QuietHours
from domain.messaging.masking import masked_recipient
from domain.messaging.message import Message, MessageStatus
from domain.messaging.send_policy import Decision, Verdict, decide

log = logging.getLogger(__name__)

M = MessageStatus
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_WRITE_BACK = WriteBack()


async def dispatch_due(
    uow_factory: UowFactory,
    clock: Clock,
    sender: MessageSender,
    quiet: QuietHours,
    batch_size: int = 100,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    concurrency: int = 1,
    for_seconds: float = 0.0,
    write_back: WriteBack = DEFAULT_WRITE_BACK,
) -> DispatchReport:
    """Send due messages (oldest first), `batch_size` at a time with up to `concurrency`
    sends in flight; while batches come back full, go on with the next one for up to
    `for_seconds` (0: one batch). Safe to run in any number of workers at once: each
    message is claimed by exactly one of them."""
    report = DispatchReport()
    limit = asyncio.Semaphore(max(concurrency, 1))
    deadline = time.monotonic() + for_seconds

    async def one(message_id: int) -> None:
        async with limit:
            outcome = await send_one(
                uow_factory,
                clock,
                sender,
                quiet,
                message_id,
                max_attempts=max_attempts,
                write_back=write_back,
            )
        report.count(outcome)

    while True:
        async with uow_factory() as uow:
            ids = await uow.messages.due_ids(clock.now(), batch_size)
        if concurrency <= 1:
            for message_id in ids:
                await one(message_id)
        else:
            await asyncio.gather(*(one(message_id) for message_id in ids))
        if len(ids) < batch_size or time.monotonic() >= deadline:
            return report


async def send_one(
    uow_factory: UowFactory,
    clock: Clock,
    sender: MessageSender,
    quiet: QuietHours,
    message_id: int,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    write_back: WriteBack = DEFAULT_WRITE_BACK,
) -> Outcome:
    """Claim, decide, send and record one message; returns the `Outcome`. A message that
    is not due or that another worker claimed is left alone (SKIPPED)."""
    claimed = await claim(uow_factory, clock.now(), message_id)
    if claimed is None:
        return Outcome.SKIPPED
    message = claimed.message
    decision = _decide(claimed, clock.now(), quiet)
    if decision.verdict is not Verdict.SEND:
        return await record(uow_factory, message, _hold_back(message, decision, clock.now()))
    if message.channel is ContactMethod.PHONE:
        return await record_call_task(uow_factory, message, clock.now())
    message.provider_message_id = sender.choose_id(message)
    if message.provider_message_id is not None and not await store_chosen_id(uow_factory, message):
        return Outcome.SKIPPED  # the reconciler queued it again meanwhile: not sent here
    try:
        result = await sender.send(message)
    except SendError as error:
        outcome = after_error(message, error, clock.now(), max_attempts)
        return await written_back(
            lambda: record(uow_factory, message, outcome), message.id, write_back
        )
    except Exception as error:  # a bug or an unexpected failure: the outcome is unknown
        log.exception("message %s: sender raised unexpectedly", message.id)
        message.move_to(M.NEEDS_REVIEW, clock.now())
        message.last_error = f"unexpected sender error: {type(error).__name__}"[:500]
        return await written_back(
            lambda: record(uow_factory, message, Outcome.NEEDS_REVIEW), message.id, write_back
        )
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
    return await written_back(lambda: record_sent(uow_factory, message), message.id, write_back)


def _decide(claimed: Claimed, now: datetime, quiet: QuietHours) -> Decision:
    message, customer = claimed.message, claimed.customer
    if customer is None:
        return Decision(Verdict.SUPPRESS, "the customer no longer exists")
    # Send to the customer's current contact detail: a number they gave up may now be
    # someone else's.
    details = customer.details
    current = details.email if message.channel is ContactMethod.EMAIL else details.phone
    if current is not None:
        message.recipient = current
    return decide(customer, claimed.consent, message, now, quiet, claimed.recent_sends)


def _hold_back(message: Message, decision: Decision, now: datetime) -> Outcome:
    """DEFER: back to SCHEDULED at the next allowed instant; SUPPRESS: never sent. Either
    way nothing was attempted, so the claim's attempt is given back."""
    message.attempts -= 1
    if decision.verdict is Verdict.DEFER:
        assert decision.not_before is not None
        message.move_to(M.SCHEDULED, now)
        message.scheduled_for = decision.not_before
        return Outcome.DEFERRED
    message.move_to(M.SUPPRESSED, now)
    message.last_error = decision.reason
    return Outcome.SUPPRESSED
