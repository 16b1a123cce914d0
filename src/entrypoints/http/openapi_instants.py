"""The supported range of timestamps and dates (domain.instant_range), stated in the OpenAPI
document as a pattern on every `date-time` and `date` a client sends.

JSON Schema has no minimum for a date, so the range is a pattern on the RFC 3339 text: years
1900-2199 as written, with the offset the client chose. It goes on request bodies and query
parameters only; responses are UTC and may read 1899-12-31 or 2200-01-01 for a value given
at the range's edge with an offset. The server enforces the same range (`validation.instant`,
`validation.calendar_date`, `list_params.time_filter`): 422 in a body, 400 in a query.
"""

from __future__ import annotations

from entrypoints.http.openapi_request_schemas import Document, request_schemas

_YEAR = "(19|20|21)[0-9]{2}"
_DATE = _YEAR + "-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_TIME = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]+)?"
_OFFSET = "([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
DATE_TIME_PATTERN = f"^{_DATE}[Tt]{_TIME}{_OFFSET}$"
DATE_PATTERN = f"^{_DATE}$"
_PATTERNS = {"date-time": DATE_TIME_PATTERN, "date": DATE_PATTERN}


def bound_instants(document: Document) -> None:
    """Add the range's pattern to every date-time/date string in a request body or
    parameter of `document` (in place), through `$ref`s to the components they use."""
    for schema in request_schemas(document, parameters=True):
        pattern = _PATTERNS.get(schema.get("format", ""))
        if pattern is not None and schema.get("type") == "string":
            schema["pattern"] = pattern
