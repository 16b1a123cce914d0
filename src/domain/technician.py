"""The Technician aggregate: who does the work and what they can fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain import validation as v
from domain.errors import ValidationFailed

MAX_SKILLS = 50


@dataclass(slots=True)
class TechnicianDetails:
    name: str
    phone: str | None = None
    email: str | None = None
    skills: tuple[str, ...] = field(default_factory=tuple)
    active: bool = True

    def validated(self) -> TechnicianDetails:
        errors: dict[str, str] = {}
        skills: list[str] = []
        for skill in self.skills:
            cleaned = skill.strip().lower()
            if not cleaned or len(cleaned) > 60:
                errors["skills"] = "each skill must be 1-60 characters"
            elif cleaned not in skills:
                skills.append(cleaned)
        if len(skills) > MAX_SKILLS:
            errors["skills"] = f"at most {MAX_SKILLS} skills"
        details = TechnicianDetails(
            name=v.required_text(errors, "name", self.name, 200),
            phone=v.phone(errors, "phone", self.phone),
            email=v.email(errors, "email", self.email),
            skills=tuple(skills),
            active=self.active,
        )
        if errors:
            raise ValidationFailed(errors)
        return details


@dataclass(slots=True)
class Technician:
    details: TechnicianDetails
    created_at: datetime
    id: int | None = None

    @classmethod
    def hire(cls, details: TechnicianDetails, now: datetime) -> Technician:
        return cls(details=details.validated(), created_at=now)

    def revise(self, details: TechnicianDetails) -> None:
        self.details = details.validated()
