"""`fieldcrm backup TARGET`: a consistent, checked copy of the SQLite database while it is
being written (a writer in another process holds its transaction open meanwhile), which
serves as a database itself; a target that exists, a missing directory, a PostgreSQL or
in-memory DATABASE_URL are refused with a message naming what is wrong, and nothing is
written."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from entrypoints import migrate
from entrypoints.cli import main
from tests.integration.sqlite_shop_file import sqlite_shop_file

# Holds a write transaction open (one uncommitted customer) until told, then commits it.
_WRITER = textwrap.dedent(
    """
    import sqlite3, sys
    from adapters.sqlalchemy.engine import register_fold
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    register_fold(db)  # the search index's triggers call it
    db.execute("BEGIN IMMEDIATE")
    db.execute(
        "INSERT INTO customers (name, time_zone, created_at, referral_code)"
        " VALUES ('Uncommitted', 'UTC', '2030-01-01 00:00:00.000000', 'RUNCOMMIT')"
    )
    print("holding", flush=True)
    sys.stdin.readline()
    db.execute("COMMIT")
    """
)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return sqlite_shop_file(tmp_path / "shop.db", [f"Customer {n}" for n in range(25)])


def _backup(url: str, target: Path) -> Result:
    return CliRunner().invoke(main, ["backup", str(target)], env={"DATABASE_URL": url})


def _customers(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return [row[0] for row in db.execute("SELECT name FROM customers ORDER BY id")]
    finally:
        db.close()


def test_a_backup_taken_during_a_write_holds_what_was_committed(
    database: Path, tmp_path: Path
) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdin is not None
    target = tmp_path / "backups" / "shop-1.db"
    target.parent.mkdir()
    try:
        assert writer.stdout.readline() == "holding\n"
        made = _backup(f"sqlite:///{database}", target)
    finally:
        writer.stdin.write("\n")
        writer.stdin.close()
        writer.wait(timeout=10)
    assert made.exit_code == 0, made.output
    assert "25 customers" in made.output and "integrity ok" in made.output
    assert _customers(target) == [f"Customer {n}" for n in range(25)]  # not the open write
    assert len(_customers(database)) == 26  # the writer went on and committed
    # The copy is a database of the current migration: the service can run on it.
    migrate.upgrade(f"sqlite:///{target}")
    assert len(_customers(target)) == 25


def test_an_existing_target_is_refused_and_left_alone(database: Path, tmp_path: Path) -> None:
    target = tmp_path / "keep.db"
    target.write_bytes(b"yesterday's backup")
    refused = _backup(f"sqlite:///{database}", target)
    assert refused.exit_code != 0
    assert f"{target} exists" in refused.output
    assert target.read_bytes() == b"yesterday's backup"


def test_a_missing_directory_is_named(database: Path, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "shop.db"
    refused = _backup(f"sqlite:///{database}", target)
    assert refused.exit_code != 0 and f"{target.parent} does not exist" in refused.output
    assert not target.exists()


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("postgresql://fieldcrm@db.internal:5432/fieldcrm", "pg_dump"),
        ("sqlite:///:memory:", "in memory"),
        ("mysql://root@localhost/shop", "DATABASE_URL"),
    ],
    ids=["a PostgreSQL URL", "SQLite in memory", "another database"],
)
def test_what_cannot_be_backed_up_here_is_refused(url: str, named: str, tmp_path: Path) -> None:
    target = tmp_path / "shop.db"
    refused = _backup(url, target)
    assert refused.exit_code != 0 and named in refused.output
    assert not target.exists()


def test_a_database_file_that_does_not_exist_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    refused = _backup(f"sqlite:///{missing}", tmp_path / "copy.db")
    assert refused.exit_code != 0 and f"{missing} does not exist" in refused.output
    assert not missing.exists()
