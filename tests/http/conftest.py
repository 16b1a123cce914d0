"""HTTP fixtures: the real Litestar app over the real container, and tokens per role."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from dependency_injector import providers
from litestar import Litestar

from application import technicians as technician_cases
from application import users as user_cases
from application.access import SYSTEM
from domain.technician import TechnicianDetails
from domain.user import Role
from entrypoints.container import Container
from tests.fakes import FakeClock
from tests.http.outbox_sending import SendingAtOnce, send_at_once
from tests.http.shared_apps import shared_app

PASSWORD = "correct-horse-42"
Headers = dict[str, str]
# A Monday afternoon in UTC (the API's default customer time zone): contact is allowed.
NOW = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)


@pytest.fixture
async def app(container: Container) -> AsyncIterator[Litestar]:
    """The app serving from `container` (built once per worker and Settings, see
    tests/http/shared_apps.py: what it remembers is forgotten after each test)."""
    async with shared_app(container) as app:
        yield app


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client calling the ASGI app in the test's own event loop."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def create_user(container: Container, role: Role, username: str, **extra: Any) -> int:
    """A user with `PASSWORD`, created through the use case; returns its id."""
    user = await user_cases.create_user(
        SYSTEM,
        container.uow(),
        container.clock(),
        container.password_hasher(),
        user_cases.NewUser(username, PASSWORD, role, **extra),
    )
    assert user.id is not None
    return user.id


@pytest.fixture
def make_user(container: Container, client: httpx.AsyncClient) -> Callable[..., Awaitable[Headers]]:
    """Create a user with a role and log in through the API; returns auth headers."""

    async def make(role: Role, username: str | None = None, **extra: Any) -> Headers:
        """A technician user without `technician_id` gets a new technician record of its own."""
        username = username or f"{role.value}-user"
        if role is Role.TECHNICIAN and "technician_id" not in extra:
            record = await technician_cases.create_technician(
                SYSTEM,
                container.uow(),
                container.clock(),
                TechnicianDetails(name=f"Tech {username}", skills=("hvac",)),
            )
            extra["technician_id"] = record.id
        await create_user(container, role, username, **extra)
        response = await client.post(
            "/auth/login", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['accessToken']}"}

    return make


@pytest.fixture
async def admin(make_user: Callable[..., Awaitable[Headers]]) -> Headers:
    return await make_user(Role.ADMIN)


@pytest.fixture
async def office(make_user: Callable[..., Awaitable[Headers]]) -> Headers:
    return await make_user(Role.OFFICE)


@pytest.fixture
async def technician(make_user: Callable[..., Awaitable[Headers]]) -> Headers:
    return await make_user(Role.TECHNICIAN)


@pytest.fixture
def clock(container: Container) -> FakeClock:
    """The app's clock, fixed at NOW (a test file may define its own)."""
    clock = FakeClock(NOW)
    container.clock.override(providers.Object(clock))
    return clock


@pytest.fixture
def sending(container: Container, clock: FakeClock) -> SendingAtOnce:
    """The embedded worker: a message due now goes out at commit, through a fake sender."""
    return send_at_once(container, clock)


def assert_problem(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem document with this status (naming `field`)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    if field is not None:
        fields = [error["field"] for error in body.get("errors", [])]
        assert field in fields, body
    return body
