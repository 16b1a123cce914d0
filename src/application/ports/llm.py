"""LLM port: a rendered prompt and a JSON Schema in, a validated answer and its usage out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Prompt:
    """What the model reads: `system` and `user` parts rendered from a versioned template.

    `task` names the template (`timeline_summary.v1`); `grounding` is the customer's own
    data the answer must be built from (adapters that compute answers offline use it).
    """

    task: str
    system: str
    user: str
    grounding: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AnswerSpec(Generic[T]):
    """The answer's JSON Schema and the strict decoder that validates a reply against it."""

    name: str
    schema: Mapping[str, Any]
    decode: Callable[[bytes], T]


@dataclass(frozen=True, slots=True)
class GenerationOptions:
    temperature: float = 0.2
    max_tokens: int = 800


@dataclass(frozen=True, slots=True)
class Usage:
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: float


@dataclass(frozen=True, slots=True)
class LlmReply(Generic[T]):
    answer: T
    raw: bytes
    usage: Usage


class LlmClient(Protocol):
    """Asks a language model for an answer that satisfies `spec`; raises LlmError otherwise."""

    @property
    def model(self) -> str: ...

    async def complete(
        self, prompt: Prompt, spec: AnswerSpec[T], options: GenerationOptions
    ) -> LlmReply[T]: ...
