"""A 201 says where the new record is read (`Location`), and the document declares it on
every create operation that has a read."""

from __future__ import annotations

import httpx

from tests.http.conftest import Headers
from tests.http.helpers import customer_body, job_body


async def test_a_created_record_is_read_at_its_location(
    client: httpx.AsyncClient, office: Headers
) -> None:
    response = await client.post("/customers", json=customer_body(), headers=office)
    assert response.status_code == 201
    customer = response.json()
    assert response.headers["location"] == f"/customers/{customer['id']}"
    response = await client.post("/jobs", json=job_body(customer["id"]), headers=office)
    assert response.status_code == 201
    location = response.headers["location"]
    assert location == f"/jobs/{response.json()['id']}"
    read = await client.get(location, headers=office)
    assert read.status_code == 200 and read.json() == response.json()


async def test_every_create_with_a_read_documents_its_location(client: httpx.AsyncClient) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    paths = document["paths"]
    for path, item in paths.items():
        created = item.get("post", {}).get("responses", {}).get("201")
        if created is None:
            continue
        readable = any(
            other.startswith(path + "/{")
            and other.count("/") == path.count("/") + 1
            and "get" in paths[other]
            for other in paths
        )
        if readable:
            assert "Location" in created.get("headers", {}), path
    sent = paths["/follow-ups/{followUpId}/send"]["post"]["responses"]["201"]
    assert "Location" in sent["headers"]  # the message it queued
