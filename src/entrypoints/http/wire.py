"""Shared wire types: camelCase structs, bounded strings, money, pages and paging params."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar, cast

import msgspec
from litestar.params import QueryParameter

from application.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ListQuery, Page
from domain.messaging.message import MAX_BODY
from domain.money import Money
from domain.ratings import MAX_RATING, MIN_RATING
from domain.validation import ZONES

T = TypeVar("T")
U = TypeVar("U")


PATTERN_MESSAGES: dict[str, str] = {}
"""What each documented pattern means, for the 400 a value not matching it gets."""


def whole(pattern: str, meaning: str = "must have the form the schema's pattern gives") -> str:
    """`pattern` anchored to the whole string, the same in JSON Schema (ECMA-262) and in
    Python, whose `$` also matches before a final newline: `(?![\\s\\S])` forbids it.
    `meaning` is the message of a value that does not match it."""
    anchored = rf"^(?:{pattern})$(?![\s\S])"
    PATTERN_MESSAGES[anchored] = meaning
    return anchored


# Characters that are white space to Python (`str.strip`, `\\s`) or to JSON Schema (ECMA-262
# `\\s`): text made only of these is blank to the domain.
_SPACE = r"\s\x1c-\x1f\x85\ufeff"
NO_NUL = whole(r"[^\x00]*", "must not contain NUL characters")
NOT_BLANK = whole(
    rf"[^\x00]*[^\x00{_SPACE}][^\x00]*", "must not be blank or contain NUL characters"
)


def text_meta(max_length: int, *, required: bool = False, **meta: Any) -> msgspec.Meta:
    """A text field as the domain takes it: at most `max_length` characters, no NUL (PostgreSQL
    cannot store it); `required` text must also have a character that is not white space
    (the domain trims text and refuses it blank)."""
    if required:
        return msgspec.Meta(min_length=1, max_length=max_length, pattern=NOT_BLANK, **meta)
    return msgspec.Meta(max_length=max_length, pattern=NO_NUL, **meta)


Name = Annotated[str, text_meta(200, required=True)]
ShortText = Annotated[str, text_meta(200)]
Text = Annotated[str, text_meta(2000)]
LongText = Annotated[str, text_meta(5000)]
MessageBody = Annotated[str, text_meta(MAX_BODY, required=True)]  # the domain's MAX_BODY
# E.164 as `domain.validation.phone` takes it: `+`, 7-15 digits, spaces, dashes, dots and
# parentheses between them (the domain removes those).
Phone = Annotated[
    str,
    msgspec.Meta(
        max_length=32,
        pattern=whole(
            r"\+[1-9](?:[ ().-]*[0-9]){6,14}[ ().-]*",
            "must be an E.164 phone number such as +14155550123",
        ),
        description="E.164, e.g. +14155550123 (spaces, dashes, dots, parentheses allowed)",
        examples=["+14155550123"],
    ),
]
# `domain.validation.EMAIL`, without the white space the domain would trim.
_EMAIL_PART = rf"[^@\x00{_SPACE}]"
Email = Annotated[
    str,
    msgspec.Meta(
        max_length=254,
        pattern=whole(
            rf"{_EMAIL_PART}{{1,64}}@{_EMAIL_PART}+\.{_EMAIL_PART}{{2,}}",
            "must be an email address",
        ),
        examples=["ana@example.com"],
    ),
]
Currency = Annotated[
    str,
    msgspec.Meta(
        min_length=3,
        max_length=3,
        pattern=whole("[A-Za-z]{3}", "must be a three-letter ISO 4217 code"),
    ),
]
Rating = Annotated[int, msgspec.Meta(ge=MIN_RATING, le=MAX_RATING)]
if TYPE_CHECKING:
    TimeZone = str
else:
    TimeZone = Annotated[
        Literal[tuple(sorted(ZONES))],  # an enum in the schema: the names the domain accepts
        msgspec.Meta(description="an IANA time zone name, e.g. America/New_York"),
    ]
Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
# Money travels as a decimal string only ("125.50"): greater than zero, at most
# 999,999,999,999.99 (domain.money.MAX_AMOUNT) and 3 decimals (the finest minor unit); no sign,
# exponent, leading zero or spaces. More decimals than the body's currency allows (2 for USD)
# is the one money rule left to the domain (422), as it depends on `currency`.
MONEY_PATTERN = whole(
    r"[1-9][0-9]{0,10}(?:\.[0-9]{1,3})?"  # up to 99,999,999,999.999
    r"|[1-9][0-9]{11}(?:\.[0-9]{1,2})?"  # 12 digits: at most 2 decimals (MAX_AMOUNT)
    r"|0\.(?:[1-9][0-9]{0,2}|0[1-9][0-9]?|00[1-9])",  # below one, not zero
    'must be a decimal string above zero such as "125.50": at most 999999999999.99, '
    "no sign, exponent or leading zero",
)
Amount = Annotated[
    str,
    msgspec.Meta(
        pattern=MONEY_PATTERN,
        min_length=1,
        max_length=15,
        description='decimal amount as a string, e.g. "125.50": above zero, at most '
        "999999999999.99, no sign or exponent; no more decimals than the currency allows "
        "(2 for most, 0 for JPY, 3 for KWD: else 422)",
        examples=["125.50"],
    ),
]

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
