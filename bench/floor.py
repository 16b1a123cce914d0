"""The floor: ONE hand-written SQL statement returning the whole Customer View document.

It reads and returns everything `GET /customers/{id}` (staff) returns: the customer and
their consent per channel x purpose, referrer and preferred technician, every collection
(payments, expenses, appliances, jobs with their reviews and expenses nested, reviews,
referrals, technician ratings, follow-ups, the open maintenance alerts and call tasks) in
the app's order and capped alike, each item's technician, money as decimal text, instants
as the app writes them, and per collection its total / returned / truncated. The database
builds the JSON text, with the app's camelCase keys in the app's member order; the Python
side sends that text as it is.

One member differs: where the app has `financialSummary` (computed in Python from five
sums its statement returns, see customer_financials_from), the floor has `financialSums`,
those five sums as the database returns them (keyed by the app's column names). The floor
reads the same rows and sums them the same way, but does no Python work on them.
`as_app_document` turns the floor's document into the app's (that one member) so the two
can be compared exactly (tests/contract/test_floor_document.py, and bench/http_load.py
before it times anything).

What it leaves out, and the app does: authentication, HTTP framework, the financial
summary's arithmetic.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.customer_view_query import SqlCustomerViewQuery
from adapters.sqlalchemy.financials_query import customer_financials_from
from domain.messaging.consent import DEFAULT_ALLOWED, KEYS
from domain.money import minor_digits_table
from entrypoints.http.customer_view_body import customer_view_body
from entrypoints.http.wire_twins import to_wire

# The floor's member in place of the app's financialSummary: the five sums, keyed by the
# names of the app's columns (customer_financial_columns).
SUMS_MEMBER = "financialSums"


class _Dialect:
    """The spellings that differ between SQLite and PostgreSQL."""

    def __init__(self, postgres: bool) -> None:
        self.postgres = postgres
        self.cid = "$1" if postgres else ":cid"
        self.cap = "$2" if postgres else ":cap"

    def ts(self, column: str) -> str:
        """An instant as the app writes it: UTC, `T`, `Z`, microseconds only when not zero."""
        if self.postgres:
            utc = f"{column} AT TIME ZONE 'UTC'"
            return (
                f"""to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS') || CASE WHEN """
                f"date_trunc('second', {column}) = {column} THEN 'Z' "
                f"""ELSE to_char({utc}, '.US"Z"') END"""
            )
        # SQLite stores "YYYY-MM-DD HH:MM:SS.ffffff" (UTC).
        return (
            f"replace(CASE WHEN substr({column}, 20) = '.000000' THEN substr({column}, 1, 19) "
            f"ELSE {column} END, ' ', 'T') || 'Z'"
        )

    def money(self, minor: str, currency: str) -> str:
        """Minor units as decimal text with the currency's decimals ("125.50", "1250")."""
        whens = " ".join(
            f"WHEN {currency} IN ({', '.join(repr(c) for c in codes)}) "
            f"THEN {self._decimal(minor, digits)}"
            for digits, codes in sorted(minor_digits_table().items())
        )
        return f"CASE {whens} ELSE {self._decimal(minor, 2)} END"

    def _decimal(self, minor: str, digits: int) -> str:
        if digits == 0:
            return f"CAST({minor} AS TEXT)"
        if self.postgres:
            return f"round({minor}::numeric / {10**digits}, {digits})::text"
        sign = f"CASE WHEN {minor} < 0 THEN '-' ELSE '' END"
        scale = 10**digits
        return f"{sign} || printf('%d.%0{digits}d', abs({minor}) / {scale}, abs({minor}) % {scale})"

    def boolean(self, value: str) -> str:
        """A JSON true/false (SQLite's booleans are 0/1)."""
        return value if self.postgres else f"json(CASE WHEN {value} THEN 'true' ELSE 'false' END)"

    def document(self, column: str) -> str:
        """A JSON column nested as JSON (SQLite stores it as text)."""
        return column if self.postgres else f"json({column})"

    def obj(self, **fields: str) -> str:
        pairs = ", ".join(f"'{key}', {value}" for key, value in fields.items())
        return f"json_build_object({pairs})" if self.postgres else f"json_object({pairs})"

    def ref(self, id_: str, name: str) -> str:
        """{id, name} of a joined row, JSON null when there is none."""
        return f"CASE WHEN {id_} IS NOT NULL THEN {self.obj(id=id_, name=name)} END"

    def array(self, element: str, rows: str, order: str = "") -> str:
        """A JSON array (possibly empty) of `element` over `rows` (a FROM item), in `order`.
        SQLite 3.40 has no ORDER BY in aggregates: there `rows` must already be sorted."""
        if self.postgres:
            ordered = f" ORDER BY {order}" if order else ""
            return f"(SELECT coalesce(json_agg({element}{ordered}), '[]'::json) FROM {rows})"
        return f"(SELECT json_group_array({element}) FROM {rows})"


