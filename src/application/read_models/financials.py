"""Financial read models: revenue, expenses and net, computed in SQL."""

from __future__ import annotations

import enum

import msgspec


class ReportedPaymentMethod(enum.StrEnum):
    """A payment method as the totals report it: UNKNOWN for payments that did not say."""

    CASH = "CASH"
    CARD = "CARD"
    TRANSFER = "TRANSFER"
    CHECK = "CHECK"
    OTHER = "OTHER"
    UNKNOWN = "UNKNOWN"


class Totals(msgspec.Struct, kw_only=True):
    """Sums in one currency; amounts are decimal strings ("125.50")."""

    currency: str
    revenue: str
    expenses: str
    net: str


class MethodTotal(msgspec.Struct, kw_only=True):
    """What was paid with one payment method (UNKNOWN: not stated), in one currency."""

    payment_method: ReportedPaymentMethod
    currency: str
    amount: str
    count: int


class JobTotals(Totals, kw_only=True):
    job_id: int


class CustomerFinancials(Totals, kw_only=True):
    """A customer's payments minus every related expense (direct or job-related, once each).

    The top-level figures are in the customer's main currency (the only one, or the one with
    the largest turnover); any other currency's figures are in `other_currencies`.
    """

    customer_id: int
    other_currencies: list[Totals]
    by_payment_method: list[MethodTotal]
    by_job: list[JobTotals]


class JobFinancials(Totals, kw_only=True):
    """A job's payments minus the job's expenses."""

    job_id: int
    customer_id: int
    other_currencies: list[Totals]
