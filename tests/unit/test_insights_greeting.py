"""Greetings: the domain decides the occasion; the model only writes, in the customer's
language; with no occasion the model is not asked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from application.access import SYSTEM
from application.insights.greeting_writer import generate_greeting
from application.llm.errors import LlmInvalidReply
from domain.greeting_occasion import Occasion
from tests.fakes import FakeClock, FakeDatabase
from tests.llm_fakes import ScriptedLlmClient, insight_context
from tests.unit.builders import a_completed_job, a_customer, a_technician
from tests.unit.insight_data import set_preferences

JUNE = datetime(2024, 6, 15, 18, 0, tzinfo=UTC)


async def test_no_occasion_means_no_model_call(db: FakeDatabase, clock: FakeClock) -> None:
    clock.set(JUNE - timedelta(days=100))
    customer_id = await a_customer(db, clock)
    clock.set(JUNE)
    client = ScriptedLlmClient()
    insight = await generate_greeting(SYSTEM, insight_context(db, clock, client), customer_id)
    assert insight.answer.occasion is Occasion.NONE and insight.answer.text is None
    assert (insight.model, insight.usage, insight.generated_at) == ("none", None, JUNE)
    assert client.calls == 0


async def test_a_thank_you_in_the_customers_language(db: FakeDatabase, clock: FakeClock) -> None:
    clock.set(JUNE - timedelta(days=100))
    customer_id = await a_customer(db, clock)
    await set_preferences(db, customer_id, language="es-MX")
    clock.set(JUNE - timedelta(days=2))
    tech = await a_technician(db, clock, name="Grace")
    job_id = await a_completed_job(db, clock, customer_id, technician_id=tech)
    clock.set(JUNE)
    client = ScriptedLlmClient(
        {"greeting": {"language": "es-MX", "text": "  ¡Gracias, Ada, por confiar en nosotros!  "}}
    )
    insight = await generate_greeting(SYSTEM, insight_context(db, clock, client), customer_id)
    assert insight.answer.occasion is Occasion.THANK_YOU
    assert (insight.answer.language, insight.language_fallback) == ("es-MX", None)
    assert insight.sources == (f"customer:{customer_id}", f"job:{job_id}")
    assert insight.answer.text == "¡Gracias, Ada, por confiar en nosotros!"
    assert insight.prompt_version == "greeting.v1" and insight.model == "scripted"
    prompt = client.prompts[0]
    assert "THANK_YOU" in prompt.user and "es-MX" in prompt.system
    assert prompt.grounding["job"]["id"] == job_id


async def test_offline_greeting_uses_the_language_table(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock, name="Jean Dupont")
    await set_preferences(db, customer_id, language="fr-CA")
    insight = await generate_greeting(SYSTEM, insight_context(db, clock), customer_id)
    assert insight.answer.occasion is Occasion.NEW_CUSTOMER_WELCOME
    assert insight.model == "offline"
    assert insight.answer.language == "fr-CA"
    assert insight.answer.text is not None
    assert insight.answer.text.startswith("Bienvenue chez Acme Repairs, Jean Dupont")


async def test_offline_greeting_falls_back_to_english_and_says_so(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    await set_preferences(db, customer_id, language="ja")
    insight = await generate_greeting(SYSTEM, insight_context(db, clock), customer_id)
    assert (insight.answer.language, insight.language_fallback) == ("en", "en")
    assert insight.answer.text is not None
    assert insight.answer.text.startswith("Welcome to Acme Repairs")


async def test_an_anniversary_counts_the_years(db: FakeDatabase, clock: FakeClock) -> None:
    clock.set(datetime(2021, 6, 1, tzinfo=UTC))
    customer_id = await a_customer(db, clock)
    clock.set(datetime(2021, 6, 16, 15, tzinfo=UTC))
    await a_completed_job(db, clock, customer_id, technician_id=await a_technician(db, clock))
    clock.set(JUNE)
    insight = await generate_greeting(SYSTEM, insight_context(db, clock), customer_id)
    assert insight.answer.occasion is Occasion.SERVICE_ANNIVERSARY
    assert "3 year(s)" in (insight.answer.text or "")


async def test_a_blank_greeting_is_refused(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id = await a_customer(db, clock)
    client = ScriptedLlmClient({"greeting": {"language": "en", "text": "   "}})
    with pytest.raises(LlmInvalidReply):
        await generate_greeting(SYSTEM, insight_context(db, clock, client), customer_id)


async def test_a_model_is_asked_for_english_when_the_language_is_not_supported(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    await set_preferences(db, customer_id, language="ja")
    client = ScriptedLlmClient({"greeting": {"language": "en", "text": "Welcome, Ada!"}})
    insight = await generate_greeting(SYSTEM, insight_context(db, clock, client), customer_id)
    prompt = client.prompts[0]
    assert "language: en" in prompt.user and "ja" not in prompt.system
    assert prompt.grounding["language"] == "en"
    assert (insight.answer.language, insight.language_fallback) == ("en", "en")
