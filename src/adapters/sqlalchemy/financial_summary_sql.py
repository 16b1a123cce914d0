"""A customer's financial summary as one JSON object built in SQL, for the Customer View's
document (`CustomerFinancials` with the wire's keys): the same figures, texts and order as
`financials_query.customer_financials_from` computes in Python from the sums.

- Totals per currency: payments (revenue) and every related expense (direct or on the
  customer's jobs, once each), full-outer-joined on the currency and ranked by turnover
  (largest first, ties by currency code). Rank 1 is the top level; with no money at all
  the top level is zero in the shop's default currency. The others are `otherCurrencies`.
- `byPaymentMethod`: per reported method (UNKNOWN when not stated) and currency, ordered by
  currency then method.
- `byJob`: per job and currency, the job's payments and expenses, newest job (highest id)
  first, then by currency.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal_column, select

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.financial_sums import customer_expense_filter, money_text, reported_method
from adapters.sqlalchemy.json_sql import JsonSql


def _text(value: str) -> ColumnElement[str]:
    """A trusted constant (a currency code, an amount's text) as an SQL literal."""
    if not value.replace(".", "").isalnum():
        raise ValueError(f"not a currency code or amount: {value!r}")
    return literal_column(f"'{value}'")


def _summed(table: Any, *keys: Any, where: ColumnElement[bool], name: str) -> Any:
    return (
        select(*keys, func.sum(table.c.amount_minor).label("minor"), func.count().label("n"))
        .where(where)
        .group_by(*keys)
        .subquery(name)
    )


def _both(left: Any, right: Any, keys: tuple[str, ...], name: str) -> Any:
    """`left` and `right` sums full-outer-joined on `keys`: revenue, expenses (0 if none)."""
    on = and_(*(left.c[k] == right.c[k] for k in keys))
    return (
        select(
            *(func.coalesce(left.c[k], right.c[k]).label(k) for k in keys),
            func.coalesce(left.c.minor, 0).label("revenue"),
            func.coalesce(right.c.minor, 0).label("expenses"),
        )
        .select_from(left.join(right, on, full=True))
        .subquery(name)
    )


def _totals(js: JsonSql, rows: Any) -> dict[str, Any]:
    return {
        "currency": rows.c.currency,
        "revenue": js.money(rows.c.revenue, rows.c.currency),
        "expenses": js.money(rows.c.expenses, rows.c.currency),
        "net": js.money(rows.c.revenue - rows.c.expenses, rows.c.currency),
    }


def financial_summary_json(
    js: JsonSql, customer_id: ColumnElement[Any], default_currency: str
) -> ColumnElement[Any]:
    """The summary object (see the module's docstring)."""
    p, e, j = t.payments, t.expenses, t.jobs
    revenue = _summed(p, p.c.currency, where=p.c.customer_id == customer_id, name="fin_rev")
    expenses = _summed(e, e.c.currency, where=customer_expense_filter(customer_id), name="fin_exp")
    per_currency = _both(revenue, expenses, ("currency",), "fin_currencies")
    turnover = per_currency.c.revenue + per_currency.c.expenses
    ranked = select(
        per_currency,
        func.row_number()
        .over(order_by=[turnover.desc(), per_currency.c.currency.asc()])
        .label("rank"),
    ).subquery("fin_ranked")
    others = select(ranked).where(ranked.c.rank > 1).order_by(ranked.c.rank).subquery("fin_others")

    method = reported_method(p.c.payment_method).label("payment_method")
    methods = _summed(p, method, p.c.currency, where=p.c.customer_id == customer_id, name="fin_m")
    methods_sorted = select(methods).order_by(methods.c.currency, methods.c.payment_method)
    methods_rows = methods_sorted.subquery("fin_methods")

    customer_jobs = select(j.c.id).where(j.c.customer_id == customer_id)
    job_revenue = _summed(
        p,
        p.c.job_id,
        p.c.currency,
        where=and_(p.c.customer_id == customer_id, p.c.job_id.is_not(None)),
        name="fin_jr",
    )
    job_expenses = _summed(
        e, e.c.job_id, e.c.currency, where=e.c.job_id.in_(customer_jobs), name="fin_je"
    )
    per_job = _both(job_revenue, job_expenses, ("job_id", "currency"), "fin_per_job")
    jobs_rows = (
        select(per_job)
        .order_by(per_job.c.job_id.desc(), per_job.c.currency.asc())
        .subquery("fin_jobs")
    )

    zero = _text(money_text(0, default_currency))
    main = _totals(js, ranked)
    summary = js.obj(
        currency=func.coalesce(ranked.c.currency, _text(default_currency)),
        revenue=func.coalesce(main["revenue"], zero),
        expenses=func.coalesce(main["expenses"], zero),
        net=func.coalesce(main["net"], zero),
        customer_id=customer_id,
        other_currencies=js.ordered_array(
            js.obj(**_totals(js, others)), others, others.c.rank.asc()
        ),
        by_payment_method=js.ordered_array(
            js.obj(
                payment_method=methods_rows.c.payment_method,
                currency=methods_rows.c.currency,
                amount=js.money(methods_rows.c.minor, methods_rows.c.currency),
                count=methods_rows.c.n,
            ),
            methods_rows,
            methods_rows.c.currency.asc(),
            methods_rows.c.payment_method.asc(),
        ),
        by_job=js.ordered_array(
            js.obj(**_totals(js, jobs_rows), job_id=jobs_rows.c.job_id),
            jobs_rows,
            jobs_rows.c.job_id.desc(),
            jobs_rows.c.currency.asc(),
        ),
    )
    one_row = select(literal_column("1").label("one")).subquery("fin_one")
    return (
        select(summary).select_from(one_row.outerjoin(ranked, ranked.c.rank == 1)).scalar_subquery()
    )
