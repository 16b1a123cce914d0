"""Maintenance backtest: the interval learned from the shop's history vs the fixed rule.

A generator makes service histories whose true intervals differ by kind and brand (Weibull,
shape 3, per-appliance spread). Whole appliances are held out; the rest are the shop's
history up to the cut-off. For each held-out appliance still running at the cut-off, both
methods predict its next service from its last one; the error is in days against the
service the generator actually made next.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from domain.maintenance_history import (
    ServiceHistory,
    ServiceRecord,
    estimate_from_history,
    fixed_rule_days,
    learned_interval,
)

START = date(2018, 1, 1)
CUTOFF = date(2025, 6, 30)
TARGET_REDUCTION = 0.30
SHAPE = 3.0
# (type, brand, true median interval in days, appliances in the shop)
TRUTH: tuple[tuple[str, str, int, int], ...] = (
    ("HVAC", "Carrier", 130, 60),
    ("HVAC", "Trane", 200, 60),
    ("HVAC", "Lennox", 260, 40),
    ("Refrigerator", "Samsung", 280, 60),
    ("Refrigerator", "LG", 430, 50),
    ("Refrigerator", "Whirlpool", 560, 40),
    ("Washer", "LG", 320, 50),
    ("Washer", "Bosch", 620, 40),
    ("Oven", "GE", 420, 40),
    ("Oven", "Bosch", 950, 25),
    ("Dishwasher", "Samsung", 260, 40),
    ("Dishwasher", "Bosch", 700, 30),
    ("Water heater", "Rheem", 240, 40),
    ("Water heater", "AO Smith", 500, 30),
    ("Microwave", "Panasonic", 600, 6),  # thin: the fixed interval is the prior
)


@dataclass(frozen=True, slots=True)
class Appliance:
    id: int
    type: str
    brand: str
    installed_on: date
    services: list[date]  # every service the generator made, past the cut-off too


def _weibull_scale(median: float) -> float:
    return median / math.log(2) ** (1 / SHAPE)


def generate(seed: int = 14) -> list[Appliance]:
    rng = random.Random(seed)
    appliances: list[Appliance] = []
    for kind, brand, median, count in TRUTH:
        for _ in range(count):
            own = median * math.exp(rng.gauss(0, 0.1))  # this unit's own habit
            installed = START + timedelta(days=rng.randrange(0, 5 * 365))
            services: list[date] = []
            current = installed
            while current < CUTOFF + timedelta(days=4 * 365):
                current += timedelta(
                    days=max(10, round(rng.weibullvariate(_weibull_scale(own), SHAPE)))
                )
                services.append(current)
            appliances.append(Appliance(len(appliances) + 1, kind, brand, installed, services))
    return appliances


@dataclass(frozen=True, slots=True)
class Backtest:
    rows: list[tuple[str, int, float, float]]  # (group, held-out count, MAE learned, MAE fixed)
    mae_learned: float
    mae_fixed: float

    @property
    def reduction(self) -> float:
        return 1 - self.mae_learned / self.mae_fixed

    @property
    def passed(self) -> bool:
        return self.reduction >= TARGET_REDUCTION


def backtest(seed: int = 14, holdout_share: float = 0.25) -> Backtest:
    appliances = generate(seed)
    rng = random.Random(seed + 1)
    held = {a.id for a in appliances if rng.random() < holdout_share}
    history = [
        ServiceRecord(a.id, a.type, a.brand, d)
        for a in appliances
        if a.id not in held
        for d in a.services
        if d <= CUTOFF
    ]
    groups = ServiceHistory.of(history, CUTOFF)
    errors: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for a in appliances:
        if a.id not in held:
            continue
        past = [d for d in a.services if d <= CUTOFF]
        future = [d for d in a.services if d > CUTOFF]
        last = past[-1] if past else None
        prior = fixed_rule_days(a.type, a.installed_on, CUTOFF)
        elapsed = (CUTOFF - last).days if last else 0
        learned = learned_interval(groups, a.type, a.brand, prior, elapsed)
        ours = estimate_from_history(learned, a.installed_on, last, CUTOFF).due
        fixed = (last or a.installed_on) + timedelta(days=prior)
        truth = future[0]
        errors[f"{a.type} / {a.brand}"].append(
            (abs((ours - truth).days), abs((fixed - truth).days))
        )
    rows = [
        (group, len(e), sum(x for x, _ in e) / len(e), sum(y for _, y in e) / len(e))
        for group, e in sorted(errors.items())
    ]
    every = [pair for e in errors.values() for pair in e]
    return Backtest(
        rows,
        sum(x for x, _ in every) / len(every),
        sum(y for _, y in every) / len(every),
    )


def report() -> tuple[str, bool]:
    result = backtest()
    lines = ["Maintenance: MAE in days, next service of held-out appliances", ""]
    lines.append(f"{'group':<28}{'n':>5}{'learned':>10}{'fixed':>10}")
    for group, n, ours, fixed in result.rows:
        lines.append(f"{group:<28}{n:>5}{ours:>10.1f}{fixed:>10.1f}")
    lines.append(
        f"{'all':<28}{sum(r[1] for r in result.rows):>5}"
        f"{result.mae_learned:>10.1f}{result.mae_fixed:>10.1f}"
    )
    verdict = "PASS" if result.passed else "FAIL"
    lines.append(
        f"MAE {result.reduction:.0%} lower than the fixed rule "
        f"(target >= {TARGET_REDUCTION:.0%}): {verdict}"
    )
    return "\n".join(lines), result.passed
