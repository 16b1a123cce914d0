"""The OpenAPI document the HTTP API serves, built without a server or a database.

The typed TypeScript client (`clients/typescript/`) is generated from it (`make client`,
`fieldcrm openapi`). The document depends on no setting, so it is built from the defaults
with an in-memory database and a placeholder signing secret: nothing is connected to.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import SecretStr

from entrypoints.container import bootstrap
from entrypoints.settings import Settings

# Never signs anything: the app is built only to read its document.
_PLACEHOLDER_SECRET = SecretStr("openapi-document-only-" + "0" * 32)


def openapi_document() -> dict[str, Any]:
    """The document `GET /schema/openapi.json` answers, as a JSON-ready dict."""
    from entrypoints.http.app import create_app

    settings = Settings(database_url="sqlite+aiosqlite://", jwt_secret=_PLACEHOLDER_SECRET)
    app = create_app(bootstrap(settings))
    document: dict[str, Any] = app.openapi_schema.to_schema()
    return document


def openapi_json() -> str:
    """The document as the committed `clients/typescript/openapi.json` holds it."""
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"
