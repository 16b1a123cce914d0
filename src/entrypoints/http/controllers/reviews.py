"""/reviews: a customer's review of one completed job."""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar import Controller, post
from litestar.params import JSONBody

from application import reviews as uc
from application.read_models.customer_view import ReviewItem
from domain.review import Review
from entrypoints.http.deps import ActorDep, ClockDep, Uow
from entrypoints.http.list_params import CUSTOMER_ID, JOB_ID, TECHNICIAN_ID
from entrypoints.http.resource_controller import HttpResource, resource_controller
from entrypoints.http.wire import (
    Id,
    In,
    LongText,
    Out,
    Rating,
    attributes_to,
)
from entrypoints.http.wire_twins import CUSTOMER_LINK, view_record


class ReviewIn(In):
    job_id: Id
    customer_id: Id
    rating: Rating
    technician_id: Id | None = None
    comment: LongText | None = None


if TYPE_CHECKING:
    ReviewOut = Out
else:
    ReviewOut = view_record(ReviewItem, "ReviewOut", {"job_id": (CUSTOMER_LINK,)})


review_out = attributes_to(ReviewOut)


class ReviewCreate(Controller):
    @post("/", operation_id="createReview")
    async def create(
        self, actor: ActorDep, data: JSONBody[ReviewIn], uow: Uow, clock: ClockDep
    ) -> ReviewOut:
        review = await uc.create_review(
            actor,
            uow,
            clock,
            job_id=data.job_id,
            customer_id=data.customer_id,
            technician_id=data.technician_id,
            rating=data.rating,
            comment=data.comment,
        )
        return review_out(review)


REVIEWS: HttpResource[Review] = HttpResource(
    singular="Review",
    out=ReviewOut,
    to_out=review_out,
    filters=(JOB_ID, CUSTOMER_ID, TECHNICIAN_ID),
    list=uc.list_reviews,
)
ReviewController = resource_controller(REVIEWS, ReviewCreate)
