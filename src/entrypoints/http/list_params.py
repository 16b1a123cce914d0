"""Paging and filter query parameters of list routes, as Litestar dependencies.

As in litestar-fullstack's `lib/dependencies.py`: each is a `Provide` function whose own
parameters are the query parameters, so Litestar validates and documents them once for every
list route that depends on it. `filters_provider` builds one for a resource's allow-listed
filters (camelCase query names, snake_case filter names for the use cases).
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, TypeAlias

import msgspec
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ValidationException
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.params import QueryParameter, SkipValidation

from application.pagination import ListQuery, SortKey
from domain.customer_search import MAX_LENGTH, MIN_LENGTH
from domain.instant_range import OUT_OF_RANGE, within_range
from entrypoints.http.openapi_instants import DATE_TIME_PATTERN
from entrypoints.http.problems import camel
from entrypoints.http.wire import (
    PAGE_DEFAULT,
    CustomerIdFilter,
    JobIdFilter,
    Limit,
    Offset,
    TechnicianIdFilter,
)

KEYWORD_ONLY = inspect.Parameter.KEYWORD_ONLY
PAGING = "paging"
FILTERS = "list_filters"
SORT = "list_sort"
PagingDep: TypeAlias = SkipValidation[NamedDependency[ListQuery]]
FiltersDep: TypeAlias = SkipValidation[NamedDependency[Mapping[str, object]]]
SortDep: TypeAlias = SkipValidation[NamedDependency[tuple[SortKey, ...]]]


def paging(limit: Limit = PAGE_DEFAULT, offset: Offset = 0) -> ListQuery:
    """`?limit=&offset=`: a page request without filters."""
    return ListQuery(limit, offset)


PAGING_PROVIDER = Provide(paging, sync_to_thread=False)
PAGING_ONLY = {PAGING: PAGING_PROVIDER}
"""The dependencies of a controller whose lists take no filters."""


@dataclass(frozen=True, slots=True)
class QueryFilter:
    """One list filter: its Python name and annotated type (carrying the camelCase query
    name and bounds), the use case's filter name when it differs, and how its text becomes
    the filter's value when Litestar does not decode it (`decode(name, text)`)."""

    name: str
    annotation: Any
    field: str | None = None
    decode: Callable[[str, str], object] | None = None


def filters_provider(filters: Sequence[QueryFilter]) -> Provide:
    """A dependency returning the given filters (None when left out; enums by value; a
    timestamp decoded from its RFC 3339 text); a date or timestamp outside the supported
    years (domain.instant_range) is refused (400 naming it)."""

    decoders = {f.name: f.decode for f in filters if f.decode is not None}

    def provide(**values: Any) -> Mapping[str, object]:
        for name, value in values.items():
            if value is not None and name in decoders:
                values[name] = value = decoders[name](name, value)
            if isinstance(value, date) and not within_range(value):
                raise ValidationException(
                    OUT_OF_RANGE, extra=[{"key": name, "message": OUT_OF_RANGE}]
                )
        return {
            f.field or f.name: _plain(values[f.name]) for f in filters if values[f.name] is not None
        }

    parameters = [
        inspect.Parameter(f.name, KEYWORD_ONLY, default=None, annotation=f.annotation)
        for f in filters
    ]
    provide.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        parameters, return_annotation=Mapping[str, object]
    )
    provide.__annotations__ = {f.name: f.annotation for f in filters}
    provide.__annotations__["return"] = Mapping[str, object]
    return Provide(provide, sync_to_thread=False)


def _plain(value: object) -> object:
    if isinstance(value, list):
        return [_plain(one) for one in value]
    return value.value if isinstance(value, enum.Enum) else value


def repeatable_enum(name: str, values: list[str], max_items: int, description: str) -> Any:
    """A query parameter taking any of `values`, repeated (at most `max_items` times) or left
    out: documented as an array of that enum, or null."""
    item = Schema(type=OpenAPIType.STRING, enum=values)
    array = Schema(type=OpenAPIType.ARRAY, items=item, max_items=max_items)
    return QueryParameter(
        name=name,
        description=description,
        schema_extra={"one_of": [array, Schema(type=OpenAPIType.NULL)]},
    )


