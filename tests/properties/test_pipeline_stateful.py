"""A model-based test: intake, duplicate and out-of-order delivery, review, merge, routing, shipping,
cancellation and stock changes interleaved at random, with every invariant of DESIGN.md §5 checked by the
independent audit after every step."""

from __future__ import annotations

from datetime import timedelta

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from merchant_world import HANGZHOU, START, STOCK, TMALL, catalog, network
from omscore.adapters.system import ManualClock
from omscore.app.intake import IntakeStatus
from omscore.bootstrap import in_memory
from omscore.domain import (
    Address,
    CarrierId,
    ChangeRefused,
    ExternalOrderRef,
    HoldKind,
    InvalidQuantity,
    LocationId,
    Money,
    OrderId,
    OrderStatus,
    PaymentMode,
    Recipient,
    ShipmentStatus,
    SkuCode,
)
from omscore.domain.inventory import StockKey
from omscore.domain.platform_order import PlatformLine, PlatformOrder, PlatformStatus

LISTINGS = ("L-TEA", "L-CUP", "L-POT", "L-GIFTSET", "L-FISH")
RECIPIENTS = (
    HANGZHOU,
    Recipient(" LI LEI", "+86 138 0013 8000", Address("CN", "Zhejiang", "Hangzhou", "Xihu", "１２ Wensan Road")),
    Recipient("Han Meimei", "13900139000", Address("CN", "Beijing", "Beijing", "Chaoyang", "8 Jianguo Road")),
)
LOCATIONS = (LocationId("WH-EAST"), LocationId("WH-NORTH"), LocationId("STORE-HZ"))
SKUS = (SkuCode("TEA"), SkuCode("CUP"), SkuCode("POT"))

lines_strategy = st.lists(
    st.tuples(st.sampled_from(LISTINGS), st.integers(1, 4), st.integers(0, 20_000)), min_size=1, max_size=3
)


