"""The floor: ONE hand-written SQL query returning the whole Customer View, encoded by msgspec.

It returns the same data as `GET /customers/{id}` (customer, referrer, preferred technician,
every collection newest first and capped, each job with its reviews and expenses nested, the
total count of each collection, and the financial sums), in one round trip, as one row whose
collection columns are JSON text. The Python side only decodes those columns with msgspec
(untyped), puts them in a dict next to the scalar columns and encodes the dict to JSON bytes.

What it leaves out, and the app does: authentication, HTTP/ASGI, typed decoding into Structs,
formatting minor units as decimal strings, and the per-currency totals computed from the sums.
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncEngine

_decode = msgspec.json.decode
_encode = msgspec.json.encode


class _Dialect:
    """The few spellings that differ between SQLite and PostgreSQL."""

    def __init__(self, postgres: bool) -> None:
        self.postgres = postgres
        self.cid = "$1" if postgres else ":cid"
        self.cap = "$2" if postgres else ":cap"

    def ts(self, column: str) -> str:
        # SQLite keeps naive UTC text; PostgreSQL's json_build_object writes ISO 8601 itself.
        return column if self.postgres else f"replace({column}, ' ', 'T') || 'Z'"

    def obj(self, **fields: str) -> str:
        pairs = ", ".join(f"'{key}', {value}" for key, value in fields.items())
        return f"json_build_object({pairs})" if self.postgres else f"json_object({pairs})"

    def array(self, element: str, source: str, order: str = "") -> str:
        """A JSON array (text) of `element` over `source` (a FROM item aliased `x`)."""
        if self.postgres:
            ordered = f" ORDER BY {order}" if order else ""
            return (
                f"(SELECT coalesce(json_agg({element}{ordered}), '[]'::json)::text FROM {source})"
            )
        # SQLite 3.40 has no ORDER BY inside aggregates: `source` is already ordered.
        return f"(SELECT json_group_array({element}) FROM {source})"

    def nested(self, element: str, table: str, where: str, order: str = "") -> str:
        """A JSON array embedded in another JSON object, over `table AS x WHERE where`."""
        if self.postgres:
            ordered = f" ORDER BY {order}" if order else ""
            return (
                f"coalesce((SELECT json_agg({element}{ordered}) FROM {table} AS x "
                f"WHERE {where}), '[]'::json)"
            )
        source = f"{table} WHERE {where}" + (f" ORDER BY {order}" if order else "")
        return f"(SELECT json_group_array({element}) FROM (SELECT * FROM {source}) AS x)"

    def embed(self, column: str) -> str:
        """A JSON column of a derived table, put inside a JSON object as JSON, not as text."""
        # SQLite's JSON subtype does not survive a derived table: json() restores it.
        return column if self.postgres else f"json({column})"


def floor_sql(dialect_name: str) -> str:
    d = _Dialect(dialect_name == "postgresql")
    cid, cap, ts = d.cid, d.cap, d.ts

    def capped(select: str, order: str) -> str:
        return f"({select} ORDER BY {order} LIMIT {cap}) AS x"

    def collection(
        name: str, select: str, count_from: str, order_by: list[str], /, **fields: str
    ) -> str:
        order = ", ".join(f"x.{column} DESC" for column in order_by)
        inner_order = ", ".join(f"{column} DESC" for column in order_by)
        return (
            f"{d.array(d.obj(**fields), capped(select, inner_order), order)} AS {name},\n"
            f"  (SELECT count(*) FROM {count_from}) AS {name}_total"
        )

    expense_fields = {
        "id": "x.id",
        "customerId": "x.customer_id",
        "jobId": "x.job_id",
        "amountMinor": "x.amount_minor",
        "currency": "x.currency",
        "category": "x.category",
        "description": "x.description",
        "incurredAt": ts("x.incurred_at"),
        "createdAt": ts("x.created_at"),
    }
    review_fields = {
        "id": "x.id",
        "jobId": "x.job_id",
        "technicianId": "x.technician_id",
        "rating": "x.rating",
        "comment": "x.comment",
        "createdAt": ts("x.created_at"),
    }
    customer_jobs = f"SELECT id FROM jobs WHERE customer_id = {cid}"
    # Index-friendly (an OR with a subquery makes PostgreSQL scan the whole expenses table).
    expense_filter = (
        f"id IN (SELECT id FROM expenses WHERE customer_id = {cid} UNION "
        "SELECT e.id FROM expenses AS e JOIN jobs AS ej ON ej.id = e.job_id "
        f"WHERE ej.customer_id = {cid})"
    )
    # Each job's reviews and expenses nested in it by correlated subqueries (index lookups on
    # job_id). Pre-aggregating per job and joining measured slower on both databases.
    job_reviews = d.nested(d.obj(**review_fields), "reviews", "job_id = j.id")
    job_expenses = d.nested(
        d.obj(**expense_fields), "expenses", "job_id = j.id", "incurred_at DESC, id DESC"
    )
    jobs_select = (
        "SELECT j.*, t.name AS technician_name, "
        f"{job_reviews} AS reviews, {job_expenses} AS expenses "
        "FROM jobs AS j LEFT JOIN technicians AS t ON t.id = j.technician_id "
        f"WHERE j.customer_id = {cid}"
    )

    def sums(table: str, where: str, key: str | None = None) -> str:
        keyed = f"{key} AS key, " if key else ""
        group = f"{key}, currency" if key else "currency"
        fields = {"currency": "x.currency", "minor": "x.minor", "count": "x.n"}
        if key:
            fields["key"] = "x.key"
        source = (
            f"(SELECT {keyed}currency, sum(amount_minor) AS minor, count(*) AS n "
            f"FROM {table} WHERE {where} GROUP BY {group}) AS x"
        )
        return d.array(d.obj(**fields), source)

    columns = [
        collection(
            "jobs",
            jobs_select,
            f"jobs WHERE customer_id = {cid}",
            ["scheduled_for", "id"],
            id="x.id",
            technicianId="x.technician_id",
            technicianName="x.technician_name",
            description="x.description",
            appliance="x.appliance",
            applianceId="x.appliance_id",
            notes="x.notes",
            scheduledFor=ts("x.scheduled_for"),
            status="x.status",
            startedAt=ts("x.started_at"),
            completionDate=ts("x.completion_date"),
            cancelledAt=ts("x.cancelled_at"),
            createdAt=ts("x.created_at"),
            reviews=d.embed("x.reviews"),
            expenses=d.embed("x.expenses"),
        ),
        collection(
            "payments",
            f"SELECT * FROM payments WHERE customer_id = {cid}",
            f"payments WHERE customer_id = {cid}",
            ["paid_at", "id"],
            id="x.id",
            jobId="x.job_id",
            amountMinor="x.amount_minor",
            currency="x.currency",
            paymentMethod="x.payment_method",
            reference="x.reference",
            paidAt=ts("x.paid_at"),
            createdAt=ts("x.created_at"),
        ),
        collection(
            "expenses",
            f"SELECT * FROM expenses WHERE {expense_filter}",
            f"expenses WHERE {expense_filter}",
            ["incurred_at", "id"],
            **expense_fields,
        ),
        collection(
            "appliances",
            f"SELECT * FROM appliances WHERE customer_id = {cid}",
            f"appliances WHERE customer_id = {cid}",
            ["created_at", "id"],
            id="x.id",
            type="x.type",
            brand="x.brand",
            modelNumber="x.model_number",
            serialNumber="x.serial_number",
            installedOn="x.installed_on",
            lastServiceDate=ts("x.last_service_date"),
            jobId="x.job_id",
            createdAt=ts("x.created_at"),
            updatedAt=ts("x.updated_at"),
        ),
        collection(
            "reviews",
            f"SELECT * FROM reviews WHERE customer_id = {cid}",
            f"reviews WHERE customer_id = {cid}",
            ["created_at", "id"],
            **review_fields,
        ),
        collection(
            "referrals",
            f"SELECT id, name FROM customers WHERE referred_by_id = {cid}",
            f"customers WHERE referred_by_id = {cid}",
            ["id"],
            id="x.id",
            name="x.name",
        ),
        collection(
            "customer_technician_ratings",
            f"SELECT * FROM customer_technician_ratings WHERE customer_id = {cid}",
            f"customer_technician_ratings WHERE customer_id = {cid}",
            ["created_at", "id"],
            id="x.id",
            technicianId="x.technician_id",
            jobId="x.job_id",
            rating="x.rating",
            createdAt=ts("x.created_at"),
        ),
        collection(
            "follow_ups",
            f"SELECT * FROM service_follow_ups WHERE customer_id = {cid}",
            f"service_follow_ups WHERE customer_id = {cid}",
            ["created_at", "id"],
            id="x.id",
            jobId="x.job_id",
            status="x.status",
            satisfactionRating="x.satisfaction_rating",
            feedback="x.feedback",
            followUpDate=ts("x.follow_up_date"),
            createdAt=ts("x.created_at"),
        ),
        sums("payments", f"customer_id = {cid}") + " AS fin_revenue",
        sums("expenses", expense_filter) + " AS fin_expenses",
        sums("payments", f"customer_id = {cid}", "payment_method") + " AS fin_methods",
        sums("payments", f"customer_id = {cid} AND job_id IS NOT NULL", "job_id")
        + " AS fin_job_revenue",
        sums("expenses", f"job_id IN ({customer_jobs})", "job_id") + " AS fin_job_expenses",
    ]
    contact_times = "c.preferred_contact_times" + ("::text" if d.postgres else "")
    return (
        "SELECT c.id, c.name, c.phone, c.email, c.address, c.time_zone, c.notes, "
        f"{ts('c.created_at')} AS created_at, c.referral_code, "
        "c.referred_by_id, rb.name AS referred_by_name, "
        "c.preferred_technician_id, pt.name AS preferred_technician_name, "
        f"c.preferred_contact_method, {contact_times} AS preferred_contact_times, "
        "c.communication_frequency_preference, c.language_preference,\n  "
        + ",\n  ".join(columns)
        + "\nFROM customers AS c"
        "\nLEFT JOIN customers AS rb ON rb.id = c.referred_by_id"
        "\nLEFT JOIN technicians AS pt ON pt.id = c.preferred_technician_id"
        f"\nWHERE c.id = {cid}"
    )


JSON_COLUMNS = frozenset(
    {
        "preferred_contact_times",
        "jobs",
        "payments",
        "expenses",
        "appliances",
        "reviews",
        "referrals",
        "customer_technician_ratings",
        "follow_ups",
        "fin_revenue",
        "fin_expenses",
        "fin_methods",
        "fin_job_revenue",
        "fin_job_expenses",
    }
)


class Floor:
    """Runs the floor query on an engine and returns the JSON bytes of the view."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self.sql = floor_sql(engine.dialect.name)
        self._postgres = engine.dialect.name == "postgresql"

    def params(self, customer_id: int, cap: int) -> Any:
        return (customer_id, cap) if self._postgres else {"cid": customer_id, "cap": cap}

    async def fetch(self, customer_id: int, cap: int) -> bytes | None:
        async with self._engine.connect() as conn:
            result = await conn.exec_driver_sql(self.sql, self.params(customer_id, cap))
            row = result.first()
        return None if row is None else self.to_json(row)

    @staticmethod
    def to_json(row: Any) -> bytes:
        """The row as one JSON document: JSON columns decoded (untyped), then all encoded."""
        document: dict[str, Any] = {}
        for name, value in row._mapping.items():
            document[name] = _decode(value) if name in JSON_COLUMNS and value is not None else value
        return _encode(document)
