"""Paging and filter query parameters of list routes, as Litestar dependencies.

As in litestar-fullstack's `lib/dependencies.py`: each is a `Provide` function whose own
parameters are the query parameters, so Litestar validates and documents them once for every
list route that depends on it. `filters_provider` builds one for a resource's allow-listed
filters (camelCase query names, snake_case filter names for the use cases).
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeAlias

from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter, SkipValidation

from application.pagination import ListQuery
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
PagingDep: TypeAlias = SkipValidation[NamedDependency[ListQuery]]
FiltersDep: TypeAlias = SkipValidation[NamedDependency[Mapping[str, object]]]


def paging(limit: Limit = PAGE_DEFAULT, offset: Offset = 0) -> ListQuery:
    """`?limit=&offset=`: a page request without filters."""
    return ListQuery(limit, offset)


PAGING_PROVIDER = Provide(paging, sync_to_thread=False)
PAGING_ONLY = {PAGING: PAGING_PROVIDER}
"""The dependencies of a controller whose lists take no filters."""


@dataclass(frozen=True, slots=True)
class QueryFilter:
    """One list filter: its Python name and annotated type (carrying the camelCase query
    name and bounds), and the use case's filter name when it differs."""

    name: str
    annotation: Any
    field: str | None = None


def filters_provider(filters: Sequence[QueryFilter]) -> Provide:
    """A dependency returning the given filters (None when left out; enums by value)."""

    def provide(**values: Any) -> Mapping[str, object]:
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
    return value.value if isinstance(value, enum.Enum) else value


def list_dependencies(filters: Sequence[QueryFilter]) -> dict[str, Provide]:
    """The dependencies a generated list route takes: paging, and the resource's filters."""
    return {PAGING: PAGING_PROVIDER, FILTERS: filters_provider(filters)}


CUSTOMER_ID = QueryFilter("customer_id", CustomerIdFilter)
JOB_ID = QueryFilter("job_id", JobIdFilter)
TECHNICIAN_ID = QueryFilter("technician_id", TechnicianIdFilter)


def status_filter(status: type[enum.Enum]) -> QueryFilter:
    """`?status=`: one of the resource's statuses."""
    return QueryFilter("status", Annotated[status | None, QueryParameter(name="status")])
