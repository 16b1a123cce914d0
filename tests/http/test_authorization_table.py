"""Who may call what: one row per operation of the OpenAPI document, every role.

Each row gives the status expected for five callers:
- `anon`: no token (401 for everything but the public endpoints);
- `admin` and `office`: staff, each on records of their own set (so their writes do not
  interfere), deleting "bare" records nothing references;
- `tech_own`: a technician on records of a job assigned to them;
- `tech_other`: the same technician on another technician's records (404: nothing revealed).

A new endpoint without a row fails `test_every_operation_has_a_row`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from domain.user import Role
from entrypoints.settings import Settings
from tests.http.conftest import PASSWORD, Headers
from tests.http.helpers import (
    appliance_body,
    customer_body,
    expense_body,
    job_body,
    payment_body,
    technician_body,
)
from tests.http.office_work import add_call_task, hold_reminder, lost_answer, raise_alert

CALLERS = ("anon", "admin", "office", "tech_own", "tech_other")
PUBLIC = {
    "health",
    "ready",
    "login",
    "refreshSession",
    "logout",
    "twilioInboundMessage",
    "twilioStatusCallback",
}
Ids = dict[str, int]
Body = Callable[[Ids], Any] | None


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # placeholders: {customer} {job} {doneJob} {appliance} {followUp} ...
    expected: tuple[int, int, int, int, int]  # in the order of CALLERS
    body: Body = None
    form: bool = False


def row(method: str, path: str, expected: str, body: Body = None, form: bool = False) -> Row:
    """`expected`: the statuses of CALLERS, space-separated."""
    statuses = tuple(int(status) for status in expected.split())
    assert len(statuses) == len(CALLERS)
    return Row(method, path, statuses, body, form)  # type: ignore[arg-type]


def notes_only(ids: Ids) -> dict[str, Any]:
    """The job as it is, with new notes: all a technician may change."""
    return job_body(
        ids["customer"],
        technicianId=ids["technician"],
        notes="bring the 3/8 wrench",
        scheduledFor="2030-01-02T09:30:00+00:00",
        description="Fridge not cooling",
    )


# "anon admin office tech_own tech_other"
TABLE: dict[str, Row] = {
    # Public: authenticated by nothing (health), by credentials (login) or by signature.
    "health": row("GET", "/health", "200 200 200 200 200"),
    "ready": row("GET", "/ready", "200 200 200 200 200"),
    "login": row(
        "POST",
        "/auth/login",
        "401 401 401 401 401",
        body=lambda ids: {"username": "nobody", "password": "wrong-password-1"},
    ),
    # Authenticated by the refresh token in the body, whatever the bearer token says.
    "refreshSession": row(
        "POST",
        "/auth/refresh",
        "401 401 401 401 401",
        body=lambda ids: {"refreshToken": "not-a-token-we-issued"},
    ),
    "logout": row(
        "POST",
        "/auth/logout",
        "204 204 204 204 204",
        body=lambda ids: {"refreshToken": "not-a-token-we-issued"},
    ),
    "getCurrentUser": row("GET", "/auth/me", "401 200 200 200 200"),
    # Without TWILIO_AUTH_TOKEN the webhooks do not exist (404); with it, a request
    # without a valid X-Twilio-Signature is a 403 (tests/http/test_twilio_webhooks.py).
    "twilioInboundMessage": row(
        "POST",
        "/webhooks/twilio/inbound",
        "404 404 404 404 404",
        body=lambda ids: {"From": "+14155550123", "Body": "STOP"},
        form=True,
    ),
    "twilioStatusCallback": row(
        "POST",
        "/webhooks/twilio/status",
        "404 404 404 404 404",
        body=lambda ids: {"MessageSid": "SM1", "MessageStatus": "delivered"},
        form=True,
    ),
    # Users: admin only.
    "listUsers": row("GET", "/users", "401 200 403 403 403"),
    "createUser": row(
        "POST",
        "/users",
        "401 201 403 403 403",
        body=lambda ids: {"username": f"new-{ids['n']}", "password": PASSWORD, "role": "office"},
    ),
    "getUser": row("GET", "/users/{user}", "401 200 403 403 403"),
    "updateUser": row(
        "PUT", "/users/{user}", "401 200 403 403 403", body=lambda ids: {"active": False}
    ),
    "deleteUser": row("DELETE", "/users/{user}", "401 204 403 403 403"),
    "listAuditEntries": row("GET", "/audit-entries", "401 200 403 403 403"),
    # Customers: technicians read the customers of their jobs.
    "listCustomers": row("GET", "/customers", "401 200 200 200 200"),
    "createCustomer": row(
        "POST", "/customers", "401 201 201 403 403", body=lambda ids: customer_body()
    ),
    "getCustomerView": row("GET", "/customers/{customer}", "401 200 200 200 404"),
    "updateCustomer": row(
        "PUT",
        "/customers/{customer}",
        "401 200 200 403 404",
        body=lambda ids: customer_body(name="Renamed"),
    ),
    "deleteCustomer": row("DELETE", "/customers/{bareCustomer}", "401 204 204 403 404"),
    "eraseCustomer": row("POST", "/customers/{customer}/erase", "401 200 403 403 403"),
    "listCustomerReferrals": row("GET", "/customers/{customer}/referrals", "401 200 200 403 404"),
    "setPreferredTechnician": row(
        "PUT",
        "/customers/{customer}/preferred-technician",
        "401 200 200 403 404",
        body=lambda ids: {"technicianId": ids["technician"]},
    ),
    "setCommunicationPreferences": row(
        "PUT",
        "/customers/{customer}/communication-preferences",
        "401 200 200 403 404",
        body=lambda ids: {"preferredContactMethod": "SMS"},
    ),
    "getCustomerConsent": row("GET", "/customers/{customer}/consent", "401 200 200 200 404"),
    "setCustomerConsent": row(
        "PUT",
        "/customers/{customer}/consent",
        "401 200 200 403 404",
        body=lambda ids: {"channel": "SMS", "purpose": "MARKETING", "allowed": False},
    ),
    "getCustomerFinancials": row("GET", "/customers/{customer}/financials", "401 200 200 403 404"),
    "listCustomerTechnicianRatings": row(
        "GET", "/customers/{customer}/technician-ratings", "401 200 200 403 404"
    ),
    "rateCustomerTechnician": row(
        "POST",
        "/customers/{customer}/technician-rating",
        "401 201 201 403 404",
        body=lambda ids: {"technicianId": ids["technician"], "jobId": ids["doneJob"], "rating": 5},
    ),
    # Insights: technicians get the field assistants (greeting, maintenance) only.
    "timelineSummary": row("POST", "/customers/{customer}/timeline-summary", "401 200 200 403 404"),
    "followupSuggestions": row(
        "POST", "/customers/{customer}/followup-suggestions", "401 200 200 403 404"
    ),
    # Stored answers: a technician sees the field assistants' of their own customers.
    "listCustomerInsights": row("GET", "/customers/{customer}/insights", "401 200 200 200 404"),
    "generateGreeting": row(
        "POST", "/customers/{customer}/generate-greeting", "401 200 200 200 404"
    ),
    "analyzeSentiment": row(
        "POST", "/customers/{customer}/analyze-sentiment", "401 200 200 403 404"
    ),
    "profitabilityAnalysis": row(
        "POST", "/customers/{customer}/profitability-analysis", "401 200 200 403 404"
    ),
    "predictCustomerMaintenance": row(
        "POST", "/customers/{customer}/predict-maintenance", "401 200 200 200 404"
    ),
    "predictApplianceMaintenance": row(
        "POST", "/appliances/{appliance}/predict-maintenance", "401 200 200 200 404"
    ),
    "matchTechnician": row(
        "POST",
        "/jobs/match-technician",
        "401 200 200 403 403",
        body=lambda ids: {"applianceType": "fridge", "problem": "not cooling"},
    ),
    "matchTechnicianForJob": row(
        "POST", "/jobs/{scheduledJob}/match-technician", "401 200 200 403 404"
    ),
    "generateSurvey": row("POST", "/jobs/{doneJob}/generate-survey", "401 200 200 403 404"),
    # Technicians: staff manage them; a technician reads only their own record.
    "listTechnicians": row("GET", "/technicians", "401 200 200 403 403"),
    "createTechnician": row(
        "POST", "/technicians", "401 201 201 403 403", body=lambda ids: technician_body()
    ),
    "getTechnician": row("GET", "/technicians/{technician}", "401 200 200 200 404"),
    "updateTechnician": row(
        "PUT",
        "/technicians/{technician}",
        "401 200 200 403 404",
        body=lambda ids: technician_body(name="Renamed"),
    ),
    "deleteTechnician": row("DELETE", "/technicians/{bareTechnician}", "401 204 204 403 404"),
    # Jobs: a technician reads their jobs, moves them and edits their notes.
    "listJobs": row("GET", "/jobs", "401 200 200 200 200"),
    "createJob": row(
        "POST", "/jobs", "401 201 201 403 403", body=lambda ids: job_body(ids["customer"])
    ),
    "getJob": row("GET", "/jobs/{job}", "401 200 200 200 404"),
    "updateJob": row("PUT", "/jobs/{job}", "401 200 200 200 404", body=notes_only),
    "deleteJob": row("DELETE", "/jobs/{bareJob}", "401 204 204 403 404"),
    "startJob": row("POST", "/jobs/{scheduledJob}/start", "401 200 200 200 404"),
    "completeJob": row("POST", "/jobs/{job}/complete", "401 200 200 200 404"),
    "cancelJob": row("POST", "/jobs/{job}/cancel", "401 200 200 200 404"),
    "getJobFinancials": row("GET", "/jobs/{job}/financials", "401 200 200 403 404"),
    # Assigning: staff only; the set's bare technician is skilled (fridges) and free.
    "assignJob": row(
        "POST",
        "/jobs/{scheduledJob}/assign",
        "401 200 200 403 404",
        body=lambda ids: {"technicianId": ids["bareTechnician"]},
    ),
    # Payments: staff only.
    "listPayments": row("GET", "/payments", "401 200 200 403 403"),
    "createPayment": row(
        "POST",
        "/payments",
        "401 201 201 403 403",
        body=lambda ids: payment_body(ids["customer"]),
    ),
    "getPayment": row("GET", "/payments/{payment}", "401 200 200 403 403"),
    "updatePayment": row(
        "PUT",
        "/payments/{payment}",
        "401 200 200 403 403",
        body=lambda ids: payment_body(ids["customer"], amount="99.00"),
    ),
    "deletePayment": row("DELETE", "/payments/{payment}", "401 204 204 403 403"),
    # Expenses: a technician records and reads those of their own jobs.
    "listExpenses": row("GET", "/expenses", "401 200 200 200 200"),
    "createExpense": row(
        "POST",
        "/expenses",
        "401 201 201 201 422",
        body=lambda ids: expense_body(jobId=ids["job"]),
    ),
    "getExpense": row("GET", "/expenses/{expense}", "401 200 200 200 404"),
    "updateExpense": row(
        "PUT",
        "/expenses/{expense}",
        "401 200 200 200 404",
        body=lambda ids: expense_body(jobId=ids["job"], amount="43.00"),
    ),
    "deleteExpense": row("DELETE", "/expenses/{expense}", "401 204 204 204 404"),
    # Appliances: technicians read those of their customers.
    "listAppliances": row("GET", "/appliances", "401 200 200 200 200"),
    "createAppliance": row(
        "POST",
        "/appliances",
        "401 201 201 403 403",
        body=lambda ids: appliance_body(ids["customer"]),
    ),
    "getAppliance": row("GET", "/appliances/{appliance}", "401 200 200 200 404"),
    "updateAppliance": row(
        "PUT",
        "/appliances/{appliance}",
        "401 200 200 403 404",
        body=lambda ids: appliance_body(ids["customer"], brand="Bosch"),
    ),
    "deleteAppliance": row("DELETE", "/appliances/{appliance}", "401 204 204 403 404"),
    # Reviews: staff record what customers said.
    "listReviews": row("GET", "/reviews", "401 200 200 403 403"),
    "createReview": row(
        "POST",
        "/reviews",
        "401 201 201 403 403",
        body=lambda ids: {"jobId": ids["doneJob"], "customerId": ids["customer"], "rating": 4},
    ),
    # Follow-ups: technicians read those of their jobs.
    "listFollowUps": row("GET", "/follow-ups", "401 200 200 200 200"),
    "createFollowUp": row(
        "POST", "/follow-ups", "401 201 201 403 403", body=lambda ids: {"jobId": ids["job"]}
    ),
    "getFollowUp": row("GET", "/follow-ups/{followUp}", "401 200 200 200 404"),
    "updateFollowUp": row(
        "PUT",
        "/follow-ups/{followUp}",
        "401 200 200 403 404",
        body=lambda ids: {"feedback": "all good"},
    ),
    "sendFollowUp": row(
        "POST",
        "/follow-ups/{pendingFollowUp}/send",
        "401 201 201 403 403",
        body=lambda ids: {"body": "How did it go?"},
    ),
    "dismissFollowUp": row("POST", "/follow-ups/{pendingFollowUp}/dismiss", "401 200 200 403 403"),
    # Messages: staff only.
    "listMessages": row("GET", "/messages", "401 200 200 403 403"),
    "createMessage": row(
        "POST",
        "/messages",
        "401 201 201 403 403",
        body=lambda ids: {"customerId": ids["customer"], "body": "Hi", "purpose": "TRANSACTIONAL"},
    ),
    "getMessage": row("GET", "/messages/{message}", "401 200 200 403 403"),
    "cancelMessage": row("POST", "/messages/{message}/cancel", "401 200 200 403 403"),
    "approveMessage": row("POST", "/messages/{heldMessage}/approve", "401 200 200 403 403"),
    "rejectMessage": row("POST", "/messages/{heldMessage}/reject", "401 200 200 403 403"),
    "resolveMessage": row(
        "POST",
        "/messages/{reviewMessage}/resolve",
        "401 200 200 403 403",
        lambda ids: {"outcome": "SENT"},
    ),
    # Call tasks: the office's call list, staff only like the outbox it comes from.
    "listCallTasks": row("GET", "/call-tasks", "401 200 200 403 403"),
    "getCallTask": row("GET", "/call-tasks/{callTask}", "401 200 200 403 403"),
    "completeCallTask": row(
        "POST",
        "/call-tasks/{callTask}/complete",
        "401 200 200 403 403",
        body=lambda ids: {"outcome": "REACHED", "note": "booked a visit"},
    ),
    # Maintenance alerts: technicians read those of their customers; staff act on them.
    "listMaintenanceAlerts": row("GET", "/maintenance-alerts", "401 200 200 200 200"),
    "getMaintenanceAlert": row("GET", "/maintenance-alerts/{alert}", "401 200 200 200 404"),
    "acknowledgeMaintenanceAlert": row(
        "POST", "/maintenance-alerts/{alert}/acknowledge", "401 200 200 403 404"
    ),
    "dismissMaintenanceAlert": row(
        "POST",
        "/maintenance-alerts/{alert}/dismiss",
        "401 200 200 403 404",
        body=lambda ids: {"reason": "customer replaced it"},
    ),
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Room for the many follow-ups (each queues a message) this table creates."""
    limits = settings.limits.replace(message_rate_limit_per_minute=10_000)
    return settings.replace(limits=limits)


