"""Planning two years of a demo shop's life: hiring, customers, bookings, visits and their
costs, each step at the instant it happens (pure: no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate

from domain.customer import CustomerDetails
from domain.technician import TechnicianDetails
from entrypoints.demo.bookkeeping import Bookkeeping
from entrypoints.demo.draws import HISTORY_DAYS, SHOP_ZONE, Draws
from entrypoints.demo.plan import (
    DemoPlan,
    Kind,
    Plan,
    PlannedExpense,
    PlannedJob,
    PlannedTechnician,
)
from entrypoints.demo.vocabulary import WORDS

HORIZON_DAYS = 28
FUTURE_SHARE = 0.05


class ShopGenerator:
    """Plans a shop's history from one seeded Random; pure (no I/O)."""

    def __init__(self, plan: DemoPlan, as_of: datetime) -> None:
        self.plan = plan
        self.draws = Draws(plan.seed, as_of)
        self.rng = self.draws.rng
        self.as_of = as_of
        self.start = self.draws.start
        self.out = Plan()
        self.technicians: list[PlannedTechnician] = []
        self.customer_created: list[datetime] = []
        self.customer_is_business: list[bool] = []
        self.jobs: list[PlannedJob] = []
        self.books = Bookkeeping(self.draws, self.out, self.customer_is_business)

    # -- technicians ------------------------------------------------------------------------

    def plan_technicians(self) -> None:
        draws, n = self.draws, self.plan.technicians
        appliances = WORDS.appliance_kinds
        others = list(range(1, n))
        self.rng.shuffle(others)
        # About a fifth have left the shop (deactivated), a fifth joined during the history.
        share = max(1, round((n - 1) * 0.2)) if n >= 3 else 0
        leaving = set(others[:share])
        late = set(others[share : 2 * share])
        names: set[str] = set()
        for i in range(n):
            while True:
                first, last = self.rng.choice(WORDS.first_names), self.rng.choice(WORDS.last_names)
                if f"{first} {last}" not in names or len(names) > 1000:
                    break
            names.add(f"{first} {last}")
            # Tech 0 is the owner: broad skills, there from before the demo history starts.
            count = self.rng.randint(6, 8) if i == 0 else self.rng.randint(2, 4)
            skills = [appliances[i % len(appliances)]]
            for skill in self.rng.sample(appliances, k=len(appliances)):
                if len(skills) >= count:
                    break
                if skill not in skills:
                    skills.append(skill)
            details = TechnicianDetails(
                name=f"{first} {last}",
                phone=draws.phone(),
                email=draws.email(f"{first}.{last}", WORDS.technician_email_domain),
                skills=tuple(skills),
            )
            if i in late:
                hired = self.as_of - timedelta(days=self.rng.randint(90, 540))
            else:
                hired = self.start - timedelta(days=self.rng.randint(30, 1500))
            hired = draws.local(hired.astimezone(SHOP_ZONE).date(), 9, 0) + draws.minutes(0, 420)
            retired = None
            if i in leaving:
                earliest = max(hired, self.start) + timedelta(days=120)
                retired = draws.between(earliest, self.as_of - timedelta(days=20))
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
        draws, rng = self.draws, self.rng
        businesses = list(WORDS.business_names)
        rng.shuffle(businesses)
        customers: list[CustomerDetails] = []
        for _ in range(self.plan.customers):
            business = bool(businesses) and rng.random() < 0.08
            place = rng.choices(WORDS.cities, weights=WORDS.city_weights)[0]
            remote = None if business or rng.random() < 0.9 else rng.choice(WORDS.remote_zones)
            email: str | None
            if business:
                name = businesses.pop()
                local = rng.choice(("office", "service", "manager", "frontdesk"))
                email = draws.email(f"{local}.{''.join(w[0] for w in name.split())}")
            else:
                first, last = rng.choice(WORDS.first_names), rng.choice(WORDS.last_names)
                name = f"{first} {last}"
                pattern = rng.randrange(3)
                local = (
                    f"{first}.{last}",
                    f"{first[0]}{last}",
                    f"{first}{rng.randint(1, 99)}",
                )[pattern]
                email = draws.email(local) if rng.random() < 0.8 else None
            if remote is not None:
                phone = draws.phone(remote.area_code)
            else:
                phone = draws.phone() if rng.random() < 0.96 else None
            unit = ""
            if business or rng.random() < 0.25:
                kind = rng.choice(("Apt", "Unit", "Suite", "#"))
                unit = f", {kind} {rng.randint(1, 40)}"
            address = (
                f"{rng.randint(10, 4999)} {rng.choice(WORDS.streets)} "
                f"{rng.choice(WORDS.street_suffixes)}{unit}, {place.city}, CA "
                f"{rng.choice(place.zip_codes)}"
            )
            notes = None
            if remote is not None:
                notes = WORDS.remote_owner_note
            elif rng.random() < 0.18:
                notes = rng.choice(WORDS.customer_notes)
            customers.append(
                CustomerDetails(
                    name=name,
                    phone=phone,
                    email=email,
                    address=address,
                    time_zone=remote.time_zone if remote else SHOP_ZONE.key,
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
                created = first_booking[i] - self.draws.minutes(10, 2 * 24 * 60)
            else:
                created = self.draws.between(self.start, self.as_of - timedelta(days=1))
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
        if appliance in WORDS.maintenance and self.rng.random() < 0.12:
            return WORDS.maintenance[appliance].description, True
        problems: Sequence[str]
        if appliance == "hvac":
            month = when.astimezone(SHOP_ZONE).month
            problems = (
                WORDS.hvac_cooling_problems if 5 <= month <= 9 else WORDS.hvac_heating_problems
            )
        else:
            problems = WORDS.problems[appliance]
        return self.rng.choice(problems) + self.rng.choice(WORDS.description_details), False

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
            hour, minute = self.rng.choice(WORDS.visit_windows)
            scheduled = self.draws.local(self._service_day(days_ago), hour, minute)
            while days_ago >= 0 and scheduled > self.as_of - timedelta(hours=5):
                days_ago += 1  # leave past visits time to finish before the simulated now
                scheduled = self.draws.local(self._service_day(days_ago), hour, minute)
            self._plan_job(self.rng.choices(customers, cum_weights=cumulative)[0], scheduled)

    def _plan_job(self, customer: int, scheduled: datetime) -> None:
        rng, draws = self.rng, self.draws
        appliance = rng.choices(WORDS.appliance_kinds, weights=WORDS.appliance_weights)[0]
        description, maintenance = self._describe(appliance, scheduled)
        label = f"{appliance} ({rng.choice(WORDS.brands[appliance])} {draws.model_number()})"
        created = scheduled - draws.minutes(180, 14 * 24 * 60)
        if created >= self.as_of:
            created = self.as_of - draws.minutes(30, 3 * 24 * 60)
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
        notes = rng.choice(WORDS.job_notes) if rng.random() < 0.2 else None
        ref = len(self.jobs)
        job = PlannedJob(customer, technician, description, scheduled, label, notes, created)
        self.jobs.append(job)
        self.out.add(created, Kind.JOB, ref, job)
        if outcome == "scheduled":
            return
        if outcome == "cancelled":
            self.out.add(draws.between(created, scheduled), Kind.CANCEL, ref)
            return
        started = scheduled + draws.minutes(-10, 45)
        self.out.add(started, Kind.START, ref)
        diagnostic = 8900 if scheduled < self.as_of - timedelta(days=365) else 9900
        if outcome == "declined":  # diagnosed, customer declined the estimate: diagnostic fee only
            left = started + draws.minutes(25, 70)
            self.out.add(left, Kind.CANCEL, ref)
            self.books.plan_payment(customer, ref, diagnostic, left)
            self.books.maybe_travel(customer, ref, started)
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
        rng, draws, books = self.rng, self.draws, self.books
        if maintenance:
            labor, part = WORDS.maintenance[appliance].cents, None
        else:
            labor_range = WORDS.labor[appliance]
            labor = rng.randrange(labor_range.low_cents, labor_range.high_cents + 1, 500)
            use_part = parts_order or rng.random() < 0.6
            part = rng.choice(WORDS.parts[appliance]) if use_part else None
        part_cost = rng.randint(part.low_cents, part.high_cents) if part else 0
        part_price = int((Decimal(part_cost) * Decimal("1.65")).quantize(0, ROUND_HALF_UP))
        if part is not None:
            bought = started + draws.minutes(20, 120)
            supplier = rng.choice(WORDS.suppliers)
            books.plan_expense(
                PlannedExpense(
                    part_cost,
                    "parts",
                    bought,
                    f"{part.name} for {job.appliance} ({supplier})",
                    job.customer,
                    ref,
                )
            )
        books.maybe_travel(job.customer, ref, started)
        if parts_order:
            # First visit: diagnosis and part ordered, deposit taken; back days later.
            deposit_at = started + draws.minutes(30, 90)
            books.plan_payment(job.customer, ref, diagnostic + part_price, deposit_at)
            done = started + timedelta(days=rng.randint(3, 10)) + draws.minutes(0, 240)
            if done >= self.as_of - timedelta(hours=1):
                return  # still waiting on the part: the job stays IN_PROGRESS
            self.out.add(done, Kind.COMPLETE, ref)
            books.plan_payment(job.customer, ref, labor, done, allow_later=True)
            return
        done = started + draws.minutes(35, 180)
        self.out.add(done, Kind.COMPLETE, ref)
        books.plan_payment(job.customer, ref, labor + part_price, done, allow_later=True)

    def build(self) -> Plan:
        self.plan_technicians()
        customers = self.plan_customer_details()
        if self.plan.jobs:
            self.plan_jobs()
        self.plan_customers(customers)
        self.books.plan_customer_expenses(self.customer_created)
        self.books.plan_shop_expenses()
        return self.out


def build_plan(plan: DemoPlan, as_of: datetime) -> Plan:
    """Every step of the demo shop's history, in chronological order (pure, no I/O)."""
    return ShopGenerator(plan.checked(), as_of.astimezone(UTC)).build()
