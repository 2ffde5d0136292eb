"""Money in integer minor units, and exact apportioning.

Amounts are never floats. :func:`allocate` splits an amount over weights by the largest-remainder method:
the parts always sum to the whole, to the minor unit, and ties are broken by position (earlier first) so the
result is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from omscore.domain.errors import InvalidMoney

#: ISO 4217 codes omscore accepts, with their number of minor-unit digits.
CURRENCY_EXPONENTS: dict[str, int] = {
    "AED": 2, "AUD": 2, "BRL": 2, "CAD": 2, "CHF": 2, "CNY": 2, "CZK": 2, "DKK": 2, "EUR": 2, "GBP": 2,
    "HKD": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "JPY": 0, "KRW": 0, "MXN": 2, "MYR": 2, "NOK": 2,
    "NZD": 2, "PHP": 2, "PLN": 2, "RUB": 2, "SAR": 2, "SEK": 2, "SGD": 2, "THB": 2, "TRY": 2, "TWD": 2,
    "USD": 2, "VND": 0, "ZAR": 2, "KWD": 3, "BHD": 3,
}  # fmt: skip


def check_currency(code: str, field: str = "currency") -> str:
    """Return ``code`` if it is a supported ISO 4217 currency.

    Raises:
        InvalidMoney: naming ``field`` when the code is unknown.
    """
    if code not in CURRENCY_EXPONENTS:
        raise InvalidMoney(field, code, "unknown ISO 4217 currency code")
    return code


def _check_currency(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    check_currency(value, attribute.name)


@attrs.frozen(order=False)
class Money:
    """An amount of one currency in integer minor units (cents, fen …)."""

    minor: int
    currency: str = attrs.field(validator=_check_currency)

    def __attrs_post_init__(self) -> None:
        if type(self.minor) is not int:
            raise InvalidMoney("minor", self.minor, "amount must be an integer number of minor units")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise InvalidMoney("currency", other.currency, f"cannot combine with {self.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        return Money(self.minor * factor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.minor <= other.minor

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor > other.minor

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.minor >= other.minor

    def allocate(self, weights: Sequence[int]) -> list[Money]:
        """Split this amount over ``weights`` exactly (see :func:`allocate`)."""
        return [Money(part, self.currency) for part in allocate(self.minor, weights)]

    def __str__(self) -> str:
        exp = CURRENCY_EXPONENTS[self.currency]
        sign = "-" if self.minor < 0 else ""
        units, cents = divmod(abs(self.minor), 10**exp) if exp else (abs(self.minor), 0)
        return f"{sign}{units}.{cents:0{exp}d} {self.currency}" if exp else f"{sign}{units} {self.currency}"


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Apportion the integer ``total`` over non-negative integer ``weights`` by largest remainder.

    Each part gets ``floor(total * w / W)``; the units left over go one each to the parts with the largest
    remainders, earlier positions first on equal remainders. The parts sum to ``total`` exactly. When every
    weight is zero the total is spread as if all weights were equal. A negative total is apportioned as the
    negation of the positive one, so refunds mirror charges.

    Raises:
        InvalidMoney: when ``weights`` is empty or holds a negative weight.
    """
    if not weights:
        raise InvalidMoney("weights", list(weights), "cannot apportion over no parts")
    if any(w < 0 for w in weights):
        raise InvalidMoney("weights", list(weights), "weights must not be negative")
    if total < 0:
        return [-part for part in allocate(-total, weights)]
    weight_sum = sum(weights)
    if weight_sum == 0:
        weights = [1] * len(weights)
        weight_sum = len(weights)
    parts: list[int] = []
    remainders: list[tuple[int, int]] = []
    for index, weight in enumerate(weights):
        quotient, remainder = divmod(total * weight, weight_sum)
        parts.append(quotient)
        remainders.append((-remainder, index))
    left = total - sum(parts)
    for _, index in sorted(remainders)[:left]:
        parts[index] += 1
    return parts


def total(amounts: Iterable[Money], currency: str) -> Money:
    """Sum ``amounts`` (all of ``currency``); the empty sum is zero."""
    result = 0
    for amount in amounts:
        if amount.currency != currency:
            raise InvalidMoney("currency", amount.currency, f"cannot combine with {currency}")
        result += amount.minor
    return Money(result, currency)
