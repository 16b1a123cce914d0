"""A one-line summary and a description on every operation of the OpenAPI document.

Litestar would title an operation after its Python function ("List", "GetOne") and leave
the description empty. `describe_operations` walks the app's route handlers once, at
start-up, and gives each one, unless the handler states its own:

- **summary**: its operation id in words (`listFollowUps` -> "List follow ups",
  `acknowledgeMaintenanceAlert` -> "Acknowledge maintenance alert");
- **description**: the handler's docstring, else what the generic CRUD verb does to the
  resource the id names (`getTechnician` -> "One technician by id, ..."), so a resource
  built with `resource_controller` is described without writing anything.
"""

from __future__ import annotations

import inspect
import re

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler

_CRUD = {
    "list": "A page of {noun} (`limit` up to 200 and `offset`), filtered and sorted by the "
    "query parameters below; `total` counts every match.",
    "get": "One {noun} by id; 404 when it does not exist or the caller may not see it.",
    "create": "Creates a {noun} from the body and answers 201 with it, id included.",
    "update": "Replaces the editable fields of a {noun} with the body and answers with the result.",
    "delete": "Deletes a {noun} (204); 409 while other records still refer to it.",
}


def operation_words(operation_id: str) -> list[str]:
    """`listFollowUps` -> ["list", "follow", "ups"]."""
    return [word.lower() for word in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", operation_id)]


def summary_of(operation_id: str) -> str:
    """The operation id as a sentence-case title."""
    words = operation_words(operation_id)
    return " ".join([words[0].capitalize(), *words[1:]])


def description_of(handler: HTTPRouteHandler, operation_id: str) -> str | None:
    """The handler's docstring, else the CRUD verb's text for the resource, else None."""
    own = inspect.getdoc(handler.fn) if handler.fn.__doc__ else None
    if own:
        return own
    verb, *noun = operation_words(operation_id)
    template = _CRUD.get(verb)
    return template.format(noun=" ".join(noun)) if template and noun else None


def describe_operations(app: Litestar) -> None:
    """Give every documented operation of `app` a summary and a description."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler) or not handler.resolve_include_in_schema():
                continue
            operation_id = handler.operation_id
            if not isinstance(operation_id, str):
                continue  # an id Litestar makes up: the document test asks for every summary
            handler.summary = handler.summary or summary_of(operation_id)
            handler.description = handler.description or description_of(handler, operation_id)