def _qualified(alias: str, order: str) -> str:
    """An ORDER BY list ("paid_at DESC, id DESC") over the columns of `alias`."""
    return ", ".join(f"{alias}.{term.strip()}" for term in order.split(","))


def floor_sql(dialect_name: str) -> str:
    """The statement: parameters customer id and cap ($1, $2 / :cid, :cap); one row, one
    column (the document's text), or no row when there is no such customer."""
    d = _Dialect(dialect_name == "postgresql")
    cid, cap, ts = d.cid, d.cap, d.ts
    counts: dict[str, str] = {}

    def collection(name: str, select: str, order: str, count_from: str, /, **fields: str) -> str:
        """The capped page of `select` in `order` as a JSON array of `fields` (over `x`);
        `count_from` (FROM ... WHERE ...) is counted for the collection's info."""
        counts[name] = count_from
        page = f"({select} ORDER BY {order} LIMIT {cap}) AS x"
        return d.array(d.obj(**fields), page, _qualified("x", order))

    def info(where: str) -> str:
        truncated = d.boolean(f"k.n > {cap}")
        returned = f"least(k.n, {cap})" if d.postgres else f"min(k.n, {cap})"
        body = d.obj(total="k.n", returned=returned, truncated=truncated)
        return f"(SELECT {body} FROM (SELECT count(*) AS n FROM {where}) AS k)"

    def nested(element: str, source: str, order: str) -> str:
        """An uncapped array correlated to the enclosing page's row, sorted by `order`."""
        sorted_rows = f"({source} ORDER BY {order}) AS y"
        return d.array(element, sorted_rows, _qualified("y", order))

    def expense(x: str) -> dict[str, str]:
        return {
            "id": f"{x}.id",
            "customerId": f"{x}.customer_id",
            "jobId": f"{x}.job_id",
            "amount": d.money(f"{x}.amount_minor", f"{x}.currency"),
            "currency": f"{x}.currency",
            "category": f"{x}.category",
            "description": f"{x}.description",
            "incurredAt": ts(f"{x}.incurred_at"),
            "createdAt": ts(f"{x}.created_at"),
        }

    def review(x: str) -> dict[str, str]:
        return {
            "id": f"{x}.id",
            "jobId": f"{x}.job_id",
            "technicianId": f"{x}.technician_id",
            "technician": d.ref(f"{x}.technician_id", f"{x}.technician_name"),
            "rating": f"{x}.rating",
            "comment": f"{x}.comment",
            "createdAt": ts(f"{x}.created_at"),
        }

    # Direct expenses of the customer or of their jobs, each once (a UNION of two index
    # lookups: an OR with a subquery makes PostgreSQL scan the whole expenses table).
    expense_ids = (
        f"SELECT id FROM expenses WHERE customer_id = {cid} UNION "
        "SELECT e.id FROM expenses AS e JOIN jobs AS ej ON ej.id = e.job_id "
        f"WHERE ej.customer_id = {cid}"
    )
    reviews_named = (
        "SELECT r.*, t.name AS technician_name FROM reviews AS r "
        "LEFT JOIN technicians AS t ON t.id = r.technician_id"
    )
    job_reviews = nested(
        d.obj(**review("y")), f"{reviews_named} WHERE r.job_id = x.id", "created_at DESC, id DESC"
    )
    job_expenses = nested(
        d.obj(**expense("y")),
        "SELECT * FROM expenses WHERE job_id = x.id",
        "incurred_at DESC, id DESC",
    )
    consent_keys = " UNION ALL ".join(
        f"SELECT {n} AS pos, '{channel.value}' AS channel, '{purpose.value}' AS purpose, "
        f"{'TRUE' if DEFAULT_ALLOWED[purpose] else 'FALSE'} AS default_allowed"
        for n, (channel, purpose) in enumerate(KEYS)
    )
    latest_entry = (
        f"(SELECT id FROM consent_ledger WHERE customer_id = {cid} AND channel = k.channel "
        "AND purpose = k.purpose ORDER BY at DESC, id DESC LIMIT 1)"
    )
    consent_rows = (
        "(SELECT k.channel, k.purpose, coalesce(l.allowed, k.default_allowed) AS allowed, "
        f"l.at AS since, l.source FROM ({consent_keys}) AS k "
        f"LEFT JOIN consent_ledger AS l ON l.id = {latest_entry} ORDER BY k.pos) AS s"
    )
    consent = d.array(
        d.obj(
            channel="s.channel",
            purpose="s.purpose",
            allowed=d.boolean("s.allowed"),
            since=ts("s.since"),
            source="s.source",
        ),
        consent_rows,
    )

    members: dict[str, str] = {
        "id": "c.id",
        "name": "c.name",
        "phone": "c.phone",
        "email": "c.email",
        "address": "c.address",
        "timeZone": "c.time_zone",
        "notes": "c.notes",
        "createdAt": ts("c.created_at"),
        "referralCode": "c.referral_code",
        "preferredContactMethod": "c.preferred_contact_method",
        "preferredContactTimes": d.document("c.preferred_contact_times"),
        "communicationFrequencyPreference": "c.communication_frequency_preference",
        "languagePreference": "c.language_preference",
        "marketingConsent": d.boolean("c.marketing_consent"),
        "consent": consent,
        "referredBy": d.ref("rb.id", "rb.name"),
        "preferredTechnician": d.ref("pt.id", "pt.name"),
    }
    members["payments"] = collection(
        "payments",
        f"SELECT * FROM payments WHERE customer_id = {cid}",
        "paid_at DESC, id DESC",
        f"payments WHERE customer_id = {cid}",
        id="x.id",
        jobId="x.job_id",
        amount=d.money("x.amount_minor", "x.currency"),
        currency="x.currency",
        paymentMethod="x.payment_method",
        reference="x.reference",
        paidAt=ts("x.paid_at"),
        createdAt=ts("x.created_at"),
    )
    members["expenses"] = collection(
        "expenses",
        f"SELECT * FROM expenses WHERE id IN ({expense_ids})",
        "incurred_at DESC, id DESC",
        f"expenses WHERE id IN ({expense_ids})",
        **expense("x"),
    )
    members["appliances"] = collection(
        "appliances",
        f"SELECT * FROM appliances WHERE customer_id = {cid}",
        "created_at DESC, id DESC",
        f"appliances WHERE customer_id = {cid}",
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
    )
    members["jobs"] = collection(
        "jobs",
        "SELECT j.*, t.name AS technician_name FROM jobs AS j "
        f"LEFT JOIN technicians AS t ON t.id = j.technician_id WHERE j.customer_id = {cid}",
        "scheduled_for DESC, id DESC",
        f"jobs WHERE customer_id = {cid}",
        id="x.id",
        technicianId="x.technician_id",
        technician=d.ref("x.technician_id", "x.technician_name"),
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
        reviews=job_reviews,
        expenses=job_expenses,
    )
    members["reviews"] = collection(
        "reviews",
        f"{reviews_named} WHERE r.customer_id = {cid}",
        "created_at DESC, id DESC",
        f"reviews WHERE customer_id = {cid}",
        **review("x"),
    )
    members["referrals"] = collection(
        "referrals",
        f"SELECT id, name FROM customers WHERE referred_by_id = {cid}",
        "id DESC",
        f"customers WHERE referred_by_id = {cid}",
        id="x.id",
        name="x.name",
    )
    members["customerTechnicianRatings"] = collection(
        "customerTechnicianRatings",
        "SELECT r.*, t.name AS technician_name FROM customer_technician_ratings AS r "
        f"LEFT JOIN technicians AS t ON t.id = r.technician_id WHERE r.customer_id = {cid}",
        "created_at DESC, id DESC",
        f"customer_technician_ratings WHERE customer_id = {cid}",
        id="x.id",
        technicianId="x.technician_id",
        technician=d.ref("x.technician_id", "x.technician_name"),
        jobId="x.job_id",
        rating="x.rating",
        createdAt=ts("x.created_at"),
    )
    # A follow-up's technician is its job's.
    members["followUps"] = collection(
        "followUps",
        "SELECT f.*, j.technician_id, t.name AS technician_name FROM service_follow_ups AS f "
        "JOIN jobs AS j ON j.id = f.job_id LEFT JOIN technicians AS t ON t.id = j.technician_id "
        f"WHERE f.customer_id = {cid}",
        "created_at DESC, id DESC",
        f"service_follow_ups WHERE customer_id = {cid}",
        id="x.id",
        jobId="x.job_id",
        technician=d.ref("x.technician_id", "x.technician_name"),
        status="x.status",
        satisfactionRating="x.satisfaction_rating",
        feedback="x.feedback",
        suggestion="x.suggestion",
        followUpDate=ts("x.follow_up_date"),
        createdAt=ts("x.created_at"),
    )
    # The to-do lists, the most pressing first: alerts soonest due, calls longest waiting.
    open_alerts = f"customer_id = {cid} AND status IN ('OPEN', 'ACKNOWLEDGED')"
    members["maintenanceAlerts"] = collection(
        "maintenanceAlerts",
        f"SELECT * FROM maintenance_alerts WHERE {open_alerts}",
        "due_date ASC, id ASC",
        f"maintenance_alerts WHERE {open_alerts}",
        id="x.id",
        applianceId="x.appliance_id",
        dueDate="x.due_date",
        confidence="x.confidence",
        reason="x.reason",
        status="x.status",
        createdAt=ts("x.created_at"),
        updatedAt=ts("x.updated_at"),
    )
    open_calls = f"customer_id = {cid} AND status = 'OPEN'"
    members["callTasks"] = collection(
        "callTasks",
        f"SELECT * FROM call_tasks WHERE {open_calls}",
        "created_at ASC, id ASC",
        f"call_tasks WHERE {open_calls}",
        id="x.id",
        messageId="x.message_id",
        body="x.body",
        status="x.status",
        createdAt=ts("x.created_at"),
    )
    order = ["jobs", "payments", "expenses", "appliances", "reviews", "referrals"]
    order += ["customerTechnicianRatings", "followUps", "maintenanceAlerts", "callTasks"]
    members["collections"] = d.obj(**{name: info(counts[name]) for name in order})

    def sums(table: str, where: str, key: str | None = None) -> str:
        keyed = f"{key} AS key, " if key else ""
        group = f"{key}, currency" if key else "currency"
        fields = {"currency": "g.currency", "minor": "g.minor", "count": "g.n"}
        if key:
            fields["key"] = "g.key"
        grouped = (
            f"(SELECT {keyed}currency, sum(amount_minor) AS minor, count(*) AS n "
            f"FROM {table} WHERE {where} GROUP BY {group}) AS g"
        )
        return d.array(d.obj(**fields), grouped)

    members[SUMS_MEMBER] = d.obj(
        fin_revenue=sums("payments", f"customer_id = {cid}"),
        fin_expenses=sums("expenses", f"id IN ({expense_ids})"),
        # A payment without a method is reported as UNKNOWN.
        fin_methods=sums("payments", f"customer_id = {cid}", "coalesce(payment_method, 'UNKNOWN')"),
        fin_job_revenue=sums("payments", f"customer_id = {cid} AND job_id IS NOT NULL", "job_id"),
        fin_job_expenses=sums(
            "expenses", f"job_id IN (SELECT id FROM jobs WHERE customer_id = {cid})", "job_id"
        ),
    )
    document = d.obj(**members) + ("::text" if d.postgres else "")
    return (
        f"SELECT {document} AS document\nFROM customers AS c"
        "\nLEFT JOIN customers AS rb ON rb.id = c.referred_by_id"
        "\nLEFT JOIN technicians AS pt ON pt.id = c.preferred_technician_id"
        f"\nWHERE c.id = {cid}"
    )


