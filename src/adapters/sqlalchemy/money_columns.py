"""Conversion between Money and its two columns (integer minor units + currency)."""

from __future__ import annotations

from decimal import Decimal

from domain.money import Money, minor_digits


def to_minor(money: Money) -> int:
    return int(money.amount.scaleb(minor_digits(money.currency)))


def from_minor(amount_minor: int, currency: str) -> Money:
    return Money.rounded(Decimal(amount_minor).scaleb(-minor_digits(currency)), currency)
