"""The sharing steps: each policy on its own, the explanation, and the properties that hold for every setting."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from omscore.domain.identity import Channel
from omscore.policies.sharing import (
    LockClaim,
    Participant,
    PoolRule,
    SharePlan,
    SharePlanner,
    ShareRule,
    SharingMethod,
    share_pool,
)

SHOPS = [Channel("tmall", "flagship"), Channel("jd", "main"), Channel("pdd", "outlet"), Channel("douyin", "live")]


def listings(*rules: ShareRule) -> list[Participant]:
    return [Participant(SHOPS[i], f"L{i}", rule) for i, rule in enumerate(rules)]


def quantities(
    pool: int, *rules: ShareRule, pool_rule: PoolRule | None = None, locks: tuple[LockClaim, ...] = ()
) -> tuple[int, ...]:
    return share_pool(
        pool, listings(*rules), pool_rule or PoolRule(method=SharingMethod.WEBSTER), locks=locks
    ).quantities


def test_ratios_split_the_pool_by_weight() -> None:
    assert quantities(20, ShareRule(weight=50), ShareRule(weight=30), ShareRule(weight=20)) == (10, 6, 4)


def test_a_buffer_is_never_published() -> None:
    assert quantities(10, ShareRule(), ShareRule(), pool_rule=PoolRule(method=SharingMethod.WEBSTER, buffer=4)) == (
        3,
        3,
    )


def test_an_exclusive_pool_comes_first_and_the_listing_still_shares_the_rest() -> None:
    assert quantities(10, ShareRule(exclusive=4), ShareRule()) == (7, 3)
    assert quantities(3, ShareRule(exclusive=4), ShareRule()) == (3, 0)


def test_a_fixed_quantity_is_published_as_far_as_the_pool_reaches_and_takes_no_share() -> None:
    assert quantities(10, ShareRule(fixed=3), ShareRule(), ShareRule()) == (3, 4, 3)
    assert quantities(2, ShareRule(fixed=3), ShareRule()) == (2, 0)


def test_below_a_critical_level_only_the_priority_listing_is_served() -> None:
    priority, other = ShareRule(weight=1), ShareRule(weight=1, critical_level=5)
    assert quantities(4, priority, other) == (4, 0)
    assert quantities(9, priority, other) == (7, 2)  # the other joins above 5 and catches up by priority


def test_a_cap_passes_its_excess_to_the_others() -> None:
    assert quantities(20, ShareRule(cap=3), ShareRule(), ShareRule()) == (3, 9, 8)


def test_a_cap_on_everyone_leaves_units_unpublished() -> None:
    decision = share_pool(20, listings(ShareRule(cap=3), ShareRule(cap=4)), PoolRule(method=SharingMethod.WEBSTER))
    assert decision.quantities == (3, 4)
    assert decision.unassigned == 13


def test_zero_out_hides_a_listing_while_the_pool_is_at_or_below_its_threshold_and_others_take_its_share() -> None:
    assert quantities(5, ShareRule(zero_out_at=5), ShareRule()) == (0, 5)
    assert quantities(6, ShareRule(zero_out_at=5), ShareRule()) == (3, 3)


def test_a_floor_shows_a_fixed_number_when_the_share_falls_below_it() -> None:
    hide_small = ShareRule(weight=1, floor=3, floor_show=0)
    assert quantities(4, hide_small, ShareRule(weight=1)) == (0, 2)  # its 2 units are not published
    show_one = ShareRule(weight=1, floor=1, floor_show=1)
    assert quantities(1, ShareRule(weight=1, cap=1), show_one) == (1, 0)  # nothing unassigned to show
    assert quantities(3, ShareRule(weight=3, cap=2), ShareRule(weight=0), show_one) == (2, 0, 1)


def test_locks_are_set_aside_first_on_top_of_the_share_and_in_order() -> None:
    locks = (LockClaim(1, 6, "live"), LockClaim(0, 6, "promo"))
    assert quantities(10, ShareRule(), ShareRule(), locks=locks) == (4, 6)
    assert quantities(20, ShareRule(), ShareRule(), locks=locks) == (10, 10)


def test_presale_stock_goes_only_to_presale_listings_up_to_their_cap() -> None:
    rules = (ShareRule(presale_cap=30), ShareRule(presale_cap=5), ShareRule())
    pool_rule = PoolRule(method=SharingMethod.WEBSTER, presale_stock=40)
    assert quantities(0, *rules, pool_rule=pool_rule) == (30, 5, 0)
    assert quantities(9, *rules, pool_rule=pool_rule) == (33, 8, 3)


def test_switched_off_listings_get_nothing() -> None:
    assert quantities(10, ShareRule(enabled=False), ShareRule()) == (0, 10)


def test_demand_pacing_covers_every_listings_lag_before_following_velocity() -> None:
    paced = (ShareRule(velocity=9.0), ShareRule(velocity=4.5), ShareRule(velocity=2.7), ShareRule(velocity=1.8))
    shared = PoolRule(method=SharingMethod.SHARED)
    assert quantities(5, *paced, pool_rule=shared) == (2, 1, 1, 1)
    assert quantities(1000, *paced, pool_rule=shared) == (500, 250, 150, 100)


def test_share_all_without_velocities_splits_by_weight() -> None:
    assert quantities(10, ShareRule(weight=3), ShareRule(weight=2), pool_rule=PoolRule()) == (6, 4)


def test_every_share_comes_with_its_reasons() -> None:
    decision = share_pool(
        12,
        listings(ShareRule(weight=2, cap=5), ShareRule(weight=1, exclusive=2), ShareRule(zero_out_at=20)),
        PoolRule(method=SharingMethod.WEBSTER, buffer=2),
        sku="TEA-01",
        locks=(LockClaim(0, 1, "live-618"),),
    )
    text = decision.explanation().text()
    assert "pool 12, buffer 2 kept back: 10 to share" in text
    assert "lock live-618: 1 set aside" in text
    assert "exclusive pool 2" in text
    assert "zero-out: pool 10 is at or below 20" in text
    assert "capped at 5" in text
    assert decision.quantities == (6, 4, 0)


# --- properties -----------------------------------------------------------------------------------------------

units = st.integers(min_value=0, max_value=30)
optional_units = st.none() | units
rules = st.builds(
    ShareRule,
    weight=st.integers(min_value=0, max_value=10),
    exclusive=st.integers(min_value=0, max_value=10),
    fixed=st.none() | st.integers(min_value=0, max_value=10),
    critical_level=st.integers(min_value=0, max_value=10),
    cap=optional_units,
    floor=optional_units,
    floor_show=units,
    zero_out_at=optional_units,
    presale_cap=units,
    velocity=st.none() | st.floats(min_value=0.0, max_value=50.0),
    lag_minutes=st.floats(min_value=0.0, max_value=30.0),
    enabled=st.booleans(),
)
pool_rules = st.builds(
    PoolRule,
    method=st.sampled_from(list(SharingMethod)),
    buffer=st.integers(min_value=0, max_value=5),
    presale_stock=st.integers(min_value=0, max_value=20),
    pace_lags=st.floats(min_value=0.0, max_value=4.0),
)
lock_lists = st.lists(st.tuples(st.integers(0, 5), st.integers(1, 10)), max_size=3)


@settings(max_examples=300)
@given(st.lists(rules, min_size=1, max_size=6), pool_rules, st.integers(min_value=-5, max_value=200), lock_lists)
def test_published_quantities_never_exceed_the_pool_for_any_setting(
    rule_list: list[ShareRule], pool_rule: PoolRule, pool: int, lock_list: list[tuple[int, int]]
) -> None:
    plan = SharePlan(rule_list, pool_rule)
    locks = tuple((i % len(rule_list), u) for i, u in lock_list)
    shares = plan.shares(pool, locks)
    assert all(q >= 0 for q in shares)
    assert sum(shares) <= max(0, max(0, pool) - pool_rule.buffer) + pool_rule.presale_stock


@settings(max_examples=100)
@given(st.lists(rules, min_size=1, max_size=5), pool_rules, st.integers(min_value=0, max_value=100))
def test_sharing_is_deterministic_and_the_hot_path_agrees_with_the_explanation(
    rule_list: list[ShareRule], pool_rule: PoolRule, pool: int
) -> None:
    participants = [Participant(SHOPS[i % 4], f"L{i}", rule) for i, rule in enumerate(rule_list)]
    first = SharePlanner().plan(rule_list, pool_rule)
    second = SharePlan(rule_list, pool_rule)
    assert first.shares(pool) == second.shares(pool) == second.decide(pool, participants).quantities


@given(
    st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=6),
    st.sampled_from([SharingMethod.WEBSTER, SharingMethod.QUOTA]),
    st.integers(min_value=0, max_value=150),
)
def test_with_webster_and_the_quota_method_no_share_falls_when_the_pool_grows(
    weights: list[int], method: SharingMethod, pool: int
) -> None:
    plan = SharePlan([ShareRule(weight=w) for w in weights], PoolRule(method=method))
    before, after = plan.shares(pool), plan.shares(pool + 1)
    assert all(b <= a for b, a in zip(before, after, strict=True))


@given(
    st.lists(st.floats(min_value=0.1, max_value=40.0), min_size=1, max_size=6),
    st.floats(min_value=0.0, max_value=30.0),
    st.integers(min_value=0, max_value=300),
)
def test_demand_pacing_never_lowers_a_share_when_the_pool_grows(velocities: list[float], lag: float, pool: int) -> None:
    plan = SharePlan([ShareRule(velocity=v, lag_minutes=lag) for v in velocities], PoolRule())
    before, after = plan.shares(pool), plan.shares(pool + 1)
    assert all(b <= a for b, a in zip(before, after, strict=True))
    assert sum(after) == pool + 1


def test_very_large_pools_are_answered_directly_and_agree_with_the_sequence() -> None:
    paced = SharePlan([ShareRule(velocity=v) for v in (9.0, 4.5, 2.7)], PoolRule())
    ratio = SharePlan([ShareRule(weight=w) for w in (5, 3, 2)], PoolRule(method=SharingMethod.WEBSTER))
    for plan in (paced, ratio):
        big = plan.shares(100_000)
        assert sum(big) == 100_000
        assert plan.shares(4097) == SharePlan(plan.rules, plan.pool_rule)._sequence(plan._sharers).parts(4097)
