"""Strategies for currency codes and amounts of money in them."""

from __future__ import annotations

from hypothesis import strategies as st

from omscore.domain.money import CURRENCY_EXPONENTS, Money


def currencies() -> st.SearchStrategy[str]:
    """ISO 4217 codes omscore accepts (zero-, two- and three-digit minor units among them)."""
    return st.sampled_from(sorted(CURRENCY_EXPONENTS))


def money(
    currency: str | st.SearchStrategy[str] = "CNY", *, min_minor: int = 0, max_minor: int = 1_000_000
) -> st.SearchStrategy[Money]:
    """Amounts of ``currency`` between ``min_minor`` and ``max_minor`` minor units.

    Args:
        currency: a currency code, or a strategy of them.
        min_minor: the smallest amount, in minor units (may be negative, e.g. for refunds).
        max_minor: the largest amount, in minor units.

    Returns:
        A strategy of :class:`Money`.
    """
    codes = st.just(currency) if isinstance(currency, str) else currency
    return st.builds(Money, st.integers(min_minor, max_minor), codes)
