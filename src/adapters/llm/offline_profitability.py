"""Offline profitability explanation: margin, best job, largest expense, and one
recommendation, from the customer's financials."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any


def profitability(g: Mapping[str, Any]) -> dict[str, Any]:
    fin, payments, expenses = g["financials"], g["payments"], g["expenses"]
    cur = fin["currency"]
    parts = [
        f"Revenue is {fin['revenue']} {cur} from {len(payments)} payment(s) on record; related "
        f"expenses are {fin['expenses']} {cur}, leaving a net of {fin['net']} {cur}."
    ]
    revenue, net = Decimal(fin["revenue"]), Decimal(fin["net"])
    if revenue:
        parts.append(f"That is a margin of {net * 100 / revenue:.1f}%.")
    jobs = [j for j in fin["byJob"] if j["currency"] == cur]
    if jobs:
        best = max(jobs, key=lambda j: (Decimal(j["net"]), -j["jobId"]))
        parts.append(f"Job #{best['jobId']} contributed the most: net {best['net']} {cur}.")
    if expenses:
        top = max(expenses, key=lambda e: (Decimal(e["amount"]), -e["id"]))
        parts.append(
            f"The largest expense is {top['amount']} {top['currency']} ({top['category']})."
        )
    for other in fin["otherCurrencies"]:
        parts.append(
            f"In {other['currency']}: revenue {other['revenue']}, expenses "
            f"{other['expenses']}, net {other['net']}."
        )
    recommendations: list[str] = []
    if not payments:
        recommendations.append("No payments are recorded yet: check for unbilled work.")
    elif net < 0:
        recommendations.append("Expenses exceed revenue: review pricing and parts costs.")
    elif revenue and net * 5 < revenue:
        recommendations.append("The margin is below 20%: review labour and parts pricing.")
    else:
        recommendations.append("The customer is profitable: offer a maintenance plan.")
    if fin["otherCurrencies"]:
        recommendations.append("Payments in several currencies: figures are kept apart.")
    sources = [f"customer:{g['customer']['id']}"]
    sources += [f"payment:{p['id']}" for p in payments[:10]]
    sources += [f"expense:{e['id']}" for e in expenses[:10]]
    return {
        "figures": {
            "currency": cur,
            "revenue": fin["revenue"],
            "expenses": fin["expenses"],
            "net": fin["net"],
        },
        "explanation": " ".join(parts),
        "recommendations": recommendations,
        "sources": sources,
    }
