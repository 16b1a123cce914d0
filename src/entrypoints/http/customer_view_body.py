"""The Customer View's response body: the database's document sent on as it is.

The staff view arrives as JSON text with the wire's keys (`CustomerViewDocument`); only the
financial summary is encoded here and appended as its last member, `financialSummary`, where
the encoded `CustomerView` twin has it. A technician's slice is a `CustomerView`, encoded as
any response is. Both give the same document for the same data (tests/contract/
test_customer_view_document.py).
"""

from __future__ import annotations

import msgspec
from litestar import Response
from litestar.enums import MediaType

from application.read_models.customer_view import CustomerView, CustomerViewDocument
from entrypoints.http.wire_twins import to_wire

_ENCODER = msgspec.json.Encoder()


def customer_view_body(answer: CustomerView | CustomerViewDocument) -> bytes:
    """The JSON body clients get for `answer`."""
    if isinstance(answer, CustomerView):
        return _ENCODER.encode(to_wire(answer))
    summary = _ENCODER.encode(to_wire(answer.financial_summary))
    document = answer.json.rstrip()
    if not document.endswith(b"}"):
        raise ValueError("the Customer View document is not a JSON object")
    return b"".join((document[:-1], b',"financialSummary":', summary, b"}"))


def customer_view_response(answer: CustomerView | CustomerViewDocument) -> Response[bytes]:
    return Response(customer_view_body(answer), media_type=MediaType.JSON)
