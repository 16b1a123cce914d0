"""Smoke: the Customer View answers on both databases."""

from __future__ import annotations


async def test_view_of_a_new_customer(client, office):
    created = (await client.post("/customers", json={"name": "Ann"}, headers=office)).json()
    view = await client.get(f"/customers/{created['id']}", headers=office)
    assert view.status_code == 200, view.text
    body = view.json()
    assert body["name"] == "Ann" and body["payments"] == [] and body["jobs"] == []
    assert body["financialSummary"]["revenue"] == "0.00"
    assert body["collections"]["payments"] == {"total": 0, "returned": 0, "truncated": False}
