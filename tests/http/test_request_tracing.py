"""An HTTP request is a SERVER span named by its route template, continuing the caller's
trace (traceparent), with its SQL statements as child spans."""

from __future__ import annotations

import httpx
from opentelemetry.trace import SpanKind

from tests.http.conftest import Headers
from tests.http.helpers import create_customer
from tests.span_capture import spans  # noqa: F401  (fixture)

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"


async def test_a_request_span_continues_the_callers_trace(
    client: httpx.AsyncClient,
    office: Headers,
    spans,  # noqa: F811
) -> None:
    customer = await create_customer(client, office)
    spans.clear()
    response = await client.get(
        f"/customers/{customer['id']}",
        headers=office | {"traceparent": f"00-{TRACE_ID}-{PARENT}-01"},
    )
    assert response.status_code == 200
    finished = spans.get_finished_spans()
    (server,) = [s for s in finished if s.kind is SpanKind.SERVER]
    assert server.name == "GET /customers/{customer_id}"
    assert format(server.context.trace_id, "032x") == TRACE_ID
    assert server.parent is not None and format(server.parent.span_id, "016x") == PARENT
    assert server.attributes["http.response.status_code"] == 200
    sql = [s for s in finished if s.name.startswith("db ")]
    assert sql and all(s.context.trace_id == server.context.trace_id for s in sql)
