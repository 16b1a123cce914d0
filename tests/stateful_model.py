"""A plain-Python model of the shop for the stateful use-case test: what the office did
(customers, referrals, jobs, payments, expenses, reviews, consent) and the rules the
stored state must agree with, restated without the domain's code.

Money is kept in minor units of two-digit currencies; the financial figures are computed
the way the API documents them (see tests/integration/test_financials_property.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from application.read_models.financials import (
    CustomerFinancials,
    JobFinancials,
    JobTotals,
    MethodTotal,
    Totals,
)

DEFAULT_CURRENCY = "USD"  # Settings.default_currency of the test container

# --- lifecycles, restated ---------------------------------------------------------------

JOB_MOVES: dict[str, dict[str, str]] = {
    # action -> {status it may start from: status it leads to}
    "start": {"SCHEDULED": "IN_PROGRESS"},
    "complete": {"IN_PROGRESS": "COMPLETED"},
    "cancel": {"SCHEDULED": "CANCELLED", "IN_PROGRESS": "CANCELLED"},
}
FOLLOW_UP_MOVES: dict[str, set[str]] = {
    "PENDING": {"SCHEDULED", "SENT", "COMPLETED", "CANCELLED"},
    "SCHEDULED": {"SENT", "COMPLETED", "FAILED", "CANCELLED"},
    # Only the outbox moves a follow-up to AWAITING_REVIEW; from there staff may settle it.
    "AWAITING_REVIEW": {"SENT", "SCHEDULED", "COMPLETED", "FAILED", "CANCELLED"},
    "SENT": {"COMPLETED", "NO_RESPONSE", "FAILED"},
    "NO_RESPONSE": {"COMPLETED"},
    "COMPLETED": set(),
    "FAILED": set(),
    "CANCELLED": set(),
}

# --- contact rules, restated ------------------------------------------------------------

SLOT_WINDOWS: dict[str, tuple[time, time | None]] = {  # local [start, end); None: midnight
    "morning": (time(8), time(12)),
    "afternoon": (time(12), time(17)),
    "evening": (time(17), time(21)),
    "any": (time(0), None),
}
WEEKLY_MARKETING_CAP: dict[str | None, int] = {
    "MINIMAL": 1,
    "MODERATE": 3,
    "FREQUENT": 7,
    None: 3,
}
CAP_WINDOW = timedelta(days=7)


def _within(wall: time, start: time, end: time | None) -> bool:
    return start <= wall and (end is None or wall < end)


@dataclass
class Contact:
    """How a customer may be contacted: their details, preferences and consent."""

    phone: str | None
    email: str | None
    time_zone: str
    method: str | None = None
    weekdays: frozenset[str] | None = None  # None (with weekends): no preferred times
    weekends: frozenset[str] | None = None
    frequency: str | None = None
    marketing_consent: bool = False
    opted_out: set[str] = field(default_factory=set)

    def recipient(self, channel: str) -> str | None:
        return self.email if channel == "EMAIL" else self.phone

    def refusal(
        self, channel: str, purpose: str, at: datetime, quiet: tuple[time, time]
    ) -> str | None:
        """Why a message may not go out at `at` (None: it may)."""
        if channel in self.opted_out:
            return f"opted out of {channel}"
        if purpose != "TRANSACTIONAL" and not self.marketing_consent:
            return "no marketing consent"
        if self.method is not None and channel != self.method:
            return f"prefers {self.method}, not {channel}"
        if self.recipient(channel) is None:
            return f"no contact detail for {channel}"
        local = at.astimezone(ZoneInfo(self.time_zone))
        wall = local.time().replace(tzinfo=None)
        if not _within(wall, *quiet):
            return f"quiet hours at local {wall}"
        if self.weekdays is not None and self.weekends is not None:
            slots = self.weekends if local.weekday() >= 5 else self.weekdays
            if not any(_within(wall, *SLOT_WINDOWS[s]) for s in slots):
                return f"outside preferred times at local {local:%a %H:%M}"
        return None


# --- the ledger ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A payment or an expense: minor units of a two-digit currency."""

    customer_id: int | None
    job_id: int | None
    minor: int
    currency: str
    method: str = ""


def money_text(minor: int) -> str:
    """Minor units as the API writes them ("-12.05")."""
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100}.{abs(minor) % 100:02d}"


def _totals(revenue: list[Entry], spent: list[Entry]) -> list[Totals]:
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in revenue:
        per[row.currency][0] += row.minor
    for row in spent:
        per[row.currency][1] += row.minor
    if not per:
        per[DEFAULT_CURRENCY] = [0, 0]
    ranked = sorted(per.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), kv[0]))
    return [
        Totals(currency=c, revenue=money_text(r), expenses=money_text(e), net=money_text(r - e))
        for c, (r, e) in ranked
    ]


@dataclass
class Ledger:
    """Payments and expenses as recorded, and whose each job is."""

    job_owner: dict[int, int] = field(default_factory=dict)
    payments: list[Entry] = field(default_factory=list)
    expenses: list[Entry] = field(default_factory=list)

    def customer(self, customer_id: int) -> CustomerFinancials:
        own_jobs = {j for j, owner in self.job_owner.items() if owner == customer_id}
        paid = [p for p in self.payments if p.customer_id == customer_id]
        spent = [e for e in self.expenses if e.customer_id == customer_id or e.job_id in own_jobs]
        main, *others = _totals(paid, spent)
        methods: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for p in paid:
            methods[(p.currency, p.method)][0] += p.minor
            methods[(p.currency, p.method)][1] += 1
        by_job: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
        for p in paid:
            if p.job_id is not None:
                by_job[(p.job_id, p.currency)][0] += p.minor
        for e in spent:
            if e.job_id is not None:
                by_job[(e.job_id, e.currency)][1] += e.minor
        return CustomerFinancials(
            customer_id=customer_id,
            currency=main.currency,
            revenue=main.revenue,
            expenses=main.expenses,
            net=main.net,
            other_currencies=others,
            by_payment_method=[
                MethodTotal(payment_method=m, currency=c, amount=money_text(total), count=n)
                for (c, m), (total, n) in sorted(methods.items())
            ],
            by_job=[
                JobTotals(
                    job_id=j,
                    currency=c,
                    revenue=money_text(r),
                    expenses=money_text(e),
                    net=money_text(r - e),
                )
                for (j, c), (r, e) in sorted(by_job.items(), key=lambda kv: (-kv[0][0], kv[0][1]))
            ],
        )

    def job(self, job_id: int) -> JobFinancials:
        main, *others = _totals(
            [p for p in self.payments if p.job_id == job_id],
            [e for e in self.expenses if e.job_id == job_id],
        )
        return JobFinancials(
            job_id=job_id,
            customer_id=self.job_owner[job_id],
            currency=main.currency,
            revenue=main.revenue,
            expenses=main.expenses,
            net=main.net,
            other_currencies=others,
        )


# --- referrals ----------------------------------------------------------------------------


def ancestors(referred_by: dict[int, int | None], customer_id: int) -> list[int]:
    """Who referred `customer_id`, who referred them, ... (stops at a repeat)."""
    chain: list[int] = []
    current = referred_by.get(customer_id)
    while current is not None and current not in chain:
        chain.append(current)
        current = referred_by.get(current)
    return chain


def has_cycle(referred_by: dict[int, int | None]) -> bool:
    for start in referred_by:
        seen = {start}
        current = referred_by.get(start)
        while current is not None:
            if current in seen:
                return True
            seen.add(current)
            current = referred_by.get(current)
    return False
