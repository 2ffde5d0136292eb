"""Stock locks (库存锁定): units of a SKU set aside for one shop — a live stream, a promotion, a wholesale deal —
from a start until an expiry, then returned to the shared pool automatically."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from omscore.domain.errors import InvalidConfiguration, InvalidQuantity
from omscore.domain.identity import Channel, SkuCode


def _aware(instance: object, attribute: attrs.Attribute[Any], value: datetime | None) -> None:
    if value is not None and value.tzinfo is None:
        raise InvalidConfiguration(attribute.name, value.isoformat(), "must be timezone-aware")


@attrs.frozen(order=True)
class StockLock:
    """``quantity`` units of ``sku`` set aside for ``channel`` while ``starts ≤ now < until``.

    Locked units are taken from the pool before anything else is shared, in the order of their keys, and shown
    only on the locked shop (on ``listing_id`` when given, else on the shop's first listing of the SKU by listing
    id). They are published on top of the shop's share and are not limited by its cap or zero-out threshold.
    When the pool is smaller than the locks, later keys get what is left. At ``until`` the lock lapses and its
    units are shared again; nothing needs to release it.

    Raises:
        InvalidQuantity: ``quantity`` is not positive.
        InvalidConfiguration: a time is naive, or ``until`` is not after ``starts``.
    """

    key: str
    channel: Channel
    sku: SkuCode
    quantity: int
    until: datetime = attrs.field(validator=_aware)
    starts: datetime | None = attrs.field(default=None, validator=_aware)
    listing_id: str | None = None

    def __attrs_post_init__(self) -> None:
        if type(self.quantity) is not int or self.quantity <= 0:
            raise InvalidQuantity("quantity", self.quantity, "a lock holds a positive number of units")
        if self.starts is not None and self.until <= self.starts:
            raise InvalidConfiguration("until", self.until.isoformat(), "a lock must end after it starts")

    def active(self, now: datetime) -> bool:
        """Whether the lock holds units at ``now``."""
        return (self.starts is None or self.starts <= now) and now < self.until


def active_locks(locks: Iterable[StockLock], sku: SkuCode, now: datetime) -> list[StockLock]:
    """The locks on ``sku`` that hold units at ``now``, in key order (the order they are served in)."""
    return sorted((lock for lock in locks if lock.sku == sku and lock.active(now)), key=lambda lock: lock.key)


def next_change(locks: Iterable[StockLock], now: datetime) -> datetime | None:
    """The next moment after ``now`` at which some lock starts or lapses (when shares must be recomputed)."""
    moments = [t for lock in locks for t in (lock.starts, lock.until) if t is not None and t > now]
    return min(moments, default=None)
