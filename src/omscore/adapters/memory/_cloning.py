"""Cheap copies of aggregates, so that nothing the caller holds aliases what the store holds.

Every field of :class:`~omscore.domain.order.Order` and :class:`~omscore.domain.shipment.Shipment` except the
events list is immutable (frozen attrs values, tuples, frozensets, strings), so a shallow copy with a fresh events
list is a full copy. It is made without running ``__init__`` (no validation: the source is already valid).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TypeVar

import attrs

from omscore.domain.order import Order
from omscore.domain.shipment import Shipment

_set = object.__setattr__
_T = TypeVar("_T")


def _cloner(cls: type[_T]) -> Callable[[_T], _T]:
    names = tuple(field.name for field in attrs.fields(cls) if field.name != "events")  # type: ignore[arg-type]
    values_of = operator.attrgetter(*names)
    make = object.__new__

    def clone(source: _T) -> _T:
        copy = make(cls)
        for name, value in zip(names, values_of(source), strict=True):
            _set(copy, name, value)
        _set(copy, "events", [])
        return copy

    return clone


clone_order: Callable[[Order], Order] = _cloner(Order)
"""A copy of an order with an empty events list."""
clone_shipment: Callable[[Shipment], Shipment] = _cloner(Shipment)
"""A copy of a shipment with an empty events list."""
