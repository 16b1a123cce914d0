"""`Location` on a 201: where the record just created is read (RFC 9110 §10.2.2).

Every create operation whose resource has a `get` operation answers with the new record's
path (`/customers/42`), and the OpenAPI document declares the header on that 201.
"""

from __future__ import annotations

from typing import Any

from litestar import Response
from litestar.datastructures import ResponseHeader
from litestar.status_codes import HTTP_201_CREATED

LOCATION_HEADER = ResponseHeader(
    name="Location",
    description="The path of the record created (`{collection}/{id}`), where it is read.",
    value="/customers/42",  # documentation only: gives the header its schema (a string)
    required=True,
    documentation_only=True,
)


def created_at(
    collection: str, out: Any, status_code: int = HTTP_201_CREATED, record_id: int | None = None
) -> Response[Any]:
    """`out` answered with `status_code` and the `Location` of the record created in
    `collection`: `out` itself (its `id`), or the one numbered `record_id`."""
    location = f"{collection.rstrip('/')}/{out.id if record_id is None else record_id}"
    return Response(out, status_code=status_code, headers={"Location": location})
