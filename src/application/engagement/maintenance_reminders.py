"""Predictive maintenance: keep one alert per appliance current, and remind customers
whose appliance comes due within the horizon."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from itertools import groupby

from application.access import SYSTEM
from application.engagement.engagement_context import EngagementContext, log
from application.engagement.reminder_wording import reminder_wording
from application.insights.maintenance_prediction import predict_customer_maintenance
from application.llm.answers import MaintenancePredictions
from application.llm.errors import LlmInvalidReply
from application.outbox.enqueue import enqueue
from application.ports.engagement import MaintenanceCandidate
from application.ports.unit_of_work import UnitOfWork
from domain.appliance import Appliance
from domain.customer import Customer
from domain.errors import Conflict, NotFound, ValidationFailed
from domain.maintenance_alert import MaintenanceAlert, Prediction
from domain.maintenance_interval import estimate_due
from domain.messaging.message import Purpose, compose


def predictions_by_appliance(answer: MaintenancePredictions) -> dict[int, Prediction]:
    """The answer's predictions that are valid, by appliance id."""
    result: dict[int, Prediction] = {}
    for p in answer.predictions:
        try:
            prediction = Prediction(date.fromisoformat(p.due_date), p.confidence, p.reason)
            result[p.appliance_id] = prediction.validated()
        except (ValueError, ValidationFailed):  # ValidationFailed is no ValueError
            continue
    return result


def service_interval_prediction(appliance: Appliance, today: date) -> Prediction:
    """The deterministic estimate (service interval per kind), when the model gave none."""
    last = appliance.last_service_date
    estimate = estimate_due(
        appliance.details.type,
        appliance.details.installed_on,
        last.date() if last is not None else None,
        today,
    )
    return Prediction(estimate.due, estimate.confidence, estimate.reason)


def reminder_text(
    customer: Customer, appliance: Appliance, alert: MaintenanceAlert, shop: str
) -> tuple[str, str]:
    """(language, text): in the customer's language, English when it is not supported."""
    d = appliance.details
    what = " ".join(x for x in (d.brand, d.type) if x)
    return reminder_wording(
        customer.preferences.language, customer.details.name, what, alert.due_date.isoformat(), shop
    )


async def refresh_maintenance_alerts(ctx: EngagementContext) -> int:
    """Predict (again) the appliances without an alert or changed since theirs, using the
    maintenance prediction use case (the service-interval table for any appliance it
    leaves out), and queue a MARKETING reminder, keyed `maintenance:{appliance}:{due}`,
    for each alert not DONE that falls due within `maintenance_horizon`, in the same unit
    of work as the alert, in the customer's language and PENDING_APPROVAL (unless MARKETING
    is auto-approved). Customers without marketing consent get alerts, no reminders.

    Idempotent: a second run selects nothing new (alerts are assessed after their
    appliance last changed; a reminder's key is taken). Returns alerts created or changed
    plus reminders queued.
    """
    now = ctx.clock.now()
    horizon_end = now.date() + ctx.maintenance_horizon  # whole days count
    candidates = await ctx.queries.appliances_for_maintenance(horizon_end)
    candidates.sort(key=lambda c: (c.customer_id, c.appliance_id))
    written = 0
    for customer_id, group in groupby(candidates, key=lambda c: c.customer_id):
        written += await _refresh_customer(ctx, customer_id, list(group), horizon_end)
    return written


async def _predict(ctx: EngagementContext, customer_id: int) -> dict[int, Prediction]:
    try:
        insight = await predict_customer_maintenance(SYSTEM, ctx.insights, customer_id)
    except (LlmInvalidReply, NotFound) as exc:
        log.warning("maintenance predictions for customer %s fell back: %s", customer_id, exc)
        return {}
    return predictions_by_appliance(insight.answer)


async def _refresh_customer(
    ctx: EngagementContext,
    customer_id: int,
    group: Sequence[MaintenanceCandidate],
    horizon_end: date,
) -> int:
    predictions = await _predict(ctx, customer_id) if any(c.predict for c in group) else {}
    now = ctx.clock.now()
    try:
        async with ctx.uow() as uow:
            customer = await uow.customers.get(customer_id)
            if customer is None:
                return 0
            alerts = await uow.maintenance_alerts.for_appliances([c.appliance_id for c in group])
            written = 0
            for candidate in group:
                appliance = await uow.appliances.get(candidate.appliance_id)
                if appliance is None:
                    continue
                alert = alerts.get(candidate.appliance_id)
                if candidate.predict:
                    prediction = predictions.get(candidate.appliance_id)
                    if prediction is None:
                        prediction = service_interval_prediction(appliance, now.date())
                    alert, changed = await _store(uow, alert, appliance, prediction, now)
                    written += changed
                if alert is not None and alert.wants_reminder(horizon_end):
                    written += await _remind(ctx, uow, customer, appliance, alert, now)
            await uow.commit()
    except Conflict:  # a racing run wrote this customer's alerts or reminders first
        log.info("maintenance for customer %s already handled", customer_id)
        return 0
    return written


async def _store(
    uow: UnitOfWork,
    alert: MaintenanceAlert | None,
    appliance: Appliance,
    prediction: Prediction,
    now: datetime,
) -> tuple[MaintenanceAlert, bool]:
    assert appliance.id is not None
    if alert is None:
        alert = MaintenanceAlert.raise_for(
            appliance.id, appliance.details.customer_id, prediction, now
        )
        return await uow.maintenance_alerts.add(alert), True
    changed = alert.revise(prediction, now)
    await uow.maintenance_alerts.update(alert)  # also when unchanged: records the assessment
    return alert, changed


async def _remind(
    ctx: EngagementContext,
    uow: UnitOfWork,
    customer: Customer,
    appliance: Appliance,
    alert: MaintenanceAlert,
    now: datetime,
) -> int:
    if not customer.marketing_consent:
        return 0
    language, text = reminder_text(customer, appliance, alert, ctx.insights.shop_name)
    try:
        message = compose(customer, Purpose.MARKETING, text, alert.reminder_key(), now, now)
    except ValidationFailed as exc:  # no contact detail for the customer's channel
        log.info("no maintenance reminder for customer %s: %s", customer.id, exc)
        return 0
    message.language = language
    message.hold_for_approval(ctx.auto_approved)  # its due date is an insight's answer
    message.scheduled_for = ctx.first_slot(customer, message, now)
    stored = await enqueue(uow.messages, message)
    return 1 if stored is message else 0
