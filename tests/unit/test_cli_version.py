"""`fieldcrm --version` prints the installed package's version (what an operator checks
after an upgrade) without reading settings or touching a database."""

from __future__ import annotations

from importlib.metadata import version

from click.testing import CliRunner

from entrypoints.cli import main


def test_version_is_the_installed_package_version() -> None:
    result = CliRunner().invoke(main, ["--version"], env={"DATABASE_URL": "not a url"})
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"fieldcrm, version {version('fieldcrm')}"