class Pipeline(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(START)
        self.system = in_memory(clock=self.clock)
        self.system.oms.load_master_data(catalog(), network(), STOCK)
        self.supplied: dict[StockKey, int] = {key: on_hand for key, on_hand, _ in STOCK}
        self.revisions: dict[str, int] = {}
        self.acknowledged: set[ExternalOrderRef] = set()
        self.last_orders: dict[str, PlatformOrder] = {}
        self.counter = 0

    def _order(
        self, external_id: str, revision: int, lines: list[tuple[str, int, int]], recipient: int, cod: bool, memo: bool
    ) -> PlatformOrder:
        return PlatformOrder(
            ref=ExternalOrderRef(TMALL, external_id),
            revision=revision,
            status=PlatformStatus.OPEN,
            placed_at=self.clock.now(),
            buyer_id="buyer-1" if recipient < 2 else "buyer-2",
            recipient=RECIPIENTS[recipient],
            lines=tuple(PlatformLine(str(i), lst, q, Money(a, "CNY")) for i, (lst, q, a) in enumerate(lines, 1)),
            currency="CNY",
            shipping_fee=Money(500, "CNY"),
            payment=PaymentMode.COD if cod else PaymentMode.PREPAID,
            buyer_memo="please hurry" if memo else "",
        )

    @rule(lines=lines_strategy, recipient=st.integers(0, 2), cod=st.booleans(), memo=st.booleans())
    def take_in_a_new_order(self, lines: list[tuple[str, int, int]], recipient: int, cod: bool, memo: bool) -> None:
        self.counter += 1
        external_id = f"E{self.counter}"
        order = self._order(external_id, 1, lines, recipient, cod, memo and self.counter % 3 == 0)
        result = self.system.oms.ingest(order)
        assert result.status is IntakeStatus.CREATED
        self.revisions[external_id] = 1
        self.last_orders[external_id] = order
        self.acknowledged.add(order.ref)

    @precondition(lambda self: self.last_orders)
    @rule(data=st.data())
    def redeliver_the_same_revision(self, data: st.DataObject) -> None:
        external_id = data.draw(st.sampled_from(sorted(self.last_orders)))
        result = self.system.oms.ingest(self.last_orders[external_id])
        assert result.status is IntakeStatus.DUPLICATE

    @precondition(lambda self: self.last_orders)
    @rule(data=st.data(), lines=lines_strategy)
    def deliver_a_newer_revision(self, data: st.DataObject, lines: list[tuple[str, int, int]]) -> None:
        external_id = data.draw(st.sampled_from(sorted(self.last_orders)))
        revision = self.revisions[external_id] + 1
        order = self._order(external_id, revision, lines, 0, False, False)
        result = self.system.oms.ingest(order)
        assert result.status is not IntakeStatus.CREATED
        assert result.status is not IntakeStatus.DUPLICATE
        self.revisions[external_id] = revision
        self.last_orders[external_id] = order
        stale = self.system.oms.ingest(self._order(external_id, revision - 1, lines, 0, False, False))
        assert stale.status is IntakeStatus.STALE

    @precondition(lambda self: self.last_orders)
    @rule(data=st.data())
    def platform_cancels(self, data: st.DataObject) -> None:
        external_id = data.draw(st.sampled_from(sorted(self.last_orders)))
        revision = self.revisions[external_id] + 1
        previous = self.last_orders[external_id]
        cancelled = attrs.evolve(previous, revision=revision, status=PlatformStatus.CANCELLED)
        self.system.oms.ingest(cancelled)
        self.revisions[external_id] = revision
        self.last_orders[external_id] = cancelled

    @rule(minutes=st.integers(1, 240))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(timedelta(minutes=minutes))

    @rule(release=st.booleans())
    def run_the_pipeline(self, release: bool) -> None:
        self.system.oms.process(release=release)

    @rule(data=st.data())
    def an_operator_releases_a_hold(self, data: st.DataObject) -> None:
        held = self.system.oms.orders_with_status(OrderStatus.HELD)
        if not held:
            return
        order = self.system.oms.order(data.draw(st.sampled_from(held)))
        assert order is not None
        kind = data.draw(st.sampled_from([h.kind for h in order.holds]))
        if kind is not HoldKind.UNMAPPED_SKU:
            self.system.oms.release_hold(order.id, kind, "checked")

    @rule(data=st.data())
    def a_location_confirms_a_shipment(self, data: st.DataObject) -> None:
        released = [
            s
            for order_id in self.system.oms.orders_with_status(OrderStatus.RELEASED)
            + self.system.oms.orders_with_status(OrderStatus.PARTIALLY_SHIPPED)
            for s in self.system.oms.shipments(order_id)
            if s.status is ShipmentStatus.RELEASED
        ]
        if not released:
            return
        shipment = data.draw(st.sampled_from(released))
        for _ in range(data.draw(st.integers(1, 2))):
            self.system.oms.confirm_shipment(shipment.id, shipment.carrier or CarrierId("YTO"), f"T-{shipment.id}")
        if data.draw(st.booleans()):
            self.system.oms.confirm_delivered(shipment.id)

    @rule(data=st.data())
    def the_merchant_cancels_an_order(self, data: st.DataObject) -> None:
        candidates = [
            order_id
            for status in (OrderStatus.APPROVED, OrderStatus.ALLOCATED, OrderStatus.RELEASED, OrderStatus.HELD)
            for order_id in self.system.oms.orders_with_status(status)
        ]
        if not candidates:
            return
        order_id = data.draw(st.sampled_from(sorted(candidates)))
        if data.draw(st.booleans()):
            for shipment in self.system.oms.shipments(order_id):
                self.system.fulfilment.mark_left(shipment.id)
        self.system.oms.cancel(OrderId(order_id), "merchant")

    @rule(data=st.data(), recipient=st.integers(0, 2), depart=st.booleans())
    def the_buyer_changes_the_address(self, data: st.DataObject, recipient: int, depart: bool) -> None:
        ids = sorted(oid for status in OrderStatus for oid in self.system.oms.orders_with_status(status))
        if not ids:
            return
        order_id = data.draw(st.sampled_from(ids))
        if depart:
            for shipment in self.system.oms.shipments(OrderId(order_id))[:1]:
                self.system.fulfilment.mark_left(shipment.id)
        try:
            self.system.oms.change_address(OrderId(order_id), RECIPIENTS[recipient])
        except ChangeRefused:
            order = self.system.oms.order(OrderId(order_id))
            assert order is not None
            assert order.status in {
                OrderStatus.SHIPPED,
                OrderStatus.PARTIALLY_SHIPPED,
                OrderStatus.COMPLETED,
                OrderStatus.CANCELLED,
                OrderStatus.MERGED,
            }

    @rule(data=st.data())
    def a_merge_is_undone(self, data: st.DataObject) -> None:
        merged = [
            order_id
            for status in (OrderStatus.APPROVED, OrderStatus.ALLOCATED)
            for order_id in self.system.oms.orders_with_status(status)
            if (o := self.system.oms.order(order_id)) is not None and o.merged_from
        ]
        if merged:
            self.system.oms.unmerge(data.draw(st.sampled_from(sorted(merged))))

    @rule(location=st.sampled_from(LOCATIONS), sku=st.sampled_from(SKUS), quantity=st.integers(1, 6))
    def stock_arrives(self, location: LocationId, sku: SkuCode, quantity: int) -> None:
        self.system.oms.receive_stock(location, sku, quantity)
        self.supplied[(location, sku)] = self.supplied.get((location, sku), 0) + quantity
        self.system.oms.retry_out_of_stock()

    @rule(location=st.sampled_from(LOCATIONS), sku=st.sampled_from(SKUS), delta=st.integers(-5, 3).filter(bool))
    def a_stock_count_corrects_on_hand(self, location: LocationId, sku: SkuCode, delta: int) -> None:
        try:
            self.system.oms.adjust_stock(location, sku, delta)
        except InvalidQuantity:
            return
        self.supplied[(location, sku)] = self.supplied.get((location, sku), 0) + delta

    @invariant()
    def every_invariant_holds(self) -> None:
        report = self.system.oms.audit(self.acknowledged, self.supplied)
        assert report.ok, report.problems


Pipeline.TestCase.settings = settings(
    max_examples=100, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestPipeline = Pipeline.TestCase
