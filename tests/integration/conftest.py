"""Fixtures of the integration tests: the fake OpenAI-compatible server."""

from __future__ import annotations

from tests.integration.fake_openai import fake_openai

__all__ = ["fake_openai"]
