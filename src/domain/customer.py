"""The Customer aggregate: who the shop serves and how to reach them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from domain import validation as v
from domain.contact_preferences import ContactMethod, ContactPreferences, QuietHours
from domain.errors import ValidationFailed
from domain.recorded import Recorded
from domain.referral import check_referrer, new_referral_code
from domain.technician import Technician


@dataclass(slots=True)
class CustomerDetails:
    """The client-writable fields of a customer, validated together."""

    name: str
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    time_zone: str = "UTC"
    notes: str | None = None

    def validated(self) -> CustomerDetails:
        return v.checked(
            self,
            name=v.text(200),
            phone=v.phone,
            email=v.email,
            address=v.optional(500),
            time_zone=v.time_zone,
            notes=v.optional(5000),
        )


@dataclass(slots=True)
class Customer(Recorded[CustomerDetails]):
    referral_code: str = field(default_factory=new_referral_code)
    referred_by_id: int | None = None
    preferred_technician_id: int | None = None
    preferences: ContactPreferences = field(default_factory=ContactPreferences)
    marketing_consent: bool = False

    @classmethod
    def register(cls, details: CustomerDetails, now: datetime) -> Customer:
        return cls.record(details, now)

    def referred_by(self, referrer: Customer, referrer_chain: Sequence[int]) -> None:
        """Record who referred this customer; no self-referral, no cycle."""
        assert referrer.id is not None
        check_referrer(self.id, referrer.id, referrer_chain)
        self.referred_by_id = referrer.id

    def clear_referrer(self) -> None:
        """Nobody referred this customer after all."""
        self.referred_by_id = None

    def prefer_technician(self, technician: Technician | None) -> None:
        """Set (or clear, with None) the preferred technician; only an active one."""
        if technician is None:
            self.preferred_technician_id = None
            return
        if not technician.details.active:
            raise ValidationFailed.single("technician_id", "technician is not active")
        self.preferred_technician_id = technician.id

    def set_preferences(self, preferences: ContactPreferences) -> None:
        self.preferences = preferences.validated()

    def channel_reachable(self, channel: ContactMethod) -> bool:
        """Whether the customer has the contact detail the channel needs."""
        if channel is ContactMethod.EMAIL:
            return self.details.email is not None
        return self.details.phone is not None

    def may_contact(self, instant: datetime, channel: ContactMethod, quiet: QuietHours) -> bool:
        """May the shop contact this customer at `instant` through `channel`?"""
        return self.channel_reachable(channel) and self.preferences.allows(
            instant, channel, self.details.time_zone, quiet
        )
