"""GET /customers?q=: name, email, address and phone search, ranked, on both databases."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from domain.user import Role
from tests.http.conftest import Headers, assert_problem
from tests.http.helpers import create_customer, create_job

PEOPLE = [
    {"name": "Zoë Ångström", "email": "zoe@fjord.se", "address": "Kungsgatan 5, Stockholm",
     "phone": "+46701234567"},
    {"name": "Anna Müller", "email": "anna.mueller@example.com", "address": "12 Elm Street",
     "phone": "+15550001234"},
    {"name": "Hannah Anders", "email": "h.anders@example.com", "address": "3 Annastraße",
     "phone": "+15559876543"},
    {"name": "Anna", "phone": None},
    {"name": "José Núñez", "email": "jose@example.com", "address": "Calle Mayor 7",
     "phone": "+34911234567"},
]  # fmt: skip


@pytest.fixture
async def people(client: httpx.AsyncClient, office: Headers) -> dict[str, int]:
    made = [await create_customer(client, office, **person) for person in PEOPLE]
    return {customer["name"]: customer["id"] for customer in made}


async def found(client: httpx.AsyncClient, headers: Headers, **params: Any) -> list[str]:
    response = await client.get("/customers", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] >= len(body["items"])
    return [customer["name"] for customer in body["items"]]


@pytest.mark.parametrize(
    ("q", "names"),
    [
        # exact name, then name prefix, then a match inside a word
        ("anna", ["Anna", "Anna Müller", "Hannah Anders"]),
        ("ANNA MÜ", ["Anna Müller"]),
        ("muller", ["Anna Müller"]),
        ("nunez", ["José Núñez"]),
        ("Núñez", ["José Núñez"]),
        ("ZOE", ["Zoë Ångström"]),
        ("angstr", ["Zoë Ångström"]),
        ("stockholm zoe", ["Zoë Ångström"]),  # every word, in any field
        ("elm st", ["Anna Müller"]),
        ("fjord.se", ["Zoë Ångström"]),
        ("example.com", ["José Núñez", "Hannah Anders", "Anna Müller"]),  # newest first
        ("anna.mueller@", ["Anna Müller"]),
        ("xyz", []),
        # phone: the digits in any formatting; a number ending with them first
        ("1234", ["Anna Müller", "José Núñez", "Zoë Ångström"]),
        ("555 000 1234", ["Anna Müller"]),
        ("(555) 000-1234", ["Anna Müller"]),
        ("+1 555 000", ["Anna Müller"]),
        ("555-987-6543", ["Hannah Anders"]),
        ("100%", []),
        ("a_b", []),
    ],
)
async def test_search_finds_and_ranks(
    client: httpx.AsyncClient, office: Headers, people: dict[str, int], q: str, names: list[str]
) -> None:
    assert await found(client, office, q=q) == names


async def test_search_pages_and_counts(
    client: httpx.AsyncClient, office: Headers, people: dict[str, int]
) -> None:
    response = await client.get("/customers", params={"q": "anna", "limit": 1, "offset": 1},
                                headers=office)  # fmt: skip
    body = response.json()
    assert body["total"] == 3
    assert [c["name"] for c in body["items"]] == ["Anna Müller"]


async def test_an_explicit_sort_replaces_the_rank(
    client: httpx.AsyncClient, office: Headers, people: dict[str, int]
) -> None:
    names = await found(client, office, q="anna", sort="-name")
    assert names == ["Hannah Anders", "Anna Müller", "Anna"]


async def test_search_sees_an_edited_customer(
    client: httpx.AsyncClient, office: Headers, people: dict[str, int]
) -> None:
    customer_id = people["Anna"]
    body = {"name": "Anneliese Brönner", "phone": "+4930123456"}
    response = await client.put(f"/customers/{customer_id}", json=body, headers=office)
    assert response.status_code == 200, response.text
    assert await found(client, office, q="bronner") == ["Anneliese Brönner"]
    assert await found(client, office, q="3012 3456") == ["Anneliese Brönner"]
    assert await found(client, office, q="anna") == ["Anna Müller", "Hannah Anders"]
    assert (await client.delete(f"/customers/{customer_id}", headers=office)).status_code == 204
    assert await found(client, office, q="bronner") == []


async def test_a_technician_finds_only_their_jobs_customers(
    client: httpx.AsyncClient, office: Headers, make_user: Any, people: dict[str, int]
) -> None:
    tech = await client.post("/technicians", json={"name": "Tom", "skills": ["hvac"]},
                             headers=office)  # fmt: skip
    technician_id = tech.json()["id"]
    headers = await make_user(Role.TECHNICIAN, "tom", technician_id=technician_id)
    await create_job(client, office, people["Hannah Anders"], technicianId=technician_id)
    assert await found(client, headers, q="anna") == ["Hannah Anders"]
    assert await found(client, headers, q="1234") == []


@pytest.mark.parametrize("q", ["a", "x" * 101, "   ", ""])
async def test_a_bad_query_is_a_400_naming_q(
    client: httpx.AsyncClient, office: Headers, q: str
) -> None:
    response = await client.get("/customers", params={"q": q}, headers=office)
    assert_problem(response, 400, "q")
