"""Time zones from the pinned `tzdata` package, never from the host's files.

`zoneinfo` reads the host's zone files first (/usr/share/zoneinfo: whatever version the
operating system ships, absent from slim container images) and lists every file there as a
zone, `localtime` included — the host's own zone, not an IANA name. So the names the API
accepts (and its OpenAPI document lists, the frontend's contract) and the rules behind
them differed from host to host. With the search path emptied, every process on every host
uses the `tzdata` release of requirements.lock; a new release of the rules is a new pin.
"""

from __future__ import annotations

import zoneinfo


def use_pinned_tzdata() -> None:
    """Read time zones from the `tzdata` package only (for zones not read yet)."""
    if zoneinfo.TZPATH:
        zoneinfo.reset_tzpath(to=[])
