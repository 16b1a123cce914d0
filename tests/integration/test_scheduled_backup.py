"""Scheduled backups of a SQLite database (BACKUP_DIR, BACKUP_KEEP, SCHEDULE_BACKUP): the
night's copy is named by its period, made once however often the message comes, checked,
and only the newest BACKUP_KEEP scheduled copies are kept — no other file in the directory
is ever removed. Without BACKUP_DIR the job does nothing; BACKUP_DIR with PostgreSQL, or a
directory that does not exist, is refused at start naming the variable."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.sqlalchemy.sqlite_backup import BackupRefused, scheduled_backup
from entrypoints.settings import Settings, SettingsError
from entrypoints.workers.actors import backup_database
from entrypoints.workers.container_middleware import WorkerContainer
from tests.integration.sqlite_shop_file import sqlite_shop_file
from tests.overrides import container_for_tests

NIGHTS = ["20261201T023000Z", "20261202T023000Z", "20261203T023000Z", "20261204T023000Z"]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    return sqlite_shop_file(tmp_path / "data" / "fieldcrm.db", ["Ann"])


def test_each_night_once_and_the_newest_kept(database: Path, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    others = ["fieldcrm-prod.db", "fieldcrm-20261130T023000Z.db.partial", "notes.txt"]
    for name in others:
        (backups / name).write_text("not a scheduled backup")
    first = scheduled_backup(database, backups, NIGHTS[0], keep=2)
    assert first.made is not None and first.made.customers == 1 and first.removed == []
    again = scheduled_backup(database, backups, NIGHTS[0], keep=2)  # the same night, retried
    assert again.made is None and again.removed == []
    for night in NIGHTS[1:]:
        scheduled_backup(database, backups, night, keep=2)
    kept = sorted(p.name for p in backups.iterdir())
    assert kept == sorted([*others, f"fieldcrm-{NIGHTS[2]}.db", f"fieldcrm-{NIGHTS[3]}.db"])
    assert (backups / "fieldcrm-prod.db").read_text() == "not a scheduled backup"


def test_the_database_directory_itself_is_safe(database: Path) -> None:
    """BACKUP_DIR may be the database's own directory: the live file is not a backup."""
    for night in NIGHTS:
        scheduled_backup(database, database.parent, night, keep=1)
    names = {p.name for p in database.parent.iterdir()}
    assert "fieldcrm.db" in names and f"fieldcrm-{NIGHTS[-1]}.db" in names
    assert not any(f"fieldcrm-{night}.db" in names for night in NIGHTS[:-1])


def test_a_stamp_that_is_no_stamp_is_refused(database: Path, tmp_path: Path) -> None:
    with pytest.raises(BackupRefused, match="stamp"):
        scheduled_backup(database, tmp_path, "../../etc/x", keep=1)


def _settings(database: Path, **environment: str) -> Settings:
    return Settings.from_env({"DATABASE_URL": f"sqlite:///{database}", **environment})


async def test_the_job_backs_up_into_backup_dir(
    database: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    backups = tmp_path / "nightly"
    backups.mkdir()
    container = container_for_tests(_settings(database, BACKUP_DIR=str(backups), BACKUP_KEEP="3"))
    token = WorkerContainer._current.set(container)
    try:
        with caplog.at_level(logging.INFO, logger="entrypoints.workers.actors"):
            await backup_database("2026-12-03T02:30:00+00:00")
            await backup_database("2026-12-03T02:30:00+00:00")  # redelivered
    finally:
        WorkerContainer._current.reset(token)
        await container.engine().dispose()
    assert [p.name for p in backups.iterdir()] == ["fieldcrm-20261203T023000Z.db"]
    lines = [r.getMessage() for r in caplog.records if "backup_database" in r.getMessage()]
    assert "integrity ok" in lines[0] and "made already" in lines[1]


async def test_without_backup_dir_the_job_does_nothing(database: Path) -> None:
    container = container_for_tests(_settings(database))
    token = WorkerContainer._current.set(container)
    try:
        await backup_database("2026-12-03T02:30:00+00:00")
    finally:
        WorkerContainer._current.reset(token)
        await container.engine().dispose()
    assert [p.name for p in database.parent.iterdir() if p.suffix == ".db"] == ["fieldcrm.db"]


@pytest.fixture
def missing(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "no-such-directory"


@pytest.mark.parametrize(
    ("database_url", "message"),
    [
        ("postgresql://fieldcrm@db.internal/fieldcrm", "pg_dump"),
        ("sqlite:///:memory:", "SQLite file"),
    ],
    ids=["a PostgreSQL URL", "SQLite in memory"],
)
def test_backup_dir_needs_a_sqlite_file(database_url: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="BACKUP_DIR") as refused:
        Settings.from_env({"DATABASE_URL": database_url, "BACKUP_DIR": str(tmp_path)})
    assert message in str(refused.value)


def test_backup_dir_must_exist(database: Path, missing: Path) -> None:
    with pytest.raises(SettingsError, match="BACKUP_DIR") as refused:
        _settings(database, BACKUP_DIR=str(missing))
    assert "is not a directory" in str(refused.value)


def test_schedule_backup_is_checked_like_every_schedule(database: Path) -> None:
    with pytest.raises(SettingsError, match="SCHEDULE_BACKUP"):
        _settings(database, SCHEDULE_BACKUP="every night")
    assert _settings(database).schedule.backup == "0 3 * * *"
