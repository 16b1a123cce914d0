"""The one rule of every forward-only state machine: a move needs an edge in its table."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TypeVar

from domain.errors import InvalidTransition

E = TypeVar("E", bound=enum.StrEnum)


def check_move(entity: str, edges: Mapping[E, frozenset[E]], current: E, target: E) -> None:
    """InvalidTransition unless `edges` has current → target."""
    if target not in edges[current]:
        raise InvalidTransition(entity, current.value, target.value)
