"""One JSON access line per request, carrying the request id; /metrics for admins only."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import httpx
import pytest

from domain.user import Role
from tests.http.conftest import Headers
from tests.http.helpers import create_customer
from tests.log_capture import json_root_output


class Lines:
    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream

    def all(self) -> list[dict]:
        return [json.loads(line) for line in self._stream.getvalue().splitlines()]

    def access(self) -> list[dict]:
        return [line for line in self.all() if line["logger"] == "fieldcrm.access"]


@pytest.fixture
def log_lines() -> Iterator[Lines]:
    """The root logger's output in the production format, while the test runs."""
    with json_root_output() as stream:
        yield Lines(stream)


async def test_one_access_line_per_request_with_the_request_id(
    client: httpx.AsyncClient, office: Headers, log_lines: Lines
) -> None:
    customer = await create_customer(client, office, email="ada@example.com")
    before = len(log_lines.access())
    response = await client.get(
        f"/customers/{customer['id']}", headers=office | {"X-Request-ID": "req-test-42"}
    )
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "req-test-42"
    lines = log_lines.access()[before:]
    assert len(lines) == 1, lines
    (line,) = lines
    assert line["request_id"] == "req-test-42"
    assert line["route"] == "/customers/{customer_id}"  # the template, not the id
    assert (line["method"], line["status"], line["level"]) == ("GET", 200, "INFO")
    assert isinstance(line["user_id"], int) and line["duration_ms"] >= 0
    assert "ada@example.com" not in json.dumps(log_lines.all())


async def test_a_method_name_from_the_client_is_redacted_on_the_access_line(
    client: httpx.AsyncClient, log_lines: Lines
) -> None:
    # "+15550102345" is a valid HTTP method token: the access line of a method that is not
    # a standard one is scanned like any other line.
    response = await client.request("+15550102345", "/health")
    assert response.status_code == 405
    (line,) = log_lines.access()
    assert "15550102345" not in json.dumps(line)
    assert line["method"] == "[phone]" and line["status"] == 405


async def test_a_generated_request_id_is_echoed_and_logged(
    client: httpx.AsyncClient, log_lines: Lines
) -> None:
    response = await client.get("/no/such/route", headers={"X-Request-ID": "bad id\n"})
    assert response.status_code == 404
    rid = response.headers["x-request-id"]
    assert rid and rid != "bad id"
    (line,) = log_lines.access()
    assert (line["request_id"], line["route"], line["status"]) == (rid, "<unmatched>", 404)
    assert line["user_id"] is None


async def test_every_line_of_a_request_carries_its_id(
    client: httpx.AsyncClient, log_lines: Lines
) -> None:
    wrong = {"username": "nobody-at-all", "password": "wrong-password-1"}
    await client.post("/auth/login", json=wrong, headers={"X-Request-ID": "login-1"})
    lines = [line for line in log_lines.all() if line.get("request_id") == "login-1"]
    assert lines and lines[-1]["logger"] == "fieldcrm.access"
    server_side = [line for line in log_lines.all() if line["logger"] != "httpx"]  # the client's
    assert all(line.get("request_id") == "login-1" for line in server_side)


SERIES = [
    "fieldcrm_http_request_duration_seconds_bucket",
    'fieldcrm_outbox_messages{status="NEEDS_REVIEW"}',
    "fieldcrm_outbox_oldest_due_age_seconds",
    "fieldcrm_outbox_needs_review",
    "fieldcrm_db_pool_in_use",
    "fieldcrm_message_sends_total",
    "fieldcrm_llm_answers_total",
    "fieldcrm_llm_tokens_total",
    "fieldcrm_llm_estimated_cost_total",
    "fieldcrm_scheduler_periods_total",
]


async def test_metrics_need_an_admin_token(
    client: httpx.AsyncClient, make_user, admin: Headers
) -> None:
    assert (await client.get("/metrics")).status_code == 401
    office = await make_user(Role.OFFICE, username="office-metrics")
    assert (await client.get("/metrics", headers=office)).status_code == 403
    await client.get("/health")
    response = await client.get("/metrics", headers=admin)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    for series in SERIES:
        assert series in text, series
    assert 'route="/health"' in text and 'status="200"' in text


async def test_a_method_the_app_does_not_know_is_counted_as_other(
    client: httpx.AsyncClient, admin: Headers
) -> None:
    for odd in ("+15550102345", "BREW", "X-ANY-TOKEN"):
        assert (await client.request(odd, "/health")).status_code == 405
    text = (await client.get("/metrics", headers=admin)).text
    assert 'method="OTHER",route="<unmatched>",status="405"}' in text
    for odd in ("15550102345", "BREW", "X-ANY-TOKEN"):
        assert odd not in text
