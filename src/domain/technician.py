"""The Technician aggregate: who does the work and what they can fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain import validation as v
from domain.recorded import Recorded

MAX_SKILLS = 50


@dataclass(slots=True)
class TechnicianDetails:
    name: str
    phone: str | None = None
    email: str | None = None
    skills: tuple[str, ...] = field(default_factory=tuple)
    active: bool = True

    def validated(self) -> TechnicianDetails:
        return v.checked(self, skills=_skills, name=v.text(200), phone=v.phone, email=v.email)


def _skills(errors: dict[str, str], field: str, given: tuple[str, ...]) -> tuple[str, ...]:
    """Trimmed, lower-cased, without repeats; each 1-60 characters, at most MAX_SKILLS."""
    skills: list[str] = []
    for skill in given:
        cleaned = skill.strip().lower()
        if not cleaned or len(cleaned) > 60:
            errors[field] = "each skill must be 1-60 characters"
        elif cleaned not in skills:
            skills.append(cleaned)
    if len(skills) > MAX_SKILLS:
        errors[field] = f"at most {MAX_SKILLS} skills"
    return tuple(skills)


@dataclass(slots=True)
class Technician(Recorded[TechnicianDetails]):
    @classmethod
    def hire(cls, details: TechnicianDetails, now: datetime) -> Technician:
        return cls.record(details, now)
