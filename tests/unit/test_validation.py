"""Field validation of the aggregates: every refusal names the field the client got wrong."""

from __future__ import annotations

import string
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from application.pagination import MAX_PAGE_SIZE, ListQuery
from domain.customer import Customer, CustomerDetails
from domain.errors import ValidationFailed
from domain.expense import Expense
from domain.job import Job
from domain.money import Money
from domain.payment import Payment
from domain.technician import MAX_SKILLS, Technician, TechnicianDetails
from domain.user import check_password_policy, check_username
from tests.unit.builders import (
    WHEN,
    customer_details,
    expense_details,
    job_details,
    payment_details,
    technician_details,
    usd,
)

CHECKS = settings(max_examples=200, deadline=None)
NAIVE = datetime(2024, 3, 4, 14, 30)


def errors_of(build: object, *args: object) -> dict[str, str]:
    """The field errors raised by calling `build(*args)`."""
    with pytest.raises(ValidationFailed) as refused:
        build(*args)  # type: ignore[operator]
    return refused.value.errors


# Customers


@CHECKS
@given(st.text(alphabet=" \t\n\r\u00a0\u2003", max_size=10))
def test_customer_name_must_not_be_blank(name: str) -> None:
    assert "name" in errors_of(Customer.register, customer_details(name=name), WHEN)


def test_customer_fields_are_trimmed_and_normalised() -> None:
    customer = Customer.register(
        customer_details(name="  Ada  ", phone="+1 (415) 555-0123", email=" Ada@Example.COM "),
        WHEN,
    )
    assert customer.details.name == "Ada"
    assert customer.details.phone == "+14155550123"
    assert customer.details.email == "ada@example.com"
    assert customer.created_at == WHEN


def test_every_bad_field_is_reported_at_once() -> None:
    details = CustomerDetails(name="", phone="555", email="nope", time_zone="Mars/Olympus")
    assert set(errors_of(Customer.register, details, WHEN)) == {
        "name",
        "phone",
        "email",
        "time_zone",
    }


@pytest.mark.parametrize(
    "phone",
    [
        "4155550123",
        "+0123456789",
        "+12345",
        "+1234567890123456",
        "+1 415 CALL NOW",
        "",
        "+1\u0664\u0661\u0665\u0665\u0665\u0665\u0660\u0661\u0662\u0663",
        "++14155550123",
    ],
)
def test_phone_must_be_e164(phone: str) -> None:
    assert "phone" in errors_of(Customer.register, customer_details(phone=phone), WHEN)


@CHECKS
@given(st.text(max_size=20))
def test_an_accepted_phone_is_plain_e164(phone: str) -> None:
    try:
        customer = Customer.register(customer_details(phone=phone), WHEN)
    except ValidationFailed as refused:
        assert set(refused.errors) == {"phone"}
        return
    stored = customer.details.phone
    assert stored is not None
    assert stored[0] == "+" and stored[1:].isascii() and stored[1:].isdigit()
    assert 8 <= len(stored) <= 16 and stored[1] != "0"


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus", "", "EST5EDT ", "../../etc/passwd", "+02:00", "localtime"]
)
def test_time_zone_must_be_iana(zone: str) -> None:
    assert "time_zone" in errors_of(Customer.register, customer_details(time_zone=zone), WHEN)


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata"])
def test_iana_time_zones_are_accepted(zone: str) -> None:
    assert Customer.register(customer_details(time_zone=zone), WHEN).details.time_zone == zone


@pytest.mark.parametrize(
    "email", ["not-an-email", "a@b", "a@@b.com", "a b@c.com", "@example.com", "x@example.c", ""]
)
def test_email_must_look_like_an_address(email: str) -> None:
    assert "email" in errors_of(Customer.register, customer_details(email=email), WHEN)


def test_optional_contact_fields_may_be_absent() -> None:
    details = CustomerDetails(name="Walk-in", phone=None, email=None, address="  ")
    customer = Customer.register(details, WHEN)
    assert (customer.details.phone, customer.details.email, customer.details.address) == (
        None,
        None,
        None,
    )
    assert customer.details.time_zone == "UTC"


def test_overlong_text_is_refused() -> None:
    errors = errors_of(Customer.register, customer_details(name="x" * 201, notes="y" * 5001), WHEN)
    assert set(errors) == {"name", "notes"}


# Technicians


def test_skills_are_trimmed_lowercased_and_deduplicated_in_order() -> None:
    skills = ("  HVAC ", "Refrigeration", "hvac", "washers", "REFRIGERATION")
    tech = Technician.hire(technician_details(skills=skills), WHEN)
    assert tech.details.skills == ("hvac", "refrigeration", "washers")


@CHECKS
@given(st.lists(st.text(alphabet=string.ascii_letters + " -", min_size=1, max_size=12), max_size=8))
def test_skill_normalisation_is_idempotent(skills: list[str]) -> None:
    try:
        once = TechnicianDetails(name="T", skills=tuple(skills)).validated()
    except ValidationFailed as refused:
        assert set(refused.errors) == {"skills"}
        assert any(not s.strip() for s in skills)
        return
    assert once.validated().skills == once.skills
    assert len(set(once.skills)) == len(once.skills)
    assert all(s == s.strip().lower() and s for s in once.skills)
    assert set(once.skills) == {s.strip().lower() for s in skills}


