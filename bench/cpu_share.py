"""Where the machine's CPU went during one load run, in cores (1.0 = one core busy for the
whole run): the server under test (this bench's own child processes and theirs), the
database (PostgreSQL's processes), the load generator (wrk, a child reaped when the run
ends) and the machine as a whole (/proc/stat). On Linux only; elsewhere `CpuWatch` measures
nothing and `share` is None.

It answers the question a throughput ratio cannot: whether a server process had a core to
itself. When the machine is already busy on every core with one server process, a second
one has nowhere to run, and `--workers 2` gains nothing for the server or for the floor.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

PROC = Path("/proc")
DATABASE_COMMANDS = frozenset({"postgres"})


@dataclass(frozen=True, slots=True)
class CpuShare:
    server: float
    database: float
    load: float
    machine: float
    cores: int
    seconds: float  # the length of the run (cores x seconds = CPU seconds)


@dataclass(frozen=True, slots=True)
class _Process:
    parent: int
    command: str
    ticks: int  # user + system, in clock ticks


def _process(pid: int) -> _Process | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:  # gone since the listing
        return None
    # "pid (comm) state ppid ..."; comm may hold spaces or parentheses: split at the last ")"
    command = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    return _Process(int(fields[1]), command, int(fields[11]) + int(fields[12]))


def _processes() -> dict[int, _Process]:
    found = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            process = _process(int(entry.name))
            if process is not None:
                found[int(entry.name)] = process
    return found


def _machine_ticks() -> tuple[int, int]:
    """(busy, all) clock ticks of every core since boot: busy = all - idle - iowait."""
    values = [int(v) for v in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal
    return total - values[3] - values[4], total


def _descends_from(pid: int, ancestor: int, processes: dict[int, _Process]) -> bool:
    seen = set()
    while pid in processes and pid not in seen:
        seen.add(pid)
        pid = processes[pid].parent
        if pid == ancestor:
            return True
    return False


def _ticks_since(before: dict[int, _Process], after: dict[int, _Process], pids: set[int]) -> int:
    """CPU ticks the processes `pids` (as listed at the end) used since `before`: all of
    theirs for a process that started meanwhile."""
    used = 0
    for pid in pids:
        earlier = before.get(pid)
        same = earlier is not None and earlier.command == after[pid].command
        used += after[pid].ticks - (earlier.ticks if same and earlier else 0)
    return used


class CpuWatch:
    """`with CpuWatch() as watch: <run the load>`; then `watch.share`."""

    def __init__(self) -> None:
        self.share: CpuShare | None = None
        self._on = (PROC / "stat").exists()

    def __enter__(self) -> CpuWatch:
        if self._on:
            self._started = time.monotonic()
            self._before = _processes()
            self._machine = _machine_ticks()
            self._children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._on or exc_type is not None:
            return
        seconds = time.monotonic() - self._started
        after = _processes()
        busy, _ = _machine_ticks()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        me = os.getpid()
        server = {p for p in after if p != me and _descends_from(p, me, after)}
        database = {
            p for p, v in after.items() if v.command in DATABASE_COMMANDS and p not in server
        }
        hz = os.sysconf("SC_CLK_TCK")
        reaped = (children.ru_utime + children.ru_stime) - (
            self._children.ru_utime + self._children.ru_stime
        )
        self.share = CpuShare(
            server=_ticks_since(self._before, after, server) / hz / seconds,
            database=_ticks_since(self._before, after, database) / hz / seconds,
            load=reaped / seconds,
            machine=(busy - self._machine[0]) / hz / seconds,
            cores=os.cpu_count() or 1,
            seconds=seconds,
        )
