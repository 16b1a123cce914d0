"""Shared wire types: camelCase structs, bounded strings, money, pages and paging params."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar, cast

import msgspec
from litestar.params import QueryParameter

from application.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ListQuery, Page
from domain.money import Money

T = TypeVar("T")
U = TypeVar("U")

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
ShortText = Annotated[str, msgspec.Meta(max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=2000)]
LongText = Annotated[str, msgspec.Meta(max_length=5000)]
MessageBody = Annotated[str, msgspec.Meta(max_length=1600)]  # the domain's MAX_BODY
Phone = Annotated[str, msgspec.Meta(max_length=32)]
Email = Annotated[str, msgspec.Meta(max_length=254)]
Currency = Annotated[str, msgspec.Meta(min_length=3, max_length=3, pattern="^[A-Za-z]{3}$")]
Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
# Money travels as a decimal string ("125.50") or a JSON number; bounds are checked by Money.
Amount = Annotated[Decimal, msgspec.Meta(description='decimal amount, e.g. "125.50"')]

Limit = Annotated[
    int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description=f"page size, at most {MAX_PAGE_SIZE}")
]
Offset = Annotated[int, QueryParameter(ge=0, le=2**31 - 1, description="rows to skip")]
CustomerIdFilter = Annotated[int | None, QueryParameter(name="customerId", ge=1, le=2**31 - 1)]
JobIdFilter = Annotated[int | None, QueryParameter(name="jobId", ge=1, le=2**31 - 1)]
TechnicianIdFilter = Annotated[int | None, QueryParameter(name="technicianId", ge=1, le=2**31 - 1)]
PAGE_DEFAULT = DEFAULT_PAGE_SIZE


class In(msgspec.Struct, rename="camel", kw_only=True, forbid_unknown_fields=True):
    """Base of request bodies: camelCase, unknown fields rejected (a NUL character in any
    string was refused before decoding: see nul_guard.py)."""

    def fields_into(self, target: Callable[..., T], **computed: Any) -> T:
        """`target` called with every field of this body by name (`computed` adds or
        replaces some): for a body whose fields are those of the use case's input."""
        return target(**{**msgspec.structs.asdict(self), **computed})


def given(value: T | msgspec.UnsetType) -> T | None:
    """A body field that may be left out (`UNSET`): its value, or None when absent."""
    return None if isinstance(value, msgspec.UnsetType) else value


class Out(msgspec.Struct, rename="camel", kw_only=True):
    """Base of response bodies: camelCase."""


class PageOut(Out, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def page_out(page: Page[U], convert: Callable[[U], T]) -> PageOut[T]:
    return PageOut(
        items=[convert(item) for item in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


OutT = TypeVar("OutT", bound=Out)


def attributes_to(out: type[OutT]) -> Callable[[object], OutT]:
    """The conversion of a domain object whose attributes carry every field of `out`
    (same names, same types) into `out`."""

    def convert(entity: object) -> OutT:
        return msgspec.convert(entity, out, from_attributes=True)

    return convert


def record_out(out: type[OutT], record: Any, **computed: Any) -> OutT:
    """`out` filled by name from a domain record: each field from `computed` if given, else
    from `record.details` if that has it, else from `record` itself (a stored record, whose
    `id` is set)."""
    details = getattr(record, "details", None)
    values = {
        name: computed[name]
        if name in computed
        else getattr(details if hasattr(details, name) else record, name)
        for name in out.__struct_fields__
    }
    assert values.get("id", 0) is not None
    return out(**values)


def money_fields(money: Money) -> dict[str, str]:
    """The `amount` (decimal text) and `currency` fields of a money record's output."""
    return {"amount": money_text(money), "currency": money.currency}


def page_type(item: type[Out], name: str) -> type[Out]:
    """A concrete page of `item`s named `name`, so the OpenAPI schema has a plain name
    (`PaymentPage`, not `PageOut[PaymentOut]` with a module path)."""
    fields = [("items", list[item]), ("total", int), ("limit", int), ("offset", int)]  # type: ignore[valid-type]
    return cast(type[Out], msgspec.defstruct(name, fields, bases=(Out,), module=item.__module__))


def page_of(page_cls: type[Out], page: Page[U], convert: Callable[[U], Any]) -> Any:
    """`page` as an instance of a `page_type`, each item converted."""
    items = [convert(item) for item in page.items]
    return page_cls(items=items, total=page.total, limit=page.limit, offset=page.offset)


def list_query(limit: int, offset: int, **filters: Any) -> ListQuery:
    return ListQuery(limit, offset).with_filters(**filters)


def money_text(money: Money) -> str:
    return format(money.amount, "f")
