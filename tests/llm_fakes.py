"""Fakes for the LLM use cases: a scripted LlmClient and a Customer View over a FakeDatabase.

`ScriptedLlmClient` answers each task (template name, e.g. "sentiment") with a canned
answer (a dict, or a function of the prompt returning one), encoded to JSON and validated
by the task's real AnswerSpec, so a canned answer that breaks the schema fails like a
model's would. It records every prompt it was sent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import msgspec

from adapters.cache.memory import MemoryCache
from adapters.llm.offline_client import OfflineLlmClient
from adapters.sqlalchemy.financial_sums import (
    Sum,
    job_totals,
    main_and_others,
    method_totals,
    totals,
)
from adapters.sqlalchemy.money_columns import to_minor
from application.insights.context import InsightContext
from application.llm.gateway import LlmGateway
from application.ports.llm import AnswerSpec, GenerationOptions, LlmClient, LlmReply, Prompt, Usage
from application.read_models.customer_view import (
    ApplianceItem,
    CollectionInfo,
    CustomerView,
    ExpenseItem,
    FollowUpItem,
    JobItem,
    PaymentItem,
    Ref,
    ReviewItem,
    TechnicianRatingItem,
)
from application.read_models.financials import CustomerFinancials
from domain.contact_preferences import QuietHours
from domain.money import Money
from tests.fakes import FakeClock, FakeDatabase

T = TypeVar("T")
Script = Mapping[str, Any] | Callable[[Prompt], Mapping[str, Any]]
SCRIPTED_MODEL = "scripted"


class ScriptedLlmClient:
    """Canned answers per task; `prompts` keeps what was asked, in order."""

    def __init__(self, answers: Mapping[str, Script] | None = None) -> None:
        self.answers: dict[str, Script] = dict(answers or {})
        self.prompts: list[Prompt] = []

    @property
    def model(self) -> str:
        return SCRIPTED_MODEL

    @property
    def calls(self) -> int:
        return len(self.prompts)

    def tasks(self) -> list[str]:
        return [p.task for p in self.prompts]

    async def complete(
        self, prompt: Prompt, spec: AnswerSpec[T], options: GenerationOptions
    ) -> LlmReply[T]:
        self.prompts.append(prompt)
        script = self.answers[prompt.task.rsplit(".", 1)[0]]
        answer = script(prompt) if callable(script) else script
        raw = msgspec.json.encode(answer)
        return LlmReply(spec.decode(raw), raw, Usage(SCRIPTED_MODEL, 100, 50, 1.0))


def _money(money: Money) -> str:
    return format(money.amount, "f")


class FakeCustomerViewQuery:
    """The Customer View assembled in Python from a FakeDatabase's committed rows, with the
    SQL adapter's ordering (newest first) and the same financial rules."""

    def __init__(self, db: FakeDatabase, default_currency: str = "USD") -> None:
        self.db = db
        self.default_currency = default_currency
        self.calls = 0

    async def customer_view(
        self, customer_id: int, cap: int, uow: object | None = None
    ) -> CustomerView | None:
        self.calls += 1
        t = self.db.tables
        customer = t["customers"].get(customer_id)
        if customer is None:
            return None
        technicians = t["technicians"]
        jobs = [j for j in t["jobs"].values() if j.details.customer_id == customer_id]
        job_ids = {j.id for j in jobs}
        payments = [p for p in t["payments"].values() if p.details.customer_id == customer_id]
        expenses = [
            e
            for e in t["expenses"].values()
            if e.details.customer_id == customer_id or e.details.job_id in job_ids
        ]
        reviews = [r for r in t["reviews"].values() if r.customer_id == customer_id]
        ratings = [r for r in t["technician_ratings"].values() if r.customer_id == customer_id]
        follow_ups = [f for f in t["follow_ups"].values() if f.customer_id == customer_id]
        appliances = [a for a in t["appliances"].values() if a.details.customer_id == customer_id]
        referrals = [c for c in t["customers"].values() if c.referred_by_id == customer_id]

        def expense_item(e: Any) -> ExpenseItem:
            d = e.details
            return ExpenseItem(
                id=e.id,
                customer_id=d.customer_id,
                job_id=d.job_id,
                amount=_money(d.amount),
                currency=d.amount.currency,
                category=d.category,
                description=d.description,
                incurred_at=d.incurred_at,
                created_at=e.created_at,
            )

        def review_item(r: Any) -> ReviewItem:
            return ReviewItem(
                id=r.id,
                job_id=r.job_id,
                technician_id=r.technician_id,
                rating=r.rating,
                comment=r.comment,
                created_at=r.created_at,
            )

        def ref(technician_id: int | None) -> Ref | None:
            if technician_id is None or technician_id not in technicians:
                return None
            return Ref(id=technician_id, name=technicians[technician_id].details.name)

        job_items = [
            JobItem(
                id=j.id,
                technician_id=j.details.technician_id,
                technician=ref(j.details.technician_id),
                description=j.details.description,
                appliance=j.details.appliance,
                appliance_id=j.details.appliance_id,
                notes=j.details.notes,
                scheduled_for=j.details.scheduled_for,
                status=j.status.value,
                started_at=j.started_at,
                completion_date=j.completion_date,
                cancelled_at=j.cancelled_at,
                created_at=j.created_at,
                reviews=[review_item(r) for r in reviews if r.job_id == j.id],
                expenses=[expense_item(e) for e in expenses if e.details.job_id == j.id],
            )
            for j in sorted(jobs, key=lambda j: (j.details.scheduled_for, j.id), reverse=True)
        ]
        payment_items = [
            PaymentItem(
                id=p.id,
                job_id=p.details.job_id,
                amount=_money(p.details.amount),
                currency=p.details.amount.currency,
                payment_method=p.details.payment_method.value,
                reference=p.details.reference,
                paid_at=p.details.paid_at,
                created_at=p.created_at,
            )
            for p in sorted(payments, key=lambda p: (p.details.paid_at, p.id), reverse=True)
        ]
        expense_items = [
            expense_item(e)
            for e in sorted(expenses, key=lambda e: (e.details.incurred_at, e.id), reverse=True)
        ]
        appliance_items = [
            ApplianceItem(
                id=a.id,
                type=a.details.type,
                brand=a.details.brand,
                model_number=a.details.model_number,
                serial_number=a.details.serial_number,
                installed_on=a.details.installed_on,
                last_service_date=a.last_service_date,
                job_id=a.job_id,
                created_at=a.created_at,
                updated_at=a.updated_at,
            )
            for a in sorted(appliances, key=lambda a: (a.created_at, a.id), reverse=True)
        ]
        review_items = [
            review_item(r)
            for r in sorted(reviews, key=lambda r: (r.created_at, r.id), reverse=True)
        ]
        rating_items = [
            TechnicianRatingItem(
                id=r.id,
                technician_id=r.technician_id,
                job_id=r.job_id,
                rating=r.rating,
                created_at=r.created_at,
            )
            for r in sorted(ratings, key=lambda r: (r.created_at, r.id), reverse=True)
        ]
        follow_up_items = [
            FollowUpItem(
                id=f.id,
                job_id=f.job_id,
                status=f.status.value,
                satisfaction_rating=f.satisfaction_rating,
                feedback=f.feedback,
                follow_up_date=f.follow_up_date,
                created_at=f.created_at,
            )
            for f in sorted(follow_ups, key=lambda f: (f.created_at, f.id), reverse=True)
        ]
        referral_refs = [
            Ref(id=c.id, name=c.details.name) for c in sorted(referrals, key=lambda c: -c.id)
        ]
        collections = {
            "payments": payment_items,
            "expenses": expense_items,
            "appliances": appliance_items,
            "jobs": job_items,
            "reviews": review_items,
            "referrals": referral_refs,
            "customerTechnicianRatings": rating_items,
            "followUps": follow_up_items,
        }
        p = customer.preferences
        preferred = ref(customer.preferred_technician_id)
        referrer = t["customers"].get(customer.referred_by_id) if customer.referred_by_id else None
        return CustomerView(
            id=customer.id,
            name=customer.details.name,
            phone=customer.details.phone,
            email=customer.details.email,
            address=customer.details.address,
            time_zone=customer.details.time_zone,
            notes=customer.details.notes,
            created_at=customer.created_at,
            referral_code=customer.referral_code,
            preferred_contact_method=p.method.value if p.method else None,
            preferred_contact_times=p.times.to_document() if p.times else None,
            communication_frequency_preference=p.frequency.value if p.frequency else None,
            language_preference=p.language,
            marketing_consent=customer.marketing_consent,
            referred_by=Ref(id=referrer.id, name=referrer.details.name) if referrer else None,
            preferred_technician=preferred,
            payments=payment_items[:cap],
            expenses=expense_items[:cap],
            appliances=appliance_items[:cap],
            jobs=job_items[:cap],
            reviews=review_items[:cap],
            referrals=referral_refs[:cap],
            customer_technician_ratings=rating_items[:cap],
            follow_ups=follow_up_items[:cap],
            collections={
                name: CollectionInfo(
                    total=len(items), returned=min(len(items), cap), truncated=len(items) > cap
                )
                for name, items in collections.items()
            },
            financial_summary=self._financials(customer_id, payments, expenses),
        )

    def _financials(
        self, customer_id: int, payments: list[Any], expenses: list[Any]
    ) -> CustomerFinancials:
        def sums(rows: list[Any], key: Callable[[Any], Any] = lambda _: None) -> list[Sum]:
            grouped: dict[tuple[Any, str], list[int]] = defaultdict(lambda: [0, 0])
            for row in rows:
                entry = grouped[(key(row), row.details.amount.currency)]
                entry[0] += to_minor(row.details.amount)
                entry[1] += 1
            return [Sum(cur, minor, k, n) for (k, cur), (minor, n) in grouped.items()]

        main, others = main_and_others(
            totals(sums(payments), sums(expenses)), self.default_currency
        )
        by_job = lambda row: row.details.job_id  # noqa: E731
        return CustomerFinancials(
            customer_id=customer_id,
            currency=main.currency,
            revenue=main.revenue,
            expenses=main.expenses,
            net=main.net,
            other_currencies=others,
            by_payment_method=method_totals(
                sums(payments, lambda row: row.details.payment_method.value)
            ),
            by_job=job_totals(
                sums([p for p in payments if p.details.job_id is not None], by_job),
                sums([e for e in expenses if e.details.job_id is not None], by_job),
            ),
        )


def insight_context(
    db: FakeDatabase,
    clock: FakeClock,
    client: LlmClient | None = None,
    quiet_hours: QuietHours | None = None,
    shop_name: str = "Acme Repairs",
) -> InsightContext:
    """The use cases' context over fakes: a real LlmGateway on a MemoryCache, asking
    `client` (the offline client by default)."""
    gateway = LlmGateway(client or OfflineLlmClient(), MemoryCache(), ttl_seconds=3600)
    return InsightContext(
        views=FakeCustomerViewQuery(db),
        llm=gateway,
        clock=clock,
        uow=db.uow,
        shop_name=shop_name,
        quiet_hours=quiet_hours or QuietHours(),
    )
