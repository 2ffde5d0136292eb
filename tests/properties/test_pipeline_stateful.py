"""A model-based test: intake, duplicate and out-of-order delivery, review, merge (merges of merges included),
routing, presale, shipping, cancellation, address changes, catalog changes and stock changes interleaved at
random, with every invariant of DESIGN.md §5 checked by the independent audit after every step, and the
behaviours the pipeline promises (holds that end by themselves, fill order, kit money, due presale parcels)
checked where they apply."""

from __future__ import annotations

from datetime import timedelta

import attrs
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from merchant_world import HANGZHOU, START, STOCK, TMALL, catalog, network
from omscore.adapters.system import ManualClock
from omscore.app.allocation import merchant_today
from omscore.app.intake import IntakeStatus
from omscore.app.pipeline import StageCounts
from omscore.bootstrap import in_memory
from omscore.domain import (
    Address,
    CarrierId,
    Catalog,
    ChangeRefused,
    ExpectedReceipt,
    ExternalOrderRef,
    HoldKind,
    InvalidQuantity,
    Listing,
    LocationId,
    Money,
    Order,
    OrderId,
    OrderStatus,
    PaymentMode,
    Recipient,
    ShipmentId,
    ShipmentStatus,
    Sku,
    SkuCode,
)
from omscore.domain.inventory import StockKey
from omscore.domain.platform_order import PlatformLine, PlatformOrder, PlatformStatus
from omscore.policies.gifts import AmountBand, Gift, GiftRule, GiftSettings, SkuPurchase
from omscore.policies.review import ReviewSettings
from omscore.policies.routing import RoutingSettings
from omscore.policies.settings import PipelineSettings

KNOWN_LISTINGS = ("L-TEA", "L-CUP", "L-POT", "L-GIFTSET")
LISTINGS = (*KNOWN_LISTINGS, "L-FISH")
NEW_LISTINGS = ("L-MUG", "L-BOX")
"""Listings the catalog does not know at first; :meth:`Pipeline.the_catalog_changes` maps them."""
RECIPIENTS = (
    HANGZHOU,
    Recipient(" LI LEI", "+86 138 0013 8000", Address("CN", "Zhejiang", "Hangzhou", "Xihu", "１２ Wensan Road")),
    Recipient("Han Meimei", "13900139000", Address("CN", "Beijing", "Beijing", "Chaoyang", "8 Jianguo Road")),
)
INCOMPLETE = (
    Recipient("", HANGZHOU.phone, HANGZHOU.address),
    Recipient(HANGZHOU.name, " ", HANGZHOU.address),
    Recipient(HANGZHOU.name, HANGZHOU.phone, attrs.evolve(HANGZHOU.address, street="")),
)
ADDRESSES = RECIPIENTS + INCOMPLETE
LOCATIONS = (LocationId("WH-EAST"), LocationId("WH-NORTH"), LocationId("STORE-HZ"))
WAREHOUSES = LOCATIONS[:2]
"""Locations that serve every region (the store serves Zhejiang only)."""
SKUS = (SkuCode("TEA"), SkuCode("CUP"), SkuCode("POT"))
VASE = SkuCode("VASE")
"""A SKU only the fill-order contest orders, so that nothing else competes for it."""
TARGETS = (None, "CUP", "TEA", "GIFTSET")
"""What a new listing maps to: nothing, a SKU, or the kit."""
WAITING = frozenset({OrderStatus.RECEIVED, OrderStatus.HELD, OrderStatus.APPROVED})
UNRELEASED = frozenset({OrderStatus.APPROVED, OrderStatus.ALLOCATED, OrderStatus.HELD})
ROUTED = frozenset(
    {
        OrderStatus.ALLOCATED,
        OrderStatus.RELEASED,
        OrderStatus.PARTIALLY_SHIPPED,
        OrderStatus.SHIPPED,
        OrderStatus.COMPLETED,
    }
)
#: A 满额赠 of cups (tea when cups run out) with a small quota and a per-buyer cap, and a 买 A 赠 B of the scarce
#: teapot for every vase bought, stacked.
GIFT_RULES = (
    GiftRule(
        "spend-80",
        AmountBand(Money(8_000, "CNY")),
        (Gift(SkuCode("CUP"), 1, (Gift(SkuCode("TEA"), 1),)),),
        quota=4,
        per_buyer=2,
    ),
    GiftRule("vase-pot", SkuPurchase({VASE}), (Gift(SkuCode("POT"), 1),), quota=3),
)


