"""The served OpenAPI document says exactly what the server does: which methods a path
allows, which operations are public, camelCase path parameters, a summary and a
description per operation, and links a client can follow from a created record."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.http import test_openapi_contract as contract
from tests.http.helpers import customer_body, job_body, technician_body
from tests.http.test_openapi_contract import Schema, _operations

document = contract.document  # the served document, as a fixture

METHODS = {"get", "put", "post", "delete", "patch"}
PUBLIC = {
    "GET /health",
    "GET /ready",
    "POST /auth/login",
    "POST /auth/refresh",
    "POST /auth/logout",
}
CAMEL = re.compile(r"^[a-z][A-Za-z0-9]*$")


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


async def test_options_and_405_list_exactly_the_documented_methods(
    client: httpx.AsyncClient, document: Schema
) -> None:
    for path, item in document["paths"].items():
        documented = {method.upper() for method in item if method in METHODS}
        answer = await client.options(_concrete(path))
        assert answer.status_code == 204, path
        allowed = {m.strip() for m in answer.headers["allow"].split(",")}
        assert allowed == documented | {"OPTIONS"}, path
        if "PATCH" not in documented:
            refused = await client.patch(_concrete(path), json={})
            assert refused.status_code == 405, path
            assert {m.strip() for m in refused.headers["allow"].split(",")} == allowed, path


async def test_public_operations_declare_no_security_and_the_rest_need_a_bearer(
    client: httpx.AsyncClient, document: Schema
) -> None:
    assert document["security"] == [{"BearerToken": []}]
    for label, operation in _operations(document):
        if label in PUBLIC or label.startswith("POST /webhooks/"):
            assert operation["security"] == [], label
            assert "401" not in operation["responses"] or label in {
                "POST /auth/login",
                "POST /auth/refresh",
            }, label
        else:
            assert "security" not in operation, label  # the document-wide bearer applies
            assert "401" in operation["responses"], label
    assert (await client.get("/health")).status_code == 200
    assert (await client.get("/customers")).status_code == 401


def test_path_parameters_are_camel_case_and_named_in_the_path(document: Schema) -> None:
    for label, operation in _operations(document):
        in_path = re.findall(r"\{([^}]+)\}", label)
        declared = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
        assert sorted(declared) == sorted(in_path), label
        assert all(CAMEL.match(name) for name in declared), label
    assert "/customers/{customerId}" in document["paths"]


def test_every_operation_has_a_summary_a_description_and_a_resource_tag(
    document: Schema,
) -> None:
    summaries: dict[str, str] = {}
    for label, operation in _operations(document):
        summary = operation["summary"]
        assert " " in summary or label in {"POST /auth/login"}, (label, summary)
        assert summary not in {"List", "GetOne", "Create", "Update", "Remove"}, label
        assert len(operation["description"]) > 20, label
        assert len(operation["tags"]) == 1, label
        assert summary not in summaries, (label, summaries.get(summary))
        summaries[summary] = label
    assert summaries["List technicians"] == "GET /technicians"
    assert summaries["Create technician"] == "POST /technicians"


def _link_targets(document: Schema) -> dict[str, tuple[str, Schema]]:
    return {
        operation["operationId"]: (label, operation) for label, operation in _operations(document)
    }


def test_every_link_names_an_operation_and_its_parameters(document: Schema) -> None:
    targets = _link_targets(document)
    links = 0
    for label, operation in _operations(document):
        for response in operation["responses"].values():
            for link in response.get("links", {}).values():
                links += 1
                _, target = targets[link["operationId"]]
                names = {f"{p['in']}.{p['name']}" for p in target.get("parameters", [])}
                assert set(link["parameters"]) <= names, (label, link)
    assert links > 50
    created = document["paths"]["/customers"]["post"]["responses"]["201"]["links"]
    assert {"getCustomerView", "updateCustomer", "deleteCustomer", "listJobs"} <= set(created)
    assert created["listJobs"]["parameters"] == {"query.customerId": "$response.body#/id"}
    job_links = document["paths"]["/jobs"]["post"]["responses"]["201"]["links"]
    assert job_links["getCustomerView"]["parameters"] == {
        "path.customerId": "$response.body#/customerId"
    }


async def test_following_the_links_of_a_created_job_reaches_it_and_its_customer(
    client: httpx.AsyncClient, document: Schema, admin: dict[str, str]
) -> None:
    customer = (await client.post("/customers", json=customer_body(), headers=admin)).json()
    await client.post("/technicians", json=technician_body(), headers=admin)
    created = await client.post("/jobs", json=job_body(customer["id"]), headers=admin)
    assert created.status_code == 201
    targets = _link_targets(document)
    links = document["paths"]["/jobs"]["post"]["responses"]["201"]["links"]
    for name in ("getJob", "getCustomerView", "getJobFinancials"):
        label, _ = targets[name]
        url = _follow(label, links[name]["parameters"], created.json())
        answer = await client.get(url, headers=admin)
        assert answer.status_code == 200, (url, answer.text)
    assert (await client.get(f"/jobs/{created.json()['id']}", headers=admin)).json()[
        "customerId"
    ] == customer["id"]


def _follow(label: str, parameters: dict[str, str], body: dict[str, Any]) -> str:
    """The URL a link leads to from `body` (path parameters only)."""
    path = label.split(" ", 1)[1]
    for name, source in parameters.items():
        value = body[source.removeprefix("$response.body#/")]
        path = path.replace("{" + name.removeprefix("path.") + "}", str(value))
    return path