def openapi_operations(schema: dict[str, Any]) -> dict[str, tuple[str, str]]:
    found = {}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                found[operation["operationId"]] = (method.upper(), path)
    return found


async def test_every_operation_has_a_row(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    operations = openapi_operations(schema)
    assert sorted(set(operations) - set(TABLE)) == [], "operations without an authorization row"
    assert sorted(set(TABLE) - set(operations)) == [], "rows for operations that do not exist"
    for name, (method, _) in operations.items():
        assert TABLE[name].method == method, name


async def _post(client: httpx.AsyncClient, headers: Headers, path: str, body: Any) -> Any:
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code in (200, 201), (path, response.text)
    return response.json()


async def _set(
    client: httpx.AsyncClient,
    admin: Headers,
    technician_id: int,
    n: int,
    with_user: bool,
    container: Any,
) -> Ids:
    """A customer with jobs of `technician_id` (in progress, scheduled, completed, bare) and
    an appliance (with a maintenance alert), expense, payment, follow-up with a queued
    message, a call task; records nothing references (bare customer, job, technician); a
    spare office user when `with_user`."""
    customer = (await _post(client, admin, "/customers", customer_body(name=f"C{n}")))["id"]
    post = lambda path, body: _post(client, admin, path, body)  # noqa: E731
    job = (await post("/jobs", job_body(customer, technicianId=technician_id)))["id"]
    await post(f"/jobs/{job}/start", None)
    scheduled = (await post("/jobs", job_body(customer, technicianId=technician_id)))["id"]
    done = (await post("/jobs", job_body(customer, technicianId=technician_id)))["id"]
    await post(f"/jobs/{done}/start", None)
    await post(f"/jobs/{done}/complete", None)
    bare_job = (await post("/jobs", job_body(customer, technicianId=technician_id)))["id"]
    ids: Ids = {
        "n": n,
        "customer": customer,
        "technician": technician_id,
        "job": job,
        "scheduledJob": scheduled,
        "doneJob": done,
        "bareJob": bare_job,
        "appliance": (await post("/appliances", appliance_body(customer)))["id"],
        "expense": (await post("/expenses", expense_body(jobId=job)))["id"],
        "payment": (await post("/payments", payment_body(customer)))["id"],
        "bareCustomer": (await post("/customers", customer_body(name=f"Bare{n}")))["id"],
        "bareTechnician": (await post("/technicians", technician_body(name=f"B{n}")))["id"],
    }
    follow_up = await post("/follow-ups", {"jobId": job, "message": {"body": "How did it go?"}})
    ids["followUp"] = follow_up["id"]
    ids["pendingFollowUp"] = (await post("/follow-ups", {"jobId": done}))["id"]
    messages = await client.get("/messages", params={"customerId": customer}, headers=admin)
    ids["message"] = messages.json()["items"][0]["id"]
    ids["alert"] = await raise_alert(container, customer, ids["appliance"])
    ids["callTask"] = await add_call_task(container, customer)
    ids["heldMessage"] = await hold_reminder(container, customer)
    ids["reviewMessage"] = await lost_answer(container, customer)
    if with_user:
        user = await post(
            "/users", {"username": f"spare-{n}", "password": PASSWORD, "role": "office"}
        )
        ids["user"] = user["id"]
    return ids


async def test_each_caller_gets_what_the_table_says(
    client: httpx.AsyncClient, make_user: Callable[..., Any], container: Any
) -> None:
    admin = await make_user(Role.ADMIN)
    office = await make_user(Role.OFFICE)
    mine = await _post(client, admin, "/technicians", technician_body(name="Mine"))
    theirs = await _post(client, admin, "/technicians", technician_body(name="Theirs"))
    tech = await make_user(Role.TECHNICIAN, technician_id=mine["id"])
    headers = {"anon": {}, "admin": admin, "office": office, "tech_own": tech, "tech_other": tech}

    mismatches: list[str] = []
    shared = {
        "own": await _set(client, admin, mine["id"], 1, False, container),
        "other": await _set(client, admin, theirs["id"], 2, False, container),
        "office": await _set(client, admin, theirs["id"], 3, False, container),
        "admin": await _set(client, admin, theirs["id"], 4, True, container),
    }
    fresh_sets = 0
    for name, spec in sorted(TABLE.items()):
        for caller, expected in zip(CALLERS, spec.expected, strict=True):
            scope = {"anon": "admin", "tech_own": "own", "tech_other": "other"}.get(caller, caller)
            world = shared
            if spec.method != "GET" and 200 <= expected < 300:  # a write that succeeds
                fresh_sets += 1  # gets records of its own, so it changes no one else's
                n = 10 + fresh_sets
                technician = mine if scope == "own" else theirs
                fresh = await _set(client, admin, technician["id"], n, scope == "admin", container)
                world = {scope: fresh}
            ids = dict(world[scope])
            if caller.startswith("tech"):  # a technician deletes the set's main records
                ids |= {"bareCustomer": ids["customer"], "bareJob": ids["job"]}
                ids["bareTechnician"] = ids["technician"]
            ids.setdefault("user", shared["admin"]["user"])
            path = spec.path.format(**ids)
            body = spec.body(ids) if spec.body else None
            response = await client.request(
                spec.method,
                path,
                headers=headers[caller],
                **({"data": body} if spec.form else {"json": body} if body is not None else {}),
            )
            if response.status_code != expected:
                mismatches.append(
                    f"{name} as {caller}: {spec.method} {path} -> {response.status_code}"
                    f" (expected {expected}): {response.text[:160]}"
                )
            elif expected >= 400:
                assert response.headers["content-type"].startswith("application/problem+json")
    assert mismatches == [], "\n".join(mismatches)


async def test_a_technician_lists_only_their_own_work(
    client: httpx.AsyncClient, make_user: Callable[..., Any], container: Any
) -> None:
    admin = await make_user(Role.ADMIN)
    mine = await _post(client, admin, "/technicians", technician_body(name="Mine"))
    theirs = await _post(client, admin, "/technicians", technician_body(name="Theirs"))
    tech = await make_user(Role.TECHNICIAN, technician_id=mine["id"])
    own = await _set(client, admin, mine["id"], 1, False, container)
    other = await _set(client, admin, theirs["id"], 2, False, container)

    async def ids_of(path: str, headers: Headers, **params: Any) -> set[int]:
        response = await client.get(path, params={"limit": 200, **params}, headers=headers)
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    own_jobs = {own[k] for k in ("job", "scheduledJob", "doneJob", "bareJob")}
    assert await ids_of("/jobs", tech) == own_jobs
    assert await ids_of("/jobs", tech, technicianId=theirs["id"]) == set()
    assert await ids_of("/customers", tech) == {own["customer"]}
    assert await ids_of("/appliances", tech) == {own["appliance"]}
    assert await ids_of("/follow-ups", tech) == {own["followUp"], own["pendingFollowUp"]}
    assert await ids_of("/expenses", tech) == {own["expense"]}
    assert await ids_of("/maintenance-alerts", tech) == {own["alert"]}
    assert await ids_of("/maintenance-alerts", tech, customerId=other["customer"]) == set()
    assert await ids_of("/jobs", admin) >= own_jobs | {other["job"]}

    view = (await client.get(f"/customers/{own['customer']}", headers=tech)).json()
    assert {job["id"] for job in view["jobs"]} == own_jobs
    assert view["payments"] == [] and view["financialSummary"] is None
    assert view["reviews"] == [] and view["referrals"] == []
    assert view["collections"]["payments"]["total"] == 0
    assert [alert["id"] for alert in view["maintenanceAlerts"]] == [own["alert"]]
    assert view["callTasks"] == [] and view["collections"]["callTasks"]["total"] == 0
    staff_view = (await client.get(f"/customers/{own['customer']}", headers=admin)).json()
    assert len(staff_view["payments"]) == 1 and staff_view["financialSummary"] is not None
    assert [task["id"] for task in staff_view["callTasks"]] == [own["callTask"]]


async def test_a_technician_changes_only_the_notes_of_their_job(
    client: httpx.AsyncClient, make_user: Callable[..., Any], container: Any
) -> None:
    admin = await make_user(Role.ADMIN)
    mine = await _post(client, admin, "/technicians", technician_body(name="Mine"))
    tech = await make_user(Role.TECHNICIAN, technician_id=mine["id"])
    own = await _set(client, admin, mine["id"], 1, False, container)
    before = (await client.get(f"/jobs/{own['job']}", headers=admin)).json()
    moved = notes_only(own) | {"description": "Replace the whole fridge"}
    response = await client.put(f"/jobs/{own['job']}", json=moved, headers=tech)
    assert response.status_code == 403 and "description" in response.json()["detail"]
    assert (await client.get(f"/jobs/{own['job']}", headers=admin)).json() == before
    ok = await client.put(f"/jobs/{own['job']}", json=notes_only(own), headers=tech)
    assert ok.status_code == 200 and ok.json()["notes"] == "bring the 3/8 wrench"
