"""Technician match: top-1 agreement with the technician who fixed the most similar past jobs.

A generator gives each technician skills (appliance kinds) and specialties (kinds of
problem within them) and a history of completed jobs, mostly in their specialties, written
from per-problem phrase lists. Held-out jobs are new problems; the truth is the technician
with the most past jobs of the same problem. The new rule (skills + BM25 over past jobs +
workload) and the current rule (skills + workload alone) each pick a top candidate.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from domain.technician_matching import TechnicianProfile, match_candidates
from domain.text_relevance import relevance_by_owner

TARGET_AGREEMENT = 0.70
# kind -> problem -> phrases a customer or dispatcher would write
PROBLEMS: dict[str, dict[str, list[str]]] = {
    "refrigerator": {
        "ice maker": [
            "ice maker not making ice",
            "ice maker jammed",
            "no ice cubes",
            "ice dispenser stuck",
            "ice tray frozen solid",
            "ice maker fill tube",
        ],
        "sealed system": [
            "compressor clicking",
            "fridge not cooling",
            "refrigerant leak",
            "freezer warm",
            "compressor runs constantly",
            "condenser coil hot",
        ],
        "defrost": [
            "frost build-up on back wall",
            "defrost heater failed",
            "water under the crisper",
            "drain line frozen",
            "ice on evaporator",
        ],
    },
    "washer": {
        "drain": [
            "won't drain",
            "water left in drum",
            "drain pump noise",
            "clogged drain filter",
            "drain hose blocked",
            "error drain",
        ],
        "bearings": [
            "loud banging during spin",
            "drum wobbles",
            "grinding noise on spin cycle",
            "bearing noise",
            "drum spider arm cracked",
        ],
        "door lock": [
            "door won't unlock",
            "lid lock error",
            "door latch broken",
            "door locked after cycle",
            "lock switch fault",
        ],
    },
    "oven": {
        "ignition": [
            "oven won't light",
            "igniter glows but no flame",
            "bake burner not igniting",
            "gas smell before ignition",
            "igniter weak",
        ],
        "control board": [
            "display blank",
            "error code on the control panel",
            "buttons unresponsive",
            "control board fault",
            "clock flashing",
        ],
        "door": [
            "door hinge broken",
            "door glass cracked",
            "door seal gap",
            "door won't close",
            "hinge spring snapped",
        ],
    },
    "hvac": {
        "cooling": [
            "ac blowing warm air",
            "low refrigerant",
            "frozen evaporator coil",
            "outdoor unit not running",
            "capacitor failed on condenser",
        ],
        "furnace": [
            "furnace no heat",
            "flame sensor dirty",
            "pilot won't stay lit",
            "furnace short cycling on ignition",
            "inducer motor noise",
        ],
        "thermostat": [
            "thermostat not responding",
            "thermostat wiring",
            "thermostat blank",
            "smart thermostat won't connect",
            "wrong temperature on thermostat",
        ],
    },
    "dishwasher": {
        "drain": [
            "dishwasher won't drain",
            "standing water in the tub",
            "drain pump humming",
            "filter clogged with food",
            "drain hose kinked",
        ],
        "spray": [
            "dishes still dirty",
            "spray arm not spinning",
            "spray arm cracked",
            "wash motor weak",
            "no water spraying",
        ],
        "leak": [
            "leaking from the door",
            "door gasket torn",
            "water on the floor under it",
            "inlet valve leaking",
            "leak at the pump seal",
        ],
    },
}
FILLER = [
    "since Monday",
    "again this week",
    "on the old unit",
    "after a power cut",
    "customer says",
    "urgent",
    "second floor",
    "intermittent",
    "",
    "",
    "",
]
BRANDS = ["Samsung", "LG", "Whirlpool", "Bosch", "GE", "Carrier", "Trane", ""]


def _text(rng: random.Random, kind: str, problem: str) -> str:
    phrases = rng.sample(PROBLEMS[kind][problem], 2)
    parts = [rng.choice(BRANDS), kind, phrases[0], rng.choice(FILLER), phrases[1]]
    return " ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Shop:
    technicians: list[TechnicianProfile]
    past_jobs: dict[int, list[tuple[int, str]]]
    fixed: dict[int, dict[tuple[str, str], int]]  # technician -> (kind, problem) -> count


def generate(rng: random.Random, technicians: int = 14, jobs_each: int = 30) -> Shop:
    kinds = list(PROBLEMS)
    profiles: list[TechnicianProfile] = []
    past: dict[int, list[tuple[int, str]]] = {}
    fixed: dict[int, dict[tuple[str, str], int]] = {}
    job_id = 0
    for tech_id in range(1, technicians + 1):
        skills = rng.sample(kinds, 2)
        specialties = [(k, rng.choice(list(PROBLEMS[k]))) for k in skills]
        profiles.append(TechnicianProfile(tech_id, f"Tech {tech_id}", tuple(skills)))
        past[tech_id], fixed[tech_id] = [], {}
        for _ in range(rng.randint(jobs_each // 3, jobs_each)):
            if rng.random() < 0.7:
                kind, problem = rng.choice(specialties)
            else:
                kind = rng.choice(skills)
                problem = rng.choice(list(PROBLEMS[kind]))
            job_id += 1
            past[tech_id].append((job_id, _text(rng, kind, problem)))
            fixed[tech_id][(kind, problem)] = fixed[tech_id].get((kind, problem), 0) + 1
    return Shop(profiles, past, fixed)


@dataclass(frozen=True, slots=True)
class Agreement:
    jobs: int
    new_rule: float
    current_rule: float
    text_alone: float

    @property
    def passed(self) -> bool:
        return self.new_rule >= TARGET_AGREEMENT and self.new_rule > self.current_rule


def evaluate(seed: int = 6, shops: int = 10, jobs_per_shop: int = 40) -> Agreement:
    rng = random.Random(seed)
    hits_new = hits_old = hits_text = total = 0
    for _ in range(shops):
        shop = generate(rng)
        for _ in range(jobs_per_shop):
            kind = rng.choice(list(PROBLEMS))
            problem = rng.choice(list(PROBLEMS[kind]))
            counts = {t: f.get((kind, problem), 0) for t, f in shop.fixed.items()}
            best = max(counts.values())
            if best == 0:
                continue
            truth = {t for t, n in counts.items() if n == best}
            workload = {t.id: rng.randint(0, 4) for t in shop.technicians}
            text = _text(rng, kind, problem)
            old = match_candidates(shop.technicians, kind, open_jobs=workload)
            relevance = relevance_by_owner(f"{kind} {text}", shop.past_jobs)
            new = match_candidates(shop.technicians, kind, open_jobs=workload, relevance=relevance)
            total += 1
            hits_old += old[0].technician_id in truth
            hits_new += new[0].technician_id in truth
            skilled = {c.technician_id for c in old}
            by_text = sorted(skilled, key=lambda t: (-relevance.get(t, (0.0, ()))[0], t))
            hits_text += by_text[0] in truth
    return Agreement(total, hits_new / total, hits_old / total, hits_text / total)


def report() -> tuple[str, bool]:
    result = evaluate()
    verdict = "PASS" if result.passed else "FAIL"
    text = (
        f"Technician match: top-1 agreement with who fixed the most similar past jobs "
        f"({result.jobs} held-out jobs)\n"
        f"  new rule (skills + BM25 past jobs + workload): {result.new_rule:.1%}\n"
        f"  current rule (skills + workload):              {result.current_rule:.1%}\n"
        f"  BM25 alone, among the skilled (no workload):   {result.text_alone:.1%}\n"
        f"  target >= {TARGET_AGREEMENT:.0%} and above the current rule: {verdict}"
    )
    return text, result.passed
