"""合单: which orders are fulfilled together.

Orders merge when they share a *merge key* — the buyer, the normalised recipient (name, phone, address
fingerprint) and the shop (or the platform, when merging across shops) — were placed within the configured
window of each other, and are not cash on delivery, not store pickups and (unless allowed) not presale. The
key is computed once per order, so finding partners costs one indexed look-up per arriving order.

A merge never makes an order worse off: :func:`check_serving` takes a merge only when the merged order can be
served in full from the stock available (counting what allocated partners hold, since merging gives it back),
or when no part loses by it — unless the shop's ``when_short`` setting says to merge anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

import attrs

from omscore.domain.identity import OrderId, SkuCode
from omscore.domain.inventory import StockKey
from omscore.domain.order import Order, OrderStatus, PaymentMode
from omscore.policies.explain import Explanation
from omscore.policies.settings import MergeSettings, WhenShort

#: Statuses of orders that may still be merged: reviewed and not yet released.
MERGEABLE = frozenset({OrderStatus.APPROVED, OrderStatus.ALLOCATED})


@attrs.frozen
class MergeKeyDecision:
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


#: Whether an order can be planned in full from the given units per (location, SKU). The pipeline answers
#: with its router, so the check follows the shop's routing rules (split allowed or not, rules that narrow
#: the locations …). It must be deterministic.
CanServe = Callable[[Order, Mapping[StockKey, int]], bool]


@attrs.frozen
class MergeStock:
    """The stock a would-be merge draws on.

    Attributes:
        available: units free to reserve now per (location, SKU), as the store reports them (a value may be
            zero or below when safety stock exceeds what is free); keys that are missing count as zero.
        held: the units each allocated partner has reserved, per (location, SKU). Merging releases them, so
            they are available to the merged order.
    """

    available: Mapping[StockKey, int]
    held: Mapping[OrderId, Mapping[StockKey, int]] = attrs.field(factory=dict)

    def pool(self) -> dict[StockKey, int]:
        """What the merged order could reserve once the partners' reservations are given back: for every
        key, what is free plus what the partners hold, when that is positive (sorted by key)."""
        pool = dict(self.available)
        for reserved in self.held.values():
            for key, units in reserved.items():
                pool[key] = pool.get(key, 0) + units
        return {key: units for key, units in sorted(pool.items()) if units > 0}


def served_together(orders: Sequence[Order]) -> Order:
    """A stand-in for the order that would fulfil ``orders`` together, to ask whether it could be served.

    It is built as :meth:`Order.merge` builds a merged order (same lines, channel, recipient and priority)
    but from copies, so the given orders are left untouched; it is never stored.
    """
    copies = [attrs.evolve(o, status=OrderStatus.APPROVED, events=[]) for o in orders]
    return Order.merge(OrderId("merge-trial"), copies)


def _shortages(order: Order, pool: Mapping[StockKey, int]) -> list[tuple[SkuCode, int, int]]:
    """(SKU, units wanted, units available at all locations) for each SKU the pool cannot cover, by SKU."""
    wanted: dict[SkuCode, int] = {}
    for line in order.lines:
        wanted[line.sku] = wanted.get(line.sku, 0) + line.quantity
    have: dict[SkuCode, int] = {}
    for (_, sku), units in pool.items():
        have[sku] = have.get(sku, 0) + units
    return [(sku, qty, have.get(sku, 0)) for sku, qty in sorted(wanted.items()) if qty > have.get(sku, 0)]


def _names(ids: Sequence[OrderId]) -> str:
    return ", ".join(ids)


def check_serving(
    order: Order, chosen: MergeDecision, stock: MergeStock, can_serve: CanServe, settings: MergeSettings
) -> MergeDecision:
    """Confirm or refuse the merge ``chosen`` proposes for ``order``, so that no order is served worse.

    The merge is taken when

    1. the merged order can be served in full from :meth:`MergeStock.pool` (what is free plus what the
       allocated partners hold) — then every part is served as well as before; or
    2. ``settings.when_short`` is :attr:`~WhenShort.MERGE_ANYWAY`; or
    3. no partner is allocated and no part could be served in full on its own — all of them wait for stock
       either way, so merging delays none of them.

    Otherwise the orders stay apart: an allocated partner keeps its reservation, and a part that could ship
    on its own is not held back by the others. The decision is all or nothing over ``chosen.partners``.

    Args:
        order: the arriving order.
        chosen: the partners :func:`choose_partners` picked and why; its steps open the explanation.
        stock: what is free per (location, SKU) and what each allocated partner holds.
        can_serve: whether an order can be planned in full from given stock (see :data:`CanServe`).
        settings: the merge settings of ``order``'s shop.

    Returns:
        ``chosen``'s partners with the reason they merge, or no partners with the reason they stay apart
        (a summary such as ``not merged: FISH short, partner O1 keeps its reservation``).
    """
    if not chosen.partners:
        return chosen
    partners = tuple(sorted(chosen.partners, key=lambda o: o.id))
    ids = _names([p.id for p in partners])
    steps = list(chosen.explanation.steps)
    pool = stock.pool()
    together = served_together([order, *partners])
    if can_serve(together, pool):
        counted = " with what the partners hold" if stock.held else ""
        steps.append(f"the merged order can be served in full from the stock available{counted}")
        return MergeDecision(partners, Explanation("merge", f"merge with {ids}", tuple(steps)))

    short = _shortages(together, pool)
    reason = (
        f"{', '.join(sku for sku, _, _ in short)} short"
        if short
        else "the routing rules cannot plan the merged order in full"
    )
    steps.append(f"the merged order cannot be served in full: {reason}")
    steps.extend(f"{sku}: {wanted} wanted, {have} available at all locations" for sku, wanted, have in short)
    if settings.when_short is WhenShort.MERGE_ANYWAY:
        steps.append("merging anyway, as the shop's when_short setting says")
        return MergeDecision(partners, Explanation("merge", f"merge with {ids} although {reason}", tuple(steps)))

    allocated = [p.id for p in partners if p.status is OrderStatus.ALLOCATED]
    if allocated:
        whose = (
            f"partner {allocated[0]} keeps its reservation"
            if len(allocated) == 1
            else f"partners {_names(allocated)} keep their reservations"
        )
        steps.append(f"merging would take the stock of {_names(allocated)} and leave everything waiting")
        return MergeDecision((), Explanation("merge", f"not merged: {reason}, {whose}", tuple(steps)))

    alone = [part.id for part in sorted([order, *partners], key=lambda o: o.id) if can_serve(part, pool)]
    if alone:
        steps.append(f"merging would hold back {_names(alone)}, which can be served on its own")
        verb = "can" if len(alone) == 1 else "each can"
        summary = f"not merged: {reason}, {_names(alone)} {verb} be served on its own"
        return MergeDecision((), Explanation("merge", summary, tuple(steps)))
    steps.append("no part can be served in full on its own, so merging delays none of them")
    return MergeDecision(partners, Explanation("merge", f"merge with {ids}", tuple(steps)))
