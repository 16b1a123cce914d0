"""The HTTP face of a money record (a payment, an expense): its money is `details.amount`
and its list is filtered by customer and job."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import msgspec

from application.resources import Crud
from application.resources.spec import HasId
from domain.money import Money
from entrypoints.http.list_params import CUSTOMER_ID, JOB_ID
from entrypoints.http.resource_controller import HttpResource
from entrypoints.http.wire import In, Out, given, money_fields, record_out

E = TypeVar("E", bound=HasId)
T = TypeVar("T")


def money_details(body: In, target: Callable[..., T]) -> T:
    """`target` called with the fields of `body` by name, `amount` and `currency` made one
    `Money` (`amount`) and a field left out (`UNSET`) as None."""
    fields = msgspec.structs.asdict(body)
    amount = Money.of(fields.pop("amount"), fields.pop("currency"))
    return target(amount=amount, **{name: given(value) for name, value in fields.items()})


def money_resource(
    singular: str, out: type[Out], body: type[In], crud: Crud[E, Any]
) -> HttpResource[E]:
    """The CRUD routes of a money record: `out` filled by `record_out`, `amount` and
    `currency` from the record's money."""

    def to_out(record: Any) -> Out:
        return record_out(out, record, **money_fields(record.details.amount))

    return HttpResource(
        singular=singular,
        out=out,
        to_out=to_out,
        filters=(CUSTOMER_ID, JOB_ID),
        body=body,
        crud=crud,
    )
