"""No type coercion on input: what the OpenAPI document says a value is, it must be on the wire.

Litestar decodes a JSON body to plain Python values and then converts the handler's
parameters with msgspec in lax mode (`strict=False`), which is what query strings need
("5" is an integer there) but also turns `"1"` into `1`, `0` into `false`, `1.0` into `1` and
a number of seconds into a timestamp in a JSON body. Two checks run before that conversion
(from `request_guards.guard_request`), each a 400 naming the field:

- **Bodies** are converted once more, by msgspec in strict mode, to the handler's body type:
  JSON types must be exactly the documented ones. The one conversion kept is JSON Schema's
  own: a number with a zero fractional part (`2.0`, `1e3`) is an integer.
- **Query and path parameters** documented as integers must be decimal digits (an optional
  `-`), as booleans exactly `true` or `false`, as date-times or dates their RFC 3339 text;
  `+1`, `1.0`, `1e3`, ` 1`, `1_0`, `0x1`, `1`/`0`/`True`/`yes` for a boolean, `0.5` for a
  date-time are refused. The types are read from the app's own
  OpenAPI document, so the server checks exactly what the document promises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from typing import Any, NamedTuple

import msgspec
from litestar import Litestar, Request
from litestar.exceptions import ValidationException
from litestar.openapi.spec import OpenAPIType, Reference, Schema

from entrypoints.http.problems import camel
from entrypoints.http.wire import PATTERN_MESSAGES


def _parses_strictly(target: type) -> Callable[[str], bool]:
    """Whether text is `target` in its JSON form (msgspec strict: lax mode would also read a
    number such as `0.5` as a Unix timestamp)."""

    def parses(raw: str) -> bool:
        try:
            msgspec.convert(raw, target, strict=True)
        except msgspec.ValidationError:
            return False
        return True

    return parses


_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_SHAPES: dict[str, Callable[[str], bool]] = {
    "integer": lambda raw: _INTEGER.fullmatch(raw) is not None,
    "number": lambda raw: _NUMBER.fullmatch(raw) is not None,
    "boolean": lambda raw: raw in ("true", "false"),
    "date-time": _parses_strictly(datetime),
    "date": _parses_strictly(date),
}
_MESSAGES = {
    "integer": "must be an integer written in decimal digits",
    "number": "must be a decimal number",
    "boolean": "must be true or false",
    "date-time": "must be an RFC 3339 date-time such as 2030-01-02T09:00:00Z",
    "date": "must be a date such as 2030-01-02",
}
_AT = re.compile(r"^(?P<message>.*?) - at `\$(?P<path>[^`]*)`$")
_NAMED = re.compile(r"(?:missing required|unknown) field `([^`]+)`")
Kinds = dict[tuple[str, str], str]  # (in, name) -> the JSON type a parameter must have


def _integral_floats_as_ints(value: Any) -> Any:
    """`value` (decoded JSON) with every number of zero fractional part as an int: JSON Schema
    counts `2.0` and `1e3` as integers, so the server does too (`2.5` stays a float)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _integral_floats_as_ints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_integral_floats_as_ints(item) for item in value]
    return value


def _problem_item(error: msgspec.ValidationError) -> dict[str, str]:
    """`{"key": ..., "field": ..., "message": ...}` for one msgspec error: the field is the
    camelCase path (`customerId`, `message.body`, `skills[0]`)."""
    text = str(error)
    match = _AT.match(text)
    message, path = (match["message"], match["path"].lstrip(".")) if match else (text, "")
    if message.startswith("Expected `str` matching regex"):
        message = next(
            (text for regex, text in PATTERN_MESSAGES.items() if repr(regex) in message),
            "must have the form the schema's pattern gives",
        )
    named = _NAMED.search(message)
    if named:
        path = f"{path}.{named[1]}".lstrip(".")
    return {"key": path or "body", "field": path or "body", "message": message}


async def reject_loose_body(request: Request[Any, Any, Any], body_type: Any) -> None:
    """400 unless the JSON body has exactly the types of `body_type` (strict msgspec)."""
    body = await request.body()
    if not body.strip():
        return  # Litestar reports the missing body itself
    try:
        value = _integral_floats_as_ints(msgspec.json.decode(body))
    except msgspec.DecodeError:
        return  # malformed JSON: Litestar's own decoder answers 400
    try:
        msgspec.convert(value, body_type, strict=True)
    except msgspec.ValidationError as exc:
        item = _problem_item(exc)
        raise ValidationException(f"{item['field']}: {item['message']}", extra=[item]) from exc


