"""/customers: CRUD, the whole Customer View, referrals and contact preferences."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import msgspec
from litestar import Controller, Response, get, post, put
from litestar.params import JSONBody
from msgspec import UNSET, UnsetType

from application import customers as uc
from application.customer_reads import view_customer_for_screen
from application.customers import Referrer
from application.data_lifecycle import erase_customer
from application.read_models.customer_view import CustomerView
from domain.contact_preferences import (
    ContactMethod,
    ContactPreferences,
    ContactTimes,
    DaySlot,
    Frequency,
)
from domain.customer import Customer, CustomerDetails
from domain.errors import ValidationFailed
from entrypoints.http.created_location import LOCATION_HEADER, created_at
from entrypoints.http.customer_view_body import customer_view_response
from entrypoints.http.deps import ActorDep, ClockDep, PathId, SettingsDep, Uow, ViewQueryDep
from entrypoints.http.list_params import SEARCH_TEXT
from entrypoints.http.resource_controller import (
    HttpResource,
    Move,
    nested_list,
    resource_controller,
)
from entrypoints.http.wire import (
    Email,
    Id,
    In,
    LongText,
    Name,
    Out,
    Phone,
    TimeZone,
    record_out,
    text_meta,
    whole,
)
from entrypoints.http.wire_twins import view_record, wire_type

if TYPE_CHECKING:
    CustomerViewOut = CustomerView  # the camelCase twin has the same fields
else:
    CustomerViewOut = wire_type(CustomerView)

# `domain.referral.normalize_referral_code`: 8 Crockford base32 characters in any case, with
# spaces and dashes anywhere, O/I/L read as 0/1/1 (so only U is not a code letter).
_CODE = "[ -]*(?:[0-9A-TV-Za-tv-z][ -]*){8}"
_CODE_MESSAGE = "must be an 8-character referral code"
ReferralCode = Annotated[
    str, msgspec.Meta(min_length=8, max_length=20, pattern=whole(_CODE, _CODE_MESSAGE))
]
ReferralCodeOrEmpty = Annotated[
    str,
    msgspec.Meta(
        max_length=20, pattern=whole(f"(?:{_CODE})?", _CODE_MESSAGE), description='"": no referrer'
    ),
]
# `domain.contact_preferences.BCP47` (ASCII digits only), at most 35 characters.
LanguageTag = Annotated[
    str,
    msgspec.Meta(
        min_length=2,
        max_length=35,
        pattern=whole(
            r"[a-zA-Z]{2,3}(?:-[a-zA-Z]{4})?(?:-(?:[a-zA-Z]{2}|[0-9]{3}))?"
            r"(?:-(?:[a-zA-Z0-9]{5,8}|[0-9][a-zA-Z0-9]{3}))*",
            "must be a BCP 47 language tag such as en or es-MX",
        ),
        description="a BCP 47 language tag, e.g. en or es-MX",
    ),
]
Address = Annotated[str, text_meta(500)]
Slots = Annotated[list[DaySlot], msgspec.Meta(max_length=len(DaySlot))]


class ContactTimesIn(In):
    """When the customer may be contacted, by kind of day (a kind left out: never)."""

    weekdays: Slots = []
    weekends: Slots = []

    def times(self) -> ContactTimes:
        return ContactTimes(frozenset(self.weekdays), frozenset(self.weekends))


class CustomerFields(In):
    """The customer's editable details, common to create and update."""

    name: Name
    phone: Phone | None = None
    email: Email | None = None
    address: Address | None = None
    time_zone: TimeZone = "UTC"
    notes: LongText | None = None

    def details(self) -> CustomerDetails:
        return CustomerDetails(
            self.name, self.phone, self.email, self.address, self.time_zone, self.notes
        )


class CustomerIn(CustomerFields):
    referral_code: ReferralCode | None = None


class CustomerUpdateIn(CustomerFields):
    """Left out, `referralCode` and `referredById` keep the referrer (so does a null
    `referralCode`); `referralCode: ""` or `referredById: null` clears it."""

    referral_code: ReferralCodeOrEmpty | UnsetType | None = UNSET
    referred_by_id: Id | UnsetType | None = UNSET

    def referrer(self) -> Referrer | None:
        code, by_id = self.referral_code, self.referred_by_id
        if code and by_id is not UNSET:
            raise ValidationFailed.single("referred_by_id", "give referralCode or referredById")
        if code is not None and code is not UNSET:
            return Referrer(code=code)
        return None if by_id is UNSET else Referrer(customer_id=by_id)


if TYPE_CHECKING:
    CustomerOut = Out
else:
    # The customer's own fields as the Customer View shows them, with the referrer's and the
    # preferred technician's ids in place of the view's names.
    CustomerOut = view_record(
        CustomerView,
        "CustomerOut",
        {
            "referral_code": (
                ("referred_by_id", int | None),
                ("preferred_technician_id", int | None),
            )
        },
    )


