"""POST /jobs/match-technician: who should take a job, ranked and explained.

The candidates are computed first, deterministically (`domain.technician_matching`): active
technicians with the skill, the customer's preferred technician, how closely each one's
recent completed jobs match the problem text (BM25, `domain.text_relevance`), the customer's
ratings of each and their open workload. The model only ranks and explains them; anyone outside the
candidate list is removed from its answer, and if nobody remains the deterministic order is
used. A technician who is not a candidate can never be returned.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import msgspec

from application.access import Actor, Permission, authorize
from application.insights.insight_context import InsightContext, inline, with_answer
from application.llm.answers import RankedTechnician, TechnicianRanking
from application.llm.asking import asking_about
from application.llm.gateway import Insight
from application.llm.grounding_blocks import blocks, record
from application.llm.specs import spec_for
from application.lookups import require
from application.pagination import MAX_PAGE_SIZE, ListQuery
from application.ports.unit_of_work import UnitOfWork
from domain import validation as v
from domain.technician_matching import Candidate, TechnicianProfile, match_candidates
from domain.text_relevance import relevance_by_owner
from domain.time_window import ANY_TIME, TimeWindow

SPEC = spec_for(TechnicianRanking)
TASK = "technician_match.v1"
MAX_TECHNICIANS = 5000  # active technicians read, MAX_PAGE_SIZE at a time
RATINGS_READ = MAX_PAGE_SIZE  # the customer's newest ratings and reviews considered
PAST_JOBS_READ = 50  # each candidate's newest completed jobs compared with the problem
TEXT_CANDIDATES = 200  # at most this many technicians' past jobs are read


@dataclass(frozen=True, slots=True)
class MatchRequest:
    appliance_type: str
    problem: str
    customer_id: int | None = None
    window: TimeWindow | None = None

    def validated(self) -> MatchRequest:
        errors: dict[str, str] = {}
        appliance_type = v.required_text(errors, "appliance_type", self.appliance_type, 100)
        problem = v.required_text(errors, "problem", self.problem, 2000)
        window = None if self.window is None else _checked_window(errors, self.window)
        v.raise_if(errors)
        return MatchRequest(appliance_type, problem, self.customer_id, window)


def _checked_window(errors: dict[str, str], window: TimeWindow) -> TimeWindow:
    """The preferred window: both ends given, the end after the start."""
    if window.start is None or window.end is None:
        errors["preferred_window"] = "needs both start and end"
        return window
    start = v.instant(errors, "preferred_window.start", window.start)
    end = v.instant(errors, "preferred_window.end", window.end)
    if not errors and end <= start:
        errors["preferred_window.end"] = "must be after start"
    return TimeWindow(start, end)


def _window_facts(window: TimeWindow | None) -> dict[str, str] | None:
    if window is None or window.start is None or window.end is None:
        return None
    return {"start": window.start.isoformat(), "end": window.end.isoformat()}


class CandidateOut(msgspec.Struct, kw_only=True):
    technician_id: int
    name: str
    matched_skill: str | None
    preferred: bool
    average_rating: float | None
    ratings_count: int
    open_jobs: int
    text_match: float
    similar_jobs: list[int]
    base_score: float
    reasons: list[str]


class MatchedTechnician(msgspec.Struct, kw_only=True):
    technician_id: int
    name: str
    score: float
    reason: str


class TechnicianMatch(msgspec.Struct, kw_only=True):
    """The ranking (candidates only, best first) and the candidates it was chosen from."""

    ranking: list[MatchedTechnician]
    candidates: list[CandidateOut]


def candidate_out(c: Candidate) -> CandidateOut:
    average = c.average_rating
    return CandidateOut(
        technician_id=c.technician_id,
        name=c.name,
        matched_skill=c.matched_skill,
        preferred=c.preferred,
        average_rating=round(average, 2) if average is not None else None,
        ratings_count=len(c.ratings),
        open_jobs=c.open_jobs,
        text_match=c.text_match,
        similar_jobs=list(c.similar_jobs),
        base_score=c.score,
        reasons=list(c.reasons),
    )


def deterministic_ranking(candidates: list[Candidate]) -> TechnicianRanking:
    return TechnicianRanking(
        ranking=[
            RankedTechnician(
                technician_id=c.technician_id, score=c.score, reason="; ".join(c.reasons)
            )
            for c in candidates
        ]
    )


def keep_candidates(answer: TechnicianRanking, candidates: list[Candidate]) -> TechnicianRanking:
    """Only candidates, each once, scores within 0..1; the deterministic order if none."""
    allowed = {c.technician_id for c in candidates}
    seen: set[int] = set()
    kept: list[RankedTechnician] = []
    for ranked in answer.ranking:
        if ranked.technician_id in allowed and ranked.technician_id not in seen:
            seen.add(ranked.technician_id)
            score = min(max(ranked.score, 0.0), 1.0)
            kept.append(msgspec.structs.replace(ranked, score=score))
    return TechnicianRanking(ranking=kept) if kept else deterministic_ranking(candidates)


async def _active_technicians(uow: UnitOfWork) -> list[TechnicianProfile]:
    profiles: list[TechnicianProfile] = []
    offset = 0
    while offset < MAX_TECHNICIANS:
        page = await uow.technicians.list(
            ListQuery(limit=MAX_PAGE_SIZE, offset=offset, filters={"active": True})
        )
        profiles += [
            TechnicianProfile(t.id, t.details.name, t.details.skills, t.details.active)
            for t in page.items
            if t.id is not None
        ]
        offset += MAX_PAGE_SIZE
        if offset >= page.total:
            break
    return profiles


async def _customer_ratings(uow: UnitOfWork, customer_id: int) -> dict[int, list[int]]:
    """The customer's ratings of each technician: technician ratings and reviews."""
    by_customer = ListQuery(limit=RATINGS_READ, filters={"customer_id": customer_id})
    ratings: dict[int, list[int]] = defaultdict(list)
    for r in (await uow.technician_ratings.list(by_customer)).items:
        ratings[r.technician_id].append(r.rating)
    for review in (await uow.reviews.list(by_customer)).items:
        ratings[review.technician_id].append(review.rating)
    return dict(ratings)


