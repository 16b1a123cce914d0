"""The Customer View: everything about one customer on one screen.

Plain snake_case structs with the domain's enums; the SQL's JSON keys are these field names,
and the HTTP layer alone renames them to camelCase.
"""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from application.read_models.consent import ConsentStateItem
from application.read_models.financials import CustomerFinancials
from domain.contact_preferences import ContactMethod, Frequency
from domain.follow_up import FollowUpStatus
from domain.job import JobStatus
from domain.maintenance_alert import AlertStatus
from domain.messaging.call_task import CallTaskStatus
from domain.payment import PaymentMethod

DEFAULT_COLLECTION_CAP = 100


class Ref(msgspec.Struct, kw_only=True):
    """Another record, by id and name."""

    id: int
    name: str


class PaymentItem(msgspec.Struct, kw_only=True):
    id: int
    job_id: int | None
    amount: str
    currency: str
    payment_method: PaymentMethod | None
    reference: str | None
    paid_at: datetime
    created_at: datetime


class ExpenseItem(msgspec.Struct, kw_only=True):
    id: int
    customer_id: int | None
    job_id: int | None
    amount: str
    currency: str
    category: str
    description: str | None
    incurred_at: datetime
    created_at: datetime


class ApplianceItem(msgspec.Struct, kw_only=True):
    id: int
    type: str
    brand: str | None
    model_number: str | None
    serial_number: str | None
    installed_on: date | None
    last_service_date: datetime | None
    job_id: int | None
    created_at: datetime
    updated_at: datetime


class ReviewItem(msgspec.Struct, kw_only=True):
    id: int
    job_id: int
    technician_id: int
    technician: Ref | None
    rating: int
    comment: str | None
    created_at: datetime


class JobItem(msgspec.Struct, kw_only=True):
    id: int
    technician_id: int | None
    technician: Ref | None
    description: str
    appliance: str | None
    appliance_id: int | None
    notes: str | None
    scheduled_for: datetime
    status: JobStatus
    started_at: datetime | None
    completion_date: datetime | None
    cancelled_at: datetime | None
    created_at: datetime
    reviews: list[ReviewItem] = []
    expenses: list[ExpenseItem] = []


class TechnicianRatingItem(msgspec.Struct, kw_only=True):
    id: int
    technician_id: int
    technician: Ref | None
    job_id: int
    rating: int
    created_at: datetime


class FollowUpItem(msgspec.Struct, kw_only=True):
    """`technician` is the technician of the follow-up's job; `suggestion` the suggested next
    action of a PENDING suggestion (decision 0003), None for one the office opened."""

    id: int
    job_id: int
    technician: Ref | None
    status: FollowUpStatus
    satisfaction_rating: int | None
    feedback: str | None
    suggestion: str | None
    follow_up_date: datetime | None
    created_at: datetime


class MaintenanceAlertItem(msgspec.Struct, kw_only=True):
    """An alert the office still has to act on (OPEN or ACKNOWLEDGED)."""

    id: int
    appliance_id: int
    due_date: date
    confidence: float
    reason: str
    status: AlertStatus
    created_at: datetime
    updated_at: datetime


class CallTaskItem(msgspec.Struct, kw_only=True):
    """A call the office still has to make (OPEN)."""

    id: int
    message_id: int | None
    body: str
    status: CallTaskStatus
    created_at: datetime


class CollectionInfo(msgspec.Struct, kw_only=True):
    """How much of a collection the view holds: newest first, at most `limit` items."""

    total: int
    returned: int
    truncated: bool


class CustomerView(msgspec.Struct, kw_only=True):
    """`collections` is keyed by the collection's name as the client sees it (`followUps`)."""

    id: int
    name: str
    phone: str | None
    email: str | None
    address: str | None
    time_zone: str
    notes: str | None
    created_at: datetime
    referral_code: str
    preferred_contact_method: ContactMethod | None
    preferred_contact_times: dict[str, list[str]] | None
    communication_frequency_preference: Frequency | None
    language_preference: str
    marketing_consent: bool
    consent: list[ConsentStateItem]  # every channel x purpose, from the consent ledger
    referred_by: Ref | None
    preferred_technician: Ref | None
    payments: list[PaymentItem]
    expenses: list[ExpenseItem]
    appliances: list[ApplianceItem]
    jobs: list[JobItem]
    reviews: list[ReviewItem]
    referrals: list[Ref]
    customer_technician_ratings: list[TechnicianRatingItem]
    follow_ups: list[FollowUpItem]
    maintenance_alerts: list[MaintenanceAlertItem]
    call_tasks: list[CallTaskItem]
    collections: dict[str, CollectionInfo]
    financial_summary: CustomerFinancials | None  # None for a technician (no money)

    def financials(self) -> CustomerFinancials:
        """The financial summary of a whole (staff) view; a technician's slice has none."""
        if self.financial_summary is None:
            raise LookupError("this Customer View carries no financial summary")
        return self.financial_summary


class CustomerViewDocument(msgspec.Struct, kw_only=True, frozen=True):
    """The whole (staff) Customer View as the JSON document clients get, built by the
    database so it can be sent on as it is: `json` is a JSON object with the wire's
    camelCase keys holding every field of `CustomerView` but the financial summary, which is
    `financial_summary` (computed from sums the same statement returned)."""

    json: bytes
    financial_summary: CustomerFinancials
