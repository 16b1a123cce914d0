"""The supported range of timestamps and dates (domain.instant_range), stated in the OpenAPI
document as a pattern on every `date-time` and `date` a client sends.

JSON Schema has no minimum for a date, so the range is a pattern on the RFC 3339 text: years
1900-2199 as written, with the offset the client chose. It goes on request bodies and query
parameters only; responses are UTC and may read 1899-12-31 or 2200-01-01 for a value given
at the range's edge with an offset. The server enforces the same range (`validation.instant`,
`validation.calendar_date`, `list_params.time_filter`): 422 in a body, 400 in a query.
"""

from __future__ import annotations

from typing import Any

_YEAR = "(19|20|21)[0-9]{2}"
_DATE = _YEAR + "-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_TIME = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]+)?"
_OFFSET = "([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
DATE_TIME_PATTERN = f"^{_DATE}[Tt]{_TIME}{_OFFSET}$"
DATE_PATTERN = f"^{_DATE}$"
_PATTERNS = {"date-time": DATE_TIME_PATTERN, "date": DATE_PATTERN}

Document = dict[str, Any]
_REF = "#/components/schemas/"


def bound_instants(document: Document) -> None:
    """Add the range's pattern to every date-time/date string in a request body or
    parameter of `document` (in place), through `$ref`s to the components they use."""
    components = document.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                _bound(parameter.get("schema", {}), components, seen)
            for media in operation.get("requestBody", {}).get("content", {}).values():
                _bound(media.get("schema", {}), components, seen)


def _bound(schema: Any, components: Document, seen: set[str]) -> None:
    if isinstance(schema, list):
        for item in schema:
            _bound(item, components, seen)
        return
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF):
        name = ref.removeprefix(_REF)
        if name not in seen:
            seen.add(name)
            _bound(components.get(name, {}), components, seen)
        return
    pattern = _PATTERNS.get(schema.get("format", ""))
    if pattern is not None and schema.get("type") == "string":
        schema["pattern"] = pattern
    for key, value in schema.items():
        if key in ("properties", "$defs") and isinstance(value, dict):
            for nested in value.values():
                _bound(nested, components, seen)
        elif key in ("items", "oneOf", "anyOf", "allOf", "additionalProperties", "not"):
            _bound(value, components, seen)
