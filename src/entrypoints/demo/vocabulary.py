"""The demo shop's word lists and price ranges, read once from `vocabulary.json` beside this file.

Prices are in cents. msgspec checks the file against these structs when it is loaded, so a
typo in the data fails at import, not halfway through a seed.
"""

from __future__ import annotations

from pathlib import Path

import msgspec


class City(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    city: str
    zip_codes: tuple[str, ...]
    area_code: str
    weight: int  # how often customers live there, relative to the other cities


class RemoteZone(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Where an out-of-state owner of a Bay Area rental lives."""

    time_zone: str
    area_code: str


class PriceRange(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    low_cents: int
    high_cents: int


class PricedItem(PriceRange, frozen=True):
    """A part or a travel cost, priced anywhere in its range."""

    name: str


class FlatPriceJob(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Maintenance or installation work at a flat price."""

    description: str
    cents: int


class Vocabulary(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    business_names: tuple[str, ...]
    streets: tuple[str, ...]
    street_suffixes: tuple[str, ...]
    cities: tuple[City, ...]
    remote_zones: tuple[RemoteZone, ...]
    email_domains: tuple[str, ...]
    customer_notes: tuple[str, ...]
    remote_owner_note: str
    technician_email_domain: str
    # Appliance kind -> relative weight: a job's `appliance` starts with one, technicians'
    # skills are drawn from them.
    appliances: dict[str, int]
    brands: dict[str, tuple[str, ...]]
    problems: dict[str, tuple[str, ...]]
    hvac_cooling_problems: tuple[str, ...]
    hvac_heating_problems: tuple[str, ...]
    maintenance: dict[str, FlatPriceJob]
    description_details: tuple[str, ...]
    job_notes: tuple[str, ...]
    parts: dict[str, tuple[PricedItem, ...]]
    labor: dict[str, PriceRange]  # multiples of $5
    suppliers: tuple[str, ...]
    travel: tuple[PricedItem, ...]
    card_brands: tuple[str, ...]
    visit_windows: tuple[tuple[int, int], ...]  # shop-local (hour, minute) a visit is booked for

    @property
    def appliance_kinds(self) -> tuple[str, ...]:
        return tuple(self.appliances)

    @property
    def appliance_weights(self) -> tuple[int, ...]:
        return tuple(self.appliances.values())

    @property
    def city_weights(self) -> tuple[int, ...]:
        return tuple(c.weight for c in self.cities)


WORDS = msgspec.json.decode(
    Path(__file__).with_name("vocabulary.json").read_bytes(), type=Vocabulary
)
