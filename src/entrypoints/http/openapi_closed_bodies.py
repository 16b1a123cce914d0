"""Request bodies are closed: `additionalProperties: false` on every object schema a request
body uses (directly or nested), as the server refuses unknown fields (`wire.In` sets
`forbid_unknown_fields`: a 400 naming the field). Response schemas stay open, so a client
keeps working when a response gains a field."""

from __future__ import annotations

from entrypoints.http.openapi_request_schemas import Document, request_schemas


def close_request_bodies(document: Document) -> None:
    """Set `additionalProperties: false` on the object schemas of every JSON request body."""
    for schema in request_schemas(document, parameters=False, media_types=("application/json",)):
        if schema.get("type") == "object" and "properties" in schema:
            schema["additionalProperties"] = False
