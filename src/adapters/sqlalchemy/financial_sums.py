"""The SQL of the financial figures: sums per currency, per payment method and per job."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, ScalarSelect, Select, func, select, union

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.json_sql import JsonSql
from application.read_models.financials import (
    JobTotals,
    MethodTotal,
    ReportedPaymentMethod,
    Totals,
)
from domain.money import minor_digits


class Sum(msgspec.Struct, frozen=True):
    currency: str
    minor: int
    key: str | int | None = None
    count: int = 0


SUMS = msgspec.json.Decoder(list[Sum])


def reported_method(method: ColumnElement[Any]) -> ColumnElement[Any]:
    """The payment method column as the totals report it: NULL (not stated) is UNKNOWN."""
    return func.coalesce(method, ReportedPaymentMethod.UNKNOWN.value)


def money_text(minor: int, currency: str) -> str:
    """Minor units as the decimal text clients get ("125.50", "-0.05", "1250"): the digits,
    zero-padded, split before the last `digits` of them; the same text as
    `format(Decimal(minor).scaleb(-digits), "f")` (a Customer View's summary writes hundreds
    of these)."""
    return minor_text(minor, minor_digits(currency))


def minor_text(minor: int, digits: int) -> str:
    """`money_text` for a currency with `digits` decimal places."""
    if digits == 0:
        return str(minor)
    if minor < 0:
        text = str(-minor).rjust(digits + 1, "0")
        return f"-{text[:-digits]}.{text[-digits:]}"
    text = str(minor).rjust(digits + 1, "0")
    return f"{text[:-digits]}.{text[-digits:]}"


def customer_expense_filter(customer_id: Any) -> ColumnElement[bool]:
    """Direct expenses of the customer or of any of their jobs: each expense row once.

    Written as `id IN (direct UNION via jobs)`, not `customer_id = :c OR job_id IN (...)`:
    PostgreSQL cannot use an index for an OR with a subquery and scanned the whole expenses
    table (three times per Customer View); each branch of the UNION is an index lookup.
    """
    e, j = t.expenses, t.jobs
    direct = select(e.c.id).where(e.c.customer_id == customer_id)
    via_jobs = select(e.c.id).join(j, j.c.id == e.c.job_id).where(j.c.customer_id == customer_id)
    return e.c.id.in_(union(direct, via_jobs))


def _sums(
    js: JsonSql, query: Select[Any], key: ColumnElement[Any] | None = None
) -> ScalarSelect[Any]:
    grouped = query.subquery()
    fields: dict[str, ColumnElement[Any]] = {
        "currency": grouped.c.currency,
        "minor": grouped.c.minor,
        "count": grouped.c.n,
    }
    if key is not None:
        fields["key"] = grouped.c.key
    return js.array_of(js.obj(**fields), grouped)


def sums_by_currency(js: JsonSql, table: Any, where: ColumnElement[bool]) -> ScalarSelect[Any]:
    query = (
        select(
            table.c.currency,
            func.sum(table.c.amount_minor).label("minor"),
            func.count().label("n"),
        )
        .where(where)
        .group_by(table.c.currency)
    )
    return _sums(js, query)


def sums_by(js: JsonSql, table: Any, key: Any, where: ColumnElement[bool]) -> ScalarSelect[Any]:
    query = (
        select(
            key.label("key"),
            table.c.currency,
            func.sum(table.c.amount_minor).label("minor"),
            func.count().label("n"),
        )
        .where(where)
        .group_by(key, table.c.currency)
    )
    return _sums(js, query, key)


def totals(revenue: Iterable[Sum], expenses: Iterable[Sum]) -> list[Totals]:
    """Totals per currency, the largest turnover first (ties by currency code)."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for s in revenue:
        per[s.currency][0] += s.minor
    for s in expenses:
        per[s.currency][1] += s.minor
    ordered = sorted(per.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), kv[0]))
    return [
        Totals(
            currency=cur,
            revenue=money_text(rev, cur),
            expenses=money_text(exp, cur),
            net=money_text(rev - exp, cur),
        )
        for cur, (rev, exp) in ordered
    ]


def main_and_others(all_totals: list[Totals], default_currency: str) -> tuple[Totals, list[Totals]]:
    if not all_totals:
        zero = money_text(0, default_currency)
        return Totals(currency=default_currency, revenue=zero, expenses=zero, net=zero), []
    return all_totals[0], all_totals[1:]


# The members by value: a dict lookup instead of the enum's call (unknown values still go
# through the call, which raises).
_METHODS: dict[object, ReportedPaymentMethod] = {m.value: m for m in ReportedPaymentMethod}


def method_totals(rows: Iterable[Sum]) -> list[MethodTotal]:
    return sorted(
        (
            MethodTotal(
                payment_method=_METHODS.get(r.key) or ReportedPaymentMethod(str(r.key)),
                currency=r.currency,
                amount=money_text(r.minor, r.currency),
                count=r.count,
            )
            for r in rows
        ),
        key=lambda m: (m.currency, m.payment_method),
    )


def job_totals(revenue: Iterable[Sum], expenses: Iterable[Sum]) -> list[JobTotals]:
    """Totals per job and currency: the newest job (largest id) first, within a job by
    currency code."""
    per: dict[tuple[int, str], list[int]] = {}  # keyed (-job id, currency): sorts as listed
    for s in revenue:
        key = (-int(s.key or 0), s.currency)
        if (sums := per.get(key)) is None:
            per[key] = [s.minor, 0]
        else:
            sums[0] += s.minor
    for s in expenses:
        key = (-int(s.key or 0), s.currency)
        if (sums := per.get(key)) is None:
            per[key] = [0, s.minor]
        else:
            sums[1] += s.minor
    digits: dict[str, int] = {}
    listed = []
    for (negative_id, cur), (rev, exp) in sorted(per.items()):
        if (places := digits.get(cur)) is None:
            places = digits[cur] = minor_digits(cur)
        listed.append(
            JobTotals(
                job_id=-negative_id,
                currency=cur,
                revenue=minor_text(rev, places),
                expenses=minor_text(exp, places),
                net=minor_text(rev - exp, places),
            )
        )
    return listed
