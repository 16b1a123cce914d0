"""A SendQueue for HTTP tests: a message due now is sent at once, in the request, by a
FakeSender (so a test counts what really went out)."""

from __future__ import annotations

from dependency_injector import providers

from application.outbox.dispatch import send_one
from domain.contact_preferences import QuietHours
from entrypoints.container import Container
from tests.fakes import FakeClock, FakeSender


class SendingAtOnce:
    """`send_now` runs the worker's `send_one` with the container's units of work."""

    def __init__(self, container: Container, clock: FakeClock) -> None:
        self.container = container
        self.clock = clock
        self.sender = FakeSender(clock)

    async def send_now(self, message_id: int) -> None:
        await send_one(self.container.uow, self.clock, self.sender, QuietHours(), message_id)


def send_at_once(container: Container, clock: FakeClock) -> SendingAtOnce:
    """Plug a SendingAtOnce into the container (as the embedded worker would be)."""
    queue = SendingAtOnce(container, clock)
    container.send_queue.override(providers.Object(queue))
    return queue
