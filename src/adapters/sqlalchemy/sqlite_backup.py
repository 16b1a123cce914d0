"""A consistent copy of a SQLite database while the service runs: `VACUUM INTO`.

Copying the file is not a backup in WAL mode (the last commits live in `-wal` until a
checkpoint, and a copy taken mid-write is torn). `VACUUM INTO` reads one snapshot — a
reader in WAL mode, so writers in every process go on meanwhile — and writes it, compacted,
to a new file, which is then checked with `PRAGMA integrity_check`.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from adapters.sqlalchemy.engine import async_url

BUSY_TIMEOUT_MS = 5000
#: The scheduled backups' names: `fieldcrm-<UTC stamp>.db`, the stamp written with
#: SCHEDULED_STAMP; only these are ever pruned.
SCHEDULED_STAMP = "%Y%m%dT%H%M%SZ"
SCHEDULED = re.compile(r"fieldcrm-[0-9]{8}T[0-9]{6}Z\.db")


class BackupRefused(Exception):
    """The backup was not made (the message says why); nothing was written."""


@dataclass(frozen=True, slots=True)
class BackupMade:
    path: Path
    size_bytes: int
    customers: int
    schema_version: str | None


def sqlite_database_file(database_url: str) -> Path:
    """The file of a SQLite DATABASE_URL; BackupRefused for any other database."""
    url = make_url(async_url(database_url))
    if url.get_backend_name() != "sqlite":
        raise BackupRefused(
            "DATABASE_URL is a PostgreSQL database: back it up with pg_dump --format=custom "
            "(docs/operations.md, Backups); `fieldcrm backup` copies a SQLite file"
        )
    database = url.database or ""
    if database in ("", ":memory:") or "mode=memory" in str(url):
        raise BackupRefused("DATABASE_URL is a database in memory: there is no file")
    return Path(database)


@dataclass(frozen=True, slots=True)
class ScheduledRound:
    made: BackupMade | None  # None: this period's backup was there already
    removed: list[Path]


def scheduled_backup(database: Path, directory: Path, stamp: str, keep: int) -> ScheduledRound:
    """This period's backup (`fieldcrm-<stamp>.db` in `directory`, unless made already),
    then only the newest `keep` scheduled backups kept. Other files are never touched."""
    target = directory / f"fieldcrm-{stamp}.db"
    if not SCHEDULED.fullmatch(target.name):
        raise BackupRefused(f"not a backup stamp: {stamp!r}")
    made = None if target.exists() else backup_sqlite(database, target)
    scheduled = sorted(p for p in directory.iterdir() if SCHEDULED.fullmatch(p.name))
    removed = scheduled[:-keep] if keep > 0 else []
    for old in removed:
        old.unlink(missing_ok=True)
    return ScheduledRound(made, removed)


def backup_sqlite(database: Path, target: Path) -> BackupMade:
    """Copy `database` to `target` (a new file in an existing directory) and check it."""
    if not database.is_file():
        raise BackupRefused(f"the database {database} does not exist")
    if target.exists():
        raise BackupRefused(f"{target} exists: a backup is written to a new file")
    if not target.parent.is_dir():
        raise BackupRefused(f"the directory {target.parent} does not exist")
    if target.resolve() == database.resolve():
        raise BackupRefused("the backup must not be the database itself")
    source = sqlite3.connect(database, isolation_level=None)  # VACUUM INTO changes nothing
    try:
        source.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        source.execute("VACUUM INTO ?", (str(target),))
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise BackupRefused(f"SQLite could not copy {database}: {exc}") from exc
    finally:
        source.close()
    try:
        return _checked(target)
    except BackupRefused:
        target.unlink(missing_ok=True)
        raise


def _checked(target: Path) -> BackupMade:
    copy = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupRefused(f"the copy {target} failed its integrity check: {problems[:3]}")
        customers = copy.execute("SELECT count(*) FROM customers").fetchone()[0]
        version = copy.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        raise BackupRefused(f"the copy {target} cannot be read back: {exc}") from exc
    finally:
        copy.close()
    return BackupMade(target, target.stat().st_size, int(customers), version and version[0])