@attrs.frozen
class LineSpec:
    """One platform line to build: its money is ``unit × quantity`` less ``discount_percent`` of it, told to
    omscore as the paid amount only, or with the unit price and/or the discount."""

    listing: str
    quantity: int
    unit: int
    discount_percent: int
    pricing: str
    presale_days: int | None = None


def line_specs(listings: tuple[str, ...], presale: bool = True) -> st.SearchStrategy[list[LineSpec]]:
    spec = st.builds(
        LineSpec,
        listing=st.sampled_from(listings),
        quantity=st.integers(1, 4),
        unit=st.integers(0, 5000),
        discount_percent=st.integers(0, 100),
        pricing=st.sampled_from(("amount", "unit_and_discount", "unit", "discount")),
        presale_days=st.sampled_from((None, None, None, None, 0, 1, 3, 10)) if presale else st.none(),
    )
    return st.lists(spec, min_size=1, max_size=3)


lines_strategy = line_specs((*LISTINGS, *NEW_LISTINGS))


def merchant_catalog(extra: dict[str, str]) -> Catalog:
    """The test merchant's catalog, plus the vase and the new listings mapped as ``extra`` says."""
    base = catalog()
    vase = Sku(VASE, "Vase", weight_g=900, reference_price_minor=5000)
    listings = [*base.listings.values(), Listing(TMALL, "L-VASE", sku=VASE)]
    for listing_id, target in sorted(extra.items()):
        if target in base.kits:
            listings.append(Listing(TMALL, listing_id, kit=target))
        else:
            listings.append(Listing(TMALL, listing_id, sku=SkuCode(target)))
    return Catalog.build([*base.skus.values(), vase], base.kits.values(), listings)


