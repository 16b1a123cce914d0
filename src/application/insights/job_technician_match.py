"""POST /jobs/{id}/match-technician: the technician match for one job (staff only).

The request is read from the job: its appliance kind (`job_assignment.appliance_type_of`),
its description as the problem, its customer (preferred technician, ratings) and its slot
(`domain.assignment.slot`) as the window whose open jobs count as workload. The ranking is
then that of `match_technician`.
"""

from __future__ import annotations

from application.access import Actor
from application.insights.insight_context import InsightContext
from application.insights.technician_match import MatchRequest, TechnicianMatch, match_technician
from application.job_assignment import appliance_type_of
from application.jobs import jobs
from application.llm.gateway import Insight
from domain.assignment import slot
from domain.time_window import TimeWindow

UNKNOWN_APPLIANCE = "appliance"  # the job names no appliance kind: no one is skilled for it


async def match_technician_for_job(
    actor: Actor, ctx: InsightContext, job_id: int
) -> Insight[TechnicianMatch]:
    """Rank technicians for the job: NotFound when the actor may not see it."""
    async with ctx.uow().read_only() as uow:
        job = await jobs.find(uow, actor, job_id)
        appliance_type = await appliance_type_of(uow, job)
    start, end = slot(job)
    request = MatchRequest(
        appliance_type=(appliance_type or UNKNOWN_APPLIANCE)[:100],
        problem=job.details.description,
        customer_id=job.details.customer_id,
        window=TimeWindow(start, end),
    )
    return await match_technician(actor, ctx, request, job_id)
