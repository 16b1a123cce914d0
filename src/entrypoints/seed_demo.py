"""`fieldcrm seed-demo`: a realistic, deterministic demo shop, written through the use cases.

Everything is drawn from `random.Random(plan.seed)` relative to `plan.as_of` (default: today,
00:00 UTC), so the same seed on the same day always yields the same shop, row for row.

The generator first plans every step of two years of shop life (hiring, bookings, visits,
payments, expenses, a technician leaving) with the instant it happens at, sorts the steps
chronologically, and replays them through the application use cases with a simulated clock.
Every invariant is therefore checked exactly as for an HTTP request, and `created_at` columns
read like a shop that has been running for two years.

Demo contact data is fictional by construction: phone numbers are in the 555-0100..555-0199
block reserved for fiction, email addresses use the reserved example.com/.net/.org domains.
"""

from __future__ import annotations

import enum
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

import click

from application.access import SYSTEM
from application.customers import create_customer, list_customers
from application.expenses import create_expense, list_expenses
from application.jobs import cancel_job, complete_job, create_job, list_jobs, start_job
from application.pagination import ListQuery
from application.payments import create_payment, list_payments
from application.technicians import create_technician, list_technicians, update_technician
from domain.customer import CustomerDetails
from domain.errors import Conflict, ValidationFailed
from domain.expense import ExpenseDetails
from domain.job import JobDetails
from domain.money import Money
from domain.payment import PaymentDetails, PaymentMethod
from domain.technician import TechnicianDetails
from entrypoints.container import Container

SHOP_ZONE = ZoneInfo("America/Los_Angeles")
HISTORY_DAYS = 730
HORIZON_DAYS = 28
FUTURE_SHARE = 0.05
CURRENCY = "USD"


@dataclass(frozen=True, slots=True)
class DemoPlan:
    """What to generate. `as_of` is the simulated present (default: today 00:00 UTC)."""

    seed: int = 42
    customers: int = 200
    technicians: int = 10
    jobs: int = 1000
    as_of: datetime | None = None

    def checked(self) -> DemoPlan:
        errors: dict[str, str] = {}
        for name in ("customers", "technicians", "jobs"):
            if getattr(self, name) < 0:
                errors[name] = "must not be negative"
        if self.jobs > 0 and self.customers < 1:
            errors["customers"] = "jobs need at least one customer"
        if self.as_of is not None and self.as_of.tzinfo is None:
            errors["as_of"] = "must include a UTC offset"
        if errors:
            raise ValidationFailed(errors)
        return self


class SimulatedClock:
    """The Clock port, telling whatever instant the seeder is replaying."""

    def __init__(self, instant: datetime) -> None:
        self.instant = instant

    def now(self) -> datetime:
        return self.instant


# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------

FIRST_NAMES = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Christopher",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Sandra",
    "Mark",
    "Ashley",
    "Steven",
    "Emily",
    "Andrew",
    "Michelle",
    "Kevin",
    "Amanda",
    "Brian",
    "Melissa",
    "George",
    "Stephanie",
    "Timothy",
    "Rebecca",
    "Jose",
    "Maria",
    "Luis",
    "Carmen",
    "Carlos",
    "Ana",
    "Miguel",
    "Sofia",
    "Juan",
    "Isabel",
    "Wei",
    "Mei",
    "Jian",
    "Li",
    "Hiroshi",
    "Yuki",
    "Minh",
    "Linh",
    "Priya",
    "Arjun",
    "Ananya",
    "Rahul",
    "Min-jun",
    "Ji-woo",
    "Aisha",
    "Omar",
    "Fatima",
    "Tariq",
    "Kwame",
    "Amara",
    "Olga",
    "Dmitri",
    "Ingrid",
    "Lars",
    "Giulia",
    "Marco",
    "Noah",
    "Olivia",
    "Liam",
    "Emma",
    "Ethan",
    "Ava",
    "Mason",
    "Chloe",
    "Lucas",
    "Grace",
)
LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Chen",
    "Wang",
    "Zhang",
    "Liu",
    "Huang",
    "Kim",
    "Park",
    "Choi",
    "Tanaka",
    "Nakamura",
    "Patel",
    "Shah",
    "Singh",
    "Gupta",
    "Tran",
    "Pham",
    "Cohen",
    "Murphy",
    "O'Brien",
    "Sullivan",
    "Kowalski",
    "Novak",
    "Rossi",
    "Silva",
    "Okafor",
    "Haddad",
    "Johansson",
    "Fischer",
    "Ivanov",
    "Reyes",
    "Castillo",
    "Morales",
    "Ortiz",
)
BUSINESS_NAMES = (
    "Sunset Property Management",
    "Golden Gate Laundromat",
    "Mission Street Cafe",
    "Bayview Rentals LLC",
    "Twin Peaks Apartments HOA",
    "Noe Valley Bakery",
    "Lakeshore Dental",
    "Castro Fitness Studio",
    "Harbor View Senior Living",
    "Redwood Coworking",
    "Marina Green Condominiums",
    "Presidio Heights Property Group",
    "Oakland Hills Vacation Homes",
    "Alameda Family Daycare",
    "Fremont Corner Deli",
    "Berkeley Student Housing Co-op",
)
STREETS = (
    "Valencia",
    "Guerrero",
    "Dolores",
    "Church",
    "Sanchez",
    "Noe",
    "Castro",
    "Divisadero",
    "Fillmore",
    "Steiner",
    "Pierce",
    "Scott",
    "Baker",
    "Lyon",
    "Clement",
    "Geary",
    "Balboa",
    "Irving",
    "Judah",
    "Noriega",
    "Taraval",
    "Ocean",
    "Telegraph",
    "Shattuck",
    "College",
    "Piedmont",
    "Grand",
    "Lakeshore",
    "Park",
    "Oak",
    "Pine",
    "Cedar",
    "Maple",
    "Willow",
    "Elm",
    "Chestnut",
    "Laurel",
    "Magnolia",
    "Sycamore",
    "Alameda",
    "University",
    "El Camino Real",
)
STREET_SUFFIXES = ("St", "St", "St", "Ave", "Ave", "Blvd", "Way", "Dr", "Ct", "Pl", "Ln")
# (city, ZIP codes, telephone area codes)
CITIES = (
    ("San Francisco", ("94110", "94114", "94117", "94118", "94121", "94122", "94131"), "415"),
    ("San Francisco", ("94107", "94109", "94112", "94115", "94116", "94123", "94127"), "628"),
    ("Oakland", ("94602", "94606", "94609", "94610", "94611", "94618", "94619"), "510"),
    ("Berkeley", ("94702", "94703", "94704", "94705", "94707", "94709"), "510"),
    ("Alameda", ("94501", "94502"), "510"),
    ("Daly City", ("94014", "94015"), "650"),
    ("San Mateo", ("94401", "94402", "94403"), "650"),
    ("Palo Alto", ("94301", "94303", "94306"), "650"),
    ("Walnut Creek", ("94595", "94596", "94597", "94598"), "925"),
    ("San Jose", ("95112", "95118", "95125", "95128"), "408"),
)
CITY_WEIGHTS = (22, 14, 16, 9, 5, 6, 7, 5, 8, 8)
# Customers outside the shop's zone: owners of Bay Area rentals who live elsewhere.
REMOTE_ZONES = (
    ("America/New_York", "212"),
    ("America/Chicago", "312"),
    ("America/Denver", "303"),
    ("America/Phoenix", "602"),
    ("America/Anchorage", "907"),
    ("Pacific/Honolulu", "808"),
    ("America/Detroit", "313"),
    ("America/Boise", "208"),
)
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
CUSTOMER_NOTES = (
    "Gate code 4821#; park in the driveway.",
    "Dog in the backyard - call on arrival.",
    "Prefers text messages over calls.",
    "Street parking only; allow time to find a spot.",
    "Elderly customer; please allow extra time and explain the repair.",
    "Spanish-speaking; son translates if needed.",
    "Building has a freight elevator - ask the front desk for the key.",
    "Tenant-occupied; landlord approves repairs over $300.",
    "Repeat customer - offer the loyalty discount.",
    "Has a home warranty; check coverage before quoting.",
    "Works nights; schedule after 11am.",
    "Back door access only; front steps under repair.",
    "Please wear shoe covers inside.",
)
REMOTE_OWNER_NOTE = (
    "Owner lives out of state; coordinate access with the tenant and email invoices."
)
TECH_DOMAIN = "repairs.example.com"