@pytest.mark.parametrize(
    "bad", [("  ",), ("x" * 61,), tuple(f"s{i}" for i in range(MAX_SKILLS + 1))]
)
def test_bad_skills_are_refused(bad: tuple[str, ...]) -> None:
    assert "skills" in errors_of(Technician.hire, technician_details(skills=bad), WHEN)


def test_fifty_skills_are_fine() -> None:
    skills = tuple(f"s{i}" for i in range(MAX_SKILLS))
    assert len(Technician.hire(technician_details(skills=skills), WHEN).details.skills) == 50


def test_technician_name_and_phone_are_checked() -> None:
    errors = errors_of(Technician.hire, technician_details(name=" ", phone="12"), WHEN)
    assert set(errors) == {"name", "phone"}


# Payments, expenses and jobs


@CHECKS
@given(st.integers(min_value=-(10**6), max_value=0))
def test_payment_amount_must_be_positive(cents: int) -> None:
    amount = Money.of(str(cents), "USD")
    errors = errors_of(Payment.record, payment_details(1, amount=amount), WHEN)
    assert set(errors) == {"amount"}


@CHECKS
@given(st.integers(min_value=1, max_value=10**8))
def test_any_positive_payment_is_accepted(cents: int) -> None:
    amount = Money.of(str(cents), "USD")
    assert Payment.record(payment_details(1, amount=amount), WHEN).details.amount == amount


@pytest.mark.parametrize("amount", ["0", "-0.01"])
def test_expense_amount_must_be_positive(amount: str) -> None:
    assert "amount" in errors_of(Expense.record, expense_details(amount=usd(amount)), WHEN)


def test_expense_category_is_required() -> None:
    assert "category" in errors_of(Expense.record, expense_details(category="  "), WHEN)


def test_payment_reference_is_trimmed() -> None:
    payment = Payment.record(payment_details(1, reference="  R-1 "), WHEN)
    assert payment.details.reference == "R-1"


@pytest.mark.parametrize(
    ("build", "details", "field"),
    [
        (Payment.record, payment_details(1, paid_at=NAIVE), "paid_at"),
        (Expense.record, expense_details(incurred_at=NAIVE), "incurred_at"),
        (Job.schedule, job_details(1, scheduled_for=NAIVE), "scheduled_for"),
    ],
)
def test_naive_datetimes_are_refused(build: object, details: object, field: str) -> None:
    assert field in errors_of(build, details, WHEN)


# Users


@pytest.mark.parametrize(
    "password",
    [
        "short-1",
        "abcdefghij1",
        "abcdefghijkl",
        "123456789012",
        "!!!!!!!!!!!!",
        " " * 12,
        "Ab1" * 86,
    ],
)
def test_weak_passwords_are_refused(password: str) -> None:
    assert "password" in errors_of(check_password_policy, password)


@pytest.mark.parametrize(
    "password", ["correct-horse-7", "abcdefghijk1", "1234567890!!", "pässwörd-ünïcode"]
)
def test_reasonable_passwords_are_accepted(password: str) -> None:
    check_password_policy(password)


@CHECKS
@given(
    st.text(alphabet=string.ascii_letters, min_size=1, max_size=40),
    st.text(alphabet=string.digits + string.punctuation, min_size=1, max_size=40),
)
def test_long_passwords_mixing_letters_with_other_characters_are_accepted(
    letters: str, others: str
) -> None:
    password = letters + others
    if len(password) >= 12:
        check_password_policy(password)
    else:
        assert "password" in errors_of(check_password_policy, password)


@CHECKS
@given(st.sampled_from([string.ascii_letters, string.digits, string.punctuation, " "]), st.data())
def test_passwords_of_one_character_class_are_refused(alphabet: str, data: st.DataObject) -> None:
    password = data.draw(st.text(alphabet=alphabet, min_size=12, max_size=40))
    assert "password" in errors_of(check_password_policy, password)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("  Alice.Smith ", "alice.smith"), ("bob@shop", "bob@shop"), ("x_1", "x_1")],
)
def test_usernames_are_trimmed_and_lowercased(raw: str, clean: str) -> None:
    assert check_username(raw) == clean


@pytest.mark.parametrize("bad", ["ab", "", ".alice", "al ice", "a" * 65, "jöhn", "al/ice"])
def test_bad_usernames_are_refused(bad: str) -> None:
    assert "username" in errors_of(check_username, bad)


@CHECKS
@given(st.text(max_size=70))
def test_accepted_usernames_are_canonical(raw: str) -> None:
    try:
        clean = check_username(raw)
    except ValidationFailed:
        return
    assert clean == clean.strip().lower()
    assert check_username(clean) == clean
    assert 3 <= len(clean) <= 64


# Paging


@pytest.mark.parametrize(
    ("limit", "offset", "field"),
    [(0, 0, "limit"), (MAX_PAGE_SIZE + 1, 0, "limit"), (10, -1, "offset")],
)
def test_page_bounds(limit: int, offset: int, field: str) -> None:
    assert field in errors_of(ListQuery, limit, offset)


def test_with_filters_ignores_absent_values() -> None:
    query = ListQuery(limit=5).with_filters(customer_id=3, status=None)
    assert dict(query.filters) == {"customer_id": 3}
    assert query.limit == 5
