"""Conversion between Money and its two columns (integer minor units + currency).

The arithmetic is the domain's (`domain.money`); these are the names the SQL side uses.
"""

from __future__ import annotations

from domain.money import from_minor_units as from_minor
from domain.money import to_minor_units as to_minor

__all__ = ["from_minor", "to_minor"]
