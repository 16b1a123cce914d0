"""/appliances: a customer's machines; their service history is set by completing jobs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from application import appliances as uc
from application.appliances import NewAppliance
from application.read_models.customer_view import ApplianceItem
from domain.appliance import Appliance, ApplianceDetails
from entrypoints.http.list_params import CUSTOMER_ID
from entrypoints.http.resource_controller import HttpResource, resource_controller
from entrypoints.http.wire import (
    Id,
    In,
    Out,
    record_out,
    text_meta,
)
from entrypoints.http.wire_twins import customer_record

ApplianceName = Annotated[
    str, text_meta(100, required=True)
]  # the domain's limits (domain/appliance.py)
ApplianceDetail = Annotated[str, text_meta(100)]


class ApplianceIn(In):
    customer_id: Id
    type: ApplianceName
    brand: ApplianceDetail | None = None
    model_number: ApplianceDetail | None = None
    serial_number: ApplianceDetail | None = None
    installed_on: date | None = None

    def details(self) -> ApplianceDetails:
        return self.fields_into(ApplianceDetails)


class ApplianceCreateIn(ApplianceIn):
    last_service_date: datetime | None = None  # never after now; later moved by jobs only

    def details(self) -> NewAppliance:  # type: ignore[override]
        return NewAppliance(
            ApplianceDetails(
                self.customer_id,
                self.type,
                self.brand,
                self.model_number,
                self.serial_number,
                self.installed_on,
            ),
            self.last_service_date,
        )


ApplianceOut = customer_record(ApplianceItem, "ApplianceOut")


def appliance_out(a: Appliance) -> Out:
    return record_out(ApplianceOut, a)


APPLIANCES: HttpResource[Appliance] = HttpResource(
    singular="Appliance",
    out=ApplianceOut,
    to_out=appliance_out,
    filters=(CUSTOMER_ID,),
    body=ApplianceCreateIn,
    update_body=ApplianceIn,
    crud=uc.appliances,
    create=uc.create_appliance,
)
ApplianceController = resource_controller(APPLIANCES)
