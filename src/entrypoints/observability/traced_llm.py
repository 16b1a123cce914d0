"""An LlmClient around the real one: each call to the model is a span."""

from __future__ import annotations

from typing import TypeVar

from opentelemetry.trace import SpanKind

from application.ports.llm import AnswerSpec, GenerationOptions, LlmClient, LlmReply, Prompt
from entrypoints.observability.tracing import span

T = TypeVar("T")


class TracedLlmClient:
    def __init__(self, inner: LlmClient) -> None:
        self._inner = inner

    @property
    def model(self) -> str:
        return self._inner.model

    async def complete(
        self, prompt: Prompt, spec: AnswerSpec[T], options: GenerationOptions
    ) -> LlmReply[T]:
        attributes = {"gen_ai.request.model": self._inner.model, "fieldcrm.llm.task": prompt.task}
        with span("llm.complete", attributes, kind=SpanKind.CLIENT) as current:
            reply = await self._inner.complete(prompt, spec, options)
            current.set_attribute("gen_ai.usage.input_tokens", reply.usage.prompt_tokens)
            current.set_attribute("gen_ai.usage.output_tokens", reply.usage.completion_tokens)
            return reply
