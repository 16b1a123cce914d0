"""/maintenance-alerts and booking a job for an alert, through the real app."""

from __future__ import annotations

from datetime import date

import pytest

from tests.http.conftest import assert_problem
from tests.http.helpers import (
    assert_camel_keys,
    create_appliance,
    create_customer,
    create_job,
    move_job,
    rejected,
)
from tests.http.office_work import raise_alert

KEYS = {
    "id",
    "applianceId",
    "customerId",
    "dueDate",
    "confidence",
    "reason",
    "status",
    "dismissReason",
    "dismissedAt",
    "dismissedBy",
    "createdAt",
    "updatedAt",
}


@pytest.fixture
async def alert(client, office, container) -> dict:
    customer = await create_customer(client, office)
    appliance = await create_appliance(client, office, customer["id"])
    alert_id = await raise_alert(container, customer["id"], appliance["id"])
    response = await client.get(f"/maintenance-alerts/{alert_id}", headers=office)
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_alert_reads_in_camel_case(client, office, alert) -> None:
    assert set(alert) == KEYS and assert_camel_keys(alert) is None
    assert (alert["status"], alert["dueDate"], alert["dismissReason"]) == (
        "OPEN",
        "2030-03-01",
        None,
    )


async def test_acknowledge_then_dismiss_with_a_reason(client, office, alert) -> None:
    url = f"/maintenance-alerts/{alert['id']}"
    response = await client.post(f"{url}/acknowledge", headers=office)
    assert response.status_code == 200 and response.json()["status"] == "ACKNOWLEDGED"
    conflict = assert_problem(await client.post(f"{url}/acknowledge", headers=office), 409)
    assert "ACKNOWLEDGED" in conflict["detail"]
    body = {"reason": "The customer replaced the boiler"}
    dismissed = await client.post(f"{url}/dismiss", json=body, headers=office)
    assert dismissed.status_code == 200, dismissed.text
    got = dismissed.json()
    assert (got["status"], got["dismissReason"]) == ("DISMISSED", body["reason"])
    assert got["dismissedAt"] and got["dismissedBy"] is not None
    again = assert_problem(await client.post(f"{url}/dismiss", json=body, headers=office), 409)
    assert "DISMISSED" in again["detail"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [({}, 400, "reason"), ({"reason": ""}, 400, "reason"), ({"reason": "  "}, 400, "reason")],
)
async def test_a_dismissal_without_a_reason_is_refused(
    client, office, alert, body, status, field
) -> None:
    url = f"/maintenance-alerts/{alert['id']}/dismiss"
    response = await client.post(url, json=body, headers=office)
    assert_problem(response, status, field)
    after = (await client.get(f"/maintenance-alerts/{alert['id']}", headers=office)).json()
    assert after == alert


async def test_list_filters_by_customer_status_and_due_date(client, office, alert) -> None:
    async def ids(**params) -> list[int]:
        response = await client.get("/maintenance-alerts", params=params, headers=office)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids(customerId=alert["customerId"]) == [alert["id"]]
    assert await ids(status="OPEN", dueBefore="2030-03-01") == [alert["id"]]
    assert await ids(dueBefore="2030-02-28") == []
    assert await ids(status="DONE") == []


@pytest.mark.parametrize(
    ("query", "field"),
    [({"dueBefore": "soon"}, "dueBefore"), ({"status": "LATE"}, "status")],
)
async def test_a_bad_list_query_is_400_naming_the_parameter(client, office, query, field) -> None:
    assert_problem(
        await client.get("/maintenance-alerts", params=query, headers=office), 400, field
    )


async def test_a_missing_alert_is_404(client, office) -> None:
    assert_problem(await client.get("/maintenance-alerts/999", headers=office), 404)
    assert_problem(await client.post("/maintenance-alerts/999/acknowledge", headers=office), 404)
    reason = {"reason": "gone"}
    response = await client.post("/maintenance-alerts/999/dismiss", json=reason, headers=office)
    assert_problem(response, 404)


async def test_a_job_booked_for_the_alert_closes_it_when_it_completes(
    client, office, alert
) -> None:
    job = await create_job(client, office, alert["customerId"], maintenanceAlertId=alert["id"])
    assert job["maintenanceAlertId"] == alert["id"]
    url = f"/maintenance-alerts/{alert['id']}"
    await move_job(client, office, job["id"], "start")
    assert (await client.get(url, headers=office)).json()["status"] == "OPEN"
    await move_job(client, office, job["id"], "complete")
    assert (await client.get(url, headers=office)).json()["status"] == "DONE"
    view = (await client.get(f"/customers/{alert['customerId']}", headers=office)).json()
    assert view["maintenanceAlerts"] == []  # done: nothing left to act on
    audit = await client.get(
        "/audit-entries", params={"entity": "maintenance-alert"}, headers=office
    )
    assert audit.status_code == 403  # the trail is the admin's


async def test_a_job_can_be_booked_only_for_an_open_alert_of_its_customer(
    client, office, alert
) -> None:
    other = await create_customer(client, office, name="Someone Else")
    body = {
        "customerId": other["id"],
        "description": "Service",
        "scheduledFor": "2030-01-02T09:30:00+00:00",
        "maintenanceAlertId": alert["id"],
    }
    await rejected(client, office, "POST", "/jobs", body, 422, "maintenanceAlertId")
    missing = body | {"customerId": alert["customerId"], "maintenanceAlertId": 999}
    await rejected(client, office, "POST", "/jobs", missing, 422, "maintenanceAlertId")
    dismiss = {"reason": "not needed"}
    await client.post(f"/maintenance-alerts/{alert['id']}/dismiss", json=dismiss, headers=office)
    closed = body | {"customerId": alert["customerId"]}
    await rejected(client, office, "POST", "/jobs", closed, 422, "maintenanceAlertId")


async def test_open_and_acknowledged_alerts_appear_in_the_customer_view(
    client, office, alert, container
) -> None:
    customer = alert["customerId"]
    appliance = await create_appliance(client, office, customer)
    sooner = await raise_alert(container, customer, appliance["id"], date(2030, 2, 1))
    await client.post(f"/maintenance-alerts/{sooner}/acknowledge", headers=office)
    view = (await client.get(f"/customers/{customer}", headers=office)).json()
    items = view["maintenanceAlerts"]
    assert [(i["id"], i["status"]) for i in items] == [
        (sooner, "ACKNOWLEDGED"),  # soonest due first
        (alert["id"], "OPEN"),
    ]
    assert set(items[0]) == {
        "id",
        "applianceId",
        "dueDate",
        "confidence",
        "reason",
        "status",
        "createdAt",
        "updatedAt",
    }
    assert view["collections"]["maintenanceAlerts"] == {
        "total": 2,
        "returned": 2,
        "truncated": False,
    }
