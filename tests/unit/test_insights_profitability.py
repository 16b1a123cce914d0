"""Profitability: money figures come from SQL; a model that states others is corrected."""

from __future__ import annotations

from typing import Any

from application import expenses, payments
from application.access import SYSTEM
from application.insights.profitability import money_mentions, profitability_analysis
from tests.fakes import FakeClock, FakeDatabase
from tests.llm_fakes import ScriptedLlmClient, insight_context
from tests.unit.builders import a_completed_job, a_customer, expense_details, payment_details, usd


async def a_customer_with_money(db: FakeDatabase, clock: FakeClock) -> tuple[int, int]:
    customer_id = await a_customer(db, clock)
    job_id = await a_completed_job(db, clock, customer_id)
    await payments.create_payment(
        SYSTEM, db.uow(), clock, payment_details(customer_id, job_id=job_id, amount=usd("125.50"))
    )
    await expenses.create_expense(
        SYSTEM, db.uow(), clock, expense_details(job_id=job_id, amount=usd("40.00"))
    )
    return customer_id, job_id


def stated(**figures: str) -> dict[str, Any]:
    return {
        "figures": {"currency": "USD", "revenue": "125.50", "expenses": "40.00", "net": "85.50"}
        | figures,
        "explanation": "Revenue of 125.50 USD against 40.00 USD of parts leaves 85.50 USD.",
        "recommendations": ["Offer a maintenance plan."],
        "sources": ["job:1", "payment:1", "expense:1", "invoice:9"],
    }


async def test_a_wrong_figure_is_replaced_by_the_computed_one(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id, _ = await a_customer_with_money(db, clock)
    client = ScriptedLlmClient({"profitability": stated(revenue="999.00", net="959.00")})
    insight = await profitability_analysis(SYSTEM, insight_context(db, clock, client), customer_id)
    result = insight.answer
    figures = result.analysis.figures
    assert (figures.currency, figures.revenue, figures.expenses, figures.net) == (
        "USD",
        "125.50",
        "40.00",
        "85.50",
    )
    assert result.corrected
    assert any("revenue" in c and "999.00" in c for c in result.corrections)
    assert any(c.startswith("net") for c in result.corrections)
    assert result.financials.revenue == "125.50" and result.financials.net == "85.50"
    assert result.analysis.sources == ["job:1", "payment:1", "expense:1"]


async def test_the_correction_holds_for_a_cached_answer(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id, _ = await a_customer_with_money(db, clock)
    client = ScriptedLlmClient({"profitability": stated(expenses="1.00")})
    ctx = insight_context(db, clock, client)
    await profitability_analysis(SYSTEM, ctx, customer_id)
    again = await profitability_analysis(SYSTEM, ctx, customer_id)
    assert again.cached and client.calls == 1
    assert again.answer.corrected and again.answer.analysis.figures.expenses == "40.00"


async def test_an_invented_amount_in_the_explanation_is_replaced(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id, _ = await a_customer_with_money(db, clock)
    answer = stated()
    answer["explanation"] = "They paid $1,250.00 in total, a 68.1% margin."
    answer["recommendations"] = ["Charge 30.00 USD more per visit.", "Keep them happy."]
    client = ScriptedLlmClient({"profitability": answer})
    result = (
        await profitability_analysis(SYSTEM, insight_context(db, clock, client), customer_id)
    ).answer
    assert result.corrected
    assert "1,250.00" not in result.analysis.explanation
    assert "125.50 USD" in result.analysis.explanation
    assert result.analysis.recommendations == ["Keep them happy."]


async def test_correct_figures_are_not_flagged(db: FakeDatabase, clock: FakeClock) -> None:
    customer_id, _ = await a_customer_with_money(db, clock)
    client = ScriptedLlmClient({"profitability": stated(revenue="125.5")})
    result = (
        await profitability_analysis(SYSTEM, insight_context(db, clock, client), customer_id)
    ).answer
    assert not result.corrected and result.corrections == []


async def test_offline_explanation_uses_only_computed_figures(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id, job_id = await a_customer_with_money(db, clock)
    insight = await profitability_analysis(SYSTEM, insight_context(db, clock), customer_id)
    result = insight.answer
    assert insight.model == "offline" and not result.corrected
    assert "125.50 USD" in result.analysis.explanation
    assert f"Job #{job_id}" in result.analysis.explanation
    assert "68.1%" in result.analysis.explanation


async def test_a_customer_without_money_has_zero_figures(
    db: FakeDatabase, clock: FakeClock
) -> None:
    customer_id = await a_customer(db, clock)
    result = (await profitability_analysis(SYSTEM, insight_context(db, clock), customer_id)).answer
    assert result.analysis.figures.revenue == "0.00" and not result.corrected
    assert "No payments" in result.analysis.recommendations[0]


def test_money_mentions() -> None:
    text = "Paid $1,250.00 and 40.00 USD on 2024-03-01 for 3 jobs; margin 68.10%; 12 EUR."
    assert money_mentions(text) == ["1,250.00", "40.00", "12"]
