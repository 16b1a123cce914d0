"""POST /customers/{id}/profitability-analysis: the SQL financials, explained by the model.

Every money figure comes from the Customer View's `financialSummary` (computed in SQL).
The model only explains them: the figures it states are compared with the computed ones
and replaced when they differ, and an explanation or recommendation citing an amount that
is not one of the customer's figures is replaced by a computed one. `corrected` says so.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec

from application.access import Actor
from application.insights.customer_grounding import GROUNDING_CAP, customer_facts, source_ids
from application.insights.insight_context import (
    InsightContext,
    cited_from,
    insight_view,
    prompt_values,
    with_answer,
)
from application.llm.answers import Profitability, StatedFigures
from application.llm.gateway import Insight
from application.llm.grounding_blocks import record
from application.llm.specs import spec_for
from application.read_models.customer_view import CustomerView
from application.read_models.financials import CustomerFinancials

SPEC = spec_for(Profitability)
TASK = "profitability.v1"
# A number in running text, with an optional currency symbol before or code/percent after.
NUMBER = re.compile(
    r"(?P<symbol>[$€£¥]\s?)?(?<![\w.])(?P<number>-?\d[\d,]*(?:\.\d+)?)(?![\d])"
    r"(?P<tail>\s?%|\s?[A-Z]{3}\b)?"
)
FIGURES = ("revenue", "expenses", "net")


class ProfitabilityResult(msgspec.Struct, kw_only=True):
    """The computed figures, the model's explanation of them, and whether it was corrected."""

    financials: CustomerFinancials
    analysis: Profitability
    corrected: bool
    corrections: list[str]


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def known_amounts(view: CustomerView) -> set[Decimal]:
    """Every amount the answer may mention: totals, breakdowns, payments and expenses."""
    fin = view.financials()
    texts: list[str] = []
    for totals in (fin, *fin.other_currencies, *fin.by_job):
        texts += [totals.revenue, totals.expenses, totals.net]
    texts += [m.amount for m in fin.by_payment_method]
    texts += [p.amount for p in view.payments] + [e.amount for e in view.expenses]
    amounts = {d for d in map(_decimal, texts) if d is not None}
    return amounts | {abs(a) for a in amounts}


def money_mentions(text: str) -> list[str]:
    """Amounts of money in running text: with a currency symbol or code, or two decimals
    (percentages, counts, years and dates are not money)."""
    found: list[str] = []
    for match in NUMBER.finditer(text):
        tail = (match.group("tail") or "").strip()
        number = match.group("number")
        if tail == "%":
            continue
        decimals = number.rsplit(".", 1)[1] if "." in number else ""
        if match.group("symbol") or tail or len(decimals) == 2:
            found.append(number)
    return found


def unknown_amounts(text: str, known: set[Decimal]) -> list[str]:
    return [m for m in money_mentions(text) if _decimal(m) not in known]


def computed_explanation(view: CustomerView) -> str:
    fin = view.financials()
    currency = fin.currency
    parts = [
        f"Revenue is {fin.revenue} {currency} from {len(view.payments)} payment(s) on "
        f"record; related expenses are {fin.expenses} {currency}, leaving a net of "
        f"{fin.net} {currency}."
    ]
    revenue, net = _decimal(fin.revenue), _decimal(fin.net)
    if revenue and net is not None:
        parts.append(f"That is a margin of {net * 100 / revenue:.1f}%.")
    for other in fin.other_currencies:
        parts.append(
            f"In {other.currency}: revenue {other.revenue}, expenses {other.expenses}, "
            f"net {other.net}."
        )
    return " ".join(parts)


def reconcile(answer: Profitability, view: CustomerView) -> tuple[Profitability, list[str]]:
    """The answer with the computed figures, and a note for each correction made."""
    fin = view.financials()
    stated = answer.figures
    corrections: list[str] = []
    if stated.currency.strip().upper() != fin.currency:
        corrections.append(f"currency: stated {stated.currency!r}, computed {fin.currency}")
    for name in FIGURES:
        said, computed = getattr(stated, name), getattr(fin, name)
        if _decimal(said) != _decimal(computed):
            corrections.append(f"{name}: stated {said!r}, computed {computed}")
    known = known_amounts(view)
    explanation = answer.explanation
    invented = unknown_amounts(explanation, known)
    if invented:
        corrections.append(
            f"explanation cited {', '.join(invented)}, not among the computed figures; "
            "replaced by the computed explanation"
        )
        explanation = computed_explanation(view)
    recommendations = []
    for recommendation in answer.recommendations:
        invented = unknown_amounts(recommendation, known)
        if invented:
            corrections.append(f"dropped a recommendation citing {', '.join(invented)}")
        else:
            recommendations.append(recommendation)
    figures = StatedFigures(
        currency=fin.currency, revenue=fin.revenue, expenses=fin.expenses, net=fin.net
    )
    corrected = msgspec.structs.replace(
        answer, figures=figures, explanation=explanation, recommendations=recommendations
    )
    return corrected, corrections


def _grounding(view: CustomerView) -> dict[str, Any]:
    facts = customer_facts(view)
    fin = view.financials()
    return {
        "customer": facts["customer"],
        "financials": record(fin),
        "jobs": [
            {"id": j["id"], "status": j["status"], "description": j["description"]}
            for j in facts["jobs"]
        ],
        "payments": facts["payments"],
        "expenses": [
            {
                "id": e.id,
                "jobId": e.job_id,
                "amount": e.amount,
                "currency": e.currency,
                "category": e.category,
                "description": e.description,
            }
            for e in view.expenses[:GROUNDING_CAP]
        ],
        "counts": facts["counts"],
    }


async def profitability_analysis(
    actor: Actor, ctx: InsightContext, customer_id: int
) -> Insight[ProfitabilityResult]:
    """Revenue, expenses and net from SQL, with the model's explanation and recommendations."""
    view = await insight_view(ctx, actor, customer_id)
    grounding = _grounding(view)
    allowed = source_ids(customer_facts(view)) | {
        f"expense:{e['id']}" for e in grounding["expenses"]
    }
    values = prompt_values(ctx, view, grounding)
    insight = await ctx.llm.ask(TASK, values, grounding, SPEC, cited_from(allowed))
    # Reconciled on every answer served (cached or not): the cache keeps what the model said.
    analysis, corrections = reconcile(insight.answer, view)
    result = ProfitabilityResult(
        financials=view.financials(),
        analysis=analysis,
        corrected=bool(corrections),
        corrections=corrections,
    )
    return with_answer(insight, result)
