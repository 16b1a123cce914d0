"""Money: a Decimal amount in one currency, never a float, rounded to minor units explicitly."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from domain.errors import ValidationFailed

# ISO 4217 currencies whose minor unit is not 2 digits; every other code uses 2.
_MINOR_DIGITS: dict[str, int] = {
    "BHD": 3,
    "CLP": 0,
    "IQD": 3,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "PYG": 0,
    "TND": 3,
    "UGX": 0,
    "VND": 0,
    "XAF": 0,
    "XOF": 0,
}
MAX_AMOUNT = Decimal("999999999999.99")


def minor_digits_table() -> dict[int, tuple[str, ...]]:
    """The currencies whose minor unit is not 2 digits, by number of digits."""
    table: dict[int, tuple[str, ...]] = {}
    for code, digits in sorted(_MINOR_DIGITS.items()):
        table[digits] = (*table.get(digits, ()), code)
    return table


def minor_digits(currency: str) -> int:
    """Number of decimal places of the currency's minor unit."""
    return _MINOR_DIGITS.get(currency, 2)


def normalize_currency(code: str, field: str = "currency") -> str:
    code = code.strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise ValidationFailed.single(field, "must be a three-letter ISO 4217 code")
    return code


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount of one currency. Construct with `Money.of` (exact) or `Money.rounded`."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money.amount must be a Decimal")
        if not self.amount.is_finite():
            raise ValidationFailed.single("amount", "must be a finite number")
        exponent = self.amount.as_tuple().exponent
        assert isinstance(exponent, int)
        if -exponent > minor_digits(self.currency):
            raise ValidationFailed.single(
                "amount",
                f"has more decimal places than {self.currency} allows "
                f"({minor_digits(self.currency)}); round it explicitly",
            )
        if self.amount.copy_abs() > MAX_AMOUNT:
            raise ValidationFailed.single("amount", f"must not exceed {MAX_AMOUNT}")

    @classmethod
    def of(cls, amount: Decimal | str | int, currency: str, field: str = "amount") -> Money:
        """Exact construction: refuses amounts finer than the currency's minor unit."""
        if isinstance(amount, float):
            raise TypeError("Money never takes a float")
        currency = normalize_currency(currency)
        try:
            value = Decimal(amount)
        except (InvalidOperation, ValueError) as exc:
            raise ValidationFailed.single(field, "must be a decimal number") from exc
        if not value.is_finite():
            raise ValidationFailed.single(field, "must be a finite number")
        if value.copy_abs() > MAX_AMOUNT:  # before quantize, which fails on huge values
            raise ValidationFailed.single(field, f"must not exceed {MAX_AMOUNT}")
        quantum = Decimal(1).scaleb(-minor_digits(currency))
        if value != value.quantize(quantum, rounding=ROUND_HALF_EVEN):
            raise ValidationFailed.single(
                field, f"has more than {minor_digits(currency)} decimal places for {currency}"
            )
        try:
            return cls(value.quantize(quantum), currency)
        except ValidationFailed as exc:
            raise ValidationFailed.single(field, next(iter(exc.errors.values()))) from exc

    @classmethod
    def rounded(cls, amount: Decimal, currency: str, rounding: str = ROUND_HALF_EVEN) -> Money:
        """Round an arbitrary Decimal to the currency's minor unit with the given mode."""
        currency = normalize_currency(currency)
        quantum = Decimal(1).scaleb(-minor_digits(currency))
        if amount.is_finite() and amount.copy_abs() > 2 * MAX_AMOUNT:
            raise ValidationFailed.single("amount", f"must not exceed {MAX_AMOUNT}")
        return cls(amount.quantize(quantum, rounding=rounding), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls.rounded(Decimal(0), currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValidationFailed.single(
                "currency", f"cannot combine {self.currency} with {other.currency}"
            )

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money.rounded(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money.rounded(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    @property
    def is_negative(self) -> bool:
        return self.amount < 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def to_minor_units(money: Money) -> int:
    """The amount as a whole number of minor units (cents): how money is stored."""
    return int(money.amount.scaleb(minor_digits(money.currency)))


def from_minor_units(amount_minor: int, currency: str) -> Money:
    return Money.rounded(Decimal(amount_minor).scaleb(-minor_digits(currency)), currency)
