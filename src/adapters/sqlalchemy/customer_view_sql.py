"""The one SELECT of the Customer View: the whole view as one JSON object, plus its counts.

Each collection is a capped, newest-first scalar subquery aggregated to JSON in the database
(a job's reviews and expenses nested in the job), in its order. With the read model's
`JsonSql` the JSON keys are the read model's field names, so msgspec decodes the `view`
column straight into `CustomerView`; with the wire's (`JsonSql(..., wire=True)`) the `view`
column is the document clients get, but for its financial summary. The `fin_*` columns feed
the financial summary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, func, null, select

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.consent_state_sql import consent_state
from adapters.sqlalchemy.financial_sums import customer_expense_filter
from adapters.sqlalchemy.financials_query import customer_financial_columns
from adapters.sqlalchemy.json_sql import JsonSql
from adapters.sqlalchemy.struct_json import struct_json
from application.read_models import customer_view as rm
from domain.maintenance_alert import AlertStatus
from domain.messaging.call_task import CallTaskStatus

_ACTIONABLE = [AlertStatus.OPEN.value, AlertStatus.ACKNOWLEDGED.value]
_OPEN_CALL = CallTaskStatus.OPEN.value
CUSTOMER = bindparam("customer_id", type_=t.customers.c.id.type)
CAP = bindparam("cap", type_=t.customers.c.id.type)
# The collections of the view: the read model's field and the name clients see it by.
COLLECTION_NAMES = {
    "payments": "payments",
    "expenses": "expenses",
    "appliances": "appliances",
    "jobs": "jobs",
    "reviews": "reviews",
    "referrals": "referrals",
    "customer_technician_ratings": "customerTechnicianRatings",
    "follow_ups": "followUps",
    "maintenance_alerts": "maintenanceAlerts",
    "call_tasks": "callTasks",
}


# A sort order: (column, newest first?) pairs, the last one the tie-break.
Order = list[tuple[ColumnElement[Any], bool]]


def _newest(*columns: ColumnElement[Any]) -> Order:
    return [(c, True) for c in columns]


def _oldest(*columns: ColumnElement[Any]) -> Order:
    return [(c, False) for c in columns]


def _sorting(order: Order, columns: Any = None) -> list[ColumnElement[Any]]:
    """ORDER BY terms for `order`; over `columns` (a subquery's, by name) when given."""
    terms = []
    for column, newest in order:
        term = column if columns is None else columns[column.name]
        terms.append(term.desc() if newest else term.asc())
    return terms


def _sorted_rows(query: Select[Any], order: Order, name: str) -> Any:
    return query.order_by(*_sorting(order)).subquery(name)


def _collection_info(js: JsonSql, query: Select[Any]) -> Any:
    """A `CollectionInfo` object: how many rows `query` has, how many the cap lets through."""
    counted = select(func.count().label("n")).select_from(query.subquery()).subquery()
    n = counted.c.n
    info = js.obj(total=n, returned=case((n > CAP, CAP), else_=n), truncated=js.boolean(n > CAP))
    return select(info).select_from(counted).scalar_subquery()


def _ref(js: JsonSql, id_: ColumnElement[Any], name: ColumnElement[Any]) -> ColumnElement[Any]:
    """A `Ref` object, or JSON null when there is no such record."""
    return case((and_(id_.is_not(None), name.is_not(None)), js.obj(id=id_, name=name)))


def _with_technician(table: Any, alias: str, technician_id: Any) -> Select[Any]:
    """`table`'s rows with a `technician_name` column: the name of `technician_id`'s
    technician (NULL when there is none)."""
    who = t.technicians.alias(alias)
    named = select(table, who.c.name.label("technician_name"))
    return named.outerjoin(who, who.c.id == technician_id)


def customer_view_select(js: JsonSql) -> Select[Any]:
    """The view's statement; parameters `customer_id` and `cap`."""
    c, j, p, e = t.customers, t.jobs, t.payments, t.expenses
    a, r, tr, f = t.appliances, t.reviews, t.customer_technician_ratings, t.service_follow_ups
    technician = t.technicians
    arrays: dict[str, Any] = {}
    infos: dict[str, Any] = {}

    def collection(
        field: str,
        base: Select[Any],
        order: Order,
        item: type[Any],
        computed: Callable[[Any], dict[str, Any]] = lambda x: {},
    ) -> None:
        capped = base.order_by(*_sorting(order)).limit(CAP).subquery(f"{field}_page")
        element = struct_json(js, item, capped.c, **computed(capped.c))
        arrays[field] = js.ordered_array(element, capped, *_sorting(order, capped.c))
        infos[COLLECTION_NAMES[field]] = _collection_info(js, base)

    def money(x: Any) -> dict[str, Any]:
        return {"amount": js.money(x.amount_minor, x.currency)}

    def named(x: Any) -> dict[str, Any]:
        return {"technician": _ref(js, x.technician_id, x.technician_name)}

    def job_parts(x: Any) -> dict[str, Any]:
        # Correlated to the job (`x`, a row of the jobs page): its reviews and expenses,
        # newest first.
        job = x.id.table
        review_order, expense_order = (
            _newest(r.c.created_at, r.c.id),
            _newest(e.c.incurred_at, e.c.id),
        )
        job_reviews = _with_technician(r, "job_review_technician", r.c.technician_id)
        job_reviews = _sorted_rows(
            job_reviews.where(r.c.job_id == x.id).correlate(job), review_order, "job_reviews"
        )
        job_expenses = _sorted_rows(
            select(e).where(e.c.job_id == x.id).correlate(job), expense_order, "job_expenses"
        )
        review = struct_json(js, rm.ReviewItem, job_reviews.c, **named(job_reviews.c))
        job_expense = struct_json(js, rm.ExpenseItem, job_expenses.c, **money(job_expenses.c))
        return {
            **named(x),
            "reviews": js.ordered_array(
                review, job_reviews, *_sorting(review_order, job_reviews.c)
            ),
            "expenses": js.ordered_array(
                job_expense, job_expenses, *_sorting(expense_order, job_expenses.c)
            ),
        }

    jobs = _with_technician(j, "job_technician", j.c.technician_id)
    jobs = jobs.where(j.c.customer_id == CUSTOMER)
    collection("jobs", jobs, _newest(j.c.scheduled_for, j.c.id), rm.JobItem, job_parts)
    payments = select(p).where(p.c.customer_id == CUSTOMER)
    collection("payments", payments, _newest(p.c.paid_at, p.c.id), rm.PaymentItem, money)
    expenses = select(e).where(customer_expense_filter(CUSTOMER))
    collection("expenses", expenses, _newest(e.c.incurred_at, e.c.id), rm.ExpenseItem, money)
    appliances = select(a).where(a.c.customer_id == CUSTOMER)
    collection("appliances", appliances, _newest(a.c.created_at, a.c.id), rm.ApplianceItem)
    reviews = _with_technician(r, "review_technician", r.c.technician_id)
    reviews = reviews.where(r.c.customer_id == CUSTOMER)
    collection("reviews", reviews, _newest(r.c.created_at, r.c.id), rm.ReviewItem, named)
    referrals = select(c.c.id, c.c.name).where(c.c.referred_by_id == CUSTOMER)
    collection("referrals", referrals, _newest(c.c.id), rm.Ref)
    ratings = _with_technician(tr, "rated_technician", tr.c.technician_id)
    ratings = ratings.where(tr.c.customer_id == CUSTOMER)
    newest_rating = _newest(tr.c.created_at, tr.c.id)
    rating_item = rm.TechnicianRatingItem
    collection("customer_technician_ratings", ratings, newest_rating, rating_item, named)
    fj, ft = j.alias("follow_up_job"), technician.alias("follow_up_technician")
    follow_ups = (
        select(f, fj.c.technician_id, ft.c.name.label("technician_name"))
        .join(fj, fj.c.id == f.c.job_id)
        .outerjoin(ft, ft.c.id == fj.c.technician_id)
        .where(f.c.customer_id == CUSTOMER)
    )
    collection("follow_ups", follow_ups, _newest(f.c.created_at, f.c.id), rm.FollowUpItem, named)
    ma, ct = t.maintenance_alerts, t.call_tasks
    alerts = select(ma).where(ma.c.customer_id == CUSTOMER, ma.c.status.in_(_ACTIONABLE))
    # The most pressing first: soonest due.
    collection(
        "maintenance_alerts", alerts, _oldest(ma.c.due_date, ma.c.id), rm.MaintenanceAlertItem
    )
    calls = select(ct).where(ct.c.customer_id == CUSTOMER, ct.c.status == _OPEN_CALL)
    # The call list's order: the longest waiting first.
    collection("call_tasks", calls, _oldest(ct.c.created_at, ct.c.id), rm.CallTaskItem)

    referrer, preferred = c.alias("referrer"), technician.alias("preferred")
    # The financial summary is built from the `fin_*` columns: null in the read model's
    # object (filled in by the query), left out of the wire's (appended to the text).
    summary: dict[str, Any] = {} if js.wire else {"financial_summary": null()}
    view = struct_json(
        js,
        rm.CustomerView,
        c.c,
        leave_out=frozenset({"financial_summary"}) if js.wire else frozenset(),
        **summary,
        collections=js.obj(**infos),
        preferred_contact_times=js.document(c.c.preferred_contact_times),
        consent=consent_state(js, CUSTOMER),
        referred_by=_ref(js, c.c.referred_by_id, referrer.c.name),
        preferred_technician=_ref(js, c.c.preferred_technician_id, preferred.c.name),
        **arrays,
    )
    financials = customer_financial_columns(js, CUSTOMER)
    return (
        select(
            js.text(view).label("view"),
            *(column.label(name) for name, column in financials.items()),
        )
        .select_from(
            c.outerjoin(referrer, referrer.c.id == c.c.referred_by_id).outerjoin(
                preferred, preferred.c.id == c.c.preferred_technician_id
            )
        )
        .where(c.c.id == CUSTOMER)
    )
