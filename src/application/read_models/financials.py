"""Financial read models: revenue, expenses and net, computed in SQL."""

from __future__ import annotations

import msgspec

from domain.payment import PaymentMethod


class Totals(msgspec.Struct, kw_only=True):
    """Sums in one currency; amounts are decimal strings ("125.50")."""

    currency: str
    revenue: str
    expenses: str
    net: str


class MethodTotal(msgspec.Struct, kw_only=True):
    """What was paid with one payment method, in one currency."""

    payment_method: PaymentMethod
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
