"""The Appliance aggregate: a customer's machine and its service history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain import validation as v
from domain.errors import ValidationFailed
from domain.recorded import Recorded

# Canonical appliance kinds, and the other names people use for them.
APPLIANCE_KINDS = (
    "hvac",
    "refrigerator",
    "freezer",
    "washer",
    "dryer",
    "dishwasher",
    "water heater",
    "oven",
    "microwave",
)
KIND_ALIASES: dict[str, str] = {
    "fridge": "refrigerator",
    "fridge freezer": "refrigerator",
    "washing machine": "washer",
    "clothes washer": "washer",
    "dish washer": "dishwasher",
    "air conditioner": "hvac",
    "air conditioning": "hvac",
    "ac": "hvac",
    "a/c": "hvac",
    "heat pump": "hvac",
    "furnace": "hvac",
    "heating": "hvac",
    "cooling": "hvac",
    "boiler": "water heater",
    "stove": "oven",
    "range": "oven",
    "cooktop": "oven",
}


def appliance_kind(text: str) -> str:
    """The canonical kind of an appliance name ("Fridges" -> "refrigerator"), else the
    name itself lower-cased and singular."""
    words = text.lower().replace("_", " ").replace("-", " ").split()
    if words and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    name = " ".join(words)
    if name in APPLIANCE_KINDS:
        return name
    if name in KIND_ALIASES:
        return KIND_ALIASES[name]
    padded = f" {name} "
    known = sorted([*APPLIANCE_KINDS, *KIND_ALIASES], key=len, reverse=True)
    for phrase in known:
        if f" {phrase} " in padded:
            return KIND_ALIASES.get(phrase, phrase)
    return name


@dataclass(slots=True)
class ApplianceDetails:
    customer_id: int
    type: str
    brand: str | None = None
    model_number: str | None = None
    serial_number: str | None = None
    installed_on: date | None = None

    def validated(self) -> ApplianceDetails:
        name = v.optional(100)
        return v.checked(
            self,
            type=_kind_name,
            brand=name,
            model_number=name,
            serial_number=name,
            installed_on=v.calendar_date,
        )


def _kind_name(errors: dict[str, str], field: str, value: str) -> str:
    return v.required_text(errors, field, value, 100).lower()


@dataclass(slots=True, kw_only=True)
class Appliance(Recorded[ApplianceDetails]):
    """A customer's appliance: registered, revised as a whole (never moved to another
    customer), serviced by completed jobs."""

    updated_at: datetime
    last_service_date: datetime | None = None
    job_id: int | None = None

    @classmethod
    def register(cls, details: ApplianceDetails, now: datetime) -> Appliance:
        return cls(details=details.validated(), created_at=now, updated_at=now)

    def revise(self, details: ApplianceDetails, now: datetime | None = None) -> None:
        if details.customer_id != self.details.customer_id:
            raise ValidationFailed.single(
                "customer_id", "an appliance cannot move to another customer"
            )
        Recorded.revise(self, details)
        if now is not None:
            self.updated_at = now

    def serviced_before(self, last_service_date: datetime) -> None:
        """At registration: the date the appliance was last serviced, before it was known
        here (no job); never after the registration itself."""
        errors: dict[str, str] = {}
        checked = v.instant(errors, "last_service_date", last_service_date)
        if not errors and checked > self.created_at:
            errors["last_service_date"] = "must not be in the future"
        v.raise_if(errors)
        self.last_service_date = checked

    def record_service(self, job_id: int, serviced_at: datetime, now: datetime) -> bool:
        """A completed job serviced this appliance: move lastServiceDate forward, never back.

        Returns whether anything changed.
        """
        if self.last_service_date is not None and serviced_at <= self.last_service_date:
            return False
        self.last_service_date = serviced_at
        self.job_id = job_id
        self.updated_at = now
        return True
