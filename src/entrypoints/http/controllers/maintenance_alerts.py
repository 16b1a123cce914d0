"""/maintenance-alerts: what the prediction pass raised; acknowledge or dismiss one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from litestar import Controller, post
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from application import maintenance_alerts as uc
from application.pagination import DUE_BEFORE
from domain.maintenance_alert import MAX_REASON, AlertStatus, MaintenanceAlert
from entrypoints.http.deps import ActorDep, ClockDep, PathId, Uow
from entrypoints.http.list_params import CUSTOMER_ID, QueryFilter, status_filter
from entrypoints.http.resource_controller import HttpResource, Move, resource_controller
from entrypoints.http.wire import In, Out, attributes_to, text_meta

DUE_BEFORE_FILTER = QueryFilter(
    "due_before",
    Annotated[
        date | None,
        QueryParameter(name="dueBefore", description="due on or before this date"),
    ],
    DUE_BEFORE,
)


class MaintenanceAlertOut(Out):
    id: int
    appliance_id: int
    customer_id: int
    due_date: date
    confidence: float
    reason: str
    status: AlertStatus
    dismiss_reason: str | None
    dismissed_at: datetime | None
    dismissed_by: int | None
    created_at: datetime
    updated_at: datetime


maintenance_alert_out = attributes_to(MaintenanceAlertOut)


Reason = Annotated[str, text_meta(MAX_REASON, required=True)]


class DismissAlertIn(In):
    reason: Reason


class MaintenanceAlertMoves(Controller):
    @post(
        "/{maintenance_alert_id:int}/dismiss",
        operation_id="dismissMaintenanceAlert",
        status_code=HTTP_200_OK,
    )
    async def dismiss(
        self,
        actor: ActorDep,
        maintenance_alert_id: PathId,
        data: JSONBody[DismissAlertIn],
        uow: Uow,
        clock: ClockDep,
    ) -> MaintenanceAlertOut:
        """OPEN or ACKNOWLEDGED → DISMISSED with a reason (409 once DONE or DISMISSED)."""
        alert = await uc.dismiss_alert(actor, uow, clock, maintenance_alert_id, data.reason)
        return maintenance_alert_out(alert)


MAINTENANCE_ALERTS: HttpResource[MaintenanceAlert] = HttpResource(
    singular="MaintenanceAlert",
    out=MaintenanceAlertOut,
    to_out=maintenance_alert_out,
    filters=(CUSTOMER_ID, status_filter(AlertStatus), DUE_BEFORE_FILTER),
    list=uc.list_maintenance_alerts,
    get=uc.get_maintenance_alert,
    moves=(
        Move(
            "acknowledge", uc.acknowledge_alert, "OPEN → ACKNOWLEDGED (409 from any other state)."
        ),
    ),
)
MaintenanceAlertController = resource_controller(MAINTENANCE_ALERTS, MaintenanceAlertMoves)