# Appliance types: the job's `appliance` starts with one, technicians' skills are drawn from them.
APPLIANCES = (
    "refrigerator",
    "washer",
    "dryer",
    "dishwasher",
    "oven",
    "range",
    "cooktop",
    "microwave",
    "hvac",
    "water heater",
    "garbage disposal",
    "ice maker",
)
APPLIANCE_WEIGHTS = (17, 15, 14, 13, 8, 6, 4, 5, 8, 6, 3, 1)
BRANDS = {
    "refrigerator": ("Whirlpool", "GE", "Samsung", "LG", "Frigidaire", "KitchenAid", "Sub-Zero"),
    "washer": ("Whirlpool", "Maytag", "LG", "Samsung", "Speed Queen", "GE", "Electrolux"),
    "dryer": ("Whirlpool", "Maytag", "LG", "Samsung", "Speed Queen", "GE", "Kenmore"),
    "dishwasher": ("Bosch", "KitchenAid", "Whirlpool", "GE", "Miele", "Samsung"),
    "oven": ("GE", "Whirlpool", "Wolf", "Thermador", "Frigidaire", "KitchenAid"),
    "range": ("GE", "Frigidaire", "Wolf", "Viking", "Samsung", "Bosch"),
    "cooktop": ("Bosch", "GE", "Thermador", "Wolf", "Frigidaire"),
    "microwave": ("GE", "Panasonic", "Whirlpool", "Sharp", "Samsung"),
    "hvac": ("Carrier", "Trane", "Lennox", "Rheem", "Goodman", "Mitsubishi"),
    "water heater": ("Rheem", "A.O. Smith", "Bradford White", "Rinnai", "Navien"),
    "garbage disposal": ("InSinkErator", "Waste King", "Moen"),
    "ice maker": ("Scotsman", "Whirlpool", "GE Profile", "Hoshizaki"),
}
PROBLEMS = {
    "refrigerator": (
        "Refrigerator not cooling",
        "Ice maker not making ice",
        "Water leaking under refrigerator",
        "Freezer frosting over",
        "Loud buzzing from the back of the fridge",
        "Fridge cycling on and off constantly",
        "Water dispenser not working",
    ),
    "washer": (
        "Washer won't drain",
        "Washer not spinning",
        "Washer leaking from the door seal",
        "Loud banging during spin cycle",
        "Door lock error code on display",
        "Washer won't start",
    ),
    "dryer": (
        "Dryer not heating",
        "Dryer won't tumble",
        "Dryer squealing during cycle",
        "Dryer takes two cycles to dry a load",
        "Dryer shuts off mid-cycle",
    ),
    "dishwasher": (
        "Dishwasher not draining",
        "Dishes not getting clean",
        "Dishwasher leaking onto the floor",
        "Dishwasher won't start",
        "Soap dispenser not opening",
        "Dishwasher not drying dishes",
    ),
    "oven": (
        "Oven not heating",
        "Oven temperature off by 50 degrees",
        "Self-clean door stuck locked",
        "Broil element not working",
        "Igniter clicking but no flame",
    ),
    "range": (
        "Burner won't ignite",
        "Gas smell near the range",
        "Range surface element stays on high",
        "Oven light and clock dead",
    ),
    "cooktop": (
        "Cooktop burner won't light",
        "Cracked glass cooktop",
        "Induction zone shows error",
    ),
    "microwave": (
        "Microwave runs but doesn't heat",
        "Turntable not turning",
        "Sparking inside microwave",
        "Microwave door won't latch",
    ),
    "water heater": (
        "No hot water",
        "Water heater leaking from the bottom",
        "Pilot light keeps going out",
        "Rumbling noise from water heater",
        "Tankless unit showing error code",
    ),
    "garbage disposal": (
        "Disposal jammed and humming",
        "Disposal leaking under the sink",
        "Disposal won't turn on",
    ),
    "ice maker": ("Ice maker not producing ice", "Ice maker leaking", "Ice tastes bad"),
}
HVAC_COOLING = (
    "AC blowing warm air",
    "AC unit won't turn on",
    "Water dripping from the indoor AC unit",
    "Thermostat not responding",
)
HVAC_HEATING = (
    "Furnace won't ignite",
    "Furnace short cycling",
    "Heat pump frozen over",
    "Burning smell when heat turns on",
    "Thermostat not responding",
)
# (description, flat price in cents) for maintenance and installation work.
MAINTENANCE = {
    "dryer": ("Dryer vent cleaning", 14900),
    "hvac": ("Seasonal HVAC tune-up", 17900),
    "water heater": ("Water heater flush and anode rod check", 16500),
    "dishwasher": ("Install new dishwasher (customer-supplied)", 22500),
    "refrigerator": ("Refrigerator coil cleaning and maintenance", 12900),
}
DESCRIPTION_DETAILS = (
    "",
    "",
    "",
    "",
    "",
    " - started last week",
    " - intermittent",
    " - second time this year",
    " - after a power outage",
    " - unit is about 8 years old",
    " - error code on the display",
)
JOB_NOTES = (
    "Customer will be home after 1pm.",
    "Unit is in the garage.",
    "Under manufacturer warranty.",
    "Bring a replacement door gasket just in case.",
    "Second-floor laundry closet.",
    "Customer sent photos of the model tag.",
    "Call 30 minutes before arrival.",
    "Tight install space - bring the slim toolkit.",
)
# (part, cost range in cents) per appliance type.
PARTS = {
    "refrigerator": (
        ("Defrost thermostat", 1800, 4500),
        ("Evaporator fan motor", 4500, 9800),
        ("Start relay and overload", 2200, 5200),
        ("Water inlet valve", 3500, 7800),
        ("Main control board", 14500, 28500),
        ("Door gasket", 6500, 12500),
    ),
    "washer": (
        ("Drain pump", 3800, 8500),
        ("Door lock assembly", 4200, 9500),
        ("Drive belt", 1500, 3200),
        ("Shock absorber set", 2800, 5500),
        ("Lid switch", 1800, 3900),
        ("Tub bearing kit", 6500, 14500),
    ),
    "dryer": (
        ("Heating element", 3200, 7200),
        ("Thermal fuse", 900, 2200),
        ("Drum belt", 1200, 2800),
        ("Idler pulley", 1500, 3400),
        ("Gas valve coil kit", 2400, 4800),
    ),
    "dishwasher": (
        ("Drain pump", 4200, 8800),
        ("Wash arm assembly", 2200, 4800),
        ("Door latch", 2500, 5200),
        ("Water inlet valve", 3000, 6200),
        ("Control board", 11000, 21000),
    ),
    "oven": (
        ("Bake element", 2800, 6500),
        ("Oven igniter", 3500, 7200),
        ("Temperature sensor", 2000, 4500),
        ("Door lock motor", 5500, 11000),
    ),
    "range": (
        ("Spark module", 4500, 9000),
        ("Surface burner valve", 3800, 7800),
        ("Infinite switch", 2500, 5200),
    ),
    "cooktop": (
        ("Ceramic glass top", 18000, 32000),
        ("Burner igniter", 1500, 3500),
        ("Induction coil board", 16000, 29000),
    ),
    "microwave": (
        ("Magnetron", 6500, 12500),
        ("Door switch kit", 1200, 2800),
        ("Turntable motor", 1500, 3200),
        ("High-voltage diode", 900, 2200),
    ),
    "hvac": (
        ("Run capacitor", 1800, 4500),
        ("Contactor", 2500, 5200),
        ("Flame sensor", 1500, 3500),
        ("Inducer motor", 14000, 26000),
        ("Condenser fan motor", 12000, 24000),
    ),
    "water heater": (
        ("Thermocouple", 1200, 2800),
        ("Gas control valve", 14500, 27500),
        ("Anode rod", 3500, 6500),
        ("T&P relief valve", 2200, 4200),
    ),
    "garbage disposal": (
        ("Replacement 3/4 HP disposal", 14000, 22000),
        ("Sink flange kit", 1800, 3600),
    ),
    "ice maker": (("Ice maker assembly", 8500, 16500), ("Water filter", 2500, 4800)),
}
LABOR = {  # (low, high) in cents, multiples of $5
    "refrigerator": (12500, 28500),
    "washer": (11000, 24500),
    "dryer": (9500, 21500),
    "dishwasher": (11000, 23500),
    "oven": (11000, 24500),
    "range": (10500, 22500),
    "cooktop": (12000, 26000),
    "microwave": (8500, 16500),
    "hvac": (14500, 34500),
    "water heater": (13500, 32500),
    "garbage disposal": (8500, 16500),
    "ice maker": (11500, 23500),
}
SUPPLIERS = ("Marcone", "Reliable Parts", "Encompass", "AppliancePartsPros", "Johnstone Supply")
TRAVEL = (
    ("Bay Bridge toll", 700, 800),
    ("Golden Gate Bridge toll", 875, 975),
    ("Parking garage near customer", 1200, 2800),
    ("Street parking meter", 300, 900),
    ("Parking ticket during service call", 7600, 9800),
)
CARD_BRANDS = ("Visa", "Visa", "Visa", "Mastercard", "Mastercard", "Amex", "Discover")
METHODS = (
    PaymentMethod.CARD,
    PaymentMethod.CASH,
    PaymentMethod.CHECK,
    PaymentMethod.TRANSFER,
    PaymentMethod.OTHER,
)
METHOD_WEIGHTS = (55, 12, 12, 14, 7)
TIME_WINDOWS = ((8, 0), (9, 30), (10, 0), (11, 30), (13, 0), (14, 0), (15, 30))


