"""A migrated SQLite file holding a few customers, written with plain sqlite3 (as another
process or an operator's tool would): for the backup tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from adapters.sqlalchemy.engine import register_fold
from entrypoints import migrate


def sqlite_shop_file(path: Path, names: list[str]) -> Path:
    """Migrate the SQLite file `path` and store one customer per name; returns `path`."""
    migrate.upgrade(f"sqlite:///{path}")
    db = sqlite3.connect(path)
    register_fold(db)  # the search index's triggers call it
    try:
        with db:
            db.executemany(
                "INSERT INTO customers (name, time_zone, created_at, referral_code)"
                " VALUES (?, 'UTC', '2030-01-01 00:00:00.000000', ?)",
                [(name, f"RSHOP{n:04d}") for n, name in enumerate(names)],
            )
    finally:
        db.close()
    return path
