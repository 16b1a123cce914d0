"""GET /customers/{id}/insights: the stored generations about one customer, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.params import QueryParameter

from application.insights.generation_history import (
    GENERATION_SORTABLE,
    InsightTask,
    list_customer_insights,
)
from application.llm.grounding_blocks import camel_keys
from application.ports.generations import Generation
from entrypoints.http.deps import ActorDep, InsightsDep, PathId
from entrypoints.http.list_params import PAGING_ONLY, SORT, PagingDep, SortDep, sort_provider
from entrypoints.http.wire import Out, page_of, page_type

TaskFilter = Annotated[
    InsightTask | None,
    QueryParameter(name="task", description="Only the generations of this task."),
]


class GenerationOut(Out):
    """One stored answer. `result` is what the answer said (the checked answer, before any
    per-request correction such as profitability's reconciled figures). Only produced
    answers are listed: a cache hit adds no row, its envelope's `generationId` is this `id`.
    `groundingHash` identifies the input records and prompt the answer was built from;
    `askedBy` the user id (null: the system, e.g. the daily passes)."""

    id: int
    task: InsightTask
    prompt_version: str
    customer_id: int | None
    job_id: int | None
    model: str
    grounding_hash: str
    sources: list[str]
    result: dict[str, Any]
    prompt_tokens: int
    completion_tokens: int
    estimated_cost: str
    latency_ms: float
    degraded: bool
    asked_by: int | None
    created_at: datetime


if TYPE_CHECKING:
    GenerationPage = Out  # a page of GenerationOut (`items`, `total`, `limit`, `offset`)
else:
    GenerationPage = page_type(GenerationOut, "GenerationPage")


def generation_out(g: Generation) -> GenerationOut:
    assert g.id is not None
    return GenerationOut(
        id=g.id,
        task=InsightTask(g.task),
        prompt_version=g.prompt_version,
        customer_id=g.customer_id,
        job_id=g.job_id,
        model=g.model,
        grounding_hash=g.grounding_hash,
        sources=list(g.sources),
        result=camel_keys(msgspec.json.decode(g.result)),
        prompt_tokens=g.prompt_tokens,
        completion_tokens=g.completion_tokens,
        estimated_cost=str(g.estimated_cost),
        latency_ms=round(g.latency_ms, 1),
        degraded=g.degraded,
        asked_by=g.asked_by,
        created_at=g.created_at,
    )


class InsightHistoryController(Controller):
    path = "/customers"
    tags = ["insights"]
    dependencies = PAGING_ONLY

    @get(
        "/{customer_id:int}/insights",
        operation_id="listCustomerInsights",
        dependencies={SORT: sort_provider(GENERATION_SORTABLE)},
    )
    async def list_insights(
        self,
        actor: ActorDep,
        insights: InsightsDep,
        customer_id: PathId,
        paging: PagingDep,
        list_sort: SortDep,
        task: TaskFilter = None,
    ) -> GenerationPage:
        """What the assistants answered about this customer, newest first: the prompt
        version, model, inputs' hash, cited records, tokens, cost, who asked and when.
        A technician sees the greeting and maintenance answers of their own customers.
        `sort`: `createdAt`, `task` or `id` (default `-createdAt`)."""
        query = paging.sorted_by(*list_sort)
        page = await list_customer_insights(actor, insights, customer_id, task, query)
        listed: GenerationPage = page_of(GenerationPage, page, generation_out)
        return listed
