"""The summary's amounts: integer arithmetic writes exactly what Decimal would."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from adapters.sqlalchemy.financial_sums import money_text
from domain.money import minor_digits

CURRENCIES = st.sampled_from(["USD", "EUR", "JPY", "KWD", "CLP", "BHD", "XYZ"])


@given(minor=st.integers(-(10**15), 10**15), currency=CURRENCIES)
def test_money_text_is_the_decimal_text(minor: int, currency: str) -> None:
    expected = format(Decimal(minor).scaleb(-minor_digits(currency)), "f")
    assert money_text(minor, currency) == expected


def test_money_text_examples() -> None:
    assert money_text(12550, "USD") == "125.50"
    assert money_text(-5, "USD") == "-0.05"
    assert money_text(0, "EUR") == "0.00"
    assert money_text(1250, "JPY") == "1250"
    assert money_text(1, "KWD") == "0.001"
