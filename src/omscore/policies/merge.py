"""合单: which orders are fulfilled together.

Orders merge when they share a *merge key* — the buyer, the normalised recipient (name, phone, address
fingerprint) and the shop (or the platform, when merging across shops) — were placed within the configured
window of each other, and are not cash on delivery, not store pickups and (unless allowed) not presale. The
key is computed once per order, so finding partners costs one indexed look-up per arriving order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import timedelta

import attrs

from omscore.domain.order import Order, OrderStatus, PaymentMode
from omscore.policies.explain import Explanation
from omscore.policies.settings import MergeSettings

#: Statuses of orders that may still be merged: reviewed and not yet released.
MERGEABLE = frozenset({OrderStatus.APPROVED, OrderStatus.ALLOCATED})


@attrs.frozen
class MergeKeyDecision:
    key: str | None
    explanation: Explanation


def merge_key(order: Order, settings: MergeSettings) -> MergeKeyDecision:
    """The key ``order`` merges under, or ``None`` with the reason it never merges."""
    reason = None
    if not settings.enabled:
        reason = "merging is disabled for this shop"
    elif order.payment is PaymentMode.COD:
        reason = "cash-on-delivery orders are never merged (the carrier collects per order)"
    elif order.pickup_location is not None:
        reason = "store-pickup orders are never merged"
    elif not settings.include_presale and any(line.presale_ship_date for line in order.lines):
        reason = "presale orders are kept apart by setting"
    if reason is not None:
        return MergeKeyDecision(None, Explanation("merge", "not mergeable", (reason,)))
    scope = order.channel.platform if settings.across_shops else str(order.channel)
    fingerprint = order.recipient.fingerprint()
    raw = "\x1f".join((scope, order.buyer_id.strip().casefold(), fingerprint, order.currency))
    key = hashlib.blake2b(raw.encode(), digest_size=10).hexdigest()
    return MergeKeyDecision(
        key,
        Explanation(
            "merge",
            f"merge key {key}",
            (f"scope {scope}", f"buyer {order.buyer_id}", f"recipient fingerprint {fingerprint}"),
        ),
    )


@attrs.frozen
class MergeDecision:
    """The orders to merge with the arriving one (empty when none), and why."""

    partners: tuple[Order, ...]
    explanation: Explanation


def choose_partners(order: Order, candidates: Sequence[Order], settings: MergeSettings) -> MergeDecision:
    """Pick, among orders with the same merge key, those ``order`` merges with.

    A candidate qualifies when it is a different order, approved or allocated (not yet released), has the
    same payment mode, and was placed within ``window_minutes`` of ``order``. Candidates are considered in id
    order, so the decision does not depend on how they were found.
    """
    window = timedelta(minutes=settings.window_minutes)
    partners: list[Order] = []
    steps: list[str] = []
    for candidate in sorted(candidates, key=lambda o: o.id):
        if candidate.id == order.id:
            continue
        if candidate.status not in MERGEABLE:
            steps.append(f"{candidate.id}: skipped, status {candidate.status}")
        elif candidate.payment is not order.payment:
            steps.append(f"{candidate.id}: skipped, payment {candidate.payment}")
        elif abs(candidate.placed_at - order.placed_at) > window:
            steps.append(f"{candidate.id}: skipped, placed more than {settings.window_minutes} min apart")
        else:
            partners.append(candidate)
            steps.append(f"{candidate.id}: same buyer and recipient within the window")
    summary = f"merge with {', '.join(p.id for p in partners)}" if partners else "no partner"
    return MergeDecision(tuple(partners), Explanation("merge", summary, tuple(steps)))
