"""A Hypothesis state machine drives the real use cases against the real database and
checks, after every step, that what is stored agrees with a plain-Python model.

Rules: customers (optionally referred; referral changes that would loop are refused),
technicians, jobs and their start/complete/cancel moves, payments, expenses (customer,
job or both), reviews of completed jobs, follow-ups (with or without a queued message) and
their moves, contact details, communication preferences and marketing consent, STOP/START
replies, provider status callbacks, send failures, message cancellation, post-service
surveys, and dispatching the outbox with the clock moved on by a random amount.

Invariants: customer and job financials equal the model's; the stored referral graph is
the model's and has no cycle; job statuses are the model's; reviews are the model's;
follow-up and message statuses only ever moved forward; every message handed to the
sender (and every call task made) was allowed at that instant by consent, marketing
consent, the preferred channel, quiet hours and preferred times, went to the customer's
current contact detail, and no customer got more marketing than their weekly cap. A
refusal must be a DomainError and must be the one the model expects; anything else fails.
"""

from __future__ import annotations

import asyncio
import copy
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from adapters.messaging.twilio.status_map import map_provider_status
from application import customers, expenses, follow_ups, jobs, payments, reviews, technicians
from application.access import SYSTEM
from application.customer_reads import customer_financials, job_financials
from application.engagement.post_service_surveys import queue_post_service_surveys
from application.follow_ups import FollowUpChanges, FollowUpMessage, NewFollowUp
from application.messaging.messages import cancel_message, list_messages
from application.outbox.callbacks import apply_status_callback
from application.outbox.dispatch import dispatch_due
from application.outbox.inbound import handle_inbound
from application.pagination import MAX_PAGE_SIZE, ListQuery
from application.ports.outbox import SendError, SendResult
from application.ports.unit_of_work import UnitOfWork
from domain.contact_preferences import (
    ContactMethod,
    ContactPreferences,
    ContactTimes,
    DaySlot,
    Frequency,
)
from domain.customer import Customer, CustomerDetails
from domain.errors import DomainError
from domain.expense import Expense, ExpenseDetails
from domain.follow_up import FOLLOW_UP_TRANSITIONS, FollowUp, FollowUpStatus
from domain.job import Job, JobDetails
from domain.messaging.message import RANK, TRANSITIONS, Message, MessageStatus, Purpose
from domain.money import Money
from domain.payment import Payment, PaymentDetails, PaymentMethod
from domain.review import Review
from domain.survey_window import SURVEY_KEY_PREFIX
from domain.technician import TechnicianDetails
from entrypoints.container import Container
from entrypoints.settings import Settings
from tests.conftest import TEST_JWT_SECRET, truncate_all
from tests.fakes import FakeClock, FakeSender
from tests.overrides import container_for_tests
from tests.stateful_model import (
    CAP_WINDOW,
    FOLLOW_UP_MOVES,
    JOB_MOVES,
    WEEKLY_MARKETING_CAP,
    Contact,
    Entry,
    Ledger,
    ancestors,
    has_cycle,
)

P = ParamSpec("P")
T = TypeVar("T")

START = datetime(2030, 3, 8, 13, 0, tzinfo=UTC)  # a Friday, two days before US DST starts
PHONES = ["+14155550101", "+14155550102", "+34911000003"]
EMAILS = ["a@example.com", "b@example.com"]
ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Auckland"]
CURRENCIES = ["USD", "USD", "EUR"]
ALL_PAGE = ListQuery(MAX_PAGE_SIZE)

picks = st.integers(min_value=0, max_value=63)  # an index into a model list, modulo its length
# Lifecycle moves, reviews and referrals pick among the first few entries only, so that one
# job, follow-up or customer goes through several moves in a run (and their illegal ones).
few = st.integers(min_value=0, max_value=3)
phones = st.sampled_from([*PHONES, None])
emails = st.sampled_from([*EMAILS, None])
minor_amounts = st.integers(min_value=1, max_value=2_000_000)
channels = st.sampled_from(list(ContactMethod))
purposes = st.sampled_from([Purpose.TRANSACTIONAL, Purpose.TRANSACTIONAL, Purpose.MARKETING])
slot_sets = st.frozensets(st.sampled_from(list(DaySlot)), max_size=2)