# ---------------------------------------------------------------------------------------------
# The plan: every step of the shop's history, with the instant it happens at
# ---------------------------------------------------------------------------------------------


class Kind(enum.Enum):
    TECHNICIAN = "technician"
    RETIRE = "retire"
    CUSTOMER = "customer"
    JOB = "job"
    START = "start"
    COMPLETE = "complete"
    CANCEL = "cancel"
    PAYMENT = "payment"
    EXPENSE = "expense"


CREATES = frozenset({Kind.TECHNICIAN, Kind.CUSTOMER, Kind.JOB, Kind.PAYMENT, Kind.EXPENSE})


@dataclass(slots=True)
class Step:
    """One use-case call: `at` is the clock's now; `ref` is a plan-local index."""

    at: datetime
    kind: Kind
    ref: int
    data: Any = None


@dataclass(slots=True)
class PlannedTechnician:
    details: TechnicianDetails
    hired_at: datetime
    retired_at: datetime | None


@dataclass(slots=True)
class PlannedJob:
    customer: int
    technician: int | None
    description: str
    scheduled_for: datetime
    appliance: str
    notes: str | None
    created_at: datetime


@dataclass(slots=True)
class PlannedPayment:
    customer: int
    job: int | None
    cents: int
    paid_at: datetime
    method: PaymentMethod
    reference: str | None