async def match_technician(
    actor: Actor, ctx: InsightContext, request: MatchRequest, job_id: int | None = None
) -> Insight[TechnicianMatch]:
    """Candidates first (deterministic), then the model's ranking of them only (`job_id`:
    the job asked about, which the stored generation is filed under)."""
    authorize(actor, Permission.USE_INSIGHTS)
    request = request.validated()
    asking_about(actor, request.customer_id, job_id)
    customer: dict[str, Any] | None = None
    preferred_id: int | None = None
    ratings: dict[int, list[int]] = {}
    async with ctx.uow().read_only() as uow:
        if request.customer_id is not None:
            found = await require(uow.customers, "customer", request.customer_id, "customer_id")
            customer = {"id": found.id, "name": found.details.name}
            preferred_id = found.preferred_technician_id
            ratings = await _customer_ratings(uow, request.customer_id)
        technicians = await _active_technicians(uow)
        workload = await uow.jobs.open_job_counts(
            [t.id for t in technicians], request.window or ANY_TIME
        )
        eligible = match_candidates(
            technicians, request.appliance_type, preferred_id, limit=TEXT_CANDIDATES
        )
        past_jobs = await uow.jobs.completed_job_texts(
            [c.technician_id for c in eligible], PAST_JOBS_READ
        )
    relevance = relevance_by_owner(f"{request.appliance_type} {request.problem}", past_jobs)
    candidates = match_candidates(
        technicians, request.appliance_type, preferred_id, ratings, workload, relevance=relevance
    )
    names = {c.technician_id: c.name for c in candidates}
    skills = {t.id: list(t.skills) for t in technicians}
    grounding = {
        "job": {
            "applianceType": request.appliance_type,
            "problem": request.problem,
            "preferredWindow": _window_facts(request.window),
        },
        "customer": customer,
        "candidates": [
            {**record(candidate_out(c)), "skills": skills[c.technician_id]} for c in candidates
        ],
    }
    values = {
        "shopName": inline(ctx.shop_name),
        "applianceType": inline(request.appliance_type, 100),
        "candidateCount": str(len(candidates)),
        "dataBlocks": blocks(grounding),
    }
    insight = await ctx.llm.ask(
        TASK, values, grounding, SPEC, lambda answer: keep_candidates(answer, candidates)
    )
    # Enforced again on what is served, so even a cache entry could not name anyone else.
    ranking = keep_candidates(insight.answer, candidates)
    result = TechnicianMatch(
        ranking=[
            MatchedTechnician(
                technician_id=r.technician_id,
                name=names[r.technician_id],
                score=r.score,
                reason=r.reason,
            )
            for r in ranking.ranking
        ],
        candidates=[candidate_out(c) for c in candidates],
    )
    return with_answer(insight, result)
