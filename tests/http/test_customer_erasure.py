"""POST /customers/{id}/erase through the real app, on SQLite and PostgreSQL: afterwards no
text column of any table (found through the database's own catalogue, so a table added
later is covered too) holds the customer's name, phone or e-mail; the financial records
stay with the anonymised customer; the erasure is audited without the erased values."""

from __future__ import annotations

from typing import Any

from sqlalchemy import column, inspect, select, table

from tests.http.conftest import assert_problem
from tests.http.helpers import customer_body, job_body, payment_body

NAME, PHONE, EMAIL = "Zelda Quixotic", "+14155559876", "zelda.quixotic@example.org"
SECRETS = (NAME, "Zelda", "Quixotic", PHONE, "4155559876", EMAIL, "zelda.quixotic")


async def every_text_value(container: Any) -> list[tuple[str, str, str]]:
    """(table, column, value) for every string / JSON value in every table."""
    engine = container.engine()
    async with engine.connect() as conn:
        names = await conn.run_sync(
            lambda c: {n: inspect(c).get_columns(n) for n in inspect(c).get_table_names()}
        )
        found = []
        for name, columns in names.items():
            cols = [c["name"] for c in columns]
            rows = await conn.execute(select(*(column(c) for c in cols)).select_from(table(name)))
            for row in rows.all():
                for col, value in zip(cols, row, strict=True):
                    if isinstance(value, str | dict | list):
                        found.append((name, col, str(value)))
    return found


def leaks(values: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return [
        (t, c, v[:80])
        for t, c, v in values
        if any(secret.lower() in v.lower() for secret in SECRETS)
    ]


async def test_erase_leaves_no_copy_of_the_customer_anywhere(
    client, admin, office, container
) -> None:
    body = customer_body(name=NAME, phone=PHONE, email=EMAIL, address="1 Zelda Way", notes="Zelda")
    customer = (await client.post("/customers", json=body, headers=office)).json()
    cid = customer["id"]
    updated = {**body, "notes": f"call {NAME} on {PHONE}"}
    assert (await client.put(f"/customers/{cid}", json=updated, headers=office)).status_code == 200
    job = (
        await client.post("/jobs", json=job_body(cid, notes=f"{NAME} has a dog"), headers=office)
    ).json()
    payment = (await client.post("/payments", json=payment_body(cid), headers=office)).json()
    await client.post(
        "/messages",
        json={"customerId": cid, "body": f"Hi {NAME}, see you soon", "purpose": "TRANSACTIONAL"},
        headers=office,
    )
    consent = {"channel": "SMS", "purpose": "MARKETING", "allowed": False, "note": f"{NAME} asked"}
    assert (
        await client.put(f"/customers/{cid}/consent", json=consent, headers=office)
    ).status_code == 200
    # A stored insight answer: the welcome greeting quotes the customer's name.
    greeting = await client.post(f"/customers/{cid}/generate-greeting", headers=office)
    assert greeting.status_code == 200, greeting.text
    assert any(t == "insight_generations" for t, _, _ in leaks(await every_text_value(container)))
    assert leaks(await every_text_value(container))  # the test would see a copy

    response = await client.post(f"/customers/{cid}/erase", headers=admin)
    assert response.status_code == 200, response.text
    assert response.json()["name"] == f"Erased customer {cid}"
    assert (response.json()["phone"], response.json()["email"]) == (None, None)
    assert leaks(await every_text_value(container)) == []

    kept = await client.get(f"/payments/{payment['id']}", headers=office)
    assert kept.status_code == 200 and kept.json()["customerId"] == cid
    assert (await client.get(f"/jobs/{job['id']}", headers=office)).json()["customerId"] == cid
    trail = await client.get(
        "/audit-entries", params={"entity": "customer", "entityId": cid}, headers=admin
    )
    erase = [e for e in trail.json()["items"] if e["action"] == "erase"]
    assert len(erase) == 1 and "messages" in erase[0]["changes"]["erased"][1]


async def test_only_an_admin_erases_and_a_missing_customer_is_404(client, admin, office) -> None:
    cid = (await client.post("/customers", json=customer_body(), headers=office)).json()["id"]
    assert_problem(await client.post(f"/customers/{cid}/erase", headers=office), 403)
    assert_problem(await client.post(f"/customers/{cid}/erase"), 401)
    assert_problem(await client.post("/customers/999999/erase", headers=admin), 404)
