"""Time zones come from the pinned `tzdata` package on every host: the names the domain
accepts (and the OpenAPI document lists) are that package's list — not the host's zone
files, whose `localtime` is the host's own zone — and zone rules are read from it."""

from __future__ import annotations

import zoneinfo
from importlib import resources
from importlib.metadata import version

import entrypoints  # noqa: F401  (what every entrypoint imports first)
from domain.validation import ZONES
from entrypoints.http import wire


def _package_zones() -> frozenset[str]:
    text = resources.files("tzdata").joinpath("zones").read_text()
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def test_the_search_path_holds_no_host_directory() -> None:
    assert zoneinfo.TZPATH == ()


def test_the_accepted_names_are_the_pinned_packages() -> None:
    assert _package_zones() == ZONES
    assert "localtime" not in ZONES and "America/New_York" in ZONES


def test_the_schema_lists_the_same_names() -> None:
    listed = set(wire.TimeZone.__origin__.__args__)  # Annotated[Literal[names...], Meta]
    assert listed == ZONES


def test_rules_load_from_the_package() -> None:
    zone = zoneinfo.ZoneInfo.no_cache("Europe/Berlin")  # read now, with TZPATH empty
    assert zone.key == "Europe/Berlin"
    assert version("tzdata")  # the package the lock pins is installed
