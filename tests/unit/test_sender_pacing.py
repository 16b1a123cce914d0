"""The per-sender rate limit: sends from one sender start 1/rate apart; other senders are
not held up; the container wraps Twilio and SMTP only when a rate is set."""

from __future__ import annotations

import asyncio

import pytest

from adapters.messaging.paced import PacedSender, Pacer
from adapters.messaging.router import ChannelRouter
from adapters.messaging.smtp_sender import SmtpEmailSender
from domain.contact_preferences import ContactMethod
from entrypoints.container import build_container
from entrypoints.settings import Settings
from tests.fakes import FakeSender
from tests.unit.test_messaging_settings import SMTP, TWILIO


class VirtualTime:
    def __init__(self) -> None:
        self.t = 0.0
        self.starts: list[tuple[str, float]] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t = max(self.t, self.t + seconds)
        await asyncio.sleep(0)


def test_slots_are_one_gap_apart_per_key_and_never_in_the_past() -> None:
    clock = VirtualTime()
    pacer = Pacer(4, clock.now, clock.sleep)
    assert [pacer.slot("+1555") for _ in range(3)] == [0.0, 0.25, 0.5]
    assert pacer.slot("MGother") == 0.0  # another sender is not held up
    clock.t = 10.0
    assert pacer.slot("+1555") == 10.0


async def test_a_paced_sender_waits_for_its_slot() -> None:
    clock = VirtualTime()
    inner = FakeSender()
    key = "smtp.example.com:587"
    sender = PacedSender(inner, Pacer(2, clock.now, clock.sleep), lambda _m: key)

    class Msg:
        id = 1
        body = "Your technician is on the way."
        provider_message_id = None

    times = []
    for _ in range(3):
        await sender.send(Msg())  # type: ignore[arg-type]
        times.append(clock.t)
    assert times == [0.0, 0.5, 1.0] and len(inner.sent) == 3


def test_a_rate_of_zero_or_less_is_refused() -> None:
    with pytest.raises(ValueError):
        Pacer(0)


def test_the_container_paces_only_when_a_rate_is_set() -> None:
    paced = Settings.from_env(TWILIO | SMTP | {"SMTP_SENDS_PER_SECOND": "5"})
    router = build_container(paced).message_sender()
    assert isinstance(router, ChannelRouter)
    assert isinstance(router.sender_for(ContactMethod.EMAIL), PacedSender)
    assert not isinstance(router.sender_for(ContactMethod.SMS), PacedSender)
    plain = build_container(Settings.from_env(TWILIO | SMTP)).message_sender()
    assert isinstance(plain.sender_for(ContactMethod.EMAIL), SmtpEmailSender)
    bad = TWILIO | {"TWILIO_SENDS_PER_SECOND": "-1"}
    with pytest.raises(Exception, match="TWILIO_SENDS_PER_SECOND"):
        Settings.from_env(bad)
