"""tools/schemathesis.toml stays true to the document: the operations where a 422 answers
schema-valid data exist, document their 422, and are exactly those docs/security.md lists."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


async def test_the_operations_allowed_a_422_exist_document_it_and_are_listed(
    client: httpx.AsyncClient,
) -> None:
    config = tomllib.loads((ROOT / "tools/schemathesis.toml").read_text(encoding="utf-8"))
    (entry,) = config["operations"]
    allowed = set(entry["include-operation-id"])
    statuses = entry["checks"]["positive_data_acceptance"]["expected-statuses"]
    assert "422" in statuses and "400" not in statuses and "4xx" not in statuses
    document = (await client.get("/schema/openapi.json")).json()
    operations = {
        operation["operationId"]: operation
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert allowed <= set(operations), allowed - set(operations)
    assert all("422" in operations[name]["responses"] for name in allowed)
    security = (ROOT / "docs/security.md").read_text(encoding="utf-8")
    table = security[security.index("**Rules across records") :]
    table = table[: table.index("An id in the **path**")]
    listed = set(re.findall(r"(?:\| |, )([a-z][A-Za-z]+)(?= ?[,|])", table)) & set(operations)
    assert listed == allowed