class Pipeline(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(START)
        self.system = in_memory(clock=self.clock)
        self.extra_listings: dict[str, str] = {}
        self.system.oms.load_master_data(merchant_catalog(self.extra_listings), network(), STOCK)
        self.supplied: dict[StockKey, int] = {key: on_hand for key, on_hand, _ in STOCK}
        self.revisions: dict[str, int] = {}
        self.acknowledged: set[ExternalOrderRef] = set()
        self.last_orders: dict[str, PlatformOrder] = {}
        self.applied: dict[str, PlatformOrder] = {}
        """The platform order whose content each stored order carries (the last created or revised one)."""
        self.left: set[ShipmentId] = set()
        self.released_seen: set[ShipmentId] = set()
        self.rivals: list[OrderId] = []
        self.counter = 0
        self.receipts: list[ExpectedReceipt] = []
        self.arrived: dict[str, bool] = {}
        self.wait_minutes = 0
        self.gift_rules: tuple[GiftRule, ...] = ()

    @initialize(wait_minutes=st.sampled_from((0, 0, 20, 90)), gifts=st.booleans(), backorder=st.booleans())
    def the_merchant_sets_a_wait_window_gifts_and_backorders(
        self, wait_minutes: int, gifts: bool, backorder: bool
    ) -> None:
        """Some runs review at once, others only after a wait window in which later orders of a buyer merge;
        some give gifts from scarce stock and a small quota; in some the shop ships what is in stock (有货先发)."""
        if wait_minutes or gifts or backorder:
            self.wait_minutes = wait_minutes
            self.gift_rules = GIFT_RULES if gifts else ()
            settings = PipelineSettings(
                review=ReviewSettings(wait_minutes=wait_minutes),
                gifts=GiftSettings(rules=self.gift_rules),
                shop_routing={TMALL: RoutingSettings(backorder=True)} if backorder else {},
            )
            self.system = in_memory(clock=self.clock, settings=settings)
            self.system.oms.load_master_data(merchant_catalog(self.extra_listings), network(), STOCK)

    # --- helpers ----------------------------------------------------------------------------------------

    def _line(self, index: int, spec: LineSpec) -> PlatformLine:
        gross = spec.unit * spec.quantity
        discount = gross * spec.discount_percent // 100
        presale = None if spec.presale_days is None else merchant_today(self.system.oms.ctx)
        return PlatformLine(
            str(index),
            spec.listing,
            spec.quantity,
            Money(gross - discount, "CNY"),
            unit_price=Money(spec.unit, "CNY") if spec.pricing in {"unit_and_discount", "unit"} else None,
            discount=Money(discount, "CNY") if spec.pricing in {"unit_and_discount", "discount"} else None,
            presale_ship_date=None if presale is None else presale + timedelta(days=spec.presale_days or 0),
        )

    def _order(
        self,
        external_id: str,
        revision: int,
        lines: list[LineSpec],
        recipient: int,
        cod: bool,
        memo: bool,
        *,
        buyer: str | None = None,
        priority: int = 0,
    ) -> PlatformOrder:
        return PlatformOrder(
            ref=ExternalOrderRef(TMALL, external_id),
            revision=revision,
            status=PlatformStatus.OPEN,
            placed_at=self.clock.now(),
            buyer_id=buyer or ("buyer-1" if recipient < 2 else "buyer-2"),
            recipient=RECIPIENTS[recipient],
            lines=tuple(self._line(i, spec) for i, spec in enumerate(lines, 1)),
            currency="CNY",
            shipping_fee=Money(500, "CNY"),
            payment=PaymentMode.COD if cod else PaymentMode.PREPAID,
            buyer_memo="please hurry" if memo else "",
            priority=priority,
        )

    def _take_in(self, order: PlatformOrder) -> OrderId:
        result = self.system.oms.ingest(order)
        assert result.status is IntakeStatus.CREATED
        external_id = order.ref.external_id
        self.revisions[external_id] = order.revision
        self.last_orders[external_id] = order
        self.applied[external_id] = order
        self.acknowledged.add(order.ref)
        return result.order_id

    def _next_id(self) -> str:
        self.counter += 1
        return f"E{self.counter}"

    def _process(self, release: bool) -> StageCounts:
        counts = self.system.oms.process(release=release)
        assert counts.failed == (), [self._get(o).decisions[-1] for o in counts.failed]
        now = self.clock.now()
        for order_id in self.system.oms.orders_with_status(OrderStatus.HELD):
            for hold in self._get(order_id).holds:
                if hold.kind is HoldKind.WAIT:
                    event("an order waits out its window")
                    assert self.wait_minutes, hold
                    assert hold.until is not None, hold
                    assert now < hold.until <= now + timedelta(minutes=self.wait_minutes), (order_id, hold, now)
        return counts

    def _settle(self) -> bool:
        """Run passes until one lifts no hold and merges nothing (no pass after it could free or find stock for
        a waiting order); ``False`` when that does not happen within a few passes."""
        for _ in range(5):
            counts = self._process(release=False)
            if not counts.lifted and not counts.merged:
                return True
        return False

    def _get(self, order_id: OrderId) -> Order:
        order = self.system.oms.order(order_id)
        assert order is not None
        return order

    def _root(self, order: Order) -> Order:
        while order.status is OrderStatus.MERGED and order.merged_into is not None:
            order = self._get(order.merged_into)
        return order

    def _all_orders(self) -> list[Order]:
        return [self._get(oid) for status in OrderStatus for oid in self.system.oms.orders_with_status(status)]

    def _depart(self, shipment_ids: list[ShipmentId]) -> None:
        if shipment_ids:
            self.system.fulfilment.mark_left(*shipment_ids)
            self.left.update(shipment_ids)

    def _interceptable(self, order: Order) -> bool:
        """Whether ``order`` is unreleased, or released with every released parcel still at its location."""
        if order.status in UNRELEASED:
            return True
        return order.status is OrderStatus.RELEASED and not any(
            s.id in self.left for s in self.system.oms.shipments(order.id) if s.status is ShipmentStatus.RELEASED
        )

    def _revise(self, external_id: str, lines: list[LineSpec]) -> IntakeStatus:
        revision = self.revisions[external_id] + 1
        order = self._order(external_id, revision, lines, 0, False, False)
        result = self.system.oms.ingest(order)
        assert result.status is not IntakeStatus.CREATED
        assert result.status is not IntakeStatus.DUPLICATE
        self.revisions[external_id] = revision
        self.last_orders[external_id] = order
        if result.status is IntakeStatus.REVISED:
            self.applied[external_id] = order
        return result.status

    def _cancel_on_platform(self, external_id: str) -> IntakeStatus:
        revision = self.revisions[external_id] + 1
        cancelled = attrs.evolve(self.last_orders[external_id], revision=revision, status=PlatformStatus.CANCELLED)
        result = self.system.oms.ingest(cancelled)
        self.revisions[external_id] = revision
        self.last_orders[external_id] = cancelled
        return result.status

    # --- rules ------------------------------------------------------------------------------------------

    @rule(
        lines=lines_strategy,
        recipient=st.integers(0, 2),
        cod=st.booleans(),
        memo=st.booleans(),
        priority=st.sampled_from((0, 0, 1, 2)),
    )
    def take_in_a_new_order(self, lines: list[LineSpec], recipient: int, cod: bool, memo: bool, priority: int) -> None:
        external_id = self._next_id()
        memo = memo and self.counter % 3 == 0
        self._take_in(self._order(external_id, 1, lines, recipient, cod, memo, priority=priority))

    @rule(
        orders=st.lists(line_specs(KNOWN_LISTINGS, presale=False), min_size=3, max_size=4),
        minutes=st.integers(0, 10),
        release=st.booleans(),
    )
    def a_buyer_orders_again_and_again(self, orders: list[list[LineSpec]], minutes: int, release: bool) -> None:
        """Orders of one buyer to one recipient arriving one after another, each taken through the pipeline
        before the next arrives: the second merges with the first, the third with that merge, and so on."""
        for lines in orders:
            self._take_in(self._order(self._next_id(), 1, lines, 0, False, False))
            self._process(release=False)
            self.clock.advance(timedelta(minutes=minutes))
        if release:
            self._process(release=True)

    @precondition(lambda self: self.last_orders)
    @rule(data=st.data())
    def redeliver_the_same_revision(self, data: st.DataObject) -> None:
        external_id = data.draw(st.sampled_from(sorted(self.last_orders)))
        result = self.system.oms.ingest(self.last_orders[external_id])
        assert result.status is IntakeStatus.DUPLICATE

    @precondition(lambda self: self.last_orders)
    @rule(data=st.data(), lines=lines_strategy)
    def deliver_a_newer_revision(self, data: st.DataObject, lines: list[LineSpec]) -> None:
        external_id = data.draw(st.sampled_from(sorted(self.last_orders)))
        revision = self.revisions[external_id] + 1
        self._revise(external_id, lines)
        stale = self.system.oms.ingest(self._order(external_id, revision - 1, lines, 0, False, False))
        assert stale.status is IntakeStatus.STALE

    @precondition(lambda self: self.last_orders)
    @rule(data=st.data())
    def platform_cancels(self, data: st.DataObject) -> None:
        self._cancel_on_platform(data.draw(st.sampled_from(sorted(self.last_orders))))

    @rule(data=st.data(), how=st.sampled_from(("cancel", "revise", "address")), depart=st.booleans())
    def a_merged_platform_order_changes(self, data: st.DataObject, how: str, depart: bool) -> None:
        """A platform order inside a merge (at any depth) is cancelled, revised or sent elsewhere: before
        release it is taken out; after release the merge's parcels are intercepted (or had left)."""
        merged = sorted(
            order.ref.external_id
            for order_id in self.system.oms.orders_with_status(OrderStatus.MERGED)
            if not (order := self._get(order_id)).merged_from and order.ref.external_id in self.last_orders
        )
        if not merged:
            return
        external_id = data.draw(st.sampled_from(merged))
        source = self.system.oms.order_by_ref(ExternalOrderRef(TMALL, external_id))
        assert source is not None
        root = self._root(source)
        if depart:
            self._depart([s.id for s in self.system.oms.shipments(root.id) if s.status is ShipmentStatus.RELEASED])
        free = self._interceptable(root)
        event(f"merged platform order: {how}, merge {root.status}, {'free' if free else 'parcels left'}")
        if how == "cancel":
            status = self._cancel_on_platform(external_id)
            assert (status is IntakeStatus.CANCELLED) == (self._get(source.id).status is OrderStatus.CANCELLED)
            if free:
                assert status is IntakeStatus.CANCELLED, (status, root.status)
        elif how == "revise":
            status = self._revise(external_id, data.draw(line_specs(KNOWN_LISTINGS)))
            if root.status in UNRELEASED:
                assert status is IntakeStatus.REVISED, (status, root.status)
                assert self._get(source.id).status is OrderStatus.RECEIVED
            else:
                assert status is IntakeStatus.TOO_LATE, (status, root.status)
                assert self._get(source.id).status is OrderStatus.MERGED
        else:
            recipient = data.draw(st.sampled_from(ADDRESSES))
            try:
                result = self.system.oms.change_address(source.id, recipient)
            except ChangeRefused:
                assert self._root(self._get(source.id)).status not in UNRELEASED | {OrderStatus.RELEASED}
                return
            after = self._get(source.id)
            assert result.applied == (after.status is not OrderStatus.MERGED)
            if free:
                assert result.applied, (result.detail, root.status)
                assert after.recipient == recipient

    @rule(minutes=st.integers(1, 240))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(timedelta(minutes=minutes))

    @rule(days=st.integers(1, 12))
    def days_pass_and_presale_parcels_go(self, days: int) -> None:
        self.clock.advance(timedelta(days=days))
        self.system.oms.release_due_shipments()
        today = merchant_today(self.system.oms.ctx)
        for status in (OrderStatus.RELEASED, OrderStatus.PARTIALLY_SHIPPED):
            for order_id in self.system.oms.orders_with_status(status):
                for shipment in self.system.oms.shipments(order_id):
                    if shipment.status is ShipmentStatus.PLANNED:
                        assert shipment.ship_after is not None, shipment
                        assert shipment.ship_after > today, shipment

    @rule(release=st.booleans())
    def run_the_pipeline(self, release: bool) -> None:
        self._process(release=release)

    @rule(data=st.data())
    def an_operator_releases_a_hold(self, data: st.DataObject) -> None:
        held = self.system.oms.orders_with_status(OrderStatus.HELD)
        if not held:
            return
        order = self._get(data.draw(st.sampled_from(held)))
        kind = data.draw(st.sampled_from([h.kind for h in order.holds]))
        if kind is HoldKind.INCOMPLETE_ADDRESS and order.recipient.missing_fields():
            return
        if kind is not HoldKind.UNMAPPED_SKU:
            self.system.oms.release_hold(order.id, kind, "checked")

    @rule(data=st.data())
    def an_operator_releases_an_unmapped_sku_hold(self, data: st.DataObject) -> None:
        """Releasing an unmapped-SKU hold maps the lines again; while a listing maps to nothing the hold stays."""
        held = sorted(
            order_id
            for order_id in self.system.oms.orders_with_status(OrderStatus.HELD)
            if self._get(order_id).has_hold(HoldKind.UNMAPPED_SKU)
        )
        if not held:
            return
        order_id = data.draw(st.sampled_from(held))
        event("an unmapped-SKU hold is released")
        self.system.oms.release_hold(order_id, HoldKind.UNMAPPED_SKU, "checked")
        after = self._get(order_id)
        if any(line.listing_id not in self.extra_listings for line in after.unmapped_lines):
            assert after.has_hold(HoldKind.UNMAPPED_SKU)
        else:
            assert not after.unmapped_lines
            assert not after.has_hold(HoldKind.UNMAPPED_SKU)

    @rule(listing=st.sampled_from(NEW_LISTINGS), mapped_to=st.sampled_from(TARGETS))
    def the_catalog_changes(self, listing: str, mapped_to: str | None) -> None:
        if mapped_to is None:
            self.extra_listings.pop(listing, None)
        else:
            self.extra_listings[listing] = mapped_to
        self.system.oms.load_master_data(merchant_catalog(self.extra_listings), network())

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
            for status in (*UNRELEASED, OrderStatus.RELEASED, OrderStatus.MERGED)
            for order_id in self.system.oms.orders_with_status(status)
        ]
        if not candidates:
            return
        order_id = data.draw(st.sampled_from(sorted(candidates)))
        root = self._root(self._get(order_id))
        if data.draw(st.booleans()):
            self._depart([shipment.id for shipment in self.system.oms.shipments(root.id)])
        free = self._interceptable(root)
        result = self.system.oms.cancel(OrderId(order_id), "merchant")
        assert result.cancelled == (self._get(order_id).status is OrderStatus.CANCELLED)
        if free:
            assert result.cancelled, (result.detail, root.status)

    @rule(data=st.data(), recipient=st.integers(0, len(ADDRESSES) - 1), depart=st.booleans())
    def the_buyer_changes_the_address(self, data: st.DataObject, recipient: int, depart: bool) -> None:
        ids = sorted(oid for status in OrderStatus for oid in self.system.oms.orders_with_status(status))
        if not ids:
            return
        order_id = data.draw(st.sampled_from(ids))
        if depart:
            self._depart([shipment.id for shipment in self.system.oms.shipments(OrderId(order_id))[:1]])
        try:
            result = self.system.oms.change_address(OrderId(order_id), ADDRESSES[recipient])
        except ChangeRefused:
            order = self._get(OrderId(order_id))
            assert order.status in {
                OrderStatus.SHIPPED,
                OrderStatus.PARTIALLY_SHIPPED,
                OrderStatus.COMPLETED,
                OrderStatus.CANCELLED,
                OrderStatus.MERGED,
            }
            return
        changed = self._get(result.order_id)
        incomplete = bool(ADDRESSES[recipient].missing_fields())
        event(f"address change: {'incomplete' if incomplete else 'complete'}, {changed.status}")
        if result.applied and incomplete and changed.status is not OrderStatus.RECEIVED:
            assert changed.status is OrderStatus.HELD
            assert changed.has_hold(HoldKind.INCOMPLETE_ADDRESS)
            assert not any(s.is_open for s in self.system.oms.shipments(changed.id))
        if result.applied and not incomplete:
            assert not changed.has_hold(HoldKind.INCOMPLETE_ADDRESS)

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

    @rule(location=st.sampled_from(WAREHOUSES), sku=st.sampled_from(SKUS), quantity=st.integers(1, 5))
    def goods_are_expected(self, location: LocationId, sku: SkuCode, quantity: int) -> None:
        """A purchase order or an ASN: presale lines short of this SKU may be promised from it."""
        receipt = ExpectedReceipt(f"ASN-{len(self.receipts) + 1}", location, sku, quantity, START.date())
        self.system.oms.expect_stock(receipt)
        self.receipts.append(receipt)

    @precondition(lambda self: len(self.receipts) > len(self.arrived))
    @rule(data=st.data(), short=st.booleans())
    def expected_goods_arrive(self, data: st.DataObject, short: bool) -> None:
        """The goods arrive (sometimes fewer than expected); the orders promised from them are served first."""
        waiting = [receipt for receipt in self.receipts if receipt.id not in self.arrived]
        receipt = data.draw(st.sampled_from(waiting))
        quantity = max(1, receipt.quantity - 1) if short else receipt.quantity
        arrival = self.system.oms.receive_expected(receipt.id, quantity)
        self.arrived[receipt.id] = True
        key = (receipt.location, receipt.sku)
        self.supplied[key] = self.supplied.get(key, 0) + quantity
        assert set(arrival.routed) <= set(arrival.promised)
        assert self.system.oms.expected(receipt.id)[1] == 0
        if arrival.promised:
            event("expected goods arrived for promised orders")

    @invariant()
    def expected_stock_is_never_promised_twice(self) -> None:
        """No receipt promises more than it brings, and only orders still waiting hold promises."""
        for receipt in self.receipts:
            promised = self.system.oms.expected(receipt.id)[1]
            assert promised <= receipt.quantity, (receipt, promised)
            if receipt.id in self.arrived:
                assert promised == 0, receipt

    @rule(location=st.sampled_from(WAREHOUSES), sku=st.sampled_from(SKUS), quantity=st.integers(1, 8))
    def stock_arrives_and_waiting_orders_take_it(self, location: LocationId, sku: SkuCode, quantity: int) -> None:
        """No retry is asked for: orders held for stock that has come lift by themselves."""
        self.system.oms.receive_stock(location, sku, quantity)
        self.supplied[(location, sku)] = self.supplied.get((location, sku), 0) + quantity
        self._settle_and_check_waiting_orders()

    @rule()
    def the_pipeline_settles(self) -> None:
        self._settle_and_check_waiting_orders()

    def _settle_and_check_waiting_orders(self) -> None:
        """After passes that lift and merge nothing more, no order held only for stock could be served in full
        from one warehouse (stock freed by cancellations, corrections or receipts was offered to it)."""
        if not self._settle():
            return
        levels: dict[StockKey, int] = {}
        for order_id in self.system.oms.orders_with_status(OrderStatus.HELD):
            order = self._get(order_id)
            if [h.kind for h in order.holds] != [HoldKind.OUT_OF_STOCK]:
                continue
            demand: dict[SkuCode, int] = {}
            for line in order.lines:
                demand[line.sku] = demand.get(line.sku, 0) + line.quantity
            event("settled: an order waits for stock")
            for location in WAREHOUSES:
                for sku in demand:
                    if (location, sku) not in levels:
                        levels[(location, sku)] = self.system.oms.stock(location, sku).available
                servable = all(levels[(location, sku)] >= n for sku, n in demand.items())
                assert not servable, (order.id, location, demand, order.holds)

    @rule(first=st.integers(0, 2), second=st.integers(0, 2), same_time=st.booleans(), extra=st.integers(1, 3))
    def two_buyers_race_for_the_last_vases(self, first: int, second: int, same_time: bool, extra: int) -> None:
        """Two orders each want all the vases there are: the one first in fill order (higher priority, then
        earlier placement, then lower id) gets them, whichever was taken in first."""
        for rival in self.rivals:
            earlier = self._get(rival)
            for member in (earlier, *self._backorder_parts(earlier)):  # a part waiting for vases would race too
                if member.status in WAITING:
                    self.system.oms.cancel(member.id, "the race is over")
        self.system.oms.receive_stock(WAREHOUSES[0], VASE, extra)
        key = (WAREHOUSES[0], VASE)
        self.supplied[key] = self.supplied.get(key, 0) + extra
        wanted = self.system.oms.stock(*key).available
        ids = []
        for priority in (first, second):
            spec = LineSpec("L-VASE", wanted, 5000, 0, "unit")
            order = self._order(self._next_id(), 1, [spec], 2, False, False, buyer=f"rival-{self.counter}")
            ids.append(self._take_in(attrs.evolve(order, priority=priority)))
            if not same_time:
                self.clock.advance(timedelta(minutes=1))
        self.rivals.extend(ids)
        if self.wait_minutes:
            self.clock.advance(timedelta(minutes=self.wait_minutes + 2))
        self._process(release=False)
        winner, loser = sorted((self._get(i) for i in ids), key=lambda o: o.fill_key)
        assert winner.status is OrderStatus.ALLOCATED, (winner.status, winner.holds)
        assert loser.status is OrderStatus.HELD
        assert loser.has_hold(HoldKind.OUT_OF_STOCK), loser.holds

    @rule(
        location=st.sampled_from(LOCATIONS),
        sku=st.sampled_from(SKUS),
        delta=st.sampled_from((-5, -4, -3, -2, -1, 1, 2, 3)),
    )
    def a_stock_count_corrects_on_hand(self, location: LocationId, sku: SkuCode, delta: int) -> None:
        try:
            self.system.oms.adjust_stock(location, sku, delta)
        except InvalidQuantity:
            return
        self.supplied[(location, sku)] = self.supplied.get((location, sku), 0) + delta

    # --- invariants -------------------------------------------------------------------------------------

    @invariant()
    def every_invariant_holds(self) -> None:
        report = self.system.oms.audit(self.acknowledged, self.supplied)
        assert report.ok, report.problems

    @invariant()
    def the_pipeline_keeps_its_promises(self) -> None:
        orders = self._all_orders()
        by_id = {order.id: order for order in orders}
        open_refs = {
            (line.origin, self._family_root(by_id, order).id)
            for order in orders
            for shipment in self.system.oms.shipments(order.id)
            if shipment.is_open
            for line in shipment.lines
        }
        current = merchant_catalog(self.extra_listings)
        today = merchant_today(self.system.oms.ctx)
        for order in orders:
            assert not order.has_hold(HoldKind.FAILED), order.holds
            if order.status is OrderStatus.CANCELLED and not order.merged_from:
                # Within one platform order's family a backorder part may be cancelled (withdrawn by a revision)
                # while the order ships on, or ship on (too far to stop) while the order is cancelled.
                root = self._family_root(by_id, order).id
                foreign = {ref for ref, owner in open_refs if owner != root}
                assert not set(order.refs) & foreign, (order.id, order.refs)
            if order.status is OrderStatus.HELD and order.has_hold(HoldKind.WAIT):
                assert not any(s.is_open for s in self.system.oms.shipments(order.id)), order.id
                assert order.merged_into is None, order.id
                continue
            if order.unmapped_lines:
                assert order.status in {OrderStatus.RECEIVED, OrderStatus.HELD, OrderStatus.CANCELLED}, order.status
                if order.status is OrderStatus.HELD:
                    assert order.has_hold(HoldKind.UNMAPPED_SKU), order.holds
            if order.status is OrderStatus.HELD and order.has_hold(HoldKind.UNMAPPED_SKU):
                assert any(current.listing(TMALL, line.listing_id) is None for line in order.unmapped_lines), order.id
            if order.recipient.missing_fields():
                assert order.status in {OrderStatus.RECEIVED, OrderStatus.HELD, OrderStatus.CANCELLED}, order.status
                if order.status is OrderStatus.HELD:
                    assert order.has_hold(HoldKind.INCOMPLETE_ADDRESS), order.holds
                assert not any(s.is_open for s in self.system.oms.shipments(order.id)), order.id
            for shipment in self.system.oms.shipments(order.id):
                if shipment.status is ShipmentStatus.RELEASED and shipment.id not in self.released_seen:
                    assert shipment.ship_after is None or shipment.ship_after <= today, shipment
                    self.released_seen.add(shipment.id)

    @invariant()
    def gifts_stay_within_their_quotas_and_cost_nothing(self) -> None:
        """Every activity gives at most its quota and one buyer at most the per-buyer cap; what the quota store
        counts is exactly the gifts routed orders carry; a gift line is priced zero."""
        carried: dict[str, int] = {}
        by_buyer: dict[tuple[str, str], int] = {}
        activity = {rule.id: rule.activity for rule in self.gift_rules}
        for order in self._all_orders():
            for line in order.given_gifts:
                assert (line.amount.minor, line.gross_amount.minor, line.is_gift) == (0, 0, True), line
                if order.status in ROUTED:
                    name = activity[line.gift_rule or ""]
                    carried[name] = carried.get(name, 0) + line.quantity
                    by_buyer[(name, order.buyer_id)] = by_buyer.get((name, order.buyer_id), 0) + line.quantity
        for gift_rule in self.gift_rules:
            given = self.system.oms.gift_units_given(gift_rule.activity)
            assert given == carried.get(gift_rule.activity, 0), (gift_rule.activity, given, carried)
            assert gift_rule.quota is None or given <= gift_rule.quota, (gift_rule.activity, given)
        for (name, buyer), units in by_buyer.items():
            cap = next(each.per_buyer for each in self.gift_rules if each.activity == name)
            assert cap is None or units <= cap, (name, buyer, units)
        if carried:
            event("gifts given")

    @invariant()
    def stored_money_is_the_platforms(self) -> None:
        """Gross, discount, paid and shipping totals of every stored platform order are the platform order's,
        kits exploded and listings mapped again included."""
        for external_id, sent in self.applied.items():
            stored = self.system.oms.order_by_ref(sent.ref)
            assert stored is not None
            family = [stored, *self._backorder_parts(stored)]
            if len(family) > 1:
                event("an order shipped what was in stock; the rest waits")
            lines = [line for order in family for line in order.lines]
            assert sum(o.gross_total.minor for o in family) == sent.gross_total.minor, (external_id, lines, sent.lines)
            assert sum(o.discount_total.minor for o in family) == sent.discount_total.minor, (external_id, lines)
            assert sum(o.paid_total.minor for o in family) == sent.paid_total.minor, external_id
            assert sum(o.shipping_fee.minor for o in family) == sent.shipping_fee.minor, external_id
            for part in family[1:]:
                assert (part.refs, part.merged_into, part.merge_key) == (stored.refs, None, None), part.id

    @staticmethod
    def _family_root(by_id: dict[OrderId, Order], order: Order) -> Order:
        """The order a backorder part was split from, at any depth (the order itself when it is none)."""
        while order.backorder_of is not None and order.backorder_of in by_id:
            order = by_id[order.backorder_of]
        return order

    def _backorder_parts(self, order: Order) -> list[Order]:
        parts: list[Order] = []
        for part_id in order.backorders:
            part = self._get(part_id)
            parts.extend([part, *self._backorder_parts(part)])
        return parts


Pipeline.TestCase.settings = settings(
    max_examples=200, stateful_step_count=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestPipeline = Pipeline.TestCase
