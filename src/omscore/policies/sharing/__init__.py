"""Stock sharing (库存分配): how much of each SKU every listing may publish, never more in total than the pool.

The pieces: :mod:`~.apportion` (Webster, Hamilton, the quota method), :mod:`~.demand` (Poisson demand during
the sync lag, demand pacing), :mod:`~.availability` (what counts as the pool), :mod:`~.settings` (shop > listing >
listing-SKU inheritance), :mod:`~.locks` (quantities set aside until an expiry), :mod:`~.plan` (the sharing
steps, their memoised hot path and their explanations) and :mod:`~.decision` (the listings taking part and the
explained shares). See ``docs/stock-sharing.md``.
"""

from omscore.policies.sharing.apportion import (
    Method,
    QuotaSequence,
    SeatSequence,
    apportion,
    apportion_capped,
    hamilton,
    quota_method,
    webster,
    webster_priority,
)
from omscore.policies.sharing.availability import AvailabilityModel, Counted, LocationStock, kit_quantity
from omscore.policies.sharing.decision import LockClaim, Participant, ShareDecision, ShareLine
from omscore.policies.sharing.demand import pace_priority, poisson_quantile, poisson_tails
from omscore.policies.sharing.locks import StockLock, active_locks, next_change
from omscore.policies.sharing.plan import Locks, SharePlan, SharePlanner, share_pool
from omscore.policies.sharing.settings import (
    PoolRule,
    PoolSettings,
    ShareRule,
    ShareSettings,
    SharingConfig,
    SharingMethod,
)

__all__ = [
    "AvailabilityModel",
    "Counted",
    "LocationStock",
    "LockClaim",
    "Locks",
    "Method",
    "Participant",
    "PoolRule",
    "PoolSettings",
    "QuotaSequence",
    "SeatSequence",
    "ShareDecision",
    "ShareLine",
    "SharePlan",
    "SharePlanner",
    "ShareRule",
    "ShareSettings",
    "SharingConfig",
    "SharingMethod",
    "StockLock",
    "active_locks",
    "apportion",
    "apportion_capped",
    "hamilton",
    "kit_quantity",
    "next_change",
    "pace_priority",
    "poisson_quantile",
    "poisson_tails",
    "quota_method",
    "share_pool",
    "webster",
    "webster_priority",
]
