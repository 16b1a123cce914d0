"""The server's own CPU per Customer View, counted in instructions: `fieldcrm serve` and the
floor (bench/floor_server.py) each run under valgrind's callgrind, and only the timed GETs
are counted.

Wall-clock figures need a quiet machine; a shared or throttled one moves them by tens of
percent between runs. Instructions do not move: the same code on the same data executes the
same instructions whatever else the machine does, so a change to the server's hot path can
be judged on any machine. They are not time (code differs in instructions per cycle) and
they leave out the kernel's share (the socket work, the same on both sides).

For each server, on SQLite and PostgreSQL (the data of `python -m bench http`: seed-demo's
shop plus the 540-row customer, every customer's floor document checked to be the app's):
start it under `valgrind --tool=callgrind --instr-atstart=no` (as `make run` serves: access
log on), send BENCH_INSTRUCTIONS_WARMUP (300) GETs over the customers in turn on one
keep-alive connection, switch counting on (`callgrind_control -i on`), send
BENCH_INSTRUCTIONS_GETS (600) more, dump the counts and divide. The app is counted twice:
as `make run` runs it and with LOG_LEVEL=WARNING (what its access line costs).

`python -m bench instructions` (not part of the default run: each server starts in ~30 s
under valgrind). Needs valgrind (Debian's package).
"""

from __future__ import annotations

import asyncio
import http.client
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench import http_load
from bench.databases import bench_postgres_database, drop_postgres_database, int_env
from bench.server import Wrapper, floor_served, served
from entrypoints import migrate

STARTUP_SECONDS = 300  # a server's imports run ~30x slower under valgrind


class Counter:
    """One callgrind run: the command prefix, then the counts of the GETs sent once it is
    up."""

    def __init__(self, folder: Path, label: str, host: str | None) -> None:
        self.host = host  # the HOST variable the server runs with (valgrind uses it)
        self.out = folder / f"{label}.callgrind"
        self.prefix = folder / "vgdb"
        self.process: subprocess.Popen[bytes] | None = None

    def wrapper(self) -> Wrapper:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--vgdb-prefix={self.prefix}",
            f"--callgrind-out-file={self.out}",
        ]
        return Wrapper(command, STARTUP_SECONDS, self._started)

    def _started(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process

    def _control(self, *arguments: str) -> None:
        assert self.process is not None
        # valgrind names its shared memory after HOST and USER as the server saw them.
        env = {k: v for k, v in os.environ.items() if k != "HOST"}
        if self.host is not None:
            env["HOST"] = self.host
        command = ["callgrind_control", f"--vgdb-prefix={self.prefix}", *arguments]
        done = subprocess.run(
            [*command, str(self.process.pid)], env=env, capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0 or "error" in done.stderr:  # it says so and exits 0
            raise RuntimeError(f"{' '.join(command)}: {done.stderr.strip()}")

    def per_get(self, base_url: str, token: str, ids: list[int]) -> float:
        """Instructions per GET /customers/{id}, warm."""
        warmup = int_env("BENCH_INSTRUCTIONS_WARMUP", 300)
        gets = int_env("BENCH_INSTRUCTIONS_GETS", 600)
        host, port = base_url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=300)
        headers = {"Authorization": f"Bearer {token}"}

        def get(n: int) -> None:
            for i in range(n):
                connection.request("GET", f"/customers/{ids[i % len(ids)]}", headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"GET /customers/{ids[i % len(ids)]}: {response.status}")

        try:
            get(warmup)
            self._control("--instr=on")
            get(gets)
            self._control("--dump")
            self._control("--instr=off")
        finally:
            connection.close()
        return _total(Path(f"{self.out}.1")) / gets


def _total(dump: Path) -> int:
    for line in dump.read_text(errors="replace").splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1])
    raise RuntimeError(f"{dump}: no totals line")


def run_database(url: str, label: str) -> None:
    prepared = asyncio.run(http_load._prepare(url))
    ids = prepared.customer_ids
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="fieldcrm-instructions-") as tmp:
        folder = Path(tmp)
        sql_file = folder / "floor.sql"
        sql_file.write_text(prepared.floor_sql, encoding="utf-8")
        floor = Counter(folder, "floor", os.environ.get("HOST"))
        with floor_served(url, sql_file, http_load.CAP, 1, "INFO", floor.wrapper()) as base:
            rows.append(("floor", floor.per_get(base, http_load.FLOOR_TOKEN, ids)))
        for name, level in (
            ("app (as make run: access log on)", "INFO"),
            ("app, LOG_LEVEL=WARNING (no access log)", "WARNING"),
        ):
            app = Counter(folder, level.lower(), "127.0.0.1")  # served() sets HOST
            with served(url, http_load.JWT_SECRET, 1, level, wrapper=app.wrapper()) as base:
                rows.append((name, app.per_get(base, http_load._login(base), ids)))
    floor_count = rows[0][1]
    print()
    print(f"{label}: instructions per GET /customers/{{id}} (callgrind, {len(ids)} customers)")
    for name, count in rows:
        print(f"  {name:<40}{count / 1e6:>8.3f} M   {count / floor_count:>5.2f}x the floor")


def _missing_tool() -> str | None:
    for tool in ("valgrind", "callgrind_control"):
        if shutil.which(tool) is None:
            return tool
    return None


def run_all(postgres_url: str) -> None:
    missing = _missing_tool()
    if missing:
        print(
            f"\nInstructions per GET: skipped, {missing} is not installed "
            "(apt-get install valgrind)"
        )
        return
    with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-instructions-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        print("Instructions per GET, SQLite: seeding...", flush=True)
        run_database(url, "SQLite")
    if not postgres_url:
        print("Instructions per GET, PostgreSQL: skipped (set BENCH_POSTGRES_URL)")
        return
    url = asyncio.run(bench_postgres_database(postgres_url, http_load.DATABASE))
    try:
        migrate.upgrade(url)
        print("Instructions per GET, PostgreSQL: seeding...", flush=True)
        run_database(url, "PostgreSQL")
    finally:
        asyncio.run(drop_postgres_database(postgres_url, http_load.DATABASE))
