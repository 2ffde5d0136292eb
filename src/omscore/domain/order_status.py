"""The order's status and the legal moves between statuses."""

from __future__ import annotations

import enum


class OrderStatus(enum.StrEnum):
    RECEIVED = "received"
    """Taken in; not yet reviewed."""
    HELD = "held"
    """Waiting on one or more holds (review, stock, address …)."""
    APPROVED = "approved"
    """Reviewed and ready for merging and routing."""
    MERGED = "merged"
    """Absorbed into another order (合单); this one is no longer fulfilled by itself."""
    ALLOCATED = "allocated"
    """Routed: shipments planned and stock reserved."""
    RELEASED = "released"
    """Shipments sent to the locations that ship them."""
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


_S = OrderStatus


#: The legal status transitions. Anything else raises :class:`IllegalTransition`.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    _S.RECEIVED: frozenset({_S.HELD, _S.APPROVED, _S.CANCELLED}),
    _S.HELD: frozenset({_S.APPROVED, _S.CANCELLED, _S.RECEIVED}),
    _S.APPROVED: frozenset({_S.HELD, _S.MERGED, _S.ALLOCATED, _S.CANCELLED, _S.RECEIVED}),
    _S.MERGED: frozenset({_S.APPROVED, _S.CANCELLED}),
    _S.ALLOCATED: frozenset({_S.RELEASED, _S.APPROVED, _S.HELD, _S.CANCELLED}),
    _S.RELEASED: frozenset({_S.PARTIALLY_SHIPPED, _S.SHIPPED, _S.APPROVED, _S.CANCELLED}),
    _S.PARTIALLY_SHIPPED: frozenset({_S.SHIPPED}),
    _S.SHIPPED: frozenset({_S.COMPLETED}),
    _S.COMPLETED: frozenset(),
    _S.CANCELLED: frozenset(),
}


#: Statuses in which the order holds (or may hold) stock reservations.
RESERVING = frozenset({_S.ALLOCATED, _S.RELEASED, _S.PARTIALLY_SHIPPED})


#: Statuses in which nothing more happens to the order.
FINAL = frozenset({_S.COMPLETED, _S.CANCELLED, _S.MERGED})


#: Statuses before the order is routed: content may still change (revision, merge, address).
PRE_ROUTING = frozenset({_S.RECEIVED, _S.HELD, _S.APPROVED})
