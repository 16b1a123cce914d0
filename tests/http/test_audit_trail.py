"""GET /audit-entries through the real app: office changes and a customer's STOP show up
for admins (who, when, what), and nobody else may read the trail."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from twilio.request_validator import RequestValidator

from domain.user import Role
from entrypoints.settings import Settings
from tests.conftest import TEST_JWT_SECRET
from tests.http.conftest import assert_problem
from tests.http.helpers import created, customer_body, expense_body, payment_body

Headers = dict[str, str]
PUBLIC = "https://crm.example.com"
TOKEN = "f" * 32
ENV = {
    "TWILIO_ACCOUNT_SID": "AC" + "a" * 32,
    "TWILIO_AUTH_TOKEN": TOKEN,
    "TWILIO_FROM_NUMBER": "+15005550006",
    "PUBLIC_BASE_URL": PUBLIC + "/",
}
PHONE = "+14155550123"  # customer_body's phone
INBOUND = "/webhooks/twilio/inbound"


@pytest.fixture
def settings(database_url: str) -> Settings:
    base = Settings(database_url=database_url, jwt_secret=TEST_JWT_SECRET, environment="test")
    return base.replace(messaging=Settings.from_env(ENV).messaging)


async def customer_writes_stop(client: httpx.AsyncClient) -> None:
    params = {"From": PHONE, "To": ENV["TWILIO_FROM_NUMBER"], "Body": "STOP", "MessageSid": "SM1"}
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + INBOUND, params)
    response = await client.post(INBOUND, data=params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200, response.text


async def trail(client: httpx.AsyncClient, admin: Headers, **params: Any) -> dict[str, Any]:
    response = await client.get("/audit-entries", params=params, headers=admin)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def user_id(client: httpx.AsyncClient, admin: Headers, username: str) -> int:
    users = (await client.get("/users", headers=admin)).json()["items"]
    return int(next(u["id"] for u in users if u["username"] == username))


async def test_office_changes_and_a_stop_appear_in_the_trail_for_admin(
    client: httpx.AsyncClient, admin: Headers, office: Headers
) -> None:
    customer = await created(client, "/customers", customer_body(), office)
    cid = customer["id"]
    changed = customer_body(name="Ada King", phone="+14155550199")
    assert (await client.put(f"/customers/{cid}", json=changed, headers=office)).is_success
    payment = await created(client, "/payments", payment_body(cid), office)
    corrected = payment_body(cid, amount="130.00")
    put = await client.put(f"/payments/{payment['id']}", json=corrected, headers=office)
    assert put.is_success
    expense = await created(client, "/expenses", expense_body(customerId=cid), office)
    assert (await client.delete(f"/expenses/{expense['id']}", headers=office)).is_success
    back = customer_body(name="Ada King")  # the number the customer will text from
    assert (await client.put(f"/customers/{cid}", json=back, headers=office)).is_success
    await customer_writes_stop(client)

    page = await trail(client, admin, customerId=cid)
    steps = [(e["entity"], e["action"]) for e in page["items"]]
    assert steps == [
        ("consent", "opt-out"),
        ("customer", "update"),
        ("expense", "delete"),
        ("expense", "create"),
        ("payment", "update"),
        ("payment", "create"),
        ("customer", "update"),
        ("customer", "create"),
    ]
    assert page["total"] == 8
    office_id = await user_id(client, admin, "office-user")
    stop, *by_office = page["items"]
    assert all(e["actorUserId"] == office_id and e["actorRole"] == "office" for e in by_office)
    assert (stop["actorUserId"], stop["actorRole"], stop["source"]) == (None, "system", "sms STOP")
    assert stop["changes"] == {"smsOptedOut": [False, True]}
    renamed = by_office[-2]
    assert renamed["changes"]["name"] == ["Ada Lovelace", "Ada King"]
    assert renamed["changes"]["phone"] == ["+14*******23", "+14*******99"]
    assert by_office[3]["changes"] == {"amount": ["125.50", "130.00"]}
    assert all(e["occurredAt"] for e in page["items"])
    assert PHONE not in str(page) and "+14155550199" not in str(page)

    only_payment = await trail(client, admin, entity="payment", entityId=payment["id"])
    assert [e["action"] for e in only_payment["items"]] == ["update", "create"]
    mine = await trail(client, admin, userId=office_id, limit=2, offset=1)
    assert (mine["total"], mine["limit"], mine["offset"], len(mine["items"])) == (7, 2, 1, 2)
    bad = await client.get("/audit-entries", params={"entity": "invoice"}, headers=admin)
    assert_problem(bad, 400)


@pytest.mark.parametrize("role", ["office", "technician"])
async def test_only_admins_read_the_trail(
    client: httpx.AsyncClient, make_user: Callable[..., Awaitable[Headers]], role: str
) -> None:
    headers = await make_user(Role(role))
    assert_problem(await client.get("/audit-entries", headers=headers), 403)
    assert_problem(await client.get("/audit-entries"), 401)
