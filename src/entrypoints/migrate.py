"""Running Alembic migrations from code (CLI, server start-up, tests)."""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parents[2]
#: Where an installed wheel puts alembic.ini and migrations/ (pyproject.toml's data-files).
INSTALLED = Path(sys.prefix) / "share" / "fieldcrm"


def migrations_root() -> Path:
    """The folder holding alembic.ini and migrations/: the source checkout this module runs
    from, else the copy the wheel installed under <prefix>/share/fieldcrm."""
    for root in (ROOT, INSTALLED):
        if (root / "migrations" / "env.py").is_file() and (root / "alembic.ini").is_file():
            return root
    raise RuntimeError(f"no migrations found in {ROOT} or {INSTALLED}: reinstall fieldcrm")


def alembic_config(database_url: str) -> Config:
    root = migrations_root()
    config = Config(str(root / "alembic.ini"))
    config.set_main_option("script_location", str(root / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
