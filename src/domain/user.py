"""Users of the backend and their roles."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime

from domain.errors import ValidationFailed

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,63}$")
MIN_PASSWORD_LENGTH = 12


class Role(enum.StrEnum):
    ADMIN = "admin"
    OFFICE = "office"
    TECHNICIAN = "technician"


def check_username(username: str) -> str:
    cleaned = username.strip().lower()
    if not USERNAME.match(cleaned):
        raise ValidationFailed.single(
            "username", "must be 3-64 characters: letters, digits, '.', '_', '@', '-'"
        )
    return cleaned


def check_password_policy(password: str) -> None:
    """Minimum policy: length, not all one character class."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed.single(
            "password", f"must be at least {MIN_PASSWORD_LENGTH} characters"
        )
    if len(password) > 256:
        raise ValidationFailed.single("password", "must be at most 256 characters")
    classes = {"letter" if c.isalpha() else "digit" if c.isdigit() else "other" for c in password}
    if len(classes) < 2:
        raise ValidationFailed.single(
            "password", "must mix at least two of: letters, digits, symbols"
        )


@dataclass(slots=True)
class User:
    username: str
    password_hash: str
    role: Role
    created_at: datetime
    active: bool = True
    technician_id: int | None = None
    id: int | None = None
