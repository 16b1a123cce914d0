"""Fakes for the LLM use cases: a scripted LlmClient, and the insight context over fakes.

`ScriptedLlmClient` answers each task (template name, e.g. "sentiment") with a canned
answer (a dict, or a function of the prompt returning one), encoded to JSON and validated
by the task's real AnswerSpec, so a canned answer that breaks the schema fails like a
model's would. It records every prompt it was sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import msgspec

from adapters.cache.memory import MemoryCache
from adapters.llm.offline_client import OfflineLlmClient
from application.insights.insight_context import InsightContext
from application.llm.gateway import LlmGateway
from application.ports.llm import AnswerSpec, GenerationOptions, LlmClient, LlmReply, Prompt, Usage
from domain.contact_preferences import QuietHours
from tests.fakes import FakeClock, FakeDatabase
from tests.sql_mirror import MirroredCustomerViewQuery

T = TypeVar("T")
Script = Mapping[str, Any] | Callable[[Prompt], Mapping[str, Any]]
SCRIPTED_MODEL = "scripted"


class ScriptedLlmClient:
    """Canned answers per task; `prompts` keeps what was asked, in order."""

    def __init__(self, answers: Mapping[str, Script] | None = None) -> None:
        self.answers: dict[str, Script] = dict(answers or {})
        self.prompts: list[Prompt] = []

    @property
    def model(self) -> str:
        return SCRIPTED_MODEL

    @property
    def calls(self) -> int:
        return len(self.prompts)

    def tasks(self) -> list[str]:
        return [p.task for p in self.prompts]

    async def complete(
        self, prompt: Prompt, spec: AnswerSpec[T], options: GenerationOptions
    ) -> LlmReply[T]:
        self.prompts.append(prompt)
        script = self.answers[prompt.task.rsplit(".", 1)[0]]
        answer = script(prompt) if callable(script) else script
        raw = msgspec.json.encode(answer)
        return LlmReply(spec.decode(raw), raw, Usage(SCRIPTED_MODEL, 100, 50, 1.0))


def insight_context(
    db: FakeDatabase,
    clock: FakeClock,
    client: LlmClient | None = None,
    quiet_hours: QuietHours | None = None,
    shop_name: str = "Acme Repairs",
) -> InsightContext:
    """The use cases' context over fakes: a real LlmGateway on a MemoryCache, asking
    `client` (the offline client by default)."""
    gateway = LlmGateway(client or OfflineLlmClient(), MemoryCache(), ttl_seconds=3600)
    return InsightContext(
        views=MirroredCustomerViewQuery(db),
        llm=gateway,
        clock=clock,
        uow=db.uow,
        shop_name=shop_name,
        quiet_hours=quiet_hours or QuietHours(),
    )
