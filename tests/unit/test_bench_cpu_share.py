"""The benchmark's CPU accounting (bench/cpu_share.py): a child process's CPU is the
server's while it runs, a child reaped during the run is the load generator's, and neither
is counted twice. Counted in CPU seconds, not wall time, so a busy machine only lengthens it."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from bench.cpu_share import CpuWatch

BURN = 0.3  # CPU seconds each child spends
TICKS = 0.05  # what clock-tick rounding of user and system time may take off
# A child that spends BURN seconds of CPU, then (when told to wait) waits for its stdin.
CHILD = (
    "import sys, time\n"
    f"while time.process_time() < {BURN}: pass\n"
    "print('burnt', flush=True)\n"
    "if sys.argv[1] == 'wait': sys.stdin.read()\n"
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def test_a_running_child_is_the_server_and_a_reaped_one_the_load() -> None:
    with CpuWatch() as watch:
        server = subprocess.Popen(
            [sys.executable, "-c", CHILD, "wait"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert server.stdout is not None and server.stdin is not None
        assert server.stdout.readline() == "burnt\n"
        load = subprocess.run(
            [sys.executable, "-c", CHILD, "exit"], capture_output=True, text=True, check=True
        )
        assert load.stdout == "burnt\n"
        time.sleep(0.05)
    server.stdin.close()
    server.wait(timeout=10)
    share = watch.share
    assert share is not None
    server_seconds, load_seconds = share.server * share.seconds, share.load * share.seconds
    # process_time() counts from the child's start; /proc counts in clock ticks (10 ms)
    assert BURN - TICKS <= server_seconds < 2 * BURN + 1
    assert BURN - TICKS <= load_seconds < 2 * BURN + 1
    assert share.machine * share.seconds >= server_seconds + load_seconds - TICKS
    assert share.cores >= 1


def test_a_failed_run_reports_nothing() -> None:
    watch = CpuWatch()
    with pytest.raises(RuntimeError), watch:
        raise RuntimeError("wrk failed")
    assert watch.share is None
