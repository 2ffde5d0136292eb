"""有货先发 in the pipeline: a shop that ships what is in stock now splits an order that cannot be routed complete
into the order, which ships now, and a backorder part, which waits for the missing units.

The part is an order of its own (:attr:`~omscore.domain.order.Order.backorder_of`): it carries the missing units
with their exact share of the money, waits on an out-of-stock hold that lifts by itself when the stock it needs
grows, and is routed in fill order like any waiting order (and split again if it still cannot ship complete).
The platform order stays with the order it was split from: a cancellation of it cancels its parts, a revision
takes back the parts that have not been released (and is too late once one has), and an address change moves
the parts that have not shipped too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from omscore.app.context import Context
from omscore.domain.identity import LineId, OrderId
from omscore.domain.order import Order
from omscore.domain.order_status import OrderStatus
from omscore.ports.unit_of_work import UnitOfWork

#: Statuses of a backorder part that a revision can still take back.
_WITHDRAWABLE = frozenset(
    {OrderStatus.RECEIVED, OrderStatus.HELD, OrderStatus.APPROVED, OrderStatus.ALLOCATED, OrderStatus.CANCELLED}
)


def split_backorder_in(
    ctx: Context, uow: UnitOfWork, order: Order, shortfall: Mapping[LineId, int], *, expected: bool = False
) -> Order | None:
    """Split the ``shortfall`` units of the approved ``order`` into a backorder part, when its shop backorders
    (:attr:`~omscore.policies.routing.RoutingSettings.backorder`) or the units are presale units covered by
    ``expected`` stock, the order is not a merge, and some but not all of its units are in stock; the part is
    stored approved (the caller holds it). Returns the part, or ``None`` when the order ships complete."""
    wanted = expected or ctx.settings.routing_for(order.channel).backorder
    if not wanted or order.merged_from or not shortfall:
        return None
    missing = {line_id: units for line_id, units in shortfall.items() if units > 0}
    if not missing or sum(missing.values()) >= order.bought_units:
        return None
    part = order.split_backorder(OrderId(ctx.ids.next_id("O")), missing)
    units = ", ".join(f"{line_id} ×{count}" for line_id, count in sorted(missing.items()))
    order.record_decision("backorder", f"ships what is in stock now; {part.id} waits for {units}", ())
    part.record_decision("backorder", f"backorder of {order.id}: waits for {units}", ())
    uow.orders.add(part)
    return part


def parts_of(uow: UnitOfWork, order: Order) -> Iterator[Order]:
    """Every backorder part of ``order``, at any depth (a part split again), parents first."""
    for part_id in order.backorders:
        part = uow.orders.get(part_id)
        if part is not None:
            yield part
            yield from parts_of(uow, part)


def withdrawable(uow: UnitOfWork, order: Order) -> bool:
    """Whether a revision of ``order`` can take back every backorder part: none has been released."""
    return all(part.status in _WITHDRAWABLE for part in parts_of(uow, order))
