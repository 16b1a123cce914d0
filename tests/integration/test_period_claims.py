"""SqlPeriodClaims on SQLite and PostgreSQL: the first claimant of a period wins, once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.period_claims import SqlPeriodClaims
from entrypoints.container import Container

NOW = datetime(2026, 11, 25, 7, 0, 3, tzinfo=UTC)
KEY = "2026-11-25T07:00:00+00:00"


async def test_a_period_is_claimed_once(container: Container) -> None:
    claims = container.period_claims()
    assert await claims.latest("job") is None
    async with claims.claim("job", KEY, "a", NOW) as won:
        assert won
    async with claims.claim("job", KEY, "b", NOW) as won:
        assert not won
    async with claims.claim("other-job", KEY, "b", NOW) as won:
        assert won
    async with claims.claim("job", "2026-11-25T07:01:00+00:00", "b", NOW) as won:
        assert won
    assert await claims.latest("job") == "2026-11-25T07:01:00+00:00"


async def test_a_claim_rolled_back_can_be_claimed_again(container: Container) -> None:
    claims = container.period_claims()
    with pytest.raises(ConnectionError):
        async with claims.claim("job", KEY, "a", NOW) as won:
            assert won
            raise ConnectionError("the broker is down")
    assert await claims.latest("job") is None
    async with claims.claim("job", KEY, "b", NOW) as won:
        assert won


@pytest.mark.parametrize("holder_fails", [False, True])
async def test_a_concurrent_claimant_waits_for_the_holder(
    container: Container, holder_fails: bool
) -> None:
    """B claims while A holds the claim (A's transaction open): B waits, then loses if A
    committed, or wins if A rolled back. Separate engines: separate connections."""
    url = container.settings().database_url
    engine_a, engine_b = build_engine(url), build_engine(url)
    a, b = SqlPeriodClaims(engine_a), SqlPeriodClaims(engine_b)
    holding, release = asyncio.Event(), asyncio.Event()
    b_result: list[bool] = []

    async def holder() -> None:
        async with a.claim("job", KEY, "a", NOW) as won:
            assert won
            holding.set()
            await release.wait()
            if holder_fails:
                raise ConnectionError("enqueue failed")

    async def challenger() -> None:
        await holding.wait()
        async with b.claim("job", KEY, "b", NOW) as won:
            b_result.append(won)

    try:
        task_a = asyncio.create_task(holder())
        task_b = asyncio.create_task(challenger())
        await holding.wait()
        await asyncio.sleep(0.3)
        assert b_result == [], "the challenger did not wait for the holder"
        release.set()
        results = await asyncio.gather(task_a, task_b, return_exceptions=True)
        assert b_result == [holder_fails]
        assert isinstance(results[0], ConnectionError) == holder_fails
    finally:
        await engine_a.dispose()
        await engine_b.dispose()


async def test_many_concurrent_claimants_one_winner(container: Container) -> None:
    url = container.settings().database_url
    engines = [build_engine(url) for _ in range(6)]
    try:

        async def one(index: int) -> bool:
            claims = SqlPeriodClaims(engines[index])
            async with claims.claim("job", KEY, f"s{index}", NOW) as won:
                await asyncio.sleep(0.01)
                return won

        results = await asyncio.gather(*(one(i) for i in range(len(engines))))
        assert sorted(results) == [False] * (len(engines) - 1) + [True]
    finally:
        for engine in engines:
            await engine.dispose()
