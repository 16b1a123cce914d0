"""`fieldcrm worker` as the fault tests run it: the real worker (entrypoints.workers.runtime)
with the loopback fake provider (FAKE_PROVIDER_URL) as the message sender.

Run as `python -m tests.integration.fault_worker` with the usual environment.
"""

from __future__ import annotations

import logging
import os

from entrypoints.settings import Settings
from entrypoints.workers.runtime import run_worker
from tests.integration.workers_support import LoopbackSender
from tests.overrides import container_for_tests


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = Settings.from_env()
    container = container_for_tests(
        settings, message_sender=LoopbackSender(os.environ["FAKE_PROVIDER_URL"])
    )
    run_worker(settings, container)


if __name__ == "__main__":
    main()
