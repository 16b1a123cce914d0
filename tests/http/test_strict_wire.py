"""Strict wire, exact schema: no type coercion anywhere on input (400 naming the field),
money only as a documented decimal string, every single-field domain rule in the schema and
enforced by the server (400), closed request bodies, and the 422s left documented per
operation with the rules they stand for."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain import validation as v
from domain.contact_preferences import language_tag
from domain.errors import ValidationFailed
from domain.money import Money
from domain.user import check_password_policy, check_username
from entrypoints.http.unprocessable_rules import RULES
from tests.http import test_openapi_contract as contract
from tests.http.conftest import assert_problem
from tests.http.helpers import create_customer, customer_body, payment_body

document = contract.document  # the served document, as a fixture


def _schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["components"]["schemas"][name]
    return schema


# --- no coercion: JSON bodies -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/payments", payment_body(1, customerId="1"), "customerId"),  # string for an integer
        ("/payments", payment_body(1, customerId=1.5), "customerId"),  # a fraction for an integer
        ("/payments", payment_body(1, customerId=True), "customerId"),  # boolean for an integer
        ("/customers", customer_body(name=5), "name"),  # number for a string
        ("/customers", customer_body(timeZone=None), "timeZone"),  # null for a required value
        (
            "/jobs",
            {"customerId": 1, "description": "x", "scheduledFor": 1893456000},
            "scheduledFor",
        ),
        ("/technicians", {"name": "Grace", "active": 1}, "active"),  # integer for a boolean
        ("/technicians", {"name": "Grace", "active": "true"}, "active"),  # string for a boolean
        ("/technicians", {"name": "Grace", "skills": "fridges"}, "skills"),  # string for a list
    ],
)
async def test_a_body_value_of_another_json_type_is_400_naming_it(
    client, office, path, body, field
):
    assert_problem(await client.post(path, json=body, headers=office), 400, field)


async def test_a_number_with_no_fraction_is_an_integer_as_json_schema_says(client, office):
    customer = await create_customer(client, office)
    body = payment_body(1, customerId=float(customer["id"]))  # JSON `1.0`
    response = await client.post("/payments", json=body, headers=office)
    assert response.status_code == 201, response.text
    assert response.json()["customerId"] == customer["id"]


async def test_marketing_consent_zero_is_not_a_boolean(client, office):
    customer = await create_customer(client, office)
    path = f"/customers/{customer['id']}/communication-preferences"
    refused = await client.put(path, json={"marketingConsent": 0}, headers=office)
    assert_problem(refused, 400, "marketingConsent")
    accepted = await client.put(path, json={"marketingConsent": False}, headers=office)
    assert accepted.status_code == 200, accepted.text


async def test_a_nested_value_is_named_by_its_path(client, office):
    customer = await create_customer(client, office)
    path = f"/customers/{customer['id']}/communication-preferences"
    body = {"preferredContactTimes": {"weekdays": ["dawn"]}}
    assert_problem(
        await client.put(path, json=body, headers=office), 400, "preferredContactTimes.weekdays[0]"
    )
    body = {"preferredContactTimes": {"holidays": ["any"]}}
    assert_problem(
        await client.put(path, json=body, headers=office), 400, "preferredContactTimes.holidays"
    )


async def test_an_unknown_field_is_400_naming_it_and_bodies_are_closed(client, office, document):
    refused = await client.post("/customers", json=customer_body(nickname="Ada"), headers=office)
    assert_problem(refused, 400, "nickname")
    for name in ("CustomerIn", "PaymentIn", "ContactTimesIn", "FollowUpMessageIn", "UserIn"):
        assert _schema(document, name)["additionalProperties"] is False, name
    assert "additionalProperties" not in _schema(document, "PaymentOut")  # responses stay open


# --- no coercion: query strings and path parameters --------------------------------------


@pytest.mark.parametrize("raw", ["1.0", "+1", "1e1", " 1", "1_0", "0x1", "٣"])
async def test_an_integer_query_parameter_is_decimal_digits_only(client, office, raw):
    response = await client.get("/customers", params={"limit": raw}, headers=office)
    assert_problem(response, 400, "limit")


@pytest.mark.parametrize("raw", ["1", "0", "True", "FALSE", "yes", ""])
async def test_a_boolean_query_parameter_is_true_or_false_only(client, office, raw):
    response = await client.get("/technicians", params={"active": raw}, headers=office)
    assert_problem(response, 400, "active")


@pytest.mark.parametrize("raw", ["true", "false"])
async def test_true_and_false_are_the_boolean_query_values(client, office, raw):
    response = await client.get("/technicians", params={"active": raw}, headers=office)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("raw", ["+1", "1_0"])  # "1.0" matches no route: 404
async def test_a_path_id_is_decimal_digits_only(client, office, raw):
    customer = await create_customer(client, office)
    assert customer["id"] == 1
    response = await client.get(f"/customers/{raw}", headers=office)
    assert_problem(response, 400, "customerId")


# --- money -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount",
    [125.5, 125, "1e3", "-5", "+5", "0", "0.00", "01.50", "1.2345", " 5", "5\n", "1000000000000"],
)
async def test_money_is_a_decimal_string_of_the_documented_form(client, office, amount):
    customer = await create_customer(client, office)
    body = payment_body(customer["id"], amount=amount)
    assert_problem(await client.post("/payments", json=body, headers=office), 400, "amount")


@pytest.mark.parametrize(
    ("amount", "currency"),
    [
        ("125.50", "USD"),
        ("0.01", "USD"),
        ("999999999999.99", "USD"),
        ("1.005", "KWD"),
        ("7", "JPY"),
    ],
)
async def test_money_of_the_documented_form_is_accepted(client, office, amount, currency):
    customer = await create_customer(client, office)
    body = payment_body(customer["id"], amount=amount, currency=currency)
    response = await client.post("/payments", json=body, headers=office)
    assert response.status_code == 201, response.text


async def test_more_decimals_than_the_currency_allows_is_the_422_left(client, office):
    customer = await create_customer(client, office)
    body = payment_body(customer["id"], amount="1.005", currency="USD")
    assert_problem(await client.post("/payments", json=body, headers=office), 422, "amount")


def test_the_money_pattern_is_documented(document):
    amount = _schema(document, "PaymentIn")["properties"]["amount"]
    assert amount["type"] == "string" and amount["pattern"].startswith("^")
    assert _schema(document, "ExpenseIn")["properties"]["amount"]["pattern"] == amount["pattern"]


# --- single-field rules: in the schema and at the server --------------------------------

# (path, body, field, schema, property, keyword the schema states the rule with)
CONSTRAINTS = [
    ("/customers", customer_body(phone="555-0123"), "phone", "CustomerIn", "phone", "pattern"),
    ("/customers", customer_body(email="ada@"), "email", "CustomerIn", "email", "pattern"),
    (
        "/customers",
        customer_body(timeZone="Mars/Olympus"),
        "timeZone",
        "CustomerIn",
        "timeZone",
        "enum",
    ),
    ("/customers", customer_body(name="   "), "name", "CustomerIn", "name", "pattern"),
    ("/customers", customer_body(name="x" * 201), "name", "CustomerIn", "name", "maxLength"),
    (
        "/customers",
        customer_body(referralCode="ABCDU123"),
        "referralCode",
        "CustomerIn",
        "referralCode",
        "pattern",
    ),
    (
        "/technicians",
        {"name": "Grace", "skills": ["  "]},
        "skills[0]",
        "TechnicianIn",
        "skills",
        "items",
    ),
    (
        "/appliances",
        {"customerId": 1, "type": "x" * 101},
        "type",
        "ApplianceIn",
        "type",
        "maxLength",
    ),
    (
        "/reviews",
        {"jobId": 1, "customerId": 1, "rating": 6},
        "rating",
        "ReviewIn",
        "rating",
        "maximum",
    ),
    (
        "/reviews",
        {"jobId": 1, "customerId": 1, "rating": 0},
        "rating",
        "ReviewIn",
        "rating",
        "minimum",
    ),
    (
        "/follow-ups",
        {"jobId": 1, "satisfactionRating": 9},
        "satisfactionRating",
        "FollowUpIn",
        "satisfactionRating",
        "maximum",
    ),
    ("/expenses", {"amount": "5", "category": " "}, "category", "ExpenseIn", "category", "pattern"),
    (
        "/messages",
        {"customerId": 1, "body": "\t", "purpose": "TRANSACTIONAL"},
        "body",
        "MessageIn",
        "body",
        "pattern",
    ),
]


@pytest.mark.parametrize(("path", "body", "field", "schema", "prop", "keyword"), CONSTRAINTS)
async def test_a_single_field_rule_is_in_the_schema_and_a_400(
    client, office, document, path, body, field, schema, prop, keyword
):
    assert keyword in _schema(document, schema)["properties"][prop]
    assert_problem(await client.post(path, json=body, headers=office), 400, field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"languagePreference": "english!"}, "languagePreference"),
        ({"languagePreference": "es-٤١٩"}, "languagePreference"),
        ({"communicationFrequencyPreference": "DAILY"}, "communicationFrequencyPreference"),
    ],
)
async def test_preferences_rules_are_400(client, office, document, body, field):
    assert (
        "pattern"
        in _schema(document, "CommunicationPreferencesIn")["properties"]["languagePreference"]
    )
    customer = await create_customer(client, office)
    path = f"/customers/{customer['id']}/communication-preferences"
    assert_problem(await client.put(path, json=body, headers=office), 400, field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "ab", "password": "correct-horse-42", "role": "office"}, "username"),
        ({"username": "new.user", "password": "short-1", "role": "office"}, "password"),
        ({"username": "new.user", "password": "onlyletterspassword", "role": "office"}, "password"),
        ({"username": "new.user", "password": "correct-horse-42", "role": "owner"}, "role"),
    ],
)
async def test_user_rules_are_400(client, admin, document, body, field):
    assert {"pattern", "minLength"} <= set(_schema(document, "UserIn")["properties"]["password"])
    assert_problem(await client.post("/users", json=body, headers=admin), 400, field)


# --- schema-valid is domain-valid -------------------------------------------------------


def _pattern(document: dict[str, Any], schema: str, prop: str) -> str:
    value = _schema(document, schema)["properties"][prop]
    pattern: str = value["pattern"]
    return pattern


def _domain_accepts(check: Any) -> bool:
    try:
        check()
    except ValidationFailed:
        return False
    return True


def _valid(check: Any, value: str) -> bool:
    errors: dict[str, str] = {}
    check(errors, "field", value)
    return not errors


PROPERTY_CHECKS = {
    ("CustomerIn", "phone"): lambda s: _valid(v.phone, s),
    ("CustomerIn", "email"): lambda s: _valid(v.email, s),
    ("CustomerIn", "name"): lambda s: _valid(v.text(200), s),
    ("CommunicationPreferencesIn", "languagePreference"): lambda s: _domain_accepts(
        lambda: language_tag(s)
    ),
    ("UserIn", "password"): lambda s: _domain_accepts(lambda: check_password_policy(s)),
    ("UserIn", "username"): lambda s: _domain_accepts(lambda: check_username(s)),
    ("PaymentIn", "amount"): lambda s: _domain_accepts(lambda: Money.of(s, "KWD")),
}


@pytest.mark.parametrize(("schema", "prop"), list(PROPERTY_CHECKS))
def test_every_string_the_schema_allows_the_domain_accepts(schema, prop):
    from entrypoints.http.openapi_document import openapi_document

    spec = _schema(openapi_document(), schema)["properties"][prop]
    limits = st.text(min_size=spec.get("minLength", 0), max_size=spec.get("maxLength", 10_000))
    compiled = re.compile(spec["pattern"])

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(st.from_regex(compiled, fullmatch=True), limits.filter(compiled.search)))
    def check(value: str) -> None:
        if spec.get("minLength", 0) <= len(value) <= spec.get("maxLength", 10_000):
            assert PROPERTY_CHECKS[(schema, prop)](value), repr(value)

    check()


# --- the 422s left -----------------------------------------------------------------------


def test_every_operation_documents_the_rules_behind_its_422(document):
    operation_ids = set()
    for item in document["paths"].values():
        for method, operation in item.items():
            if method not in {"get", "put", "post", "delete", "patch"}:
                continue
            operation_ids.add(operation["operationId"])
            description = operation["responses"]["422"]["description"]
            assert "Its rules:" in description or "no rule of its own" in description
    assert set(RULES) <= operation_ids  # the table names real operations
    payment = document["paths"]["/payments"]["post"]["responses"]["422"]["description"]
    assert "`customerId` names no customer" in payment and "more decimals" in payment


@pytest.mark.parametrize("raw", ["0.5", "1700000000", "tomorrow"])
async def test_a_date_time_query_parameter_is_rfc_3339_text_only(client, office, raw):
    response = await client.get("/jobs", params={"scheduledTo": raw}, headers=office)
    assert_problem(response, 400, "scheduledTo")


async def test_a_date_query_parameter_is_a_date_only(client, office):
    response = await client.get("/maintenance-alerts", params={"dueBefore": "1"}, headers=office)
    assert_problem(response, 400, "dueBefore")
    response = await client.get(
        "/maintenance-alerts", params={"dueBefore": "2030-01-02"}, headers=office
    )
    assert response.status_code == 200, response.text


async def test_a_job_description_must_not_be_blank_at_the_wire(client, office, document):
    assert "pattern" in _schema(document, "JobIn")["properties"]["description"]
    body = {"customerId": 1, "description": "  ", "scheduledFor": "2030-01-02T09:30:00Z"}
    assert_problem(await client.post("/jobs", json=body, headers=office), 400, "description")


async def test_a_pattern_failure_says_what_the_pattern_means(client, office):
    response = await client.post("/customers", json=customer_body(phone="555"), headers=office)
    problem = assert_problem(response, 400, "phone")
    assert problem["errors"][0]["message"] == "must be an E.164 phone number such as +14155550123"
    response = await client.post("/customers", json=customer_body(name=" "), headers=office)
    assert "must not be blank" in assert_problem(response, 400, "name")["detail"]
