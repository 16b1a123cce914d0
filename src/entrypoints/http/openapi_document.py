"""The served OpenAPI document, finished where Litestar's generator cannot say it itself.

Litestar builds the document from the route handlers; two things it cannot express are
added to the JSON it serves at `/schema/openapi.json` (once, then cached). (Public operations'
`security: []` is set on each handler's operation by `openapi_security.document_security`.)

- **Path parameters are camelCase** like every other name on the wire (`{customerId}`, not
  the handler's `customer_id`); the URLs are the same.
- **Closed request bodies**: `additionalProperties: false` (`openapi_closed_bodies`).
- **Links** from each create operation to the operations on the record it returns (get,
  update, delete, its actions and sub-resources, the lists filtered by it), and from every
  response carrying a foreign key (`customerId`) to the reads of that record, so a client
  (and schemathesis's stateful phase) can chain create → read → update → delete.

The same finished document is what `fieldcrm openapi` prints and the typed TypeScript
client (`clients/typescript/`, `make client`) is generated from: `openapi_document()` builds
the app from the defaults with an in-memory database and a placeholder signing secret,
connecting to nothing.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin
from pydantic import SecretStr

from entrypoints.container import bootstrap
from entrypoints.http.openapi_closed_bodies import close_request_bodies
from entrypoints.http.openapi_instants import bound_instants
from entrypoints.http.problems import camel
from entrypoints.settings import Settings

Document = dict[str, Any]
_PATH_PARAMETER = re.compile(r"\{([^}]+)\}")
_METHODS = ("get", "put", "post", "delete", "patch")
# Never signs anything: the app is built only to read its document.
_PLACEHOLDER_SECRET = SecretStr("openapi-document-only-" + "0" * 32)


class ContractJsonPlugin(JsonRenderPlugin):
    """Serves `/schema/openapi.json`: Litestar's document, finished by `finish_document`."""

    def __init__(self) -> None:
        super().__init__()
        self._finished: tuple[int, Document] | None = None

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        # Litestar builds the schema dict once per app and hands the same object every time.
        if self._finished is None or self._finished[0] != id(openapi_schema):
            self._finished = (id(openapi_schema), finish_document(openapi_schema))
        return self.render_json(request, self._finished[1])


def finish_document(generated: Document) -> Document:
    """A copy of `generated` with camelCase path parameters and links."""
    document = copy.deepcopy(generated)
    document["paths"] = {
        _PATH_PARAMETER.sub(lambda m: "{" + camel(m.group(1)) + "}", path): _camel_parameters(item)
        for path, item in document.get("paths", {}).items()
    }
    _add_links(document)
    close_request_bodies(document)
    bound_instants(document)
    return document


def _camel_parameters(path_item: Document) -> Document:
    for _, operation in _methods(path_item):
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "path":
                parameter["name"] = camel(parameter["name"])
    return path_item


def _methods(path_item: Document) -> list[tuple[str, Document]]:
    return [(method, path_item[method]) for method in _METHODS if method in path_item]


def _operations(document: Document) -> list[tuple[str, str, Document]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in _methods(item)
    ]


def _response_properties(document: Document, response: Document) -> set[str]:
    """The top-level properties of a JSON response body (through one `$ref`)."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        schema = document.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[1], {})
    return set(schema.get("properties", {}))


def _first_parameter(path: str) -> tuple[str, str] | None:
    """(`/customers`, `customerId`) for `/customers/{customerId}/...`."""
    match = _PATH_PARAMETER.search(path)
    if match is None:
        return None
    return path[: match.start()].rstrip("/"), match.group(1)


def _add_links(document: Document) -> None:
    operations = _operations(document)
    # Collection path -> its id parameter (`/customers` -> `customerId`).
    id_names = dict(found for path, _, _ in operations if (found := _first_parameter(path)))
    for path, method, operation in operations:
        for status, response in operation.get("responses", {}).items():
            if not status.startswith("2"):
                continue
            properties = _response_properties(document, response)
            links: Document = {}
            if method == "post" and status == "201" and "id" in properties and path in id_names:
                links.update(_record_links(operations, path, id_names[path]))
            for name in sorted(properties - {"id"}):
                links.update(_foreign_key_links(operations, name, path))
            if links:
                response["links"] = links


def _link(operation: Document, parameter: str, source: str) -> tuple[str, Document]:
    name = operation["operationId"]
    return name, {
        "operationId": name,
        "parameters": {parameter: f"$response.body#/{source}"},
    }


def _record_links(
    operations: list[tuple[str, str, Document]], collection: str, id_name: str
) -> dict[str, Document]:
    """From the record a create returns: every operation on it, and the lists it filters."""
    item = f"{collection}/{{{id_name}}}"
    links = _links(
        operations,
        f"path.{id_name}",
        "id",
        lambda path, _, __: path == item or path.startswith(item + "/"),
    )
    links.update(_query_links(operations, id_name, "id"))
    return links


def _foreign_key_links(
    operations: list[tuple[str, str, Document]], name: str, source_path: str
) -> dict[str, Document]:
    """From a response's foreign key (`customerId`): the reads of the record it names (a
    path whose only parameter is `name`)."""
    return _links(
        operations,
        f"path.{name}",
        name,
        lambda path, method, _: (
            method == "get" and path != source_path and _PATH_PARAMETER.findall(path) == [name]
        ),
    )


def _query_links(
    operations: list[tuple[str, str, Document]], name: str, source: str
) -> dict[str, Document]:
    """The list operations filtered by a query parameter `name`."""
    return _links(
        operations,
        f"query.{name}",
        source,
        lambda _, method, operation: (
            method == "get"
            and any(
                p.get("in") == "query" and p.get("name") == name
                for p in operation.get("parameters", [])
            )
        ),
    )


def _links(
    operations: list[tuple[str, str, Document]],
    parameter: str,
    source: str,
    accepts: Callable[[str, str, Document], bool],
) -> dict[str, Document]:
    """A link from the response's `source` to `parameter` of every operation `accepts`
    (given its path, method and operation)."""
    return dict(
        _link(operation, parameter, source)
        for path, method, operation in operations
        if accepts(path, method, operation)
    )


def openapi_document() -> Document:
    """The document `GET /schema/openapi.json` answers, as a JSON-ready dict."""
    from entrypoints.http.app import create_app

    settings = Settings(database_url="sqlite+aiosqlite://", jwt_secret=_PLACEHOLDER_SECRET)
    app = create_app(bootstrap(settings))
    return finish_document(app.openapi_schema.to_schema())


def openapi_json() -> str:
    """The document as the committed `clients/typescript/openapi.json` holds it."""
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"
