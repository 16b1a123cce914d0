"""A consistent copy of a SQLite database while the service runs: `VACUUM INTO`.

Copying the file is not a backup in WAL mode (the last commits live in `-wal` until a
checkpoint, and a copy taken mid-write is torn). `VACUUM INTO` reads one snapshot — a
reader in WAL mode, so writers in every process go on meanwhile — and writes it, compacted,
to a new file, which is then checked with `PRAGMA integrity_check`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

BUSY_TIMEOUT_MS = 5000


class BackupRefused(Exception):
    """The backup was not made (the message says why); nothing was written."""


@dataclass(frozen=True, slots=True)
class BackupMade:
    path: Path
    size_bytes: int
    customers: int
    schema_version: str | None


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
