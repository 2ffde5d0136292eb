"""合单 partners: the merge key and the window.

Orders merge when they share a *merge key* — the buyer, the normalised recipient (name, phone, address
fingerprint) and the shop (or the platform, when merging across shops) — were placed within the configured
window of each other, and are not cash on delivery, not store pickups and (unless allowed) not presale. The
key is computed once per order, so finding partners costs one indexed look-up per arriving order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import attrs

from omscore.domain.order import Order, PaymentMode
from omscore.domain.order_status import OrderStatus
from omscore.policies.explain import Explanation
from omscore.policies.merge.settings import MergeSettings

#: Statuses of orders that may still be merged: reviewed and not yet released.
MERGEABLE = frozenset({OrderStatus.APPROVED, OrderStatus.ALLOCATED})


@attrs.frozen
class MergeKeyDecision:
    """An order's merge key, or ``None`` when it never merges, with the reason."""

    key: str | None
    explanation: Explanation


def _never_reason(order: Order, settings: MergeSettings) -> str | None:
    if not settings.enabled:
        return "merging is disabled for this shop"
    if order.payment is PaymentMode.COD:
        return "cash-on-delivery orders are never merged (the carrier collects per order)"
    if order.pickup_location is not None:
        return "store-pickup orders are never merged"
    if not settings.include_presale and any(line.presale_ship_date for line in order.lines):
        return "presale orders are kept apart by setting"
    return None


def merge_key_of(order: Order, settings: MergeSettings) -> str | None:
    """The key ``order`` merges under, or ``None`` when it never merges (the fast form of :func:`merge_key`).

    The key is the scope (shop, or platform when merging across shops), the buyer, the recipient's
    fingerprint and the currency: orders merge only when all four are equal.
    """
    if _never_reason(order, settings) is not None:
        return None
    scope = order.channel.platform if settings.across_shops else f"{order.channel.platform}:{order.channel.shop}"
    return f"{scope}|{order.buyer_id.strip().casefold()}|{order.recipient.fingerprint()}|{order.currency}"


def merge_key(order: Order, settings: MergeSettings) -> MergeKeyDecision:
    """The key ``order`` merges under, or ``None`` with the reason it never merges."""
    reason = _never_reason(order, settings)
    if reason is not None:
        return MergeKeyDecision(None, Explanation("merge", "not mergeable", (reason,)))
    key = merge_key_of(order, settings)
    scope = order.channel.platform if settings.across_shops else str(order.channel)
    steps = (f"scope {scope}", f"buyer {order.buyer_id}", f"recipient fingerprint {order.recipient.fingerprint()}")
    return MergeKeyDecision(key, Explanation("merge", "mergeable", steps))


class MergeGrouper:
    """Streaming 合单 grouping: constant work per arriving order.

    Feed orders in placement order. An order joins the open group of its merge key when it was placed within
    the window of that group's first order (the merged order keeps the earliest placement time, so this is
    the window the pipeline applies); otherwise it opens a new group. Orders that never merge get a group of
    their own. Groups are numbered from 0 in the order they open.
    """

    def __init__(self, settings: MergeSettings) -> None:
        self._settings = settings
        self._window = timedelta(minutes=settings.window_minutes)
        self._open: dict[str, tuple[int, datetime]] = {}
        self._next = 0

    def add(self, order: Order) -> int:
        """The group ``order`` belongs to."""
        key = merge_key_of(order, self._settings)
        if key is not None:
            current = self._open.get(key)
            if current is not None and order.placed_at - current[1] <= self._window:
                return current[0]
        group = self._next
        self._next += 1
        if key is not None:
            self._open[key] = (group, order.placed_at)
        return group


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
