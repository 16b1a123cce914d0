"""LlmMeter: where the LLM gateway reports each answer it gives (for the metrics)."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol


class LlmMeter(Protocol):
    """Told once per answer: the task, whether it came from the cache or offline, the
    tokens used, the model's latency and the estimated cost."""

    def answered(
        self,
        task: str,
        cached: bool,
        degraded: bool,
        prompt_tokens: int,
        completion_tokens: int,
        latency_ms: float,
        cost: Decimal,
    ) -> None: ...
