"""合单 and stock: a merge never makes an order worse off.

:func:`check_serving` takes a merge only when the merged order can be served in full from the stock available
(counting what allocated partners hold, since merging gives it back), or when no part loses by it — unless the
shop's ``when_short`` setting says to merge anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import attrs

from omscore.domain.identity import OrderId, SkuCode
from omscore.domain.inventory import StockKey
from omscore.domain.order import Order
from omscore.domain.order_status import OrderStatus
from omscore.policies.explain import Explanation
from omscore.policies.merge.key import (
    MergeDecision,
)
from omscore.policies.merge.settings import MergeSettings, WhenShort

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
