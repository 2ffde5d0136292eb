"""A reference model of the expected-stock port, and random operations to drive a store and the model alike.

Used by :class:`~omscore.testing.contracts.inbound.InboundStockContract`'s property test. The model keeps only
the receipts, the arrived ids and the promises, and sums the promises on every read, so it shares no
bookkeeping with any adapter's counts.
"""

from __future__ import annotations

import datetime
from typing import Protocol

import attrs
from hypothesis import strategies as st

from omscore.domain.errors import InvalidInput
from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.inbound import ExpectedReceipt, InboundKind, check_update

_RECEIPTS, _ORDERS, _LOCATIONS, _SKUS = 4, 5, 2, 2
_FIRST_DAY = datetime.date(2024, 11, 1)


class Operable(Protocol):
    """The expected-stock port as the property test drives it; the model implements it too."""

    def expect(self, receipt: ExpectedReceipt) -> None: ...
    def get(self, receipt_id: str) -> ExpectedReceipt | None: ...
    def open_for(self, location: LocationId, sku: SkuCode) -> list[ExpectedReceipt]: ...
    def promised(self, receipt_id: str) -> int: ...
    def promise(self, order_key: str, receipt_id: str, units: int) -> bool: ...
    def release(self, order_key: str) -> int: ...
    def promises_of(self, order_key: str) -> dict[str, int]: ...
    def arrive(self, receipt_id: str) -> tuple[str, ...]: ...


@attrs.frozen
class InboundNames:
    """Turns the small indexes the operations are drawn from into ids no other example uses."""

    run: str

    def receipt(self, index: int) -> str:
        return f"{self.run}-R{index}"

    def order(self, index: int) -> str:
        return f"{self.run}-O{index}"

    def location(self, index: int) -> LocationId:
        return LocationId(f"{self.run}-L{index}")

    def sku(self, index: int) -> SkuCode:
        return SkuCode(f"{self.run}-S{index}")

    def state(self, store: Operable) -> object:
        """Everything the drawn ids can reach, read from ``store``."""
        receipts = [self.receipt(index) for index in range(_RECEIPTS)]
        return (
            {receipt: (store.get(receipt), store.promised(receipt)) for receipt in receipts},
            {order: store.promises_of(order) for order in (self.order(index) for index in range(_ORDERS))},
            [store.open_for(self.location(lo), self.sku(sk)) for lo in range(_LOCATIONS) for sk in range(_SKUS)],
        )


class InboundModel:
    """The simplest store that does what the port promises (no concurrency, no transactions)."""

    def __init__(self) -> None:
        self.receipts: dict[str, ExpectedReceipt] = {}
        self.arrived: set[str] = set()
        self.promises: dict[tuple[str, str], int] = {}
        """(order key, receipt id) → units."""

    def copy(self) -> InboundModel:
        other = InboundModel()
        other.receipts = dict(self.receipts)
        other.arrived = set(self.arrived)
        other.promises = dict(self.promises)
        return other

    def expect(self, receipt: ExpectedReceipt) -> None:
        stored = self.receipts.get(receipt.id)
        if stored is not None:
            check_update(receipt, stored.location, stored.sku, self.promised(receipt.id))
        if receipt.id not in self.arrived:
            self.receipts[receipt.id] = receipt

    def get(self, receipt_id: str) -> ExpectedReceipt | None:
        return self.receipts.get(receipt_id)

    def open_for(self, location: LocationId, sku: SkuCode) -> list[ExpectedReceipt]:
        found = [
            receipt
            for receipt_id, receipt in self.receipts.items()
            if receipt_id not in self.arrived and (receipt.location, receipt.sku) == (location, sku)
        ]
        return sorted(found, key=lambda receipt: (receipt.expected_on, receipt.id))

    def promised(self, receipt_id: str) -> int:
        return sum(units for (_, receipt), units in self.promises.items() if receipt == receipt_id)

    def promise(self, order_key: str, receipt_id: str, units: int) -> bool:
        receipt = self.receipts.get(receipt_id)
        if receipt is None or receipt_id in self.arrived:
            return False
        if (order_key, receipt_id) in self.promises:
            return True
        if self.promised(receipt_id) + units > receipt.quantity:
            return False
        self.promises[(order_key, receipt_id)] = units
        return True

    def release(self, order_key: str) -> int:
        held = [key for key in self.promises if key[0] == order_key]
        return sum(self.promises.pop(key) for key in held)

    def promises_of(self, order_key: str) -> dict[str, int]:
        return {receipt: units for (order, receipt), units in sorted(self.promises.items()) if order == order_key}

    def arrive(self, receipt_id: str) -> tuple[str, ...]:
        if receipt_id not in self.receipts or receipt_id in self.arrived:
            return ()
        self.arrived.add(receipt_id)
        held = sorted(key for key in self.promises if key[1] == receipt_id)
        for key in held:
            del self.promises[key]
        return tuple(order for order, _ in held)


@attrs.frozen
class Expect:
    """Expect a receipt (again): a location or SKU other than the first is refused, naming the field."""

    receipt: int
    location: int
    sku: int
    quantity: int
    day: int
    kind: InboundKind

    def apply(self, store: Operable, names: InboundNames) -> object:
        receipt = ExpectedReceipt(
            names.receipt(self.receipt),
            names.location(self.location),
            names.sku(self.sku),
            self.quantity,
            _FIRST_DAY + datetime.timedelta(days=self.day),
            self.kind,
        )
        try:
            store.expect(receipt)
        except InvalidInput as refused:
            return (type(refused).__name__, refused.field)
        return None


@attrs.frozen
class Promise:
    """Promise units of a receipt to an order."""

    order: int
    receipt: int
    units: int

    def apply(self, store: Operable, names: InboundNames) -> object:
        return store.promise(names.order(self.order), names.receipt(self.receipt), self.units)


@attrs.frozen
class Release:
    """Give back every promise of an order."""

    order: int

    def apply(self, store: Operable, names: InboundNames) -> object:
        return store.release(names.order(self.order))


@attrs.frozen
class Arrive:
    """Mark a receipt arrived."""

    receipt: int

    def apply(self, store: Operable, names: InboundNames) -> object:
        return store.arrive(names.receipt(self.receipt))


Operation = Expect | Promise | Release | Arrive

_RECEIPT = st.integers(0, _RECEIPTS - 1)
_ORDER = st.integers(0, _ORDERS - 1)
OPERATIONS: st.SearchStrategy[Operation] = st.one_of(
    st.builds(
        Expect,
        _RECEIPT,
        st.sampled_from([0, 0, 0, 1]),
        st.sampled_from([0, 0, 0, 1]),
        st.integers(1, 6),
        st.integers(0, 3),
        st.sampled_from(InboundKind),
    ),
    st.builds(Promise, _ORDER, _RECEIPT, st.integers(1, 4)),
    st.builds(Release, _ORDER),
    st.builds(Arrive, _RECEIPT),
)
"""Expects, promises, releases and arrivals over 4 receipts, 5 orders, 2 locations and 2 SKUs."""