@dataclass(slots=True)
class PlannedExpense:
    cents: int
    category: str
    incurred_at: datetime
    description: str
    customer: int | None = None
    job: int | None = None


@dataclass(slots=True)
class Plan:
    steps: list[Step] = field(default_factory=list)

    def add(self, at: datetime, kind: Kind, ref: int = -1, data: Any = None) -> None:
        self.steps.append(Step(at, kind, ref, data))

    def chronological(self) -> list[Step]:
        # Stable: steps at the same instant keep the order they were planned in.
        return sorted(self.steps, key=lambda s: s.at)


def _usd(cents: int) -> Money:
    return Money.rounded(Decimal(cents).scaleb(-2), CURRENCY)


def _dollars(cents: int) -> str:
    return f"${cents // 100:,}.{cents % 100:02d}"


class ShopGenerator:
    """Plans a shop's history from one seeded Random; pure (no I/O)."""

    def __init__(self, plan: DemoPlan, as_of: datetime) -> None:
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.as_of = as_of
        self.start = as_of - timedelta(days=HISTORY_DAYS)
        self.out = Plan()
        self.technicians: list[PlannedTechnician] = []
        self.customer_created: list[datetime] = []
        self.customer_is_business: list[bool] = []
        self.jobs: list[PlannedJob] = []
        self.payments: list[PlannedPayment] = []
        self._phones = self._phone_pool()
        self._emails: set[str] = set()
        self._receipt = 10_000
        self._check = 1_000

    # -- small helpers ----------------------------------------------------------------------

    def _phone_pool(self) -> list[str]:
        """Fictional numbers (555-0100..0199), Bay Area codes first, shuffled per area code."""
        pool: list[str] = []
        for code in dict.fromkeys(code for _, _, code in CITIES):
            numbers = [f"+1{code}55501{n:02d}" for n in range(100)]
            self.rng.shuffle(numbers)
            pool.extend(numbers)
        return pool

    def _phone(self, area_code: str | None = None) -> str | None:
        if area_code is not None:
            return f"+1{area_code}55501{self.rng.randrange(100):02d}"
        if not self._phones:
            return None  # more contacts than fictional numbers: leave the phone empty
        return self._phones.pop(self.rng.randrange(len(self._phones)))

    def _email(self, local: str, domain: str | None = None) -> str:
        local = "".join(ch for ch in local.lower() if ch.isalnum() or ch in "._")
        domain = domain or self.rng.choice(EMAIL_DOMAINS)
        email = f"{local}@{domain}"
        suffix = 2
        while email in self._emails:
            email = f"{local}{suffix}@{domain}"
            suffix += 1
        self._emails.add(email)
        return email

    def _minutes(self, low: int, high: int) -> timedelta:
        return timedelta(minutes=self.rng.randint(low, high))

    def _before_now(self, instant: datetime, margin_minutes: int = 5) -> datetime:
        """Clamp an instant so it stays in the simulated past."""
        latest = self.as_of - timedelta(minutes=margin_minutes)
        return min(instant, latest)

    def _entered(self, happened: datetime, max_delay_minutes: int) -> datetime:
        """When the office typed something in: after it happened, before the simulated now."""
        latest = self.as_of - timedelta(minutes=5)
        entered = happened + self._minutes(1, max_delay_minutes)
        if entered <= latest:
            return entered
        return self._between(happened, latest) if happened < latest else latest

    def _between(self, low: datetime, high: datetime) -> datetime:
        seconds = max(int((high - low).total_seconds()), 1)
        return low + timedelta(seconds=self.rng.randrange(seconds))

    def _local(self, day: date, hour: int, minute: int) -> datetime:
        local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHOP_ZONE)
        return local.astimezone(UTC)

    def _model(self) -> str:
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        head = "".join(self.rng.choice(letters) for _ in range(self.rng.randint(2, 3)))
        digits = "".join(str(self.rng.randrange(10)) for _ in range(self.rng.randint(3, 5)))
        tail = "".join(self.rng.choice(letters) for _ in range(self.rng.randint(2, 4)))
        return head + digits + tail

    # -- technicians ------------------------------------------------------------------------

    def plan_technicians(self) -> None:
        n = self.plan.technicians
        others = list(range(1, n))
        self.rng.shuffle(others)
        # About a fifth have left the shop (deactivated), a fifth joined during the history.
        share = max(1, round((n - 1) * 0.2)) if n >= 3 else 0
        leaving = set(others[:share])
        late = set(others[share : 2 * share])
        names: set[str] = set()
        for i in range(n):
            while True:
                first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
                if f"{first} {last}" not in names or len(names) > 1000:
                    break
            names.add(f"{first} {last}")
            # Tech 0 is the owner: broad skills, there from before the demo history starts.
            count = self.rng.randint(6, 8) if i == 0 else self.rng.randint(2, 4)
            skills = [APPLIANCES[i % len(APPLIANCES)]]
            for skill in self.rng.sample(APPLIANCES, k=len(APPLIANCES)):
                if len(skills) >= count:
                    break
                if skill not in skills:
                    skills.append(skill)
            details = TechnicianDetails(
                name=f"{first} {last}",
                phone=self._phone(),
                email=self._email(f"{first}.{last}", TECH_DOMAIN),
                skills=tuple(skills),
            )
            if i in late:
                hired = self.as_of - timedelta(days=self.rng.randint(90, 540))
            else:
                hired = self.start - timedelta(days=self.rng.randint(30, 1500))
            hired = self._local(hired.astimezone(SHOP_ZONE).date(), 9, 0) + self._minutes(0, 420)
            retired = None
            if i in leaving:
                earliest = max(hired, self.start) + timedelta(days=120)
                retired = self._between(earliest, self.as_of - timedelta(days=20))
            self.technicians.append(PlannedTechnician(details, hired, retired))
            self.out.add(hired, Kind.TECHNICIAN, i, details)
            if retired is not None:
                self.out.add(retired, Kind.RETIRE, i, replace(details, active=False))

    def _pick_technician(
        self, appliance: str, created: datetime, last_visit: datetime
    ) -> int | None:
        def available(t: PlannedTechnician) -> bool:
            return t.hired_at < created and (
                t.retired_at is None or t.retired_at > last_visit + timedelta(days=1)
            )

        skilled = [
            i
            for i, t in enumerate(self.technicians)
            if available(t) and appliance in t.details.skills
        ]
        if not skilled:
            skilled = [i for i, t in enumerate(self.technicians) if available(t)]
        return self.rng.choice(skilled) if skilled else None

    # -- customers (details now, creation time once their first booking is known) ----------

    def plan_customer_details(self) -> list[CustomerDetails]:
        businesses = list(BUSINESS_NAMES)
        self.rng.shuffle(businesses)
        customers: list[CustomerDetails] = []
        for _ in range(self.plan.customers):
            business = bool(businesses) and self.rng.random() < 0.08
            city, zips, _code = self.rng.choices(CITIES, weights=CITY_WEIGHTS)[0]
            remote = None if business or self.rng.random() < 0.9 else self.rng.choice(REMOTE_ZONES)
            email: str | None
            if business:
                name = businesses.pop()
                local = self.rng.choice(("office", "service", "manager", "frontdesk"))
                email = self._email(f"{local}.{''.join(w[0] for w in name.split())}")
            else:
                first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
                name = f"{first} {last}"
                pattern = self.rng.randrange(3)
                local = (
                    f"{first}.{last}",
                    f"{first[0]}{last}",
                    f"{first}{self.rng.randint(1, 99)}",
                )[pattern]
                email = self._email(local) if self.rng.random() < 0.8 else None
            if remote is not None:
                phone = self._phone(remote[1])
            else:
                phone = self._phone() if self.rng.random() < 0.96 else None
            unit = ""
            if business or self.rng.random() < 0.25:
                kind = self.rng.choice(("Apt", "Unit", "Suite", "#"))
                unit = f", {kind} {self.rng.randint(1, 40)}"
            address = (
                f"{self.rng.randint(10, 4999)} {self.rng.choice(STREETS)} "
                f"{self.rng.choice(STREET_SUFFIXES)}{unit}, {city}, CA {self.rng.choice(zips)}"
            )
            notes = None
            if remote is not None:
                notes = REMOTE_OWNER_NOTE
            elif self.rng.random() < 0.18:
                notes = self.rng.choice(CUSTOMER_NOTES)
            customers.append(
                CustomerDetails(
                    name=name,
                    phone=phone,
                    email=email,
                    address=address,
                    time_zone=remote[0] if remote else SHOP_ZONE.key,
                    notes=notes,
                )
            )
            self.customer_is_business.append(business)
        return customers

    def plan_customers(self, details: list[CustomerDetails]) -> None:
        first_booking: dict[int, datetime] = {}
        for job in self.jobs:
            known = first_booking.get(job.customer)
            if known is None or job.created_at < known:
                first_booking[job.customer] = job.created_at
        for i, customer in enumerate(details):
            if i in first_booking:
                created = first_booking[i] - self._minutes(10, 2 * 24 * 60)
            else:
                created = self._between(self.start, self.as_of - timedelta(days=1))
            self.customer_created.append(created)
            self.out.add(created, Kind.CUSTOMER, i, customer)

    # -- jobs -------------------------------------------------------------------------------

    def _service_day(self, days_ago: int) -> date:
        day = self.as_of.astimezone(SHOP_ZONE).date() - timedelta(days=days_ago)
        if day.weekday() == 6:  # closed on Sundays: the Saturday before, or the Monday after
            day += timedelta(days=-1 if days_ago >= 0 else 1)
        return day

    def _describe(self, appliance: str, when: datetime) -> tuple[str, bool]:
        """A problem description; True when it is flat-price maintenance rather than a repair."""
        if appliance in MAINTENANCE and self.rng.random() < 0.12:
            return MAINTENANCE[appliance][0], True
        problems: Sequence[str]
        if appliance == "hvac":
            month = when.astimezone(SHOP_ZONE).month
            problems = HVAC_COOLING if 5 <= month <= 9 else HVAC_HEATING
        else:
            problems = PROBLEMS[appliance]
        return self.rng.choice(problems) + self.rng.choice(DESCRIPTION_DETAILS), False

    def plan_jobs(self) -> None:
        n = self.plan.jobs
        future = round(n * FUTURE_SHARE)
        # A few customers (property managers, landlords) book far more often than the rest.
        weights = [
            min(self.rng.paretovariate(2.2), 8.0) * (3 if business else 1)
            for business in self.customer_is_business
        ]
        cumulative = list(accumulate(weights))
        customers = range(len(weights))
        for index in range(n):
            if index < n - future:
                # Growth: more work in recent months (uniform mixed with a ramp).
                days_ago = (
                    self.rng.randint(0, HISTORY_DAYS)
                    if self.rng.random() < 0.55
                    else int(self.rng.triangular(0, HISTORY_DAYS, 0))
                )
            else:
                days_ago = -self.rng.randint(1, HORIZON_DAYS)
            hour, minute = self.rng.choice(TIME_WINDOWS)
            scheduled = self._local(self._service_day(days_ago), hour, minute)
            while days_ago >= 0 and scheduled > self.as_of - timedelta(hours=5):
                days_ago += 1  # leave past visits time to finish before the simulated now
                scheduled = self._local(self._service_day(days_ago), hour, minute)
            self._plan_job(self.rng.choices(customers, cum_weights=cumulative)[0], scheduled)

    def _plan_job(self, customer: int, scheduled: datetime) -> None:
        rng = self.rng
        appliance = rng.choices(APPLIANCES, weights=APPLIANCE_WEIGHTS)[0]
        description, maintenance = self._describe(appliance, scheduled)
        label = f"{appliance} ({rng.choice(BRANDS[appliance])} {self._model()})"
        created = scheduled - self._minutes(180, 14 * 24 * 60)
        if created >= self.as_of:
            created = self.as_of - self._minutes(30, 3 * 24 * 60)
        past = scheduled < self.as_of
        outcome = "scheduled"
        if past:
            roll = rng.random()
            outcome = "cancelled" if roll < 0.07 else "declined" if roll < 0.09 else "completed"
        parts_order = outcome == "completed" and not maintenance and rng.random() < 0.16
        finish = scheduled + timedelta(days=12 if parts_order else 1)
        technician = (
            None
            if (outcome == "cancelled" and rng.random() < 0.4)
            or (outcome == "scheduled" and rng.random() < 0.15)
            else self._pick_technician(appliance, created, finish)
        )
        notes = rng.choice(JOB_NOTES) if rng.random() < 0.2 else None
        ref = len(self.jobs)
        job = PlannedJob(customer, technician, description, scheduled, label, notes, created)
        self.jobs.append(job)
        self.out.add(created, Kind.JOB, ref, job)
        if outcome == "scheduled":
            return
        if outcome == "cancelled":
            self.out.add(self._between(created, scheduled), Kind.CANCEL, ref)
            return
        started = scheduled + self._minutes(-10, 45)
        self.out.add(started, Kind.START, ref)
        diagnostic = 8900 if scheduled < self.as_of - timedelta(days=365) else 9900
        if outcome == "declined":  # diagnosed, customer declined the estimate: diagnostic fee only
            left = started + self._minutes(25, 70)
            self.out.add(left, Kind.CANCEL, ref)
            self._plan_payment(customer, ref, diagnostic, left)
            self._maybe_travel(customer, ref, started)
            return
        self._plan_visit_costs(job, ref, appliance, maintenance, parts_order, started, diagnostic)

    def _plan_visit_costs(
        self,
        job: PlannedJob,
        ref: int,
        appliance: str,
        maintenance: bool,
        parts_order: bool,
        started: datetime,
        diagnostic: int,
    ) -> None:
        rng = self.rng
        if maintenance:
            labor, part = MAINTENANCE[appliance][1], None
        else:
            low, high = LABOR[appliance]
            labor = rng.randrange(low, high + 1, 500)
            part = rng.choice(PARTS[appliance]) if parts_order or rng.random() < 0.6 else None
        part_cost = rng.randint(part[1], part[2]) if part else 0
        part_price = int((Decimal(part_cost) * Decimal("1.65")).quantize(0, ROUND_HALF_UP))
        if part is not None:
            bought = started + self._minutes(20, 120)
            supplier = rng.choice(SUPPLIERS)
            self._plan_expense(
                PlannedExpense(
                    part_cost,
                    "parts",
                    bought,
                    f"{part[0]} for {job.appliance} ({supplier})",
                    job.customer,
                    ref,
                )
            )
        self._maybe_travel(job.customer, ref, started)
        if parts_order:
            # First visit: diagnosis and part ordered, deposit taken; back days later.
            deposit_at = started + self._minutes(30, 90)
            self._plan_payment(job.customer, ref, diagnostic + part_price, deposit_at)
            done = started + timedelta(days=rng.randint(3, 10)) + self._minutes(0, 240)
            if done >= self.as_of - timedelta(hours=1):
                return  # still waiting on the part: the job stays IN_PROGRESS
            self.out.add(done, Kind.COMPLETE, ref)
            self._plan_payment(job.customer, ref, labor, done, allow_later=True)
            return
        done = started + self._minutes(35, 180)
        self.out.add(done, Kind.COMPLETE, ref)
        self._plan_payment(job.customer, ref, labor + part_price, done, allow_later=True)

    def _maybe_travel(self, customer: int, job: int, visit: datetime) -> None:
        if self.rng.random() < 0.1:
            what, low, high = self.rng.choice(TRAVEL)
            amount = low if low == high else self.rng.randint(low, high)
            self._plan_expense(PlannedExpense(amount, "travel", visit, what, customer, job))

    def _plan_payment(
        self, customer: int, job: int | None, cents: int, due: datetime, allow_later: bool = False
    ) -> None:
        rng = self.rng
        method = rng.choices(METHODS, weights=METHOD_WEIGHTS)[0]
        paid = due + self._minutes(2, 25)
        if allow_later and method in (PaymentMethod.CHECK, PaymentMethod.TRANSFER):
            invoice_terms = self.customer_is_business[customer] or rng.random() < 0.2
            later = due + timedelta(days=rng.randint(3, 30), minutes=rng.randint(0, 600))
            if invoice_terms and later < self.as_of - timedelta(hours=2):
                paid = later
        paid = self._before_now(paid, 30)
        payment = PlannedPayment(customer, job, cents, paid, method, self._reference(method))
        self.payments.append(payment)
        self.out.add(self._entered(paid, 20), Kind.PAYMENT, -1, payment)

    def _reference(self, method: PaymentMethod) -> str | None:
        rng = self.rng
        if method is PaymentMethod.CARD:
            return f"{rng.choice(CARD_BRANDS)} ending {rng.randrange(10_000):04d}"
        if method is PaymentMethod.CASH:
            self._receipt += 1
            return f"Receipt #{self._receipt}" if rng.random() < 0.7 else None
        if method is PaymentMethod.CHECK:
            self._check += rng.randint(1, 40)
            return f"Check #{self._check}"
        if method is PaymentMethod.TRANSFER:
            code = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10))
            return f"{rng.choice(('Zelle', 'ACH'))} {code}"
        return rng.choice(
            (
                f"Home warranty claim HW-{rng.randint(100_000, 999_999)}",
                "Venmo",
                "Gift certificate",
                f"Financing approval {rng.randint(10_000, 99_999)}",
            )
        )

    # -- expenses ---------------------------------------------------------------------------

    def _plan_expense(self, expense: PlannedExpense) -> None:
        expense.incurred_at = self._before_now(expense.incurred_at, 60)
        self.out.add(self._entered(expense.incurred_at, 3 * 24 * 60), Kind.EXPENSE, -1, expense)

    def plan_customer_expenses(self) -> None:
        """Customer-level costs not tied to one job: haul-away, permits, keys."""
        candidates = [
            i
            for i, created in enumerate(self.customer_created)
            if created < self.as_of - timedelta(days=3)
        ]
        chosen = self.rng.sample(candidates, k=min(len(candidates), max(1, len(candidates) // 20)))
        for customer in sorted(chosen):
            created = self.customer_created[customer]
            when = self._between(created + timedelta(days=1), self.as_of - timedelta(hours=2))
            category, description, low, high = self.rng.choice(
                (
                    ("disposal", "Haul-away and recycling of the old appliance", 3500, 7500),
                    ("permits", "City permit for water heater replacement", 12000, 26000),
                    ("supplies", "Copy of the customer's building key", 600, 1200),
                    ("parts", "Special-order part held for the customer", 4500, 18000),
                )
            )
            self._plan_expense(
                PlannedExpense(self.rng.randint(low, high), category, when, description, customer)
            )

    def plan_shop_expenses(self) -> None:
        """Overhead of the shop itself: no customer, no job."""
        rng = self.rng
        local_start = self.start.astimezone(SHOP_ZONE).date().replace(day=1)
        card_by_month: Counter[tuple[int, int]] = Counter()
        for p in self.payments:
            if p.method is PaymentMethod.CARD:
                local = p.paid_at.astimezone(SHOP_ZONE)
                card_by_month[(local.year, local.month)] += p.cents
        month = local_start
        index = 0
        while True:
            first = self._local(month, 9, 0)
            if first >= self.as_of:
                break
            year_two = index >= 12
            rent, software = (293_500, 17_900) if year_two else (285_000, 14_900)
            fuel = "Fuel for the service vans"
            recurring = [
                (0, "rent", "Shop and parts storage rent", rent),
                (0, "insurance", "General liability and commercial auto insurance", 61_218),
                (2, "software", "Field service software subscription", software),
                (5, "phone", "Business phone and data plans", rng.randint(18_000, 21_000)),
                (7, "advertising", "Google Local Services ads", rng.randint(35_000, 95_000)),
                (
                    rng.randint(9, 18),
                    "supplies",
                    "Shop supplies (cleaners, fasteners, wire nuts)",
                    rng.randint(4_000, 22_000),
                ),
                (rng.randint(3, 8), "fuel", fuel, rng.randint(18_000, 52_000)),
                (rng.randint(17, 24), "fuel", fuel, rng.randint(18_000, 52_000)),
            ]
            if index % 3 == 1:
                recurring.append(
                    (
                        rng.randint(10, 25),
                        "vehicle",
                        "Van service (oil, brakes, tires)",
                        rng.randint(18_000, 95_000),
                    )
                )
            if rng.random() < 0.25:
                tool, low, high = rng.choice(
                    (
                        ("Replacement multimeter", 8_900, 24_900),
                        ("Refrigerant recovery machine service", 15_000, 32_000),
                        ("Cordless drill and impact driver kit", 19_900, 38_900),
                        ("Appliance dolly", 14_900, 29_900),
                    )
                )
                recurring.append((rng.randint(1, 27), "tools", tool, rng.randint(low, high)))
            previous = (month - timedelta(days=1)).replace(day=1)
            fees = card_by_month.get((previous.year, previous.month), 0) * 29 // 1000
            if fees > 0:
                label = f"Card processing fees for {previous.isoformat()[:7]}"
                recurring.append((1, "bank fees", label, fees))
            for day_offset, category, description, cents in recurring:
                when = first + timedelta(days=day_offset)
                if when < self.as_of - timedelta(hours=2):
                    self._plan_expense(PlannedExpense(cents, category, when, description))
            month = (month + timedelta(days=32)).replace(day=1)
            index += 1

    def build(self) -> Plan:
        self.plan_technicians()
        customers = self.plan_customer_details()
        if self.plan.jobs:
            self.plan_jobs()
        self.plan_customers(customers)
        self.plan_customer_expenses()
        self.plan_shop_expenses()
        return self.out


# ---------------------------------------------------------------------------------------------
# Replay through the use cases
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Ids:
    technicians: dict[int, int] = field(default_factory=dict)
    customers: dict[int, int] = field(default_factory=dict)
    jobs: dict[int, int] = field(default_factory=dict)


@dataclass(slots=True)
class _Tally:
    created: Counter[Kind] = field(default_factory=Counter)
    job_states: dict[int, Kind] = field(default_factory=dict)
    retired: int = 0
    paid_cents: int = 0
    spent_cents: int = 0

    def count(self, step: Step) -> None:
        if step.kind in CREATES:
            self.created[step.kind] += 1
        if step.kind is Kind.JOB:
            self.job_states[step.ref] = Kind.JOB
        elif step.kind in (Kind.START, Kind.COMPLETE, Kind.CANCEL):
            self.job_states[step.ref] = step.kind
        elif step.kind is Kind.RETIRE:
            self.retired += 1
        elif step.kind is Kind.PAYMENT:
            self.paid_cents += step.data.cents
        elif step.kind is Kind.EXPENSE:
            self.spent_cents += step.data.cents

    def summary(self, plan: DemoPlan, as_of: datetime, seconds: float) -> str:
        c = self.created
        states = Counter(self.job_states.values())
        return (
            f"seeded demo shop (seed {plan.seed}, as of {as_of:%Y-%m-%d %H:%M} UTC): "
            f"{c[Kind.TECHNICIAN]} technicians ({self.retired} inactive), "
            f"{c[Kind.CUSTOMER]} customers, {c[Kind.JOB]} jobs "
            f"({states[Kind.COMPLETE]} completed, {states[Kind.CANCEL]} cancelled, "
            f"{states[Kind.START]} in progress, {states[Kind.JOB]} scheduled), "
            f"{c[Kind.PAYMENT]} payments ({_dollars(self.paid_cents)}), "
            f"{c[Kind.EXPENSE]} expenses ({_dollars(self.spent_cents)}) in {seconds:.1f}s"
        )


async def _apply(container: Container, clock: SimulatedClock, step: Step, ids: _Ids) -> None:
    clock.instant = step.at
    uow = container.uow()
    match step.kind:
        case Kind.TECHNICIAN:
            tech = await create_technician(SYSTEM, uow, clock, step.data)
            assert tech.id is not None
            ids.technicians[step.ref] = tech.id
        case Kind.RETIRE:
            await update_technician(SYSTEM, uow, ids.technicians[step.ref], step.data)
        case Kind.CUSTOMER:
            customer = await create_customer(SYSTEM, uow, clock, step.data)
            assert customer.id is not None
            ids.customers[step.ref] = customer.id
        case Kind.JOB:
            planned: PlannedJob = step.data
            job = await create_job(
                SYSTEM,
                uow,
                clock,
                JobDetails(
                    customer_id=ids.customers[planned.customer],
                    description=planned.description,
                    scheduled_for=planned.scheduled_for,
                    technician_id=(
                        None if planned.technician is None else ids.technicians[planned.technician]
                    ),
                    appliance=planned.appliance,
                    notes=planned.notes,
                ),
            )
            assert job.id is not None
            ids.jobs[step.ref] = job.id
        case Kind.START:
            await start_job(SYSTEM, uow, clock, ids.jobs[step.ref])
        case Kind.COMPLETE:
            await complete_job(SYSTEM, uow, clock, ids.jobs[step.ref])
        case Kind.CANCEL:
            await cancel_job(SYSTEM, uow, clock, ids.jobs[step.ref])
        case Kind.PAYMENT:
            p: PlannedPayment = step.data
            await create_payment(
                SYSTEM,
                uow,
                clock,
                PaymentDetails(
                    customer_id=ids.customers[p.customer],
                    amount=_usd(p.cents),
                    paid_at=p.paid_at,
                    payment_method=p.method,
                    job_id=None if p.job is None else ids.jobs[p.job],
                    reference=p.reference,
                ),
            )
        case Kind.EXPENSE:
            e: PlannedExpense = step.data
            await create_expense(
                SYSTEM,
                uow,
                clock,
                ExpenseDetails(
                    amount=_usd(e.cents),
                    category=e.category,
                    incurred_at=e.incurred_at,
                    description=e.description,
                    customer_id=None if e.customer is None else ids.customers[e.customer],
                    job_id=None if e.job is None else ids.jobs[e.job],
                ),
            )


async def _existing_records(container: Container) -> dict[str, int]:
    one = ListQuery(limit=1)
    listers: Sequence[tuple[str, Any]] = (
        ("customers", list_customers),
        ("technicians", list_technicians),
        ("jobs", list_jobs),
        ("payments", list_payments),
        ("expenses", list_expenses),
    )
    found: dict[str, int] = {}
    for name, lister in listers:
        total = (await lister(SYSTEM, container.uow(), one)).total
        if total:
            found[name] = total
    return found


def default_as_of(now: datetime) -> datetime:
    """Today 00:00 UTC: the same seed on the same day gives the same shop."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def build_plan(plan: DemoPlan, as_of: datetime) -> Plan:
    """Every step of the demo shop's history, in chronological order (pure, no I/O)."""
    return ShopGenerator(plan.checked(), as_of.astimezone(UTC)).build()


async def seed(container: Container, plan: DemoPlan, *, force: bool = False) -> str:
    """Write the demo shop through the use cases; refuses a database that already has data.

    With `force`, the demo shop is added next to what exists (nothing is changed or removed).
    Users are not demo data: an installation with only its admin account counts as empty.
    """
    began = time.perf_counter()
    try:
        plan = plan.checked()
        if not force:
            existing = await _existing_records(container)
            if existing:
                listed = ", ".join(f"{count} {name}" for name, count in existing.items())
                raise Conflict(
                    f"the database already holds {listed}; seed-demo fills an empty database "
                    "(pass --force to add the demo shop next to the existing data)"
                )
        as_of = plan.as_of or default_as_of(container.clock().now())
        steps = build_plan(plan, as_of).chronological()
        clock = SimulatedClock(as_of)
        ids = _Ids()
        tally = _Tally()
        with click.progressbar(
            length=plan_records(steps),
            label="Seeding demo shop",
            file=sys.stderr,
            show_pos=True,
        ) as bar:
            for step in steps:
                await _apply(container, clock, step, ids)
                tally.count(step)
                if step.kind in CREATES:
                    bar.update(1)
    finally:
        await container.engine().dispose()
    return tally.summary(plan, as_of, time.perf_counter() - began)


def plan_records(steps: Sequence[Step]) -> int:
    """How many records the steps create (lifecycle moves and deactivations are updates)."""
    return sum(1 for s in steps if s.kind in CREATES)
