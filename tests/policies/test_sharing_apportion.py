"""Apportionment: parts never exceed the pool; Webster and the quota method never lower a share when the pool
grows; the quota method (and Hamilton) stay within one unit of the exact quota."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omscore.domain.errors import InvalidConfiguration
from omscore.policies.sharing import (
    Method,
    QuotaSequence,
    SeatSequence,
    apportion,
    apportion_capped,
    hamilton,
    quota_method,
    webster,
)
from omscore.policies.sharing.apportion import webster_priority

weights_lists = st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=8)


def test_webster_splits_by_weight_with_ties_to_the_earlier_part() -> None:
    assert webster(20, [50, 25, 15, 10]) == [10, 5, 3, 2]
    assert webster(1, [1, 1]) == [1, 0]
    assert webster(3, [1, 1]) == [2, 1]


def test_hamilton_shows_the_alabama_paradox_that_webster_avoids() -> None:
    weights = [2, 8, 8]
    assert hamilton(3, weights) == [1, 1, 1]
    assert hamilton(4, weights) == [0, 2, 2]  # the first part loses its unit when the pool grows
    before, after = webster(3, weights), webster(4, weights)
    assert all(b <= a for b, a in zip(before, after, strict=True))


def test_zero_weights_get_nothing_and_all_zero_weights_hand_out_nothing() -> None:
    for method in Method:
        assert apportion(10, [0, 3, 1], method)[0] == 0
        assert apportion(10, [0, 0], method) == [0, 0]


def test_negative_weights_are_refused() -> None:
    with pytest.raises(InvalidConfiguration):
        apportion(5, [1, -1])


def test_caps_pass_the_excess_to_the_others_and_leave_what_nobody_can_take() -> None:
    assert apportion_capped(10, [1, 1, 1], [2, None, 3]) == [2, 5, 3]
    assert apportion_capped(10, [1, 1], [2, 3]) == [2, 3]
    assert apportion_capped(10, [1, 1], [2, 3], Method.HAMILTON) == [2, 3]


@given(st.integers(min_value=0, max_value=300), weights_lists, st.sampled_from(list(Method)))
def test_the_parts_never_exceed_the_pool(total: int, weights: list[int], method: Method) -> None:
    parts = apportion(total, weights, method)
    assert sum(parts) == (total if any(weights) else 0)
    assert all(p >= 0 for p in parts)


@given(st.integers(min_value=0, max_value=200), weights_lists, st.sampled_from([Method.WEBSTER, Method.QUOTA]))
def test_no_share_falls_when_the_pool_grows(total: int, weights: list[int], method: Method) -> None:
    before, after = apportion(total, weights, method), apportion(total + 1, weights, method)
    assert all(b <= a for b, a in zip(before, after, strict=True))


@given(st.integers(min_value=0, max_value=200), weights_lists, st.sampled_from([Method.QUOTA, Method.HAMILTON]))
def test_every_share_is_within_one_unit_of_its_exact_quota(total: int, weights: list[int], method: Method) -> None:
    weight_sum = sum(weights)
    if not weight_sum:
        return
    for part, weight in zip(apportion(total, weights, method), weights, strict=True):
        quota = Fraction(total * weight, weight_sum)
        assert math.floor(quota) <= part <= math.ceil(quota)


@given(
    st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=6),
    st.data(),
)
def test_direct_webster_equals_handing_out_one_unit_at_a_time(weights: list[int], data: st.DataObject) -> None:
    count = len(weights)
    start = data.draw(st.lists(st.integers(0, 3), min_size=count, max_size=count))
    caps = [
        None if cap is None else max(cap, start[i])
        for i, cap in enumerate(data.draw(st.lists(st.none() | st.integers(0, 15), min_size=count, max_size=count)))
    ]
    eligible = [w > 0 for w in weights]
    sequence = SeatSequence(webster_priority(weights), count, start=start, caps=caps, eligible=eligible)
    for offered in range(0, 40):
        assert webster(sum(start) + offered, weights, start=start, caps=caps) == list(sequence.parts(offered))


def test_the_quota_sequence_answers_any_pool_size_from_its_cache() -> None:
    sequence = QuotaSequence([5, 3, 2])
    assert sequence.parts(10) == (5, 3, 2)
    assert sequence.parts(3) == tuple(quota_method(3, [5, 3, 2]))


def test_a_seat_sequence_leaves_units_below_every_join_level_unassigned() -> None:
    sequence = SeatSequence(webster_priority([1, 1]), 2, joins=[3, 5])
    assert sequence.parts(3) == (0, 0)
    assert sequence.parts(5) == (2, 0)
    assert sequence.parts(7) == (2, 2)  # a late joiner catches up by priority
