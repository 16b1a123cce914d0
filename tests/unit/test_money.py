"""Money: exact Decimal arithmetic in one currency, explicit rounding, bounded amounts."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import ValidationFailed
from domain.money import MAX_AMOUNT, Money, minor_digits

CURRENCIES = ["USD", "EUR", "JPY", "KWD", "BHD", "CLP", "GBP"]
# Amounts small enough that sums of three stay far inside MAX_AMOUNT.
MINOR_UNITS = st.integers(min_value=-(10**11), max_value=10**11)
ROUNDINGS = st.sampled_from([ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_DOWN, ROUND_CEILING])

CHECKS = settings(max_examples=200, deadline=None)


def money(currency: str, minor: int) -> Money:
    return Money.of(Decimal(minor).scaleb(-minor_digits(currency)), currency)


@st.composite
def same_currency(draw: st.DrawFn, count: int) -> list[Money]:
    currency = draw(st.sampled_from(CURRENCIES))
    return [money(currency, draw(MINOR_UNITS)) for _ in range(count)]


@CHECKS
@given(same_currency(3))
def test_addition_is_associative(values: list[Money]) -> None:
    a, b, c = values
    assert (a + b) + c == a + (b + c)


@CHECKS
@given(same_currency(2))
def test_addition_is_commutative(values: list[Money]) -> None:
    a, b = values
    assert a + b == b + a


@CHECKS
@given(same_currency(2))
def test_subtraction_undoes_addition(values: list[Money]) -> None:
    a, b = values
    assert (a + b) - b == a
    assert a - a == Money.zero(a.currency)
    assert a + (-a) == Money.zero(a.currency)
    assert a - b == -(b - a)


@CHECKS
@given(same_currency(2))
def test_sums_are_exact_and_keep_the_currency(values: list[Money]) -> None:
    a, b = values
    total = a + b
    assert total.currency == a.currency
    assert total.amount == a.amount + b.amount


@CHECKS
@given(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(CURRENCIES))
def test_never_accepts_a_float(value: float, currency: str) -> None:
    with pytest.raises(TypeError):
        Money.of(value, currency)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(value, currency)  # type: ignore[arg-type]


@CHECKS
@given(st.sampled_from(CURRENCIES), MINOR_UNITS, st.integers(min_value=1, max_value=9))
def test_exact_construction_refuses_digits_finer_than_the_minor_unit(
    currency: str, minor: int, extra_digit: int
) -> None:
    digits = minor_digits(currency) + 1
    finer = Decimal(minor * 10 + extra_digit).scaleb(-digits)
    with pytest.raises(ValidationFailed) as refused:
        Money.of(finer, currency)
    assert "amount" in refused.value.errors
    with pytest.raises(ValidationFailed):
        Money.of(str(finer), currency)


@CHECKS
@given(st.sampled_from(CURRENCIES), MINOR_UNITS)
def test_exact_construction_keeps_the_value_and_fixes_the_scale(currency: str, minor: int) -> None:
    amount = Decimal(minor).scaleb(-minor_digits(currency))
    value = Money.of(str(amount), currency)
    assert value.amount == amount
    assert value.amount.as_tuple().exponent == -minor_digits(currency)


@pytest.mark.parametrize(
    ("amount", "currency", "accepted"),
    [
        ("1", "JPY", True),
        ("1.0", "JPY", True),
        ("1.5", "JPY", False),
        ("1.25", "USD", True),
        ("1.255", "USD", False),
        ("1.250", "USD", True),
        ("1.255", "KWD", True),
        ("1.2555", "KWD", False),
    ],
)
def test_minor_units_per_currency(amount: str, currency: str, accepted: bool) -> None:
    if accepted:
        assert Money.of(amount, currency).amount == Decimal(amount)
    else:
        with pytest.raises(ValidationFailed, match="decimal places"):
            Money.of(amount, currency)


def test_amounts_print_with_the_minor_unit() -> None:
    assert str(Money.of("125.5", "usd")) == "125.50 USD"
    assert str(Money.of("7", "KWD")) == "7.000 KWD"
    assert str(Money.of("1200", "JPY")) == "1200 JPY"


@CHECKS
@given(
    st.sampled_from(CURRENCIES),
    st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False),
    ROUNDINGS,
)
def test_rounded_uses_the_given_mode(currency: str, amount: Decimal, rounding: str) -> None:
    quantum = Decimal(1).scaleb(-minor_digits(currency))
    value = Money.rounded(amount, currency, rounding)
    assert value.amount == amount.quantize(quantum, rounding=rounding)
    assert abs(value.amount - amount) < quantum


@pytest.mark.parametrize(
    ("amount", "currency", "rounding", "expected"),
    [
        ("2.5", "JPY", ROUND_HALF_EVEN, "2"),
        ("2.5", "JPY", ROUND_HALF_UP, "3"),
        ("1.239", "USD", ROUND_DOWN, "1.23"),
        ("1.231", "USD", ROUND_CEILING, "1.24"),
        ("-1.231", "USD", ROUND_CEILING, "-1.23"),
        ("0.0005", "KWD", ROUND_HALF_UP, "0.001"),
    ],
)
def test_rounding_examples(amount: str, currency: str, rounding: str, expected: str) -> None:
    assert Money.rounded(Decimal(amount), currency, rounding).amount == Decimal(expected)


def test_rounded_defaults_to_bankers_rounding() -> None:
    assert Money.rounded(Decimal("0.125"), "USD").amount == Decimal("0.12")
    assert Money.rounded(Decimal("0.135"), "USD").amount == Decimal("0.14")


@CHECKS
@given(
    st.lists(st.sampled_from(CURRENCIES), min_size=2, max_size=2, unique=True),
    MINOR_UNITS,
    MINOR_UNITS,
)
def test_mixing_currencies_is_refused(currencies: list[str], x: int, y: int) -> None:
    a, b = money(currencies[0], x), money(currencies[1], y)
    with pytest.raises(ValidationFailed) as added:
        a + b
    assert "currency" in added.value.errors
    with pytest.raises(ValidationFailed) as subtracted:
        a - b
    assert "currency" in subtracted.value.errors


@pytest.mark.parametrize("code", ["US", "USDD", "U5D", "", "ÜSD", "12€"])
def test_currency_must_be_three_letters(code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        Money.of("1", code)
    assert "currency" in refused.value.errors


def test_currency_codes_are_normalised() -> None:
    assert Money.of("1", " eur ").currency == "EUR"


def test_the_largest_amounts_are_accepted() -> None:
    assert Money.of(str(MAX_AMOUNT), "USD").amount == MAX_AMOUNT
    assert Money.of("-" + str(MAX_AMOUNT), "USD").is_negative
    assert Money.of("999999999999", "JPY").amount == Decimal("999999999999")


@pytest.mark.parametrize(
    "amount",
    ["1000000000000.00", "-1000000000000", "1e30", "-1E+40", "1e999999999999", 10**40],
)
def test_amounts_beyond_the_bound_are_a_validation_error(amount: str | int) -> None:
    with pytest.raises(ValidationFailed) as refused:
        Money.of(amount, "USD", field="total")
    assert "total" in refused.value.errors


@pytest.mark.parametrize("amount", ["1e30", "1000000000000.004"])
def test_rounding_beyond_the_bound_is_a_validation_error(amount: str) -> None:
    with pytest.raises(ValidationFailed):
        Money.rounded(Decimal(amount), "USD")


def test_sums_beyond_the_bound_are_refused() -> None:
    with pytest.raises(ValidationFailed):
        Money.of(str(MAX_AMOUNT), "USD") + Money.of("0.01", "USD")


@pytest.mark.parametrize("amount", ["abc", "", "NaN", "sNaN", "Infinity", "-inf", "1,50"])
def test_non_numbers_name_the_field(amount: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        Money.of(amount, "USD", field="price")
    assert list(refused.value.errors) == ["price"]


def test_direct_construction_checks_the_same_invariants() -> None:
    with pytest.raises(TypeError):
        Money(1, "USD")  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed):
        Money(Decimal("1.5"), "JPY")
    with pytest.raises(ValidationFailed):
        Money(Decimal("NaN"), "USD")
    with pytest.raises(ValidationFailed):
        Money(Decimal("1e999999999999"), "USD")
