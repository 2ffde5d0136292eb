"""Holds (挂起): typed reasons an order waits, and how each ends."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from omscore.domain.identity import (
    LocationId,
    SkuCode,
)


class HoldEnd(enum.StrEnum):
    """How a hold ends."""

    CONDITION = "condition"
    """omscore re-checks the cause whenever the data it depends on changes (stock, catalog, network, the
    recipient) and lifts the hold by itself when the cause has cleared; a person may also release it."""
    TIME = "time"
    """The hold ends when its time comes (:attr:`Hold.until`): the first pipeline pass after that lifts it."""
    PERSON = "person"
    """Only :meth:`~omscore.app.pipeline.OrderManagement.release_hold` ends it: a person decides."""


class HoldKind(enum.StrEnum):
    """Why an order waits. :attr:`ends_by` says whether omscore lifts the hold by itself when its cause clears
    (:attr:`HoldEnd.CONDITION`) or its time comes (:attr:`HoldEnd.TIME`), or a person must release it
    (:attr:`HoldEnd.PERSON`)."""

    INCOMPLETE_ADDRESS = "incomplete_address"
    """The recipient lacks a name, phone or address part; lifts when ``change_address`` completes it."""
    COD_LIMIT = "cod_limit"
    MEMO = "memo"
    UNMAPPED_SKU = "unmapped_sku"
    """A listing maps to no known SKU; lifts when the catalog maps it (the lines are mapped again)."""
    OUT_OF_STOCK = "out_of_stock"
    """Routing found too little stock; lifts when stock the order needs grows (a receipt, an adjustment, a
    freed reservation), and the orders waiting are routed again in fill order."""
    NO_CARRIER = "no_carrier"
    """No carrier serves a parcel; lifts when the catalog or network is stored again."""
    WAIT = "wait"
    """The wait window after payment (审单等待): the order is reviewed when the window ends (:attr:`Hold.until`),
    so that later orders of the same buyer to the same recipient can still merge with it."""
    MANUAL = "manual"
    RISK = "risk"
    FAILED = "failed"
    """A step raised an error on this order; the detail keeps the error. The other orders went on."""

    @property
    def ends_by(self) -> HoldEnd:
        if self is HoldKind.WAIT:
            return HoldEnd.TIME
        return HoldEnd.CONDITION if self in _CONDITION_HOLDS else HoldEnd.PERSON


_CONDITION_HOLDS = frozenset(
    {HoldKind.INCOMPLETE_ADDRESS, HoldKind.UNMAPPED_SKU, HoldKind.OUT_OF_STOCK, HoldKind.NO_CARRIER}
)


@attrs.frozen
class Hold:
    """A typed reason an order cannot proceed, with a human explanation.

    Attributes:
        kind: why the order waits (and so how the hold ends, :attr:`HoldKind.ends_by`).
        detail: the reason, for people.
        seen: for an out-of-stock hold, the available quantity of each (location, SKU) the order needs as
            routing saw it; the hold lifts when any of them grows.
        until: for a hold that ends by time (:attr:`HoldEnd.TIME`), when it ends.
    """

    kind: HoldKind
    detail: str
    seen: tuple[tuple[LocationId, SkuCode, int], ...] = ()
    until: datetime | None = None
