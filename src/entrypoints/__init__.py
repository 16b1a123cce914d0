"""Entrypoints: the HTTP API, the workers, the CLI and the composition root.

Importing this package (which every entrypoint does first) points `zoneinfo` at the pinned
`tzdata` package alone (`time_zone_data.py`), before any time zone is read.
"""

from entrypoints.time_zone_data import use_pinned_tzdata

use_pinned_tzdata()
