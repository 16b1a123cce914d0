"""The per-sender pace shared through Redis (REDIS_URL): two processes' pacers (two
clients) on one sender hand out slots one gap apart, never the same one; another sender is
not held up; the sender is not written to Redis as given; with Redis unreachable a send is
paced by its own process, with a warning; the container shares the pace when REDIS_URL is
set. Against a real Redis (FIELDCRM_TEST_REDIS_URL; .ci/run sets it)."""

from __future__ import annotations

import asyncio
import logging
import os

import pytest
from redis.asyncio import Redis

from adapters.messaging.paced import PacedSender, Pacer
from adapters.messaging.redis_pacer import RedisPacer
from adapters.messaging.router import ChannelRouter
from domain.contact_preferences import ContactMethod
from entrypoints.container import build_container
from entrypoints.settings import Settings
from tests.integration.fake_openai import closed_port_url
from tests.integration.redis_fixtures import prefix, redis
from tests.unit.test_messaging_settings import TWILIO

__all__ = ["prefix", "redis"]  # fixtures

SENDER = "whatsapp:+15550109999"
GAP_US = 1_000_000  # one send a second: every reservation below falls inside one gap


async def test_two_processes_share_one_pace_per_sender(redis: Redis, prefix: str) -> None:
    url = os.environ["FIELDCRM_TEST_REDIS_URL"]
    other_client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        here = RedisPacer(redis, 1, prefix, Pacer(1))
        there = RedisPacer(other_client, 1, prefix, Pacer(1))
        slots = await asyncio.gather(
            *(pacer.reserve(SENDER) for _ in range(10) for pacer in (here, there))
        )
        starts = sorted(start for start, _ in slots)
        first_now = min(now for _, now in slots)
        assert starts[0] >= first_now
        assert starts == [starts[0] + n * GAP_US for n in range(20)]  # no slot given twice
        other_start, other_now = await here.reserve("MGanother")
        assert other_start == other_now  # another sender starts at once
        keys = [k.decode() async for k in redis.scan_iter(match=f"{prefix}*")]
        assert len(keys) == 2 and not any("555" in k for k in keys)
        assert 0 < await redis.pttl(here.key(SENDER)) <= 21_000 + 1000  # expires when idle
    finally:
        await other_client.aclose()


async def test_a_paced_sender_waits_for_the_shared_slot(redis: Redis, prefix: str) -> None:
    pacer = RedisPacer(redis, 20, prefix, Pacer(20))  # 50 ms apart
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.gather(*(pacer.wait(SENDER) for _ in range(5)))
    assert loop.time() - started >= 4 * 0.05 - 0.01  # the fifth waited for four gaps


async def test_without_redis_a_send_is_paced_by_its_own_process(
    caplog: pytest.LogCaptureFixture,
) -> None:
    unreachable = Redis.from_url(
        closed_port_url().replace("http", "redis"), socket_connect_timeout=1
    )
    seconds = 0.0

    async def sleep(delay: float) -> None:
        nonlocal seconds
        seconds += delay

    pacer = RedisPacer(unreachable, 4, "fieldcrm-test", Pacer(4, lambda: 0.0, sleep))
    try:
        with caplog.at_level(logging.WARNING, logger="adapters.messaging.redis_pacer"):
            for _ in range(3):
                await pacer.wait(SENDER)
    finally:
        await unreachable.aclose()
    assert seconds == pytest.approx(0.25 + 0.5)  # slots 0, 0.25, 0.5 of this process
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 3 and all("paced in this process" in w for w in warnings)
    assert not any("555" in w for w in warnings)


def test_the_container_shares_the_pace_when_redis_is_set(redis: Redis) -> None:
    environment = TWILIO | {"TWILIO_SENDS_PER_SECOND": "1"}
    shared = build_container(
        Settings.from_env(environment | {"REDIS_URL": os.environ["FIELDCRM_TEST_REDIS_URL"]})
    ).message_sender()
    alone = build_container(Settings.from_env(environment)).message_sender()
    for router, pace in ((shared, RedisPacer), (alone, Pacer)):
        assert isinstance(router, ChannelRouter)
        sms = router.sender_for(ContactMethod.SMS)
        assert isinstance(sms, PacedSender) and isinstance(sms._pacer, pace)
