"""The offline LlmClient: the embedded default when no API key is configured.

Answers are computed deterministically from the prompt's grounding data, validated against
the same schema as a model's reply, and marked `model = "offline"`.
"""

from __future__ import annotations

import time
from typing import TypeVar

import msgspec

from adapters.llm.offline_answers import BUILDERS
from application.llm.errors import LlmUnavailable
from application.ports.llm import AnswerSpec, GenerationOptions, LlmReply, Prompt, Usage

T = TypeVar("T")
OFFLINE_MODEL = "offline"


class OfflineLlmClient:
    @property
    def model(self) -> str:
        return OFFLINE_MODEL

    async def complete(
        self, prompt: Prompt, spec: AnswerSpec[T], options: GenerationOptions
    ) -> LlmReply[T]:
        started = time.perf_counter()
        builder = BUILDERS.get(prompt.task.rsplit(".", 1)[0])
        if builder is None:
            raise LlmUnavailable(f"the offline answerer has no rule for {prompt.task}")
        raw = msgspec.json.encode(builder(prompt.grounding))
        answer = spec.decode(raw)
        latency_ms = (time.perf_counter() - started) * 1000
        return LlmReply(answer, raw, Usage(OFFLINE_MODEL, 0, 0, latency_ms))
