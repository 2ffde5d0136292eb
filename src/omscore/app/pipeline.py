"""The order pipeline as one object: every use case as a method, and the stages run over pending orders.

``OrderManagement`` is the application's public face. Each method is one command in its own unit of work;
:meth:`OrderManagement.process` runs the stages in order over everything waiting — review → merge →
routing (with reservation, shipments and carriers) → release — and returns what it did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

from omscore.app.address_change import AddressChangeResult, change_address
from omscore.app.advance import AdvanceResult, advance_order
from omscore.app.allocation import RoutingResult, RoutingStatus, route_order
from omscore.app.audit import AuditReport, audit
from omscore.app.cancellation import CancelResult, cancel_order
from omscore.app.context import Context
from omscore.app.holds import hold_failed, lift_after_master_data_in, recheck_holds, release_hold
from omscore.app.inbound import expect_stock
from omscore.app.intake import IntakeResult, ingest
from omscore.app.merging import MergeResult, merge_order, unmerge
from omscore.app.retry import in_unit_of_work
from omscore.app.review import ReviewResult, review_order
from omscore.app.shipping import (
    ConfirmResult,
    confirm_delivered,
    confirm_shipment,
    release_due_shipments,
    release_order,
    retry_write_backs,
)
from omscore.app.stock import (
    ArrivalResult,
    adjust_stock,
    receive_expected,
    receive_stock,
    retry_out_of_stock,
    set_safety_stock,
)
from omscore.boundary.payload import parse_platform_order
from omscore.domain.address import Recipient
from omscore.domain.catalog import Catalog
from omscore.domain.errors import ConcurrencyConflict, DuplicateKey, PersistenceError
from omscore.domain.holds import HoldKind
from omscore.domain.identity import CarrierId, ExternalOrderRef, LocationId, OrderId, ShipmentId, SkuCode
from omscore.domain.inbound import ExpectedReceipt
from omscore.domain.inventory import StockKey, StockLevel
from omscore.domain.network import Network
from omscore.domain.order import Order
from omscore.domain.order_status import OrderStatus
from omscore.domain.platform_order import PlatformOrder
from omscore.domain.shipment import Shipment
from omscore.policies.fill import in_fill_order
from omscore.ports.unit_of_work import UnitOfWork

T = TypeVar("T")


@attrs.define
class StageCounts:
    """What one :meth:`OrderManagement.process` pass did."""

    reviewed: int = 0
    approved: int = 0
    held: int = 0
    merged: int = 0
    allocated: int = 0
    out_of_stock: int = 0
    no_carrier: int = 0
    released: int = 0
    lifted: int = 0
    """Held orders whose holds ended by themselves (their cause cleared) at the start of the pass."""
    failed: tuple[OrderId, ...] = ()
    """Orders on which a step raised: each is held (:attr:`~omscore.domain.holds.HoldKind.FAILED`) with the
    error kept in its hold and decisions; the other orders went on."""


class OrderManagement:
    """The use cases of omscore over one set of ports and policies (see :func:`omscore.bootstrap.bootstrap`)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # --- set-up -----------------------------------------------------------------------------------------

    def load_master_data(
        self, catalog: Catalog, network: Network, stock: Iterable[tuple[StockKey, int, int]] = ()
    ) -> None:
        """Store the catalog and network and book initial stock as ((location, sku), on_hand, safety).

        Orders waiting on the master data resume by themselves: lines whose listing mapped to nothing are
        mapped again (their unmapped-SKU hold lifts when every line maps), and no-carrier holds lift so that
        routing tries again."""

        def work(uow: UnitOfWork) -> None:
            uow.catalog.store(catalog)
            uow.network.store(network)
            for (location, sku), on_hand, safety in stock:
                if on_hand > 0:
                    uow.inventory.receive(location, sku, on_hand)
                if safety > 0:
                    uow.inventory.set_safety(location, sku, safety)
            lift_after_master_data_in(self.ctx, uow)

        in_unit_of_work(self.ctx.uow, work, self.ctx.max_attempts)

    # --- orders -----------------------------------------------------------------------------------------

    def ingest(self, order: PlatformOrder) -> IntakeResult:
        """Take in a validated platform order (idempotent)."""
        return ingest(self.ctx, order)

    def ingest_payload(self, payload: Mapping[str, Any] | str | bytes) -> IntakeResult:
        """Validate a canonical JSON payload and take it in.

        Raises:
            InvalidInput: the payload is malformed; the error names the field. Nothing is stored.
        """
        return ingest(self.ctx, parse_platform_order(payload))

    def review(self, order_id: OrderId) -> ReviewResult:
        return review_order(self.ctx, order_id)

    def release_hold(self, order_id: OrderId, kind: HoldKind, note: str = "") -> OrderStatus:
        return release_hold(self.ctx, order_id, kind, note)

    def merge(self, order_id: OrderId) -> MergeResult:
        return merge_order(self.ctx, order_id)

    def unmerge(self, merged_id: OrderId, reason: str = "requested") -> bool:
        return unmerge(self.ctx, merged_id, reason)

    def route(self, order_id: OrderId) -> RoutingResult:
        return route_order(self.ctx, order_id)

    def release(self, order_id: OrderId) -> bool:
        return release_order(self.ctx, order_id)

    def change_address(self, order_id: OrderId, recipient: Recipient) -> AddressChangeResult:
        """Send an order to a new address, re-planning or intercepting as needed (see
        :func:`omscore.app.address_change.change_address`)."""
        return change_address(self.ctx, order_id, recipient)

    def cancel(self, order_id: OrderId, reason: str = "requested") -> CancelResult:
        return cancel_order(self.ctx, order_id, reason)

    def confirm_shipment(self, shipment_id: ShipmentId, carrier: CarrierId, tracking_number: str) -> ConfirmResult:
        return confirm_shipment(self.ctx, shipment_id, carrier, tracking_number)

    def confirm_delivered(self, shipment_id: ShipmentId) -> bool:
        return confirm_delivered(self.ctx, shipment_id)

    def retry_write_backs(self, shipment_id: ShipmentId) -> int:
        return retry_write_backs(self.ctx, shipment_id)

    # --- stock ------------------------------------------------------------------------------------------

    def receive_stock(self, location: LocationId, sku: SkuCode, quantity: int) -> StockLevel:
        return receive_stock(self.ctx, location, sku, quantity)

    def adjust_stock(self, location: LocationId, sku: SkuCode, delta: int) -> StockLevel:
        return adjust_stock(self.ctx, location, sku, delta)

    def set_safety_stock(self, location: LocationId, sku: SkuCode, safety: int) -> StockLevel:
        return set_safety_stock(self.ctx, location, sku, safety)

    def expect_stock(self, receipt: ExpectedReceipt) -> None:
        """Record goods on their way (a purchase order or an ASN, 预计到货): presale lines short of stock are
        promised from it and ship when it arrives (see :mod:`omscore.app.inbound`)."""
        expect_stock(self.ctx, receipt)

    def receive_expected(self, receipt_id: str, quantity: int | None = None) -> ArrivalResult:
        """The goods of an expected receipt arrived: book them in and route the orders promised from it first
        (see :func:`omscore.app.stock.receive_expected`)."""
        return receive_expected(self.ctx, receipt_id, quantity)

    def expected(self, receipt_id: str) -> tuple[ExpectedReceipt | None, int]:
        """An expected receipt (``None`` when unknown or not expected) and the units promised from it."""
        return self._read(lambda uow: (uow.inbound.get(receipt_id), uow.inbound.promised(receipt_id)))

    def retry_out_of_stock(self) -> list[OrderId]:
        return retry_out_of_stock(self.ctx)

    # --- reading ----------------------------------------------------------------------------------------

    def order(self, order_id: OrderId) -> Order | None:
        return self._read(lambda uow: uow.orders.get(order_id))

    def order_by_ref(self, ref: ExternalOrderRef) -> Order | None:
        return self._read(lambda uow: uow.orders.get_by_ref(ref))

    def shipments(self, order_id: OrderId) -> list[Shipment]:
        return self._read(lambda uow: uow.shipments.for_order(order_id))

    def orders_with_status(self, status: OrderStatus) -> list[OrderId]:
        return self._read(lambda uow: uow.orders.ids_with_status(status))

    def stock(self, location: LocationId, sku: SkuCode) -> StockLevel:
        return self._read(lambda uow: uow.inventory.level(location, sku))

    def gift_units_given(self, activity: str) -> int:
        """Gift units ``activity`` (a gift rule's :attr:`~omscore.policies.gifts.GiftRule.activity`) has given
        to routed orders and not got back (from orders un-routed or cancelled since)."""
        return self._read(lambda uow: uow.gift_quotas.taken(activity))

    def audit(
        self, expected_refs: Iterable[ExternalOrderRef] = (), supplied: Mapping[StockKey, int] | None = None
    ) -> AuditReport:
        """Check every invariant over the whole store (see :func:`omscore.app.audit.audit`)."""
        return self._read(lambda uow: audit(uow, expected_refs, supplied))

    def _read(self, read: Callable[[UnitOfWork], T]) -> T:
        with self.ctx.uow() as uow:
            return read(uow)

    # --- stages -----------------------------------------------------------------------------------------

    def advance(self, order_id: OrderId) -> AdvanceResult:
        """Take one order through review, merge and routing as far as it goes, in one unit of work."""
        return advance_order(self.ctx, order_id)

    def process(self, *, release: bool = True) -> StageCounts:
        """Run one pass of the pipeline and return what it did.

        1. Holds whose cause has cleared are lifted (stock the order waits for has grown, a listing maps
           now, the recipient is complete): see :mod:`omscore.app.holds`.
        2. Every received or approved order is advanced (review → merge → routing) in **fill order**, the
           merchant's :attr:`~omscore.policies.settings.PipelineSettings.fill` (by default higher priority
           first, then earlier placement, then lower id: :attr:`Order.fill_key`), so that scarce stock goes to
           the orders that come first in that order, however they were stored.
        3. With ``release``, every allocated order's shipments are sent to their locations (the release wave).

        A step that raises on one order does not stop the others: that order is held with the error
        (:attr:`StageCounts.failed`). Storage faults other than conflicts are not contained; they propagate.
        """
        counts = StageCounts()
        counts.lifted = len(recheck_holds(self.ctx))
        failed: list[OrderId] = []
        for order_id in self._in_fill_order(OrderStatus.RECEIVED, OrderStatus.APPROVED):
            try:
                result = self.advance(order_id)
            except Exception as error:
                self._contain(error, order_id, "advance")
                failed.append(order_id)
                continue
            if result.review is not None:
                counts.reviewed += 1
                if result.review.status is OrderStatus.APPROVED:
                    counts.approved += 1
                elif result.review.status is OrderStatus.HELD:
                    counts.held += 1
            if result.merge is not None and result.merge.merged_into is not None:
                counts.merged += 1
            if result.routing is not None:
                status = result.routing.status
                counts.allocated += status is RoutingStatus.ALLOCATED
                counts.out_of_stock += status is RoutingStatus.OUT_OF_STOCK
                counts.no_carrier += status is RoutingStatus.NO_CARRIER
        if release:
            for order_id in self._in_fill_order(OrderStatus.ALLOCATED):
                try:
                    released = self.release(order_id)
                except Exception as error:
                    self._contain(error, order_id, "release")
                    failed.append(order_id)
                    continue
                counts.released += released
        counts.failed = tuple(failed)
        return counts

    def _in_fill_order(self, *statuses: OrderStatus) -> list[OrderId]:
        def read(uow: UnitOfWork) -> list[OrderId]:
            orders = [uow.orders.get(i) for status in statuses for i in uow.orders.ids_with_status(status)]
            return [o.id for o in in_fill_order((o for o in orders if o is not None), self.ctx.settings.fill)]

        return self._read(read)

    def _contain(self, error: Exception, order_id: OrderId, stage: str) -> None:
        if isinstance(error, PersistenceError) and not isinstance(error, ConcurrencyConflict | DuplicateKey):
            raise error
        hold_failed(self.ctx, order_id, stage, error)

    def release_due_shipments(self) -> int:
        """Send presale parcels whose ship-after date has come (run it daily, or after the clock moves)."""
        return release_due_shipments(self.ctx)
