"""List queries every store answers alike: customer search and its rank, sort keys, a list
of values (`IN`) and the jobs' scheduled-for window."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest

from adapters.sqlalchemy import repositories
from application import pagination
from application.pagination import SCHEDULED_FROM, SCHEDULED_TO, SEARCH, ListQuery, SortKey
from domain.customer_search import SearchTerms
from domain.job import JobStatus
from tests.contract.conftest import Store
from tests.contract.rows import T0, Seed

PEOPLE = [
    ("Anna Müller", "anna.mueller@example.com", "12 Elm Street", "+15550001234"),
    ("Hannah Anders", "h.anders@example.com", "3 Annastraße", "+15559876543"),
    ("Anna", None, None, None),
    ("José Núñez", "jose@example.com", "Calle Mayor 7", "+34911234567"),
]


async def test_customer_search_matches_and_ranks(store: Store) -> None:
    async def history(uow: Any) -> dict[str, int]:
        seed = Seed(uow)
        made = {}
        for name, email, address, phone in PEOPLE:
            row = await seed.add("customers", name=name, email=email, address=address, phone=phone)
            made[name] = row.id
        return made

    ids = await store.run(history)

    async def search(uow: Any, q: str, **more: Any) -> list[int]:
        page = await uow.customers.list(ListQuery(filters={SEARCH: q}, **more))
        assert page.total >= len(page.items)
        return [c.id for c in page.items]

    async def look_ups(uow: Any) -> None:
        by = [ids[n] for n in ("Anna", "Anna Müller", "Hannah Anders")]
        assert await search(uow, "anna") == by
        assert await search(uow, "MULLER") == [ids["Anna Müller"]]
        assert await search(uow, "nunez calle") == [ids["José Núñez"]]
        assert await search(uow, "1234") == [ids["Anna Müller"], ids["José Núñez"]]
        assert await search(uow, "(555) 987-65") == [ids["Hannah Anders"]]
        assert await search(uow, "x_y") == []
        assert await search(uow, "anna", limit=1, offset=2) == [ids["Hannah Anders"]]
        by_name = await search(uow, "anna", sort=(SortKey("name", descending=True),))
        assert by_name == by[::-1]

    await store.run(look_ups, commit=False)


CROWD_NAMES = ["Anna", "Anna Berg", "Annabel Lind", "Hannah Berg", "Berg Anna", "Jo Anna",
               "Lia Bergström", "Léa Anna", "Anna Berg"]  # fmt: skip
CROWD_QUERIES = ["anna", "Anna Berg", "berg", "lea", "1234", "12 34", "an", "zz"]


@pytest.mark.parametrize("cap", [pagination.SEARCH_TOTAL_CAP, 3])
async def test_every_page_of_a_ranked_search_is_the_domain_order(
    store: Store, monkeypatch: Any, cap: int
) -> None:
    """A crowd where every rank is shared by several customers, mixed in id order: every
    page (sizes 1 and 4, every offset) is the slice of the whole list ordered by
    `SearchTerms.rank` then newest first, and `total` counts every match (up to the cap);
    so ranking only each tier's newest rows (PostgreSQL) never drops or misplaces one,
    whether the matches were counted as few (sorted) or many (walked newest first)."""
    monkeypatch.setattr(pagination, "SEARCH_TOTAL_CAP", cap)
    monkeypatch.setattr(repositories, "SEARCH_TOTAL_CAP", cap)
    rng = random.Random(12)

    async def history(uow: Any) -> list[tuple[int, tuple[str, str | None, str, str]]]:
        seed = Seed(uow)
        made = []
        for n in range(30):
            name = rng.choice(CROWD_NAMES)
            email = rng.choice([None, f"anna{n}@x.io", f"berg.{n}@x.io", f"p{n}@x.io"])
            address = rng.choice(["1 Annagatan", "2 Elm St", "3 Bergweg"])
            phone = "+1555" + rng.choice(["0001234", "1234000", "0009999", "0123499"])
            row = await seed.add("customers", name=name, email=email, address=address,
                                 phone=phone)  # fmt: skip
            made.append((row.id, (name, email, address, phone)))
        return made

    made = await store.run(history)

    async def look_ups(uow: Any) -> None:
        for q in CROWD_QUERIES:
            terms = SearchTerms.parse(q)
            ranked = [(terms.rank(*person), -i) for i, person in made]
            expected = [-key for rank, key in sorted(r for r in ranked if r[0] is not None)]
            for limit in (1, 4):
                for offset in range(len(expected) + 1):
                    query = ListQuery(limit, offset, {SEARCH: q})
                    page = await uow.customers.list(query)
                    got = (page.total, [c.id for c in page.items])
                    total = min(len(expected), cap + 1)
                    assert got == (total, expected[offset : offset + limit]), (q, offset)

    await store.run(look_ups, commit=False)


async def test_sort_keys_nulls_last_and_ties_newest_first(store: Store) -> None:
    async def history(uow: Any) -> list[int]:
        seed = Seed(uow)
        rows = [("b", "x@b.io"), ("A", None), ("c", "a@c.io"), ("a", "z@a.io")]
        return [(await seed.add("customers", name=n, email=e)).id for n, e in rows]

    b, big_a, c, a = await store.run(history)

    async def look_ups(uow: Any) -> None:
        async def ordered(*keys: SortKey) -> list[int]:
            return [x.id for x in (await uow.customers.list(ListQuery(sort=keys))).items]

        assert await ordered() == [a, c, big_a, b]
        assert await ordered(SortKey("name", False)) == [a, big_a, b, c]
        assert await ordered(SortKey("email", False)) == [c, b, a, big_a]
        assert await ordered(SortKey("email", True)) == [a, b, c, big_a]
        assert await ordered(SortKey("name", False), SortKey("id", False)) == [big_a, a, b, c]

    await store.run(look_ups, commit=False)


async def test_jobs_by_several_statuses_in_a_window(store: Store) -> None:
    async def history(uow: Any) -> list[int]:
        seed = Seed(uow)
        made = []
        for days, status in [(0, "SCHEDULED"), (1, "IN_PROGRESS"), (2, "CANCELLED")]:
            job = seed.entity("jobs", status=JobStatus(status))
            job.details.customer_id = (await seed.add("customers")).id
            job.details.scheduled_for = T0 + timedelta(days=days)
            made.append((await uow.jobs.add(job)).id)
        return made

    first, second, third = await store.run(history)

    async def look_ups(uow: Any) -> None:
        async def ids(**filters: Any) -> list[int]:
            return [j.id for j in (await uow.jobs.list(ListQuery(filters=filters))).items]

        assert await ids(status=["SCHEDULED", "IN_PROGRESS"]) == [second, first]
        window = {SCHEDULED_FROM: T0 + timedelta(days=1), SCHEDULED_TO: T0 + timedelta(days=2)}
        assert await ids(**window) == [second]
        assert await ids(**{SCHEDULED_FROM: T0}) == [third, second, first]
        assert await ids(**{SCHEDULED_TO: T0}) == []

    await store.run(look_ups, commit=False)


async def test_a_search_counts_matches_up_to_the_cap(store: Store, monkeypatch: Any) -> None:
    """Above `SEARCH_TOTAL_CAP` matches `total` is the cap + 1 ("more than"); the page is the
    same best-first page as without the cap."""
    monkeypatch.setattr(pagination, "SEARCH_TOTAL_CAP", 3)
    monkeypatch.setattr(repositories, "SEARCH_TOTAL_CAP", 3)

    async def history(uow: Any) -> list[int]:
        seed = Seed(uow)
        return [(await seed.add("customers", name=f"Anna {n}")).id for n in range(6)]

    ids = await store.run(history)

    async def look_ups(uow: Any) -> None:
        page = await uow.customers.list(ListQuery(limit=2, filters={SEARCH: "anna"}))
        assert (page.total, [c.id for c in page.items]) == (4, ids[::-1][:2])
        none = await uow.customers.list(ListQuery(filters={SEARCH: "zzz"}))
        assert none.total == 0
        unsearched = await uow.customers.list(ListQuery())
        assert unsearched.total == 6

    await store.run(look_ups, commit=False)