class ReferralOut(Out):
    id: int
    name: str
    created_at: datetime


class PreferredTechnicianIn(In):
    technician_id: Id | None


class CommunicationPreferencesIn(In):
    preferred_contact_method: ContactMethod | None = None
    preferred_contact_times: ContactTimesIn | None = None
    communication_frequency_preference: Frequency | None = None
    language_preference: LanguageTag = "en"
    marketing_consent: bool | None = None

    def preferences(self) -> ContactPreferences:
        times = self.preferred_contact_times
        return ContactPreferences(
            method=self.preferred_contact_method,
            times=times.times() if times is not None else None,
            frequency=self.communication_frequency_preference,
            language=self.language_preference,
        )


def customer_out(c: Customer) -> CustomerOut:
    p = c.preferences
    return record_out(
        CustomerOut,
        c,
        preferred_contact_method=p.method,
        preferred_contact_times=p.times.to_document() if p.times else None,
        communication_frequency_preference=p.frequency,
        language_preference=p.language,
    )


def referral_out(c: Customer) -> ReferralOut:
    return record_out(ReferralOut, c)


class CustomerRoutes(Controller):
    """Create and update (with a referral code), the Customer View, referrals and
    preferences, next to the generated list and delete."""

    @post("/", operation_id="createCustomer", response_headers=[LOCATION_HEADER])
    async def create(
        self, actor: ActorDep, data: JSONBody[CustomerIn], uow: Uow, clock: ClockDep
    ) -> Response[CustomerOut]:
        customer = await uc.create_customer(actor, uow, clock, data.details(), data.referral_code)
        return created_at("/customers", customer_out(customer))

    @get("/{customer_id:int}", operation_id="getCustomerView")
    async def get_one(
        self,
        customer_id: PathId,
        actor: ActorDep,
        uow: Uow,
        customer_view_query: ViewQueryDep,
        settings: SettingsDep,
    ) -> Response[CustomerViewOut]:
        """The whole Customer View; each collection newest first, capped (see `collections`).

        A technician gets only their part of it (no money, reviews or referrals)."""
        cap = settings.customer_view_cap
        answer = await view_customer_for_screen(actor, uow, customer_view_query, customer_id, cap)
        return customer_view_response(answer)  # type: ignore[return-value]

    @put("/{customer_id:int}", operation_id="updateCustomer")
    async def update(
        self,
        actor: ActorDep,
        customer_id: PathId,
        data: JSONBody[CustomerUpdateIn],
        uow: Uow,
        clock: ClockDep,
    ) -> CustomerOut:
        """Replace the details; set the referrer (`referralCode` or `referredById`) or
        clear it (`referralCode: ""` or `referredById: null`); left out, it stays."""
        customer = await uc.update_customer(
            actor, uow, clock, customer_id, data.details(), data.referrer()
        )
        return customer_out(customer)

    referrals = nested_list(
        "/{customer_id:int}/referrals",
        "listCustomerReferrals",
        "customer_id",
        ReferralOut,
        referral_out,
        uc.list_referrals,
        name="referrals",
    )

    @put("/{customer_id:int}/preferred-technician", operation_id="setPreferredTechnician")
    async def preferred_technician(
        self,
        actor: ActorDep,
        customer_id: PathId,
        data: JSONBody[PreferredTechnicianIn],
        uow: Uow,
        clock: ClockDep,
    ) -> CustomerOut:
        """Set (or clear, with null) the technician the customer prefers; it must be active."""
        customer = await uc.set_preferred_technician(
            actor, uow, clock, customer_id, data.technician_id
        )
        return customer_out(customer)

    @put(
        "/{customer_id:int}/communication-preferences",
        operation_id="setCommunicationPreferences",
    )
    async def communication_preferences(
        self,
        actor: ActorDep,
        customer_id: PathId,
        data: JSONBody[CommunicationPreferencesIn],
        uow: Uow,
        clock: ClockDep,
    ) -> CustomerOut:
        """Set the customer's channel, language, contact times and marketing consent."""
        customer = await uc.set_communication_preferences(
            actor, uow, clock, customer_id, data.preferences(), data.marketing_consent
        )
        return customer_out(customer)


CUSTOMERS: HttpResource[Customer] = HttpResource(
    singular="Customer",
    out=CustomerOut,
    to_out=customer_out,
    filters=(SEARCH_TEXT,),
    list=uc.list_customers,
    delete=uc.delete_customer,
    moves=(
        Move(
            "erase",
            erase_customer,
            "Erase the customer's personal data on their request (admin only): name, "
            "phone, e-mail, address and notes, and the copies in their messages, consent "
            "sources, call tasks, feedback and audit entries, are replaced. Jobs and "
            "financial records stay with the anonymised customer. Audited without the "
            "erased values. Cannot be undone.",
        ),
    ),
)
CustomerController = resource_controller(CUSTOMERS, CustomerRoutes)
