"""Stock locks: honoured from their start until their expiry, then returned to the pool."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omscore.domain.errors import InvalidConfiguration, InvalidQuantity
from omscore.domain.identity import Channel, SkuCode
from omscore.policies.sharing import (
    LockClaim,
    Participant,
    PoolRule,
    SharingMethod,
    StockLock,
    active_locks,
    next_change,
    share_pool,
)

T0 = datetime(2024, 6, 18, 20, 0, tzinfo=UTC)
LIVE = Channel("douyin", "live")
TEA = SkuCode("TEA")


def lock(quantity: int = 30, minutes: int = 120, key: str = "live-618", starts: datetime | None = None) -> StockLock:
    return StockLock(key, LIVE, TEA, quantity, T0 + timedelta(minutes=minutes), starts=starts)


def test_a_lock_holds_from_its_start_until_its_expiry() -> None:
    held = lock(starts=T0)
    assert not held.active(T0 - timedelta(seconds=1))
    assert held.active(T0)
    assert held.active(T0 + timedelta(minutes=119))
    assert not held.active(T0 + timedelta(minutes=120))


def test_active_locks_are_those_of_the_sku_now_in_key_order() -> None:
    locks = [lock(key="b"), lock(key="a"), lock(key="c", minutes=-1), StockLock("d", LIVE, SkuCode("CUP"), 1, T0)]
    assert [item.key for item in active_locks(locks, TEA, T0)] == ["a", "b"]


def test_the_next_change_is_the_next_start_or_expiry() -> None:
    assert next_change([lock(minutes=30), lock(starts=T0 + timedelta(minutes=10))], T0) == T0 + timedelta(minutes=10)
    assert next_change([lock(minutes=30)], T0 + timedelta(hours=1)) is None


def test_invalid_locks_are_refused() -> None:
    with pytest.raises(InvalidQuantity):
        lock(quantity=0)
    with pytest.raises(InvalidConfiguration):
        lock(starts=T0 + timedelta(hours=3))
    with pytest.raises(InvalidConfiguration):
        StockLock("x", LIVE, TEA, 1, datetime(2024, 1, 1))


@given(st.integers(min_value=0, max_value=200), st.integers(min_value=-60, max_value=300))
def test_a_lock_is_honoured_until_expiry_and_released_after(pool: int, minutes: int) -> None:
    participants = [Participant(Channel("tmall", "flagship"), "T"), Participant(LIVE, "D")]
    now = T0 + timedelta(minutes=minutes)
    held = lock(quantity=30, minutes=120, starts=T0)
    claims = [LockClaim(1, item.quantity, item.key) for item in active_locks([held], TEA, now)]
    shares = share_pool(pool, participants, PoolRule(method=SharingMethod.WEBSTER), locks=claims).quantities
    unlocked = share_pool(pool, participants, PoolRule(method=SharingMethod.WEBSTER)).quantities
    if held.active(now):
        assert shares[1] >= min(30, pool)
        assert shares[0] <= unlocked[0]
    else:
        assert shares == unlocked
    assert sum(shares) <= pool