def _format(schema: Schema) -> str:
    return str(getattr(schema.format, "value", schema.format))


def _schema_types(schema: Any) -> set[str]:
    """The JSON types `schema` allows (array items count for a repeated parameter)."""
    if isinstance(schema, Reference) or not isinstance(schema, Schema):
        return {"string"}  # components used by parameters are enums of strings
    kinds: set[str] = set()
    declared = schema.type if isinstance(schema.type, list | tuple) else [schema.type]
    for kind in declared:
        if kind == OpenAPIType.ARRAY:
            kinds |= _schema_types(schema.items)
        elif kind == OpenAPIType.STRING and _format(schema) in ("date-time", "date"):
            kinds.add(_format(schema))
        elif isinstance(kind, OpenAPIType):
            kinds.add(kind.value)
    for option in [*(schema.one_of or []), *(schema.any_of or [])]:
        kinds |= _schema_types(option)
    return kinds


class _Checks(NamedTuple):
    """An operation's typed parameters, with where each path parameter sits in the path."""

    kinds: Kinds
    segments: int  # how many `/`-separated segments the path template has
    positions: dict[str, int]  # path parameter name -> its segment


def _checks(template: str, kinds: Kinds) -> _Checks:
    names = template.strip("/").split("/")
    positions = {n[1:-1]: i for i, n in enumerate(names) if n.startswith("{")}
    return _Checks(kinds, len(names), positions)


_NO_CHECKS = _Checks({}, 0, {})


def _parameter_kinds(app: Litestar) -> dict[tuple[str, str], _Checks]:
    """(path template, method) -> the typed query and path parameters of that operation."""
    table: dict[tuple[str, str], _Checks] = {}
    for path, item in (app.openapi_schema.paths or {}).items():
        for method in ("get", "put", "post", "delete", "patch"):
            operation = getattr(item, method, None)
            if operation is None:
                continue
            kinds: Kinds = {}
            for parameter in operation.parameters or []:
                if isinstance(parameter, Reference) or parameter.param_in not in ("query", "path"):
                    continue
                types = _schema_types(parameter.schema) - {"null"}
                if len(types) == 1 and (kind := next(iter(types))) in _SHAPES:
                    kinds[(parameter.param_in, parameter.name)] = kind
            table[(path, method.upper())] = _checks(path, kinds)
    return table


# id(app) -> (app, its table): Litestar objects take no weak references; the app is kept so
# its id cannot be reused by another one.
_TABLES: dict[int, tuple[Litestar, dict[tuple[str, str], _Checks]]] = {}


def _checks_of(request: Request[Any, Any, Any]) -> _Checks:
    app = request.app
    entry = _TABLES.get(id(app))
    if entry is None or entry[0] is not app:
        entry = _TABLES[id(app)] = (app, _parameter_kinds(app))
    return entry[1].get((request.scope.get("path_template", ""), request.method), _NO_CHECKS)


def _raw_path_values(checks: _Checks, scope: Any) -> Mapping[str, str]:
    """The raw text of each path parameter in the request's path (`request.url.path`'s text:
    root path and routed path), from the segment positions computed once per operation; none
    when the path has another number of segments than the template."""
    if not checks.positions:
        return {}
    values = (scope.get("root_path", "") + scope["path"]).strip("/").split("/")
    if len(values) != checks.segments:
        return {}
    return {name: values[at] for name, at in checks.positions.items()}


def _raw_values(
    request: Request[Any, Any, Any], where: str, name: str, path_values: Mapping[str, str]
) -> Iterator[str]:
    if where == "query":
        if request.scope.get("query_string"):
            yield from request.query_params.getall(name, [])
    else:
        value = path_values.get(name)
        if value is not None:
            yield value


def reject_loose_parameters(request: Request[Any, Any, Any]) -> None:
    """400 naming every integer, number or boolean parameter not written in its one form."""
    checks = _checks_of(request)
    if not checks.kinds:
        return
    path_values = _raw_path_values(checks, request.scope)
    errors = [
        {"key": name, "field": camel(name), "message": _MESSAGES[kind]}
        for (where, name), kind in checks.kinds.items()
        if any(not _SHAPES[kind](raw) for raw in _raw_values(request, where, name, path_values))
    ]
    if errors:
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        raise ValidationException(detail, extra=errors)
