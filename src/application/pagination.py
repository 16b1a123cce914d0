"""Paging and filtering of list use cases."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from domain.errors import ValidationFailed

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
SERVED_BY_TECHNICIAN = "served_by_technician_id"
"""A filter every customer-owned list accepts: rows of customers this technician has a job at."""
ASSIGNED_TO_TECHNICIAN = "assigned_to_technician_id"
"""A filter every job-owned list accepts: rows of jobs assigned to this technician."""
DUE_BEFORE = "due_before"
"""The maintenance alerts' range filter: due on or before this date."""
SCHEDULED_FROM = "scheduled_from"
"""The jobs list's filter: scheduled at or after this time."""
SCHEDULED_TO = "scheduled_to"
"""The jobs list's filter: scheduled before this time."""
SEARCH = "search"
"""The customers list's text search (`domain.customer_search`): ranked best first."""
SEARCH_TOTAL_CAP = 1000
"""A search's `total` is exact up to this many matches; above, it is `SEARCH_TOTAL_CAP + 1`
("more than 1,000"), so a broad query does not count every match (bench/search.py)."""


def capped_total(query: ListQuery, total: int) -> int:
    """`total`, capped for a search (`SEARCH_TOTAL_CAP`)."""
    return min(total, SEARCH_TOTAL_CAP + 1) if SEARCH in query.filters else total


@dataclass(frozen=True, slots=True)
class SortKey:
    """One key of a list's order: a domain field, ascending unless `descending`."""

    field: str = "id"
    descending: bool = True

    @classmethod
    def parse(cls, key: str) -> SortKey:
        """`"name"` ascending, `"-name"` descending."""
        return cls(key.removeprefix("-"), key.startswith("-"))


NEWEST_FIRST = SortKey()


@dataclass(frozen=True, slots=True)
class ListQuery:
    """A page request: `filters` maps domain field names to the value they must equal;
    `sort` orders the rows (empty: the list's default order; ties always newest id first)."""

    limit: int = DEFAULT_PAGE_SIZE
    offset: int = 0
    filters: Mapping[str, object] = field(default_factory=dict)
    sort: tuple[SortKey, ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            raise ValidationFailed.single("limit", f"must be between 1 and {MAX_PAGE_SIZE}")
        if self.offset < 0:
            raise ValidationFailed.single("offset", "must not be negative")

    def with_filters(self, **filters: object) -> ListQuery:
        kept = {key: value for key, value in filters.items() if value is not None}
        return ListQuery(self.limit, self.offset, {**self.filters, **kept}, self.sort)

    def sorted_by(self, *keys: SortKey) -> ListQuery:
        return ListQuery(self.limit, self.offset, self.filters, keys)

    def check_sort(self, allowed: tuple[str, ...]) -> None:
        """Refuse a sort key not in `allowed` (ValidationFailed naming `sort`)."""
        for key in self.sort:
            if key.field not in allowed:
                listed = ", ".join(allowed)
                raise ValidationFailed.single(
                    "sort", f"unknown key {key.field!r}; allowed: {listed}"
                )


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