def as_app_document(floor_document: bytes | str, customer_id: int, default_currency: str) -> Any:
    """The floor's document as the app's: its `financialSums` made into the app's
    `financialSummary` by the app's own code. Objects are lists of (key, value) pairs, so
    comparing two of these also compares member order."""
    members = json.loads(floor_document, object_pairs_hook=list)
    key, sums = members.pop()
    if key != SUMS_MEMBER:
        raise ValueError(f"the floor's document ends with {key!r}, not {SUMS_MEMBER!r}")
    # Each sum is a flat object, here a list of (key, value) pairs.
    row = SimpleNamespace(
        **{name: msgspec.json.encode([dict(pairs) for pairs in value]) for name, value in sums}
    )
    summary = customer_financials_from(row, customer_id, default_currency)
    encoded = msgspec.json.encode(to_wire(summary))
    members.append(("financialSummary", json.loads(encoded, object_pairs_hook=list)))
    return members


def app_document(body: bytes | str) -> Any:
    """The app's body in the form `as_app_document` returns."""
    return json.loads(body, object_pairs_hook=list)


class FloorDrift(AssertionError):
    """The floor's document is not the app's for some customer."""


async def check_floor_matches_app(
    engine: AsyncEngine, customer_ids: list[int], cap: int, default_currency: str
) -> None:
    """Raise FloorDrift unless, for every customer, the floor's document (as the app's) is
    the app's body (the staff document GET /customers/{id} sends)."""
    query = SqlCustomerViewQuery(engine, default_currency)
    floor = Floor(engine)
    for customer_id in customer_ids:
        document = await query.customer_view_document(customer_id, cap)
        floor_document = await floor.fetch(customer_id, cap)
        if document is None or floor_document is None:
            if document is not floor_document:
                raise FloorDrift(f"customer {customer_id}: only one side has the customer")
            continue
        expected = app_document(customer_view_body(document))
        if as_app_document(floor_document, customer_id, default_currency) != expected:
            raise FloorDrift(
                f"customer {customer_id}: the floor's document differs from the app's "
                "(tests/contract/test_floor_document.py shows where)"
            )


class Floor:
    """Runs the floor statement on an engine and returns the document's bytes."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self.sql = floor_sql(engine.dialect.name)
        self._postgres = engine.dialect.name == "postgresql"

    def params(self, customer_id: int, cap: int) -> Any:
        return (customer_id, cap) if self._postgres else {"cid": customer_id, "cap": cap}

    async def fetch(self, customer_id: int, cap: int) -> bytes | None:
        async with self._engine.connect() as conn:
            result = await conn.exec_driver_sql(self.sql, self.params(customer_id, cap))
            text = result.scalar()
        return None if text is None else text.encode()
