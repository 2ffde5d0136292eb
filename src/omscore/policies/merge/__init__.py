"""合单: which orders are fulfilled together.

Orders merge when they share a *merge key* — the buyer, the normalised recipient (name, phone, address
fingerprint) and the shop (or the platform, when merging across shops) — were placed within the configured
window of each other, and are not cash on delivery, not store pickups and (unless allowed) not presale. The
key is computed once per order, so finding partners costs one indexed look-up per arriving order.

A merge never makes an order worse off: :func:`check_serving` takes a merge only when the merged order can be
served in full from the stock available (counting what allocated partners hold, since merging gives it back),
or when no part loses by it — unless the shop's ``when_short`` setting says to merge anyway.
"""

from omscore.policies.merge.key import (
    MERGEABLE,
    MergeDecision,
    MergeGrouper,
    MergeKeyDecision,
    choose_partners,
    merge_key,
    merge_key_of,
)
from omscore.policies.merge.serving import CanServe, MergeStock, check_serving, served_together
from omscore.policies.merge.settings import MergeSettings, WhenShort

__all__ = [
    "MERGEABLE",
    "CanServe",
    "MergeDecision",
    "MergeGrouper",
    "MergeKeyDecision",
    "MergeSettings",
    "MergeStock",
    "WhenShort",
    "check_serving",
    "choose_partners",
    "merge_key",
    "merge_key_of",
    "served_together",
]
