"""The committed TypeScript client is generated from exactly the document the server serves.

`make client` rewrites clients/typescript/openapi.json and the types generated from it;
`.ci/run` checks the types against that file (`make client-check`: openapi-typescript
--check, then tsc --noEmit --strict on the client and its Customer View example).
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from entrypoints.http.openapi_document import openapi_json

COMMITTED = Path(__file__).resolve().parents[2] / "clients" / "typescript" / "openapi.json"
REGENERATE = "the TypeScript client is out of date: run `make client` and commit the result"


async def test_the_committed_document_is_the_one_the_server_serves(
    client: httpx.AsyncClient,
) -> None:
    served = await client.get("/schema/openapi.json")
    assert served.status_code == 200
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert served.json() == committed, REGENERATE


def test_fieldcrm_openapi_writes_the_committed_file_byte_for_byte() -> None:
    assert openapi_json() == COMMITTED.read_text(encoding="utf-8"), REGENERATE