class RecordingSender(FakeSender):
    """The fake provider: records every message it is handed (a copy, with the clock's
    instant), including those it then refuses with the queued `fail_with` errors."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock, pause=False)
        self.received: list[tuple[Message, datetime]] = []

    async def send(self, message: Message) -> SendResult:
        self.received.append((copy.copy(message), self.clock.now() if self.clock else START))
        return await super().send(message)


class UseCases:
    """The ONE place the machine calls into src/application.

    `call` runs a use case of `src/application/*.py` (the office's actions and reads);
    when the use cases take a leading `actor`, it becomes `use_case(SYSTEM, *args, ...)`
    here and nowhere else. `work` runs the workers' and webhooks' entry points
    (`application/messaging/*`, `application/engagement/*`), which act without an actor.
    """

    def __init__(self, runner: asyncio.Runner) -> None:
        self._runner = runner

    def call(self, use_case: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs) -> T:
        return self._run(use_case(SYSTEM, *args, **kwargs))

    def work(self, entry: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs) -> T:
        return self._run(entry(*args, **kwargs))

    def _run(self, awaitable: Awaitable[T]) -> T:
        async def wrapped() -> T:
            return await awaitable

        coroutine: Coroutine[Any, Any, T] = wrapped()
        return self._runner.run(coroutine)


@dataclass
class JobModel:
    customer_id: int
    technician_id: int | None
    status: str = "SCHEDULED"


class UseCaseMachine(RuleBasedStateMachine):
    database_url: str = ""

    def __init__(self) -> None:
        super().__init__()
        self.runner = asyncio.Runner()
        self.use = UseCases(self.runner)
        self.clock = FakeClock(START)
        self.sender = RecordingSender(self.clock)
        self.container: Container = self.runner.run(self._open())
        self.quiet = self.container.quiet_hours()
        # The model.
        self.customer_ids: list[int] = []
        self.codes: dict[int, str] = {}
        self.referred_by: dict[int, int | None] = {}
        self.contacts: dict[int, Contact] = {}
        self.technician_ids: list[int] = []
        self.jobs: dict[int, JobModel] = {}
        self.job_ids: list[int] = []
        self.ledger = Ledger()
        self.reviewed: set[int] = set()
        self.follow_up_ids: list[int] = []
        # What was seen so far.
        self.follow_up_seen: dict[int, FollowUpStatus] = {}
        self.message_seen: dict[int, Message] = {}
        self.checked_sends = 0
        self.financials_verified: tuple[int, ...] = ()
        self.steps = 0

    async def _open(self) -> Container:
        config = Settings(
            database_url=self.database_url, jwt_secret=TEST_JWT_SECRET, environment="test"
        )
        container = container_for_tests(config, clock=self.clock)
        await truncate_all(container.engine())
        return container

    def teardown(self) -> None:
        try:
            self.runner.run(self.container.engine().dispose())
        finally:
            self.runner.close()
        STATS.examples += 1
        STATS.steps += self.steps

    # --- helpers -------------------------------------------------------------------------

    def attempt(
        self,
        expected: bool,
        use_case: Callable[P, Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T | None:
        """Run a use case the model expects to succeed (`expected`) or to be refused; a
        refusal must be a DomainError (anything else propagates and fails the run)."""
        try:
            result = self.use.call(use_case, *args, **kwargs)
        except DomainError as refused:
            STATS.refused += 1
            assert not expected, f"{use_case.__name__} refused unexpectedly: {refused!r}"
            return None
        assert expected, f"{use_case.__name__} accepted what the model refuses"
        return result

    def uow(self) -> Any:
        return self.container.uow()

    def pick_customer(self, n: int) -> int:
        return self.customer_ids[n % len(self.customer_ids)]

    def pick_job(self, n: int) -> int:
        return self.job_ids[n % len(self.job_ids)]

    def details_of(self, customer_id: int) -> CustomerDetails:
        c = self.contacts[customer_id]
        return CustomerDetails(f"Customer {customer_id}", c.phone, c.email, time_zone=c.time_zone)

    def messages(self) -> list[Message]:
        return self.use.call(list_messages, self.uow(), ALL_PAGE).items

    # --- customers, referrals, technicians -------------------------------------------------

    @initialize(
        people=st.lists(
            st.tuples(
                st.sampled_from(PHONES),
                emails,
                st.sampled_from(ZONES),
                st.none() | st.tuples(st.none() | channels, purposes),
            ),
            min_size=2,
            max_size=3,
        ),
        technician=st.booleans(),
    )
    def open_the_shop(
        self,
        people: list[
            tuple[str | None, str | None, str, tuple[ContactMethod | None, Purpose] | None]
        ],
        technician: bool,
    ) -> None:
        """A few customers with a phone, each with a job (assigned when there is a
        technician) and perhaps a follow-up message queued for right away."""
        if technician:
            self.create_technician(active=True)
        for phone, email, zone, message in people:
            customer_id = self._add_customer(phone, email, zone, None, None, True)
            assert customer_id is not None
            job_id = self._add_job(customer_id, 0, 1)
            if message is not None:
                wanted = FollowUpMessage("Thanks for booking", message[0], None, message[1])
                self._open_follow_up(job_id, customer_id, False, wanted)

    @rule(
        phone=phones,
        email=emails,
        zone=st.sampled_from(ZONES),
        referrer=st.none() | picks,
        code_style=st.sampled_from(["exact", "lower-dashed", "unknown", "malformed"]),
    )
    def create_customer(
        self, phone: str | None, email: str | None, zone: str, referrer: int | None, code_style: str
    ) -> None:
        """A new customer, perhaps referred by an existing one's code (as typed, or wrong)."""
        self.steps += 1
        code: str | None = None
        referrer_id = None
        if referrer is not None and self.customer_ids:
            referrer_id = self.pick_customer(referrer)
            exact = self.codes[referrer_id]
            code = {
                "exact": exact,
                "lower-dashed": f"{exact[:4]}-{exact[4:]}".lower(),
                "unknown": "ZZZZZZZZ" if exact != "ZZZZZZZZ" else "YYYYYYYY",
                "malformed": "not a code!",
            }[code_style]
        expected = code is None or code_style in ("exact", "lower-dashed")
        self._add_customer(phone, email, zone, code, referrer_id, expected)

    def _add_customer(
        self,
        phone: str | None,
        email: str | None,
        zone: str,
        code: str | None,
        referrer_id: int | None,
        expected: bool,
    ) -> int | None:
        details = CustomerDetails("New customer", phone, email, time_zone=zone)
        created = self.attempt(
            expected, customers.create_customer, self.uow(), self.clock, details, code
        )
        if created is None:
            return None
        assert created.id is not None
        self.customer_ids.append(created.id)
        self.codes[created.id] = created.referral_code
        self.referred_by[created.id] = referrer_id if code is not None else None
        self.contacts[created.id] = Contact(phone, email, zone)
        return created.id

    @precondition(lambda self: len(self.customer_ids) >= 1)
    @rule(who=few, referrer=few)
    def refer(self, who: int, referrer: int) -> None:
        """Record (or change) who referred an existing customer; a loop is refused."""
        self.steps += 1
        customer_id, referrer_id = self.pick_customer(who), self.pick_customer(referrer)
        loops = referrer_id == customer_id or customer_id in ancestors(
            self.referred_by, referrer_id
        )
        details = self.details_of(customer_id)
        code = customers.Referrer(code=self.codes[referrer_id])
        done = self.attempt(
            not loops, customers.update_customer, self.uow(), self.clock, customer_id, details, code
        )
        if done is not None:
            self.referred_by[customer_id] = referrer_id

    @precondition(lambda self: any(r is not None for r in self.referred_by.values()))
    @rule(who=picks, up=picks)
    def refer_back_up_the_chain(self, who: int, up: int) -> None:
        """Try to close a referral loop: someone up a customer's chain "referred by" them."""
        self.steps += 1
        referred = [c for c, r in self.referred_by.items() if r is not None]
        customer_id = referred[who % len(referred)]
        chain = ancestors(self.referred_by, customer_id)
        ancestor = chain[up % len(chain)]
        details = self.details_of(ancestor)
        code = customers.Referrer(code=self.codes[customer_id])
        self.attempt(
            False, customers.update_customer, self.uow(), self.clock, ancestor, details, code
        )

    @precondition(lambda self: len(self.customer_ids) >= 1)
    @rule(who=picks, phone=phones, email=emails, zone=st.sampled_from(ZONES))
    def change_contact_details(
        self, who: int, phone: str | None, email: str | None, zone: str
    ) -> None:
        self.steps += 1
        customer_id = self.pick_customer(who)
        details = CustomerDetails(f"Customer {customer_id}", phone, email, time_zone=zone)
        self.attempt(True, customers.update_customer, self.uow(), self.clock, customer_id, details)
        contact = self.contacts[customer_id]
        contact.phone, contact.email, contact.time_zone = phone, email, zone

    @precondition(lambda self: len(self.customer_ids) >= 1)
    @rule(
        who=picks,
        method=st.none() | channels,
        times=st.none() | st.tuples(slot_sets, slot_sets),
        frequency=st.none() | st.sampled_from(list(Frequency)),
        marketing=st.none() | st.booleans(),
    )
    def set_preferences(
        self,
        who: int,
        method: ContactMethod | None,
        times: tuple[frozenset[DaySlot], frozenset[DaySlot]] | None,
        frequency: Frequency | None,
        marketing: bool | None,
    ) -> None:
        self.steps += 1
        customer_id = self.pick_customer(who)
        contact_times = None if times is None else ContactTimes(times[0], times[1])
        preferences = ContactPreferences(method, contact_times, frequency, "en")
        self.attempt(
            True,
            customers.set_communication_preferences,
            self.uow(),
            self.clock,
            customer_id,
            preferences,
            marketing,
        )
        contact = self.contacts[customer_id]
        contact.method = None if method is None else method.value
        contact.weekdays = None if times is None else frozenset(s.value for s in times[0])
        contact.weekends = None if times is None else frozenset(s.value for s in times[1])
        contact.frequency = None if frequency is None else frequency.value
        if marketing is not None:
            contact.marketing_consent = marketing

    @rule(phone=st.sampled_from(PHONES), word=st.sampled_from(["STOP", "start", "Stop.", "HELP"]))
    def reply_by_sms(self, phone: str, word: str) -> None:
        """A customer texts a carrier keyword: STOP/START change consent for the number."""
        self.steps += 1
        channel = ContactMethod.SMS if word != "Stop." else ContactMethod.WHATSAPP
        token = f"inbound-{self.steps}-{len(self.customer_ids)}"
        self.use.work(handle_inbound, self.container.uow, self.clock, phone, word, channel, token)
        keyword = word.strip(".").upper()
        if keyword in ("STOP", "START"):
            for contact in self.contacts.values():
                if contact.phone == phone:
                    if keyword == "STOP":
                        contact.opted_out.add(channel.value)
                    else:
                        contact.opted_out.discard(channel.value)

    @rule(active=st.booleans())
    def create_technician(self, active: bool) -> None:
        self.steps += 1
        details = TechnicianDetails(f"Tech {len(self.technician_ids)}", active=active)
        created = self.attempt(True, technicians.create_technician, self.uow(), self.clock, details)
        assert created is not None and created.id is not None
        if active:
            self.technician_ids.append(created.id)

    # --- jobs -----------------------------------------------------------------------------

    @precondition(lambda self: len(self.customer_ids) >= 1)
    @rule(who=picks, technician=st.none() | picks, days=st.integers(0, 20))
    def schedule_job(self, who: int, technician: int | None, days: int) -> None:
        self.steps += 1
        self._add_job(self.pick_customer(who), technician, days)

    def _add_job(self, customer_id: int, technician: int | None, days: int) -> int:
        technician_id = None
        if technician is not None and self.technician_ids:
            technician_id = self.technician_ids[technician % len(self.technician_ids)]
        details = JobDetails(
            customer_id, "Fix it", self.clock.now() + timedelta(days=days), technician_id
        )
        job = self.attempt(True, jobs.create_job, self.uow(), self.clock, details)
        assert job is not None and job.id is not None
        self.jobs[job.id] = JobModel(customer_id, technician_id)
        self.job_ids.append(job.id)
        self.ledger.job_owner[job.id] = customer_id
        return job.id

    @precondition(lambda self: len(self.job_ids) >= 1)
    @rule(which=picks, legal=st.booleans())
    def start_job(self, which: int, legal: bool) -> None:
        self.steps += 1
        self._move_job(which, "start", legal)

    @precondition(lambda self: len(self.job_ids) >= 1)
    @rule(which=picks, legal=st.booleans())
    def complete_job(self, which: int, legal: bool) -> None:
        self.steps += 1
        self._move_job(which, "complete", legal)

    @precondition(lambda self: len(self.job_ids) >= 1)
    @rule(which=picks, legal=st.booleans())
    def cancel_job(self, which: int, legal: bool) -> None:
        self.steps += 1
        self._move_job(which, "cancel", legal)

    def _move_job(self, which: int, action: str, legal: bool) -> None:
        """The move on a job whose status allows it (`legal`) or on one whose status does
        not (when there is such a job): the latter is refused and changes nothing."""
        candidates = [
            j for j in self.job_ids if (self.jobs[j].status in JOB_MOVES[action]) is legal
        ]
        job_id = candidates[which % len(candidates)] if candidates else self.pick_job(which)
        model = self.jobs[job_id]
        target = JOB_MOVES[action].get(model.status)
        use_case = {"start": jobs.start_job, "complete": jobs.complete_job}.get(
            action, jobs.cancel_job
        )
        moved = self.attempt(target is not None, use_case, self.uow(), self.clock, job_id)
        if moved is not None:
            assert target is not None
            assert moved.status.value == target
            model.status = target

    # --- money ----------------------------------------------------------------------------

    @precondition(lambda self: len(self.customer_ids) >= 1)
    @rule(
        who=picks,
        job=st.none() | picks,
        minor=minor_amounts,
        currency=st.sampled_from(CURRENCIES),
        method=st.sampled_from(list(PaymentMethod)),
    )
    def record_payment(
        self, who: int, job: int | None, minor: int, currency: str, method: PaymentMethod
    ) -> None:
        self.steps += 1
        customer_id = self.pick_customer(who)
        job_id = self.pick_job(job) if job is not None and self.job_ids else None
        own = job_id is None or self.jobs[job_id].customer_id == customer_id
        details = PaymentDetails(
            customer_id,
            Money.of(Decimal(minor).scaleb(-2), currency),
            self.clock.now(),
            method,
            job_id,
        )
        paid = self.attempt(own, payments.create_payment, self.uow(), self.clock, details)
        if paid is not None:
            self.ledger.payments.append(Entry(customer_id, job_id, minor, currency, method.value))

    @precondition(lambda self: len(self.customer_ids) >= 1)
    @rule(
        kind=st.sampled_from(["customer", "job", "both", "mismatched"]),
        who=picks,
        job=picks,
        minor=minor_amounts,
        currency=st.sampled_from(CURRENCIES),
    )
    def record_expense(self, kind: str, who: int, job: int, minor: int, currency: str) -> None:
        self.steps += 1
        if kind != "customer" and not self.job_ids:
            kind = "customer"
        customer_id: int | None = self.pick_customer(who)
        job_id = self.pick_job(job) if kind != "customer" else None
        if kind == "job":
            customer_id = None
        elif kind == "both":
            assert job_id is not None
            customer_id = self.jobs[job_id].customer_id
        expected = job_id is None or customer_id in (None, self.jobs[job_id].customer_id)
        details = ExpenseDetails(
            Money.of(Decimal(minor).scaleb(-2), currency),
            "parts",
            self.clock.now(),
            customer_id=customer_id,
            job_id=job_id,
        )
        spent = self.attempt(expected, expenses.create_expense, self.uow(), self.clock, details)
        if spent is not None:
            self.ledger.expenses.append(Entry(customer_id, job_id, minor, currency))

    # --- reviews and follow-ups -------------------------------------------------------------

    @precondition(lambda self: len(self.job_ids) >= 1)
    @rule(
        which=picks,
        completed=st.booleans(),
        rating=st.integers(0, 6),
        name_technician=st.booleans(),
    )
    def review(self, which: int, completed: bool, rating: int, name_technician: bool) -> None:
        """Only a completed job with a technician, once, with a rating of 1-5."""
        self.steps += 1
        done = [j for j in self.job_ids if self.jobs[j].status == "COMPLETED"]
        job_id = done[which % len(done)] if completed and done else self.pick_job(which)
        model = self.jobs[job_id]
        expected = (
            model.status == "COMPLETED"
            and model.technician_id is not None
            and job_id not in self.reviewed
            and 1 <= rating <= 5
        )
        technician_id = model.technician_id if name_technician else None
        done = self.attempt(
            expected,
            reviews.create_review,
            self.uow(),
            self.clock,
            job_id,
            model.customer_id,
            technician_id,
            rating,
            "Good work" if rating >= 3 else None,
        )
        if done is not None:
            self.reviewed.add(job_id)

    @precondition(lambda self: len(self.job_ids) >= 1)
    @rule(which=picks, dated=st.booleans(), other_customer=picks)
    def open_follow_up(self, which: int, dated: bool, other_customer: int) -> None:
        """A follow-up of a job, named for its customer (or wrongly for another: refused)."""
        self.steps += 1
        job_id = self.pick_job(which)
        customer_id = self.pick_customer(other_customer)
        self._open_follow_up(job_id, customer_id, dated, None)

    @precondition(lambda self: len(self.job_ids) >= 1)
    @rule(
        which=picks,
        dated=st.booleans(),
        channel=st.none() | channels,
        minutes=st.none() | st.integers(-120, 36 * 60),
        purpose=purposes,
    )
    def schedule_message(
        self,
        which: int,
        dated: bool,
        channel: ContactMethod | None,
        minutes: int | None,
        purpose: Purpose,
    ) -> None:
        """A follow-up with a message queued in the outbox (in the customer's preferred
        channel unless one is named; refused when the customer has no detail for it)."""
        self.steps += 1
        job_id = self.pick_job(which)
        when = None if minutes is None else self.clock.now() + timedelta(minutes=minutes)
        wanted = FollowUpMessage("How did it go?", channel, when, purpose)
        self._open_follow_up(job_id, self.jobs[job_id].customer_id, dated, wanted)

    def _open_follow_up(
        self, job_id: int, customer_id: int, dated: bool, wanted: FollowUpMessage | None
    ) -> None:
        date = self.clock.now() + timedelta(hours=6) if dated else None
        expected = customer_id == self.jobs[job_id].customer_id
        if wanted is not None:
            contact = self.contacts[customer_id]
            used = (
                wanted.channel.value
                if wanted.channel is not None
                else contact.method or ("SMS" if contact.phone else "EMAIL")
            )
            expected = expected and contact.recipient(used) is not None
        new = NewFollowUp(job_id, customer_id, date, message=wanted)
        created = self.attempt(expected, follow_ups.create_follow_up, self.uow(), self.clock, new)
        if created is not None:
            assert created.id is not None
            self.follow_up_ids.append(created.id)

    @precondition(lambda self: len(self.follow_up_ids) >= 1)
    @rule(which=few, to=st.sampled_from(list(FollowUpStatus)))
    def move_follow_up(self, which: int, to: FollowUpStatus) -> None:
        self.steps += 1
        follow_up_id = self.follow_up_ids[which % len(self.follow_up_ids)]
        current = self.use.call(follow_ups.get_follow_up, self.uow(), follow_up_id).status
        allowed = to is current or to.value in FOLLOW_UP_MOVES[current.value]
        moved = self.attempt(
            allowed,
            follow_ups.update_follow_up,
            self.uow(),
            follow_up_id,
            FollowUpChanges(status=to),
        )
        if moved is None:
            after = self.use.call(follow_ups.get_follow_up, self.uow(), follow_up_id).status
            assert after is current, "a refused move changed the follow-up"
        else:
            assert moved.status is to

    # --- the outbox -------------------------------------------------------------------------

    @rule(minutes=st.integers(1, 180))
    def dispatch_soon(self, minutes: int) -> None:
        """The clock moves on a little; the dispatcher sends whatever is due."""
        self.steps += 1
        self._dispatch_after(timedelta(minutes=minutes))

    @rule(hours=st.integers(3, 36), minutes=st.integers(0, 59))
    def dispatch_later(self, hours: int, minutes: int) -> None:
        """The clock moves on by hours (into quiet hours, the next day...); dispatch."""
        self.steps += 1
        self._dispatch_after(timedelta(hours=hours, minutes=minutes))

    def _dispatch_after(self, delay: timedelta) -> None:
        self.clock.advance(delay)
        report = self.use.work(
            dispatch_due, self.container.uow, self.clock, self.sender, self.quiet, 50
        )
        STATS.dispatched.update(
            {k: getattr(report, k) for k in ("sent", "deferred", "suppressed", "failed")}
        )

    @rule(
        failure=st.sampled_from(["retryable", "permanent", "unknown"]),
        minutes=st.integers(1, 180),
    )
    def dispatch_with_a_failing_send(self, failure: str, minutes: int) -> None:
        """The next send the provider gets fails (retryable, refused, or outcome unknown)."""
        self.steps += 1
        unknown = failure == "unknown"
        error = SendError(failure == "retryable", f"{failure} failure", outcome_unknown=unknown)
        self.sender.fail_with.append(error)
        self._dispatch_after(timedelta(minutes=minutes))

    @rule(
        which=picks,
        status=st.sampled_from(["delivered", "undelivered", "failed", "sent", "read", "receiving"]),
    )
    def provider_reports(self, which: int, status: str) -> None:
        """A status callback for a message the provider has (repeats and late ones too)."""
        self.steps += 1
        known = [m for m in self.messages() if m.provider_message_id is not None]
        if not known:
            return
        message = known[which % len(known)]
        assert message.provider_message_id is not None
        self.use.work(
            apply_status_callback,
            self.container.uow,
            self.clock,
            message.provider_message_id,
            map_provider_status(status),
            f"status-{self.steps}",
        )

    @rule(which=picks)
    def cancel_a_message(self, which: int) -> None:
        self.steps += 1
        found = self.messages()
        if not found:
            return
        message = found[which % len(found)]
        assert message.id is not None
        expected = message.status is MessageStatus.SCHEDULED
        self.attempt(expected, cancel_message, self.uow(), self.clock, message.id)

    @precondition(lambda self: any(j.status == "COMPLETED" for j in self.jobs.values()))
    @rule(days=st.integers(0, 5))
    def queue_surveys(self, days: int) -> None:
        """The daily survey pass, some days after jobs were completed."""
        self.steps += 1
        self.clock.advance(timedelta(days=days))
        self.use.work(queue_post_service_surveys, self.container.engagement_context())
        stored = self.runner.run(_read_stored(self.uow()))
        follow_ups = {f.id: f for f in stored.follow_ups}
        for message in stored.messages:  # each survey comes with a follow-up of its job
            if not message.idempotency_key.startswith(SURVEY_KEY_PREFIX):
                continue
            survey = follow_ups[message.follow_up_id]
            assert survey.job_id == message.job_id
            if survey.id not in self.follow_up_ids:
                self.follow_up_ids.append(survey.id)

    # --- invariants ---------------------------------------------------------------------------

    @invariant()
    def stored_state_agrees_with_the_model(self) -> None:
        """After every step (one read of every table, in one unit of work)."""
        stored = self.runner.run(_read_stored(self.uow()))
        self.check_financials(stored)
        self.check_referrals(stored)
        self.check_jobs_and_reviews(stored)
        self.check_follow_ups(stored)
        self.check_messages(stored)

    def check_financials(self, db: Stored) -> None:
        """The stored payments and expenses are the model's, and so are the financials read
        through the use cases (re-read whenever the rows they sum, or the set of customers
        and jobs, changed since they were last verified)."""
        paid, spent = db.payments, db.expenses
        stored = (
            Counter(
                Entry(
                    p.details.customer_id,
                    p.details.job_id,
                    _minor(p.details.amount),
                    p.details.amount.currency,
                    p.details.payment_method.value,
                )
                for p in paid
            ),
            Counter(
                Entry(
                    e.details.customer_id,
                    e.details.job_id,
                    _minor(e.details.amount),
                    e.details.amount.currency,
                )
                for e in spent
            ),
        )
        assert stored == (Counter(self.ledger.payments), Counter(self.ledger.expenses))
        state = (len(paid), len(spent), len(self.customer_ids), len(self.job_ids))
        if state == self.financials_verified:
            return
        query = self.container.financials_query()
        for customer_id in self.customer_ids:
            found = self.use.call(customer_financials, self.uow(), query, customer_id)
            assert found == self.ledger.customer(customer_id), f"customer {customer_id}"
        for job_id in self.job_ids:
            found_job = self.use.call(job_financials, self.uow(), query, job_id)
            assert found_job == self.ledger.job(job_id), f"job {job_id}"
        self.financials_verified = state

    def check_referrals(self, db: Stored) -> None:
        """The stored referral graph is the model's and has no cycle."""
        graph = {c.id: c.referred_by_id for c in db.customers if c.id is not None}
        assert graph == self.referred_by
        assert not has_cycle(graph)

    def check_jobs_and_reviews(self, db: Stored) -> None:
        assert {j.id: j.status.value for j in db.jobs} == {
            i: m.status for i, m in self.jobs.items()
        }
        assert sorted(r.job_id for r in db.reviews) == sorted(self.reviewed)

    def check_follow_ups(self, db: Stored) -> None:
        """Every follow-up status only moved forward since it was last seen."""
        stored = db.follow_ups
        assert sorted(f.id for f in stored if f.id is not None) == sorted(self.follow_up_ids)
        for follow_up in stored:
            assert follow_up.id is not None
            before = self.follow_up_seen.get(follow_up.id)
            if before is not None:
                assert follow_up.status in _reachable(before), (
                    f"follow-up {follow_up.id} went from {before} to {follow_up.status}"
                )
            self.follow_up_seen[follow_up.id] = follow_up.status

    def check_messages(self, db: Stored) -> None:
        """Message statuses only moved forward; whatever went out was allowed then."""
        stored = db.messages
        quiet = (self.quiet.start, self.quiet.end)
        for message in stored:
            assert message.id is not None
            before = self.message_seen.get(message.id)
            if before is not None:
                assert RANK[message.status] >= RANK[before.status], (
                    f"message {message.id} went back from {before.status} to {message.status}"
                )
                if before.status is not message.status:
                    assert message.status in _message_reachable(before.status)
            newly_sent = message.sent_at is not None and (before is None or before.sent_at is None)
            if newly_sent and message.channel is ContactMethod.PHONE:  # a call task, no sender
                assert message.sent_at is not None
                why = self.contacts[message.customer_id].refusal(
                    message.channel.value, message.purpose.value, message.sent_at, quiet
                )
                assert why is None, f"call task for message {message.id} made although {why}"
            if newly_sent and message.purpose.value != "TRANSACTIONAL":
                self._check_weekly_cap(message, stored)
            self.message_seen[message.id] = message
        for sent, at in self.sender.received[self.checked_sends :]:
            contact = self.contacts[sent.customer_id]
            why = contact.refusal(sent.channel.value, sent.purpose.value, at, quiet)
            assert why is None, f"message {sent.id} handed to the provider at {at} although {why}"
            assert sent.recipient == contact.recipient(sent.channel.value)
        self.checked_sends = len(self.sender.received)

    def _check_weekly_cap(self, message: Message, stored: list[Message]) -> None:
        assert message.sent_at is not None
        since = message.sent_at - CAP_WINDOW
        in_window = [
            m
            for m in stored
            if m.customer_id == message.customer_id
            and m.purpose.value != "TRANSACTIONAL"
            and m.sent_at is not None
            and since < m.sent_at <= message.sent_at
        ]
        cap = WEEKLY_MARKETING_CAP[self.contacts[message.customer_id].frequency]
        assert len(in_window) <= cap, (
            f"customer {message.customer_id} got {len(in_window)} marketing messages in a "
            f"week (cap {cap})"
        )


@dataclass
class Stored:
    """Every row the invariants look at, read in one unit of work."""

    customers: list[Customer]
    jobs: list[Job]
    payments: list[Payment]
    expenses: list[Expense]
    reviews: list[Review]
    follow_ups: list[FollowUp]
    messages: list[Message]


async def _read_stored(uow: UnitOfWork) -> Stored:
    async with uow:
        return Stored(
            (await uow.customers.list(ALL_PAGE)).items,
            (await uow.jobs.list(ALL_PAGE)).items,
            (await uow.payments.list(ALL_PAGE)).items,
            (await uow.expenses.list(ALL_PAGE)).items,
            (await uow.reviews.list(ALL_PAGE)).items,
            (await uow.follow_ups.list(ALL_PAGE)).items,
            (await uow.messages.list(ALL_PAGE)).items,
        )


def _minor(amount: Money) -> int:
    return int(amount.amount.scaleb(2))


def _reachable(status: FollowUpStatus) -> set[FollowUpStatus]:
    """`status` and every status the domain's follow-up machine can reach from it."""
    seen, todo = {status}, [status]
    while todo:
        for nxt in FOLLOW_UP_TRANSITIONS[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _message_reachable(status: MessageStatus) -> set[MessageStatus]:
    seen, todo = {status}, [status]
    while todo:
        for nxt in TRANSITIONS[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@dataclass
class Stats:
    """What the runs exercised (printed with -s, to see the machine does reach the outbox)."""

    examples: int = 0
    steps: int = 0
    refused: int = 0
    dispatched: Counter[str] = field(default_factory=Counter)


STATS = Stats()


def test_use_cases_keep_their_invariants(database_url: str) -> None:
    machine = type("UseCases", (UseCaseMachine,), {"database_url": database_url})
    STATS.examples = STATS.steps = STATS.refused = 0
    STATS.dispatched.clear()
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    print(
        f"stateful use cases on {database_url.split(':')[0]}: "
        f"{STATS.examples} examples, {STATS.steps} steps, {STATS.refused} refusals, "
        f"dispatch outcomes {dict(STATS.dispatched)}"
    )
    assert STATS.examples > 0 and STATS.steps > 0
