"""Schemathesis fuzzes every operation of the app's own OpenAPI document.

The real app runs under uvicorn on a loopback port (see `live_server.py`) against the
migrated test database: PostgreSQL when FIELDCRM_TEST_POSTGRES_URL is set (CI), else SQLite.
An admin's bearer token authenticates every call; Twilio webhooks are signed like Twilio
does, so their fuzzed form fields reach the handler. Every response must be no 5xx and
carry a documented status code, content type and headers, with a body matching the
documented schema (problem documents included). Examples are bounded and derandomized so
the run stays fast and CI reproducible. The stateful run (chains along the document's
links) and every other check are in CI's `tools/schemathesis_live.sh` (schemathesis's own
runner copes with responses that differ between runs; a Hypothesis state machine here
reports them as a flaky strategy).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import text
from twilio.request_validator import RequestValidator

from application import users as user_cases
from application.access import SYSTEM
from domain.user import Role
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.conftest import POSTGRES_URL, truncate_all
from tests.http.helpers import (
    appliance_body,
    customer_body,
    expense_body,
    follow_up_body,
    job_body,
    payment_body,
    technician_body,
)
from tests.http.live_server import serve
from tests.overrides import container_for_tests

EXAMPLES_PER_OPERATION = 15
PASSWORD = "correct-horse-42"
# The fuzzer edits and disables users by id (1, 2, ... and bounds); the admin whose token
# authenticates the run lives far from those, so the run keeps its credentials.
ADMIN_ID = 1_234_567_890
TWILIO_PUBLIC_URL = "https://crm.example.com"
TWILIO_TOKEN = "f" * 32
TWILIO_ENV = {
    "TWILIO_ACCOUNT_SID": "AC" + "a" * 32,
    "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
    "TWILIO_FROM_NUMBER": "+15005550006",
    "PUBLIC_BASE_URL": TWILIO_PUBLIC_URL,
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
_COMMON = {
    "deadline": None,
    "derandomize": True,  # the same examples on every run: CI is reproducible
    "database": None,
    "suppress_health_check": list(HealthCheck),
}
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION, phases=[Phase.explicit, Phase.generate], **_COMMON
)
# One database is enough to fuzz the HTTP layer: PostgreSQL in CI (the stricter one).
ON_ONE_BACKEND = pytest.mark.parametrize(
    "database_url", ["postgresql" if POSTGRES_URL else "sqlite"], indirect=True
)
Api = tuple[str, dict[str, str]]


async def _prepare(settings_: Settings) -> None:
    container = container_for_tests(settings_)
    try:
        await truncate_all(container.engine())
        await user_cases.create_user(
            SYSTEM,
            container.uow(),
            container.clock(),
            container.password_hasher(),
            user_cases.NewUser("fuzz-admin", PASSWORD, Role.ADMIN),
        )
        async with container.engine().begin() as conn:
            await conn.execute(text(f"UPDATE users SET id = {ADMIN_ID}"))
    finally:
        await container.engine().dispose()


@pytest.fixture
def live_api(settings: Settings) -> Iterator[Api]:
    """The app served on loopback over a clean database; yields its URL and admin headers."""
    settings_ = settings.replace(
        # Fuzz the LLM handlers themselves, not only their rate limit (429 stays documented).
        llm=settings.llm.replace(rate_limit_per_minute=10_000),
        messaging=Settings.from_env(TWILIO_ENV).messaging,
    )
    asyncio.run(_prepare(settings_))
    container = container_for_tests(settings_)
    with serve(create_app(container)) as base_url:
        login = requests.post(
            f"{base_url}/auth/login",
            json={"username": "fuzz-admin", "password": PASSWORD},
            timeout=10,
        )
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['accessToken']}"}
        _seed(base_url, headers)
        yield base_url, headers


def _seed(base_url: str, headers: dict[str, str]) -> None:
    """One of each main resource, each with id 1, for the examples that address id 1."""

    def create(path: str, body: dict[str, Any]) -> int:
        response = requests.post(base_url + path, json=body, headers=headers, timeout=10)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    customer = create("/customers", customer_body())
    create("/technicians", technician_body())
    job = create("/jobs", job_body(customer))
    create("/appliances", appliance_body(customer))
    create("/payments", payment_body(customer))
    create("/expenses", expense_body())
    create("/follow-ups", follow_up_body(job))


def _load_schema(api: Api) -> Any:
    base_url, headers = api
    schema = schemathesis.openapi.from_url(f"{base_url}/schema/openapi.json")
    schema.config.update(base_url=base_url, headers=headers)
    return schema


def _sign_webhook(case: schemathesis.Case) -> None:
    """Sign a webhook's form as Twilio would, so the fuzzed fields reach the handler."""
    if not case.path.startswith("/webhooks/") or not isinstance(case.body, dict):
        return
    params = {str(key): str(value) for key, value in case.body.items()}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(
        TWILIO_PUBLIC_URL + case.formatted_path, params
    )
    case.headers = {**(case.headers or {}), "X-Twilio-Signature": signature}


def _fuzz(operation: Any, examples: Counter[str], statuses: Counter[int]) -> str | None:
    """Run one operation's examples (valid and invalid input, and valid input addressing
    the seeded resources with id 1); its failure, if any."""
    seeded = {parameter.name: 1 for parameter in operation.path_parameters}
    strategy = (
        operation.as_strategy(GenerationMode.POSITIVE)
        | operation.as_strategy(GenerationMode.NEGATIVE)
        | operation.as_strategy(GenerationMode.POSITIVE, path_parameters=seeded)
    )

    @FUZZ_SETTINGS
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        examples[operation.label] += 1
        _sign_webhook(case)
        statuses[case.call_and_validate(checks=CHECKS).status_code] += 1

    try:
        run()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # schemathesis reports failures as exception groups
        return f"{type(exc).__name__}: {exc}"
    return None


@ON_ONE_BACKEND
def test_every_operation_answers_as_documented(live_api: Api) -> None:
    schema = _load_schema(live_api)
    operations = [result.ok() for result in schema.get_all_operations()]
    examples: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    started = time.perf_counter()
    failures = {
        op.label: failure for op in operations if (failure := _fuzz(op, examples, statuses))
    }
    print(
        f"\nschemathesis: {len(operations)} operations, {sum(examples.values())} examples, "
        f"{time.perf_counter() - started:.1f}s; statuses {sorted(statuses.items())}"
    )
    assert len(operations) == len(examples)  # every operation was exercised
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
