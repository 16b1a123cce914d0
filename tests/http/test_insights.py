"""The LLM insight endpoints through the real app with the offline adapter (the default when
no API key is set): every path answers in the one envelope, every answer is stored and
listed by GET /customers/{id}/insights, unknown ids are 404, tokens are required."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from dependency_injector import providers

from entrypoints.container import Container
from tests.fakes import FakeClock
from tests.http.conftest import Headers, assert_problem
from tests.http.helpers import (
    assert_camel_keys,
    create_customer,
    create_expense,
    create_job,
    create_payment,
    create_review,
    create_serviced_appliance,
    create_technician,
)

SOURCE_ID = re.compile(r"^[a-z_]+:[0-9]+$")
CUSTOMER_PATHS = [
    "timeline-summary",
    "followup-suggestions",
    "generate-greeting",
    "analyze-sentiment",
    "profitability-analysis",
    "predict-maintenance",
]


async def a_history(client: httpx.AsyncClient, office: Headers) -> dict[str, Any]:
    """A customer with a technician, an appliance, a completed and reviewed job, a payment
    and an expense."""
    history = await create_serviced_appliance(client, office, email="ada@example.com")
    customer, job = history["customer"], history["job"]
    review = await create_review(client, office, job, rating=2, comment="Late and rude")
    await create_payment(client, office, customer["id"], jobId=job["id"], amount="200.00")
    await create_expense(client, office, jobId=job["id"], amount="50.00")
    return {**history, "review": review}


ENVELOPE = {
    "result",
    "sources",
    "model",
    "promptVersion",
    "cached",
    "degraded",
    "generatedAt",
    "usage",
    "generationId",
    "languageFallback",
}
PROMPT_VERSION = re.compile(r"^[a-z_]+\.v[0-9]+$")


def assert_insight(response: httpx.Response, model: str = "offline") -> dict[str, Any]:
    """The one envelope, whatever the task: result, provenance, usage, stored generation."""
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert_camel_keys(body)
    assert set(body) == ENVELOPE
    assert body["model"] == model and body["degraded"] is False
    assert PROMPT_VERSION.match(body["promptVersion"]), body["promptVersion"]
    assert datetime.fromisoformat(body["generatedAt"]).tzinfo is not None
    assert all(SOURCE_ID.match(s) for s in body["sources"]), body["sources"]
    if body["cached"]:
        assert body["usage"] is None
    else:
        usage = body["usage"]
        assert set(usage) == {"promptTokens", "completionTokens", "latencyMs", "estimatedCost"}
        assert usage["estimatedCost"] == "0"  # offline: no tokens, no cost
    assert isinstance(body["generationId"], int)
    return body


async def test_every_insight_endpoint_answers_offline(
    client: httpx.AsyncClient, office: Headers
) -> None:
    h = await a_history(client, office)
    cid, job, tech = h["customer"]["id"], h["job"], h["technician"]
    base = f"/customers/{cid}"

    timeline = assert_insight(await client.post(f"{base}/timeline-summary", headers=office))
    assert f"job:{job['id']}" in timeline["result"]["sources"]
    assert f"job:{job['id']}" in timeline["sources"]
    assert timeline["promptVersion"] == "timeline_summary.v1"

    followups = assert_insight(await client.post(f"{base}/followup-suggestions", headers=office))
    suggestions = followups["result"]["suggestions"]
    assert suggestions and all(s["suggestedTime"] for s in suggestions)
    assert f"review:{h['review']['id']}" in {s for x in suggestions for s in x["sources"]}

    greeting = assert_insight(await client.post(f"{base}/generate-greeting", headers=office))
    result = greeting["result"]
    assert (result["occasion"], result["language"]) == ("THANK_YOU", "en")
    assert greeting["languageFallback"] is None
    assert f"job:{job['id']}" in greeting["sources"]
    assert result["text"].startswith("Thank you, Ada Lovelace")

    sentiment = assert_insight(await client.post(f"{base}/analyze-sentiment", headers=office))
    assert sentiment["result"]["label"] == "negative"
    assert [i["itemId"] for i in sentiment["result"]["items"]] == [f"review:{h['review']['id']}"]

    money = assert_insight(await client.post(f"{base}/profitability-analysis", headers=office))
    result = money["result"]
    assert result["financials"]["revenue"] == "200.00" and result["financials"]["net"] == "150.00"
    assert result["analysis"]["figures"]["net"] == "150.00"
    assert result["corrected"] is False and result["corrections"] == []

    batch = assert_insight(await client.post(f"{base}/predict-maintenance", headers=office))
    [prediction] = batch["result"]["predictions"]
    assert prediction["applianceId"] == h["appliance"]["id"]
    assert f"job:{job['id']}" in prediction["sources"]
    one = assert_insight(
        await client.post(f"/appliances/{h['appliance']['id']}/predict-maintenance", headers=office)
    )
    assert one["result"]["predictions"][0]["dueDate"] == prediction["dueDate"]

    body = {"applianceType": "refrigerator", "problem": "Not cooling", "customerId": cid}
    match = assert_insight(await client.post("/jobs/match-technician", json=body, headers=office))
    assert [r["technicianId"] for r in match["result"]["ranking"]] == [tech["id"]]
    assert match["result"]["candidates"][0]["name"] == tech["name"]
    assert match["sources"] == [f"technician:{tech['id']}"]
    for_job = assert_insight(
        await client.post(f"/jobs/{job['id']}/match-technician", headers=office)
    )
    assert [r["technicianId"] for r in for_job["result"]["ranking"]] == [tech["id"]]

    survey = assert_insight(await client.post(f"/jobs/{job['id']}/generate-survey", headers=office))
    assert survey["result"]["language"] == "en"
    assert 1 <= len(survey["result"]["questions"]) <= 6


async def test_a_repeated_question_is_answered_from_the_cache(
    client: httpx.AsyncClient, office: Headers
) -> None:
    customer = await create_customer(client, office)
    url = f"/customers/{customer['id']}/analyze-sentiment"
    first = assert_insight(await client.post(url, headers=office))
    second = assert_insight(await client.post(url, headers=office))
    assert (first["cached"], second["cached"]) == (False, True)
    assert first["result"] == second["result"]
    # The hit points at the stored generation it repeats, generated when that one was.
    assert second["generationId"] == first["generationId"]
    assert second["generatedAt"] == first["generatedAt"]
    listed = await client.get(f"/customers/{customer['id']}/insights", headers=office)
    assert listed.status_code == 200, listed.text
    [original] = listed.json()["items"]  # the hit adds no row
    assert (original["id"], original["createdAt"]) == (first["generationId"], first["generatedAt"])


async def test_no_occasion_greeting_has_no_text(
    client: httpx.AsyncClient, office: Headers, container: Container
) -> None:
    clock = FakeClock(datetime(2024, 3, 1, 12, tzinfo=UTC))
    container.clock.override(providers.Object(clock))
    try:
        customer = await create_customer(client, office)
        clock.set(datetime(2024, 6, 20, 12, tzinfo=UTC))
        response = await client.post(
            f"/customers/{customer['id']}/generate-greeting", headers=office
        )
    finally:
        container.clock.reset_override()
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["result"]["occasion"], body["result"]["text"]) == ("NONE", None)
    assert (body["model"], body["usage"], body["generationId"]) == ("none", None, None)


async def test_unknown_ids_are_not_found(client: httpx.AsyncClient, office: Headers) -> None:
    for path in CUSTOMER_PATHS:
        assert_problem(await client.post(f"/customers/999/{path}", headers=office), 404)
    assert_problem(await client.post("/appliances/999/predict-maintenance", headers=office), 404)
    assert_problem(await client.post("/jobs/999/generate-survey", headers=office), 404)


async def test_a_survey_needs_a_completed_job(client: httpx.AsyncClient, office: Headers) -> None:
    job = await create_job(client, office)
    response = await client.post(f"/jobs/{job['id']}/generate-survey", headers=office)
    body = assert_problem(response, 409)
    assert "SCHEDULED" in body["detail"]


async def test_every_insight_path_needs_a_token(client: httpx.AsyncClient) -> None:
    paths = [f"/customers/1/{p}" for p in CUSTOMER_PATHS] + [
        "/appliances/1/predict-maintenance",
        "/jobs/1/generate-survey",
        "/jobs/match-technician",
    ]
    for path in paths:
        response = await client.post(path, json={"applianceType": "x", "problem": "y"})
        assert response.status_code == 401, (path, response.text)


async def test_match_technician_validates_its_body(
    client: httpx.AsyncClient, office: Headers
) -> None:
    url = "/jobs/match-technician"
    window = {"start": "2030-01-02T09:00:00+00:00", "end": "2030-01-02T17:00:00+00:00"}
    bad_bodies: list[tuple[Any, str | None]] = [
        ({"problem": "Not cooling"}, "applianceType"),
        ({"applianceType": "", "problem": "x"}, "applianceType"),
        ({"applianceType": "fridge", "problem": "x", "technicianId": 1}, "technicianId"),
        ({"applianceType": "fridge", "problem": "x", "customerId": "one"}, "customerId"),
        (
            {
                "applianceType": "fridge",
                "problem": "x",
                "preferredWindow": {"start": "2030-01-02T09:00:00", "end": window["end"]},
            },
            None,
        ),
        ({"applianceType": "fridge", "problem": "x", "preferredWindow": {"start": "x"}}, None),
        ([1, 2], None),
    ]
    for body, field in bad_bodies:
        assert_problem(await client.post(url, json=body, headers=office), 400, field)
    backwards = {"start": window["end"], "end": window["start"]}
    body = {"applianceType": "fridge", "problem": "x", "preferredWindow": backwards}
    assert_problem(await client.post(url, json=body, headers=office), 422, "preferredWindow.end")
    unknown = {"applianceType": "fridge", "problem": "x", "customerId": 999}
    assert_problem(await client.post(url, json=unknown, headers=office), 422, "customerId")


async def test_match_technician_counts_workload_in_the_window(
    client: httpx.AsyncClient, office: Headers
) -> None:
    busy = await create_technician(client, office, name="Busy", skills=["refrigerator"])
    free = await create_technician(client, office, name="Free", skills=["fridge"])
    await create_technician(client, office, name="Away", skills=["fridge"], active=False)
    start = datetime(2030, 1, 2, 9, tzinfo=UTC)
    await create_job(client, office, technicianId=busy["id"], scheduledFor=start.isoformat())
    later = (start + timedelta(days=20)).isoformat()
    await create_job(client, office, technicianId=free["id"], scheduledFor=later)
    window = {"start": start.isoformat(), "end": (start + timedelta(hours=8)).isoformat()}
    body = {"applianceType": "Refrigerator", "problem": "Noisy", "preferredWindow": window}
    response = await client.post("/jobs/match-technician", json=body, headers=office)
    result = assert_insight(response)["result"]
    workload = {c["technicianId"]: c["openJobs"] for c in result["candidates"]}
    assert workload == {busy["id"]: 1, free["id"]: 0}
    assert [r["technicianId"] for r in result["ranking"]] == [free["id"], busy["id"]]


async def test_the_insight_paths_are_in_openapi(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    operations = {
        op["operationId"]
        for path in schema["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert {
        "timelineSummary",
        "followupSuggestions",
        "generateGreeting",
        "analyzeSentiment",
        "profitabilityAnalysis",
        "predictCustomerMaintenance",
        "predictApplianceMaintenance",
        "matchTechnician",
        "generateSurvey",
    } <= operations
