"""`fieldcrm seed-demo`: a realistic, deterministic demo shop, written through the use cases.

Everything is drawn from `random.Random(plan.seed)` relative to `plan.as_of` (default: today,
00:00 UTC), so the same seed on the same day always yields the same shop, row for row.

The generator (`generator.py`, with `bookkeeping.py` for the money and `draws.py` for the
random draws) first plans every step of two years of shop life (hiring, bookings, visits,
payments, expenses, a technician leaving) with the instant it happens at; the writer
(`writer.py`) sorts the steps chronologically and replays them through the application use
cases with a simulated clock. Every invariant is therefore checked exactly as for an HTTP
request, and `created_at` columns read like a shop that has been running for two years.
Names, streets, problems and prices come from `vocabulary.json`.

Demo contact data is fictional by construction: phone numbers are in the 555-0100..555-0199
block reserved for fiction, email addresses use the reserved example.com/.net/.org domains.
"""

from entrypoints.demo.plan import DemoPlan
from entrypoints.demo.writer import seed

__all__ = ["DemoPlan", "seed"]
