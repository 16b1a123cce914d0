"""POST /jobs/{id}/generate-survey: a short post-service survey, in the customer's language.

Only for a COMPLETED job (Conflict otherwise); grounded on the job, its technician, its
appliance and the customer's name.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from application.access import Actor, Permission, authorize, require_job_visible
from application.insights.insight_context import InsightContext, inline, language_fallback
from application.llm.answers import Survey, SurveyQuestion
from application.llm.asking import asking_about
from application.llm.gateway import Insight
from application.llm.grounding_blocks import blocks
from application.llm.specs import spec_for
from application.lookups import require
from domain.errors import Conflict
from domain.job import JobStatus

SPEC = spec_for(Survey)
TASK = "survey.v1"


def _check(answer: Survey) -> Survey:
    """Question ids are unique (a repeated id is dropped)."""
    seen: set[str] = set()
    questions: list[SurveyQuestion] = []
    for question in answer.questions:
        if question.id not in seen:
            seen.add(question.id)
            questions.append(question)
    answer.questions = questions
    return answer


async def generate_survey(actor: Actor, ctx: InsightContext, job_id: int) -> Insight[Survey]:
    """The survey for a completed job (NotFound for an unknown job, Conflict if not done)."""
    async with ctx.uow().read_only() as uow:
        job = await require(uow.jobs, "job", job_id)
        require_job_visible(actor, job)
        authorize(actor, Permission.USE_INSIGHTS)
        asking_about(actor, job.details.customer_id, job_id)
        if job.status is not JobStatus.COMPLETED:
            raise Conflict(
                f"job {job_id} is {job.status.value}; a survey is for a completed job only"
            )
        d = job.details
        customer = await require(uow.customers, "customer", d.customer_id)
        technician = (
            await uow.technicians.get(d.technician_id) if d.technician_id is not None else None
        )
        appliance = await uow.appliances.get(d.appliance_id) if d.appliance_id is not None else None
    fallback = language_fallback(customer.preferences.language)
    language = fallback or customer.preferences.language  # unsupported: English
    grounding: dict[str, Any] = {
        "language": language,
        "shopName": ctx.shop_name,
        "customer": {"id": customer.id, "name": customer.details.name},
        "job": {
            "id": job_id,
            "description": d.description,
            "appliance": d.appliance,
            "completionDate": job.completion_date.date().isoformat()
            if job.completion_date
            else None,
        },
        "technician": {"id": technician.id, "name": technician.details.name}
        if technician is not None
        else None,
        "appliance": {
            "id": appliance.id,
            "type": appliance.details.type,
            "brand": appliance.details.brand,
            "model": appliance.details.model_number,
        }
        if appliance is not None
        else None,
    }
    values = {
        "shopName": inline(ctx.shop_name),
        "customerName": inline(customer.details.name),
        "jobId": str(job_id),
        "language": language,
        "dataBlocks": blocks({"records": grounding}),
    }
    insight = await ctx.llm.ask(TASK, values, grounding, SPEC, _check)
    return replace(insight, language_fallback=fallback)
