"""Errors of the LLM path; entrypoints map them to 502 / 503 problem details."""

from __future__ import annotations


class LlmError(Exception):
    """The model could not give a usable answer."""


class LlmUnavailable(LlmError):
    """Timeout, connection failure or 5xx from the provider, after retries."""


class LlmRateLimited(LlmError):
    """The provider asked us to slow down."""

    def __init__(self, message: str, retry_after_seconds: int | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class LlmInvalidReply(LlmError):
    """The reply did not satisfy the answer's schema or its grounding checks."""


class TemplateError(Exception):
    """A prompt template is missing or was rendered without one of its placeholders."""
