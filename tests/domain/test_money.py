"""Money: integer minor units, one currency, exact apportioning."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omscore.domain import InvalidMoney, Money, allocate


def test_amounts_of_one_currency_add_and_subtract() -> None:
    assert Money(150, "CNY") + Money(50, "CNY") - Money(25, "CNY") == Money(175, "CNY")


def test_amounts_of_different_currencies_do_not_mix() -> None:
    with pytest.raises(InvalidMoney) as caught:
        _ = Money(1, "CNY") + Money(1, "USD")
    assert caught.value.field == "currency"
    assert caught.value.value == "USD"


def test_an_unknown_currency_is_refused_by_name() -> None:
    with pytest.raises(InvalidMoney) as caught:
        Money(1, "XXX")
    assert caught.value.field == "currency"
    assert caught.value.value == "XXX"


def test_a_fraction_of_a_minor_unit_is_refused() -> None:
    with pytest.raises(InvalidMoney):
        Money(1.5, "CNY")  # type: ignore[arg-type]


def test_money_prints_in_major_units() -> None:
    assert str(Money(-1234, "CNY")) == "-12.34 CNY"
    assert str(Money(500, "JPY")) == "500 JPY"


def test_allocate_gives_leftover_units_to_the_largest_remainders_first() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(10, [3, 7]) == [3, 7]
    assert allocate(5, [0, 0]) == [3, 2]


def test_allocate_mirrors_negative_totals() -> None:
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]


def test_allocate_refuses_no_parts_and_negative_weights() -> None:
    with pytest.raises(InvalidMoney):
        allocate(10, [])
    with pytest.raises(InvalidMoney):
        allocate(10, [1, -1])


@given(st.integers(-(10**12), 10**12), st.lists(st.integers(0, 10**6), min_size=1, max_size=30))
def test_allocated_parts_always_sum_to_the_whole(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)


@given(st.integers(0, 10**9), st.lists(st.integers(1, 10**4), min_size=1, max_size=20))
def test_each_part_is_within_one_unit_of_its_exact_share(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = total * weight / weight_sum
        assert exact - 1 < part < exact + 1
