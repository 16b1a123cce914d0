"""Which technicians may take a job, each with a base score, computed before any model ranks them.

Score (0..1) = skill 0.30 + how closely their completed jobs match the problem 0.20 (BM25,
`domain.text_relevance`, the best candidate 1) + preferred by the customer 0.10 + ratings by
this customer 0.25 (unrated: half) + workload 0.15 / (1 + open jobs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain.appliance import appliance_kind
from domain.ratings import MAX_RATING, MIN_RATING

SKILL_WEIGHT = 0.30
TEXT_WEIGHT = 0.20
PREFERRED_WEIGHT = 0.10
RATING_WEIGHT = 0.25
WORKLOAD_WEIGHT = 0.15
MAX_CANDIDATES = 10


@dataclass(frozen=True, slots=True)
class TechnicianProfile:
    id: int
    name: str
    skills: tuple[str, ...]
    active: bool = True


@dataclass(frozen=True, slots=True)
class Candidate:
    technician_id: int
    name: str
    matched_skill: str | None
    preferred: bool
    ratings: tuple[int, ...]
    open_jobs: int
    score: float
    reasons: tuple[str, ...]
    text_match: float = 0.0  # 0..1: how closely their past jobs match the problem
    similar_jobs: tuple[int, ...] = ()  # those past jobs, closest first

    @property
    def average_rating(self) -> float | None:
        return sum(self.ratings) / len(self.ratings) if self.ratings else None


def matched_skill(skills: Sequence[str], appliance_type: str) -> str | None:
    """The technician's skill that covers the appliance kind, if any."""
    wanted = appliance_kind(appliance_type)
    return next((s for s in skills if appliance_kind(s) == wanted), None)


def _candidate(
    tech: TechnicianProfile,
    skill: str | None,
    preferred: bool,
    ratings: tuple[int, ...],
    open_jobs: int,
    text: tuple[float, tuple[int, ...]] = (0.0, ()),
) -> Candidate:
    reasons: list[str] = []
    score = 0.0
    if skill is not None:
        score += SKILL_WEIGHT
        reasons.append(f"skilled in {skill}")
    else:
        reasons.append("no matching skill")
    text_match, similar = text
    if similar:
        score += TEXT_WEIGHT * text_match
        jobs = ", ".join(f"#{j}" for j in similar)
        reasons.append(f"fixed similar problems (jobs {jobs}; match {text_match:.2f})")
    if preferred:
        score += PREFERRED_WEIGHT
        reasons.append("the customer's preferred technician")
    if ratings:
        average = sum(ratings) / len(ratings)
        score += RATING_WEIGHT * (average - MIN_RATING) / (MAX_RATING - MIN_RATING)
        reasons.append(f"rated {average:.1f}/5 by this customer ({len(ratings)} rating(s))")
    else:
        score += RATING_WEIGHT / 2
    score += WORKLOAD_WEIGHT / (1 + open_jobs)
    reasons.append(f"{open_jobs} open job(s)")
    return Candidate(
        technician_id=tech.id,
        name=tech.name,
        matched_skill=skill,
        preferred=preferred,
        ratings=ratings,
        open_jobs=open_jobs,
        score=round(score, 3),
        reasons=tuple(reasons),
        text_match=text_match,
        similar_jobs=similar,
    )


def match_candidates(
    technicians: Sequence[TechnicianProfile],
    appliance_type: str,
    preferred_technician_id: int | None = None,
    ratings: Mapping[int, Sequence[int]] | None = None,
    open_jobs: Mapping[int, int] | None = None,
    limit: int = MAX_CANDIDATES,
    relevance: Mapping[int, tuple[float, tuple[int, ...]]] | None = None,
) -> list[Candidate]:
    """The candidates, best base score first (ties: fewer open jobs, then lower id).

    Only active technicians. Those whose skills cover the appliance kind, plus the
    customer's preferred technician; when nobody has the skill, every active technician
    (so the office still gets a list, each marked "no matching skill"). `relevance`: per
    technician, how closely their completed jobs match the problem (0..1) and which.
    """
    ratings = ratings or {}
    relevance = relevance or {}
    open_jobs = open_jobs or {}
    active = [t for t in technicians if t.active]
    skills = {t.id: matched_skill(t.skills, appliance_type) for t in active}
    chosen = [t for t in active if skills[t.id] is not None or t.id == preferred_technician_id]
    if not any(skills[t.id] is not None for t in chosen):
        chosen = active
    candidates = [
        _candidate(
            t,
            skills[t.id],
            t.id == preferred_technician_id,
            tuple(ratings.get(t.id, ())),
            open_jobs.get(t.id, 0),
            relevance.get(t.id, (0.0, ())),
        )
        for t in chosen
    ]
    candidates.sort(key=lambda c: (-c.score, c.open_jobs, c.technician_id))
    return candidates[:limit]
