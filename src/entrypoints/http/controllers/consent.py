"""/customers/{id}/consent: the consent ledger's current state and history; staff record
a change the customer gave them (by phone, in person)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from litestar import Controller, get, put
from litestar.params import JSONBody

from application import consent as uc
from application.read_models.consent import ConsentView
from domain.contact_preferences import ContactMethod
from domain.messaging.consent import MAX_NOTE
from domain.messaging.message import Purpose
from entrypoints.http.deps import ActorDep, ClockDep, PathId, Uow
from entrypoints.http.list_params import PAGING_ONLY, PagingDep
from entrypoints.http.wire import In, text_meta
from entrypoints.http.wire_twins import to_wire, wire_type

if TYPE_CHECKING:
    ConsentViewOut = ConsentView  # the camelCase twin has the same fields
else:
    ConsentViewOut = wire_type(ConsentView)


Note = Annotated[str, text_meta(MAX_NOTE)]


class ConsentChangeIn(In):
    channel: ContactMethod
    purpose: Purpose
    allowed: bool
    note: Note | None = None


class ConsentController(Controller):
    """A controller on the /customers prefix for the consent ledger; `limit`/`offset`
    page the history (newest first)."""

    path = "/customers"
    tags = ["customers"]
    dependencies = PAGING_ONLY

    @get("/{customer_id:int}/consent", operation_id="getCustomerConsent")
    async def get_consent(
        self, actor: ActorDep, customer_id: PathId, uow: Uow, paging: PagingDep
    ) -> ConsentViewOut:
        """Consent per channel x purpose (latest ledger entry, or the default: transactional
        allowed, marketing not) and a page of the ledger."""
        return to_wire(await uc.view_consent(actor, uow, customer_id, paging))

    @put("/{customer_id:int}/consent", operation_id="setCustomerConsent")
    async def set_consent(
        self,
        actor: ActorDep,
        customer_id: PathId,
        data: JSONBody[ConsentChangeIn],
        uow: Uow,
        clock: ClockDep,
        paging: PagingDep,
    ) -> ConsentViewOut:
        """Record a change the customer gave staff (source `staff:<user id>`); returns the
        new state. Staff only."""
        view = await uc.set_consent(
            actor,
            uow,
            clock,
            customer_id,
            data.channel,
            data.purpose,
            data.allowed,
            data.note,
            paging,
        )
        return to_wire(view)
