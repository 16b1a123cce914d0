"""Staff's plain GET /customers/{id} is answered in front of the router
(customer_view_fast_path.py). Every request gets the same answer — status, headers, body
bytes — from the app with the fast path as from the app without it, whether the fast path
answers (staff, plain request) or hands the request on (anything else)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from domain.user import Role
from entrypoints.container import Container
from entrypoints.http import customer_view_fast_path
from entrypoints.http.app import create_app
from tests.http.conftest import Headers
from tests.http.helpers import (
    create_appliance,
    create_completed_job,
    create_customer,
    create_follow_up,
    create_payment,
    create_review,
)

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def routed(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    """The same app, built on the test's container, without the fast path."""
    app = create_app(container, fast_customer_view=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def fast_answers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per response the fast path built itself."""
    answered: list[int] = []
    build = customer_view_fast_path.customer_view_body

    def counted(answer: Any) -> bytes:
        answered.append(1)
        return build(answer)

    monkeypatch.setattr(customer_view_fast_path, "customer_view_body", counted)
    return answered


Ask = Callable[..., Any]


def _headers(response: httpx.Response) -> list[tuple[str, str]]:
    """The headers in order; a 405's Allow as a set (Litestar lists it in set order)."""
    items = response.headers.multi_items()
    return [
        (name, ", ".join(sorted(value.split(", "))) if name == "allow" else value)
        for name, value in items
    ]


@pytest.fixture
def same_answer(
    client: httpx.AsyncClient, routed: httpx.AsyncClient, fast_answers: list[int]
) -> Ask:
    async def ask(method: str, path: str, headers: Headers, *, fast: bool, **extra: Any) -> Any:
        sent = {**headers, "X-Request-ID": "compare-1"}
        before = len(fast_answers)
        mine = await client.request(method, path, headers=sent, **extra)
        assert len(fast_answers) - before == int(fast), (method, path, mine.status_code)
        theirs = await routed.request(method, path, headers=sent, **extra)
        assert mine.status_code == theirs.status_code, (path, mine.text, theirs.text)
        assert _headers(mine) == _headers(theirs)
        assert mine.content == theirs.content
        return mine

    return ask


async def _rich_customer(client: httpx.AsyncClient, office: Headers) -> int:
    referrer = await create_customer(client, office, name="Referrer")
    customer = await create_customer(
        client, office, name="Zoë Müller", referralCode=referrer["referralCode"]
    )
    cid = customer["id"]
    job = await create_completed_job(client, office, cid)
    await create_review(client, office, job, rating=4, comment="on time")
    await create_follow_up(client, office, job["id"])
    await create_payment(client, office, cid, amount="120.50", jobId=job["id"])
    await create_payment(client, office, cid, amount="10.00")
    await create_appliance(client, office, cid)
    return int(cid)


async def test_staff_get_the_routes_answer_from_the_fast_path(
    client: httpx.AsyncClient, make_user: Callable[..., Any], same_answer: Ask
) -> None:
    office = await make_user(Role.OFFICE)
    admin = await make_user(Role.ADMIN, "admin-user")
    cid = await _rich_customer(client, office)
    for headers in (office, admin):
        answer = await same_answer("GET", f"/customers/{cid}", headers, fast=True)
        assert answer.status_code == 200
        view = answer.json()
        assert view["name"] == "Zoë Müller" and view["referredBy"]["name"] == "Referrer"
        assert len(view["payments"]) == 2 and view["financialSummary"]["revenue"]
    await same_answer("GET", f"/customers/{cid}?", office, fast=True)  # an empty query
    plain = await create_customer(client, office, name="Nothing yet")
    await same_answer("GET", f"/customers/{plain['id']}", office, fast=True)


async def test_everything_else_is_answered_by_the_route(
    client: httpx.AsyncClient, make_user: Callable[..., Any], same_answer: Ask
) -> None:
    office = await make_user(Role.OFFICE)
    technician = await make_user(Role.TECHNICIAN)
    cid = await _rich_customer(client, office)
    path = f"/customers/{cid}"
    cases: list[tuple[str, str, Headers, dict[str, Any]]] = [
        ("GET", path, technician, {}),  # a technician's slice (or 404)
        ("GET", path, {}, {}),  # no token
        ("GET", path, {"Authorization": "Bearer not.a.token"}, {}),
        ("GET", path, {"Authorization": office["Authorization"] + "x"}, {}),
        ("GET", "/customers/999999", office, {}),  # missing
        ("GET", f"/customers/0{cid}", office, {}),  # not the id's one written form
        ("GET", "/customers/2147483648", office, {}),  # beyond the id range
        ("GET", "/customers/-1", office, {}),
        ("GET", f"{path}?cap=5", office, {}),
        ("GET", f"{path}/", office, {}),
        ("HEAD", path, office, {}),
        ("GET", path, {**office, "Origin": "https://elsewhere.example"}, {}),
        ("GET", path, {**office, "Content-Type": "application/json"}, {"content": b'{"a":1}'}),
    ]
    for method, where, headers, extra in cases:
        await same_answer(method, where, headers, fast=False, **extra)


async def test_a_disabled_user_is_refused_as_by_the_route(
    client: httpx.AsyncClient, make_user: Callable[..., Any], same_answer: Ask, admin: Headers
) -> None:
    office = await make_user(Role.OFFICE, "soon-disabled")
    cid = await _rich_customer(client, office)
    me = (await client.get("/auth/me", headers=office)).json()
    disabled = await client.put(f"/users/{me['id']}", json={"active": False}, headers=admin)
    assert disabled.status_code == 200, disabled.text
    answer = await same_answer("GET", f"/customers/{cid}", office, fast=False)
    assert answer.status_code == 401