def sort_provider(keys: Sequence[str]) -> Provide:
    """`?sort=`: the list's order, from `keys` (snake_case fields, camelCase on the wire).

    Each value is one key, `-key` for descending; several keys are given by repeating the
    parameter (`sort=name&sort=-createdAt`), exactly as the schema says (an array of the
    allowed values). Anything else (an unknown key, a comma list) is a 400 naming `sort`
    and listing the allowed keys."""
    wire = {camel(key): key for key in keys}
    allowed = [value for key in wire for value in (key, f"-{key}")]
    parameter = repeatable_enum(
        "sort",
        allowed,
        len(wire),
        "order: one key per value, repeat the parameter for more; `-key` descending; ties"
        " newest first",
    )

    def provide(sort: list[str] | None = None) -> tuple[SortKey, ...]:
        given = list(sort or ())
        if len(given) > len(wire):
            message = f"at most {len(wire)} keys"
            raise ValidationException(message, extra=[{"key": "sort", "message": message}])
        for part in given:
            if part.removeprefix("-") not in wire:
                message = (
                    f"unknown sort key {part!r} (one key per value: repeat `sort` for more);"
                    f" allowed: {', '.join(allowed)}"
                )
                raise ValidationException(message, extra=[{"key": "sort", "message": message}])
        return tuple(SortKey(wire[p.removeprefix("-")], p.startswith("-")) for p in given)

    annotation = Annotated[list[str] | None, parameter]
    provide.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("sort", KEYWORD_ONLY, default=None, annotation=annotation)],
        return_annotation=tuple[SortKey, ...],
    )
    provide.__annotations__ = {"sort": annotation, "return": tuple[SortKey, ...]}
    return Provide(provide, sync_to_thread=False)


def list_dependencies(
    filters: Sequence[QueryFilter], sortable: Sequence[str] = ("id",)
) -> dict[str, Provide]:
    """The dependencies a generated list route takes: paging, the resource's filters and
    its sort keys."""
    return {
        PAGING: PAGING_PROVIDER,
        FILTERS: filters_provider(filters),
        SORT: sort_provider(sortable),
    }


CUSTOMER_ID = QueryFilter("customer_id", CustomerIdFilter)
JOB_ID = QueryFilter("job_id", JobIdFilter)
TECHNICIAN_ID = QueryFilter("technician_id", TechnicianIdFilter)


SEARCH_TEXT = QueryFilter(
    "q",
    Annotated[
        str | None,
        QueryParameter(
            name="q",
            min_length=MIN_LENGTH,
            max_length=MAX_LENGTH,
            pattern=r"\S",
            description="search: name, email, address (any part of a word, accents and case "
            "ignored) or phone (any formatting, at least 4 digits); best match first",
        ),
    ],
    field="search",
)


def status_filter(status: type[enum.Enum]) -> QueryFilter:
    """`?status=`: one of the resource's statuses."""
    return QueryFilter("status", Annotated[status | None, QueryParameter(name="status")])


def statuses_filter(status: type[enum.Enum]) -> QueryFilter:
    """`?status=A&status=B`: any of these statuses."""
    values = [member.value for member in status]
    described = repeatable_enum(
        "status", values, len(values), "any of these (repeat the parameter)"
    )
    return QueryFilter("status", Annotated[list[status] | None, described])  # type: ignore[valid-type]


def time_filter(name: str, query_name: str, description: str) -> QueryFilter:
    """A timestamp bound: RFC 3339 with an offset, within the supported years. Taken as text
    matching the documented pattern and decoded here, so nothing else (`0.5`, a date without
    a time) is coerced into a timestamp."""
    parameter = QueryParameter(
        name=query_name,
        description=description,
        pattern=DATE_TIME_PATTERN,
        format="date-time",
        max_length=64,
    )
    return QueryFilter(name, Annotated[str | None, parameter], decode=_instant)


_TIMESTAMP = msgspec.json.Decoder(datetime)


def _instant(name: str, text: str) -> datetime:
    try:
        return _TIMESTAMP.decode(msgspec.json.encode(text))
    except msgspec.ValidationError:
        message = "must be an RFC 3339 timestamp with an offset, e.g. 2030-01-02T09:00:00Z"
        raise ValidationException(message, extra=[{"key": name, "message": message}]) from None
