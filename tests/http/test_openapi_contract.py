"""The OpenAPI document as a contract: every input is bounded, no output carries a secret."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

Schema = dict[str, Any]
# Parsed into dates and times by msgspec: their text cannot grow.
PARSED_FORMATS = {"date", "date-time", "time", "uuid", "duration"}
# Money: a decimal checked by domain.money (at most 999 999 999 999.99, the currency's
# decimals); its text is bounded by MAX_BODY_BYTES only.
DECIMAL_AMOUNT = "decimal amount"
# passwordHash, password, newPassword, secret, clientSecret, token, accessToken, authToken,
# apiKey...; not promptTokens (a count) nor groundingHash (a digest of public facts).
SECRET_NAME = re.compile(
    r"(password|passwordHash|secret|token|apiKey|authToken|privateKey|credentials?)$",
    re.IGNORECASE,
)
# The login and refresh responses hand out the tokens.
ALLOWED_SECRETS = {("TokenOut", "accessToken"), ("TokenOut", "refreshToken")}


@pytest.fixture
async def document(client: httpx.AsyncClient) -> Schema:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    schema: Schema = response.json()
    return schema


def _operations(document: Schema) -> Iterator[tuple[str, Schema]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield f"{method.upper()} {path}", operation


def _resolve(document: Schema, schema: Schema) -> tuple[str | None, Schema]:
    ref = schema.get("$ref")
    if ref is None:
        return None, schema
    name = ref.rsplit("/", 1)[-1]
    return name, document["components"]["schemas"][name]


def _unbounded(document: Schema, schema: Schema, where: str, bounded: bool = False) -> list[str]:
    """Strings without maxLength and arrays without maxItems, reachable from `schema`.

    A maxLength on a oneOf (how `str | None` is documented) bounds its string member.
    """
    name, schema = _resolve(document, schema)
    where = f"{where}<{name}>" if name else where
    found: list[str] = []
    bounded = bounded or "maxLength" in schema
    for key in ("oneOf", "anyOf", "allOf"):
        for member in schema.get(key, []):
            found += _unbounded(document, member, where, bounded)
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    if (
        "string" in types
        and not bounded
        and "enum" not in schema
        and "const" not in schema
        and schema.get("format") not in PARSED_FORMATS
        and DECIMAL_AMOUNT not in schema.get("description", "")
    ):
        found.append(f"{where}: string without maxLength")
    if "array" in types:
        if "maxItems" not in schema:
            found.append(f"{where}: array without maxItems")
        found += _unbounded(document, schema.get("items", {}), f"{where}[]")
    for prop, sub in schema.get("properties", {}).items():
        found += _unbounded(document, sub, f"{where}.{prop}")
    return found


def test_every_request_string_and_array_is_bounded(document: Schema):
    found: list[str] = []
    for operation_name, operation in _operations(document):
        for media in operation.get("requestBody", {}).get("content", {}).values():
            found += _unbounded(document, media["schema"], f"{operation_name} body")
        for parameter in operation.get("parameters", []):
            where = f"{operation_name} {parameter['in']} {parameter['name']}"
            found += _unbounded(document, parameter["schema"], where)
    assert not found, "\n".join(sorted(set(found)))


def _properties(
    document: Schema, schema: Schema, seen: frozenset[str]
) -> Iterator[tuple[str, str]]:
    """(owning schema, property name) of every property reachable from `schema`."""
    name, schema = _resolve(document, schema)
    if name in seen:
        return
    seen = seen | {name} if name else seen
    for key in ("oneOf", "anyOf", "allOf"):
        for member in schema.get(key, []):
            yield from _properties(document, member, seen)
    if "items" in schema:
        yield from _properties(document, schema["items"], seen)
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _properties(document, schema["additionalProperties"], seen)
    for prop, sub in schema.get("properties", {}).items():
        yield name or "?", prop
        yield from _properties(document, sub, seen)


def test_no_response_exposes_a_password_hash_or_secret(document: Schema):
    leaks: list[str] = []
    responses = 0
    for operation_name, operation in _operations(document):
        for response in operation["responses"].values():
            for media in response.get("content", {}).values():
                responses += 1
                for owner, prop in _properties(document, media["schema"], frozenset()):
                    if SECRET_NAME.search(prop) and (owner, prop) not in ALLOWED_SECRETS:
                        leaks.append(f"{operation_name}: {owner}.{prop}")
    assert responses > 30  # the walk did reach the API's responses
    assert not leaks, "\n".join(sorted(set(leaks)))


def test_the_walk_finds_an_unbounded_string():
    """The checker itself: an unbounded string and array are reported, bounded ones not."""
    document: Schema = {"components": {"schemas": {}}}
    schema = {
        "type": "object",
        "properties": {
            "free": {"type": "string"},
            "short": {"oneOf": [{"type": "string"}, {"type": "null"}], "maxLength": 5},
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 9}},
        },
    }
    assert _unbounded(document, schema, "X") == [
        "X.free: string without maxLength",
        "X.tags: array without maxItems",
    ]


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("passwordHash", True),
        ("password", True),
        ("apiKey", True),
        ("authToken", True),
        ("clientSecret", True),
        ("promptTokens", False),
        ("groundingHash", False),
        ("username", False),
    ],
)
def test_secret_names_are_recognised(name: str, secret: bool):
    assert bool(SECRET_NAME.search(name)) is secret
