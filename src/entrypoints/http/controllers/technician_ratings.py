"""/customers/{id}/technician-rating(s): how a customer rated the technicians of their jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar import Controller, post
from litestar.params import JSONBody

from application import technician_ratings as uc
from application.read_models.customer_view import TechnicianRatingItem
from entrypoints.http.deps import ActorDep, ClockDep, PathId, Uow
from entrypoints.http.list_params import PAGING_ONLY
from entrypoints.http.resource_controller import nested_list
from entrypoints.http.wire import Id, In, Out, Rating, attributes_to
from entrypoints.http.wire_twins import customer_record


class TechnicianRatingIn(In):
    technician_id: Id
    job_id: Id
    rating: Rating


if TYPE_CHECKING:
    TechnicianRatingOut = Out
else:
    TechnicianRatingOut = customer_record(TechnicianRatingItem, "TechnicianRatingOut")


technician_rating_out = attributes_to(TechnicianRatingOut)


class TechnicianRatingController(Controller):
    """A second controller on the /customers prefix, for the customer's ratings."""

    path = "/customers"
    tags = ["customers"]
    dependencies = PAGING_ONLY

    list_ = nested_list(
        "/{customer_id:int}/technician-ratings",
        "listCustomerTechnicianRatings",
        "customer_id",
        TechnicianRatingOut,
        technician_rating_out,
        uc.list_technician_ratings,
    )

    @post("/{customer_id:int}/technician-rating", operation_id="rateCustomerTechnician")
    async def rate(
        self,
        actor: ActorDep,
        customer_id: PathId,
        data: JSONBody[TechnicianRatingIn],
        uow: Uow,
        clock: ClockDep,
    ) -> TechnicianRatingOut:
        """Record the customer's 1-5 rating of the technician who did one of their jobs."""
        rated = await uc.rate_technician(
            actor,
            uow,
            clock,
            customer_id=customer_id,
            technician_id=data.technician_id,
            job_id=data.job_id,
            rating=data.rating,
        )
        return technician_rating_out(rated)
