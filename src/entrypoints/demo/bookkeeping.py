"""Planning the demo shop's money: payments for visits, and job, customer and shop expenses."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from domain.payment import PaymentMethod
from entrypoints.demo.draws import SHOP_ZONE, Draws
from entrypoints.demo.plan import Kind, Plan, PlannedExpense, PlannedPayment
from entrypoints.demo.vocabulary import WORDS

METHODS = (
    PaymentMethod.CARD,
    PaymentMethod.CASH,
    PaymentMethod.CHECK,
    PaymentMethod.TRANSFER,
    PaymentMethod.OTHER,
)
METHOD_WEIGHTS = (55, 12, 12, 14, 7)


class Bookkeeping:
    """Adds the payment and expense steps to `out`, drawing from the shared `draws`."""

    def __init__(self, draws: Draws, out: Plan, customer_is_business: list[bool]) -> None:
        self.draws = draws
        self.rng = draws.rng
        self.as_of = draws.as_of
        self.out = out
        self.customer_is_business = customer_is_business
        self.payments: list[PlannedPayment] = []
        self._receipt = 10_000
        self._check = 1_000

    # -- payments ---------------------------------------------------------------------------

    def plan_payment(
        self, customer: int, job: int | None, cents: int, due: datetime, allow_later: bool = False
    ) -> None:
        rng = self.rng
        method = rng.choices(METHODS, weights=METHOD_WEIGHTS)[0]
        paid = due + self.draws.minutes(2, 25)
        if allow_later and method in (PaymentMethod.CHECK, PaymentMethod.TRANSFER):
            invoice_terms = self.customer_is_business[customer] or rng.random() < 0.2
            later = due + timedelta(days=rng.randint(3, 30), minutes=rng.randint(0, 600))
            if invoice_terms and later < self.as_of - timedelta(hours=2):
                paid = later
        paid = self.draws.before_now(paid, 30)
        payment = PlannedPayment(customer, job, cents, paid, method, self._reference(method))
        self.payments.append(payment)
        self.out.add(self.draws.entered(paid, 20), Kind.PAYMENT, -1, payment)

    def _reference(self, method: PaymentMethod) -> str | None:
        rng = self.rng
        if method is PaymentMethod.CARD:
            return f"{rng.choice(WORDS.card_brands)} ending {rng.randrange(10_000):04d}"
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

    def plan_expense(self, expense: PlannedExpense) -> None:
        expense.incurred_at = self.draws.before_now(expense.incurred_at, 60)
        entered = self.draws.entered(expense.incurred_at, 3 * 24 * 60)
        self.out.add(entered, Kind.EXPENSE, -1, expense)

    def maybe_travel(self, customer: int, job: int, visit: datetime) -> None:
        if self.rng.random() < 0.1:
            item = self.rng.choice(WORDS.travel)
            low, high = item.low_cents, item.high_cents
            amount = low if low == high else self.rng.randint(low, high)
            self.plan_expense(PlannedExpense(amount, "travel", visit, item.name, customer, job))

    def plan_customer_expenses(self, customer_created: list[datetime]) -> None:
        """Customer-level costs not tied to one job: haul-away, permits, keys."""
        candidates = [
            i
            for i, created in enumerate(customer_created)
            if created < self.as_of - timedelta(days=3)
        ]
        chosen = self.rng.sample(candidates, k=min(len(candidates), max(1, len(candidates) // 20)))
        for customer in sorted(chosen):
            created = customer_created[customer]
            when = self.draws.between(created + timedelta(days=1), self.as_of - timedelta(hours=2))
            category, description, low, high = self.rng.choice(
                (
                    ("disposal", "Haul-away and recycling of the old appliance", 3500, 7500),
                    ("permits", "City permit for water heater replacement", 12000, 26000),
                    ("supplies", "Copy of the customer's building key", 600, 1200),
                    ("parts", "Special-order part held for the customer", 4500, 18000),
                )
            )
            cents = self.rng.randint(low, high)
            self.plan_expense(PlannedExpense(cents, category, when, description, customer, None))

    def plan_shop_expenses(self) -> None:
        """Overhead of the shop itself: no customer, no job."""
        rng = self.rng
        local_start = self.draws.start.astimezone(SHOP_ZONE).date().replace(day=1)
        card_by_month: Counter[tuple[int, int]] = Counter()
        for p in self.payments:
            if p.method is PaymentMethod.CARD:
                local = p.paid_at.astimezone(SHOP_ZONE)
                card_by_month[(local.year, local.month)] += p.cents
        month = local_start
        index = 0
        while True:
            first = self.draws.local(month, 9, 0)
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
                    self.plan_expense(
                        PlannedExpense(cents, category, when, description, customer=None, job=None)
                    )
            month = (month + timedelta(days=32)).replace(day=1)
            index += 1
