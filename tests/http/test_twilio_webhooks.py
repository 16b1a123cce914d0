"""/webhooks/twilio through the real app: signatures, status callbacks, inbound messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from twilio.request_validator import RequestValidator

from application.engagement import queue_post_service_surveys
from application.outbox.dispatch import dispatch_due
from application.outbox.outcome import DispatchReport
from domain.contact_preferences import QuietHours
from entrypoints.settings import Settings
from tests.conftest import TEST_JWT_SECRET
from tests.fakes import FakeSender
from tests.http.conftest import assert_problem
from tests.http.helpers import create_completed_job

PUBLIC = "https://crm.example.com"
TOKEN = "f" * 32
ENV = {
    "TWILIO_ACCOUNT_SID": "AC" + "a" * 32,
    "TWILIO_AUTH_TOKEN": TOKEN,
    "TWILIO_FROM_NUMBER": "+15005550006",
    "PUBLIC_BASE_URL": PUBLIC + "/",
}
CUSTOMER = "+14155550123"  # the HTTP helpers' customer
STATUS = "/webhooks/twilio/status"
INBOUND = "/webhooks/twilio/inbound"


@pytest.fixture
def settings(database_url: str) -> Settings:
    base = Settings(database_url=database_url, jwt_secret=TEST_JWT_SECRET, environment="test")
    return base.replace(messaging=Settings.from_env(ENV).messaging)


def signed(path: str, params: dict[str, str], token: str = TOKEN, base: str = PUBLIC) -> str:
    return RequestValidator(token).compute_signature(base + path, params)


async def post(client, path: str, params: dict[str, str], signature: Any = True, **headers):
    if signature is True:
        signature = signed(path, params)
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    return await client.post(path, data=params, headers=headers)


@pytest.fixture
async def sent(client, office, container, clock) -> dict:
    """A follow-up message, dispatched through a fake sender: SENT with a provider id."""
    job = await create_completed_job(client, office)
    body = {"jobId": job["id"], "message": {"body": "How did we do?"}}
    follow_up = (await client.post("/follow-ups", json=body, headers=office)).json()
    report = await dispatch_due(container.uow, clock, FakeSender(clock), QuietHours())
    assert report == DispatchReport(sent=1)
    [message] = (await client.get("/messages", headers=office)).json()["items"]
    assert message["status"] == "SENT" and message["followUpId"] == follow_up["id"]
    return message


async def status_of(client, office, message_id: int) -> str:
    response = await client.get(f"/messages/{message_id}", headers=office)
    return str(response.json()["status"])


def callback(message: dict, status: str, **extra: str) -> dict[str, str]:
    return {
        "MessageSid": message["providerMessageId"],
        "MessageStatus": status,
        "AccountSid": ENV["TWILIO_ACCOUNT_SID"],
        **extra,
    }


# --- signatures ------------------------------------------------------------------------


def bad_signature(kind: str, params: dict[str, str], sent: dict) -> str | None:
    if kind == "wrong token":
        return signed(STATUS, params, token="0" * 32)
    if kind == "signed for the Host we were reached at (not PUBLIC_BASE_URL)":
        return signed(STATUS, params, base="http://testserver")
    if kind == "signed for other parameters":
        return signed(STATUS, callback(sent, "delivered"))
    return {"missing": None, "empty": "", "garbage": "not-a-signature"}[kind]


@pytest.mark.parametrize(
    "kind",
    [
        "missing",
        "empty",
        "garbage",
        "wrong token",
        "signed for the Host we were reached at (not PUBLIC_BASE_URL)",
        "signed for other parameters",
    ],
)
async def test_a_bad_or_missing_signature_is_403_and_changes_nothing(
    client, office, sent, kind
) -> None:
    params = callback(sent, "failed")
    signature = bad_signature(kind, params, sent)
    response = await post(client, STATUS, params, signature)
    assert_problem(response, 403)
    assert await status_of(client, office, sent["id"]) == "SENT"
    inbound = {"From": CUSTOMER, "Body": "STOP", "MessageSid": "SMin1"}
    response = await post(client, INBOUND, inbound, None if kind == "missing" else "bad")
    assert_problem(response, 403)


async def test_webhooks_need_no_bearer_token_but_a_valid_signature(client, office, sent) -> None:
    response = await post(client, STATUS, callback(sent, "delivered"))
    assert response.status_code == 204, response.text
    assert await status_of(client, office, sent["id"]) == "DELIVERED"


# --- status callbacks ------------------------------------------------------------------


async def test_out_of_order_callbacks_never_move_a_message_backward(client, office, sent) -> None:
    for status in ("delivered", "sent", "queued", "undelivered", "sending"):
        response = await post(client, STATUS, callback(sent, status))
        assert response.status_code == 204, response.text
        assert await status_of(client, office, sent["id"]) == "DELIVERED"


async def test_a_repeated_webhook_is_harmless(client, office, sent) -> None:
    params = callback(sent, "undelivered", ErrorCode="30005")
    token = {"I-Twilio-Idempotency-Token": "idem-1"}
    for _ in range(3):
        response = await post(client, STATUS, params, **token)
        assert response.status_code == 204
    message = (await client.get(f"/messages/{sent['id']}", headers=office)).json()
    assert (message["status"], message["lastError"]) == ("UNDELIVERED", "provider error 30005")
    follow_up = (await client.get(f"/follow-ups/{sent['followUpId']}", headers=office)).json()
    assert follow_up["status"] == "FAILED"


async def test_a_callback_for_an_unknown_message_is_accepted_and_ignored(client, sent) -> None:
    response = await post(client, STATUS, {"MessageSid": "SMunknown", "MessageStatus": "sent"})
    assert response.status_code == 204


async def test_a_callback_without_its_fields_is_400(client) -> None:
    assert_problem(await post(client, STATUS, {"MessageStatus": "sent"}), 400, "MessageSid")


# --- inbound ---------------------------------------------------------------------------


async def inbound(client, body: str, sender: str = CUSTOMER, sid: str = "SMin1", **headers):
    params = {"From": sender, "To": ENV["TWILIO_FROM_NUMBER"], "Body": body, "MessageSid": sid}
    response = await post(client, INBOUND, params, **headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    return response.text


async def test_stop_then_a_scheduled_send_is_suppressed(client, office, container, clock) -> None:
    job = await create_completed_job(client, office)
    body = {
        "jobId": job["id"],
        "message": {"body": "Time for a check-up?", "scheduledFor": "2030-01-07T16:00:00Z"},
    }
    assert (await client.post("/follow-ups", json=body, headers=office)).status_code == 201
    twiml = await inbound(client, "Stop")
    assert "<Message>" not in twiml and "<Response" in twiml
    clock.set(datetime(2030, 1, 7, 16, 0, tzinfo=UTC))
    sender = FakeSender(clock)
    report = await dispatch_due(container.uow, clock, sender, QuietHours())
    assert report == DispatchReport(suppressed=1) and sender.sent == []
    [message] = (await client.get("/messages", headers=office)).json()["items"]
    assert message["status"] == "SUPPRESSED" and "consent" in message["lastError"]
    follow_up = (await client.get(f"/follow-ups/{message['followUpId']}", headers=office)).json()
    assert follow_up["status"] == "FAILED"


async def test_start_after_stop_lets_messages_through_again(
    client, office, container, clock
) -> None:
    job = await create_completed_job(client, office)
    await inbound(client, "STOP", sid="SM1")
    clock.advance(minutes=1)
    await inbound(client, "START", sid="SM2")
    body = {"jobId": job["id"], "message": {"body": "Back in touch"}}
    assert (await client.post("/follow-ups", json=body, headers=office)).status_code == 201
    report = await dispatch_due(container.uow, clock, FakeSender(clock), QuietHours())
    assert report == DispatchReport(sent=1)


async def test_help_is_answered_in_twiml(client, office) -> None:
    await create_completed_job(client, office)
    twiml = await inbound(client, "HELP")
    assert "<Message>" in twiml and "STOP" in twiml and "the shop" in twiml


async def test_a_reply_is_stored_as_feedback_on_the_follow_up(client, office, sent) -> None:
    token = {"I-Twilio-Idempotency-Token": "reply-1"}
    twiml = await inbound(client, "All good, thank you!", sid="SMr1", **token)
    assert "<Message>" not in twiml
    await inbound(client, "All good, thank you!", sid="SMr1", **token)  # Twilio retried
    follow_up = (await client.get(f"/follow-ups/{sent['followUpId']}", headers=office)).json()
    assert follow_up["feedback"] == "All good, thank you!"


async def test_a_reply_as_long_as_twilio_sends_is_kept_whole_and_a_longer_one_is_400(
    client, office, sent
) -> None:
    longest = "x" * 1600  # Twilio's maximum Body (SMS and WhatsApp)
    await inbound(client, longest, sid="SMlong")
    follow_up = (await client.get(f"/follow-ups/{sent['followUpId']}", headers=office)).json()
    assert follow_up["feedback"] == longest
    params = {"From": CUSTOMER, "Body": longest + "x", "MessageSid": "SMlonger"}
    assert_problem(await post(client, INBOUND, params), 400, "Body")
    document = (await client.get("/schema/openapi.json")).json()
    form = document["paths"][INBOUND]["post"]["requestBody"]["content"]
    properties = form["application/x-www-form-urlencoded"]["schema"]["properties"]
    assert properties["Body"]["maxLength"] == 1600
    assert properties["MessageSid"]["maxLength"] == 200


async def test_whatsapp_stop_is_recorded_for_whatsapp(client, office, container) -> None:
    await create_completed_job(client, office)
    await inbound(client, "stop", sender=f"whatsapp:{CUSTOMER}")
    async with container.uow() as uow:
        [customer] = await uow.customers.find_by_phone(CUSTOMER)
        assert customer.id is not None
        entries = await uow.consents.latest(customer.id)
    assert [(e.channel.value, e.purpose.value, e.allowed, e.source, e.note) for e in entries] == [
        ("WHATSAPP", "TRANSACTIONAL", False, "whatsapp STOP", "via twilio-inbound"),
        ("WHATSAPP", "MARKETING", False, "whatsapp STOP", "via twilio-inbound"),
    ]


async def test_a_message_from_an_unknown_number_is_ignored(client, office) -> None:
    twiml = await inbound(client, "STOP", sender="+447700900123")
    assert "<Message>" not in twiml


async def test_a_survey_reply_4_stars_sets_the_rating(client, office, container, clock) -> None:
    job = await create_completed_job(client, office)
    clock.advance(container.engagement_context().survey_delay + timedelta(minutes=1))
    assert await queue_post_service_surveys(container.engagement_context()) == 1
    [survey] = (await client.get("/messages", headers=office)).json()["items"]
    clock.set(max(clock.now(), datetime.fromisoformat(survey["scheduledFor"])))
    assert await dispatch_due(container.uow, clock, FakeSender(clock), QuietHours()) == (
        DispatchReport(sent=1)
    )
    path = f"/follow-ups/{survey['followUpId']}"
    follow_up = (await client.get(path, headers=office)).json()
    assert (follow_up["jobId"], follow_up["status"]) == (job["id"], "SENT")

    twiml = await inbound(client, "4 stars - fixed in no time", sid="SMs1")
    assert "<Message>" not in twiml
    answered = (await client.get(path, headers=office)).json()
    assert (answered["status"], answered["satisfactionRating"], answered["feedback"]) == (
        "COMPLETED", 4, "fixed in no time",
    )  # fmt: skip
    customer_id = job["customerId"]
    rated = await client.get(f"/customers/{customer_id}/technician-ratings", headers=office)
    assert [(r["jobId"], r["technicianId"], r["rating"]) for r in rated.json()["items"]] == [
        (job["id"], job["technicianId"], 4)
    ]
    view = (await client.get(f"/customers/{customer_id}", headers=office)).json()
    [shown] = view["followUps"]
    assert (shown["satisfactionRating"], shown["technician"]["id"]) == (4, job["technicianId"])
