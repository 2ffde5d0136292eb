"""The order pipeline, stage by stage, as a merchant would describe it."""

from __future__ import annotations

from conftest import PlatformOrderFactory

from merchant_world import JD, TMALL
from omscore.app.allocation import RoutingStatus
from omscore.app.intake import IntakeStatus
from omscore.app.shipping import ConfirmStatus
from omscore.bootstrap import InMemorySystem
from omscore.domain import (
    Address,
    CarrierId,
    ExternalOrderRef,
    HoldKind,
    LocationId,
    OrderStatus,
    PaymentMode,
    Recipient,
    ShipmentStatus,
    SkuCode,
)
from omscore.domain.platform_order import PlatformStatus
from omscore.ports.fulfilment import InterceptResult


def _audit_clean(system: InMemorySystem, *refs: ExternalOrderRef) -> None:
    report = system.oms.audit(refs)
    assert report.ok, report.problems


# --- intake ---------------------------------------------------------------------------------------------


def test_the_same_platform_order_delivered_three_times_is_stored_once(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    results = [system.oms.ingest(platform_order("E1")) for _ in range(3)]
    assert [r.status for r in results] == [IntakeStatus.CREATED, IntakeStatus.DUPLICATE, IntakeStatus.DUPLICATE]
    assert len({r.order_id for r in results}) == 1
    _audit_clean(system, ExternalOrderRef(TMALL, "E1"))


def test_a_newer_revision_updates_and_an_older_one_is_ignored(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000), revision=2))
    stale = system.oms.ingest(platform_order("E1", ("L-TEA", 9, 3000), revision=1))
    newer = system.oms.ingest(platform_order("E1", ("L-TEA", 3, 9000), revision=3))
    assert stale.status is IntakeStatus.STALE
    assert newer.status is IntakeStatus.REVISED
    order = system.oms.order(newer.order_id)
    assert order is not None
    assert [line.quantity for line in order.lines] == [3]


def test_the_same_external_id_in_two_shops_is_two_orders(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    a = system.oms.ingest(platform_order("E1", channel=TMALL))
    b = system.oms.ingest(platform_order("E1", channel=JD))
    assert a.order_id != b.order_id


def test_a_kit_is_exploded_into_components_with_its_amount_apportioned(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    result = system.oms.ingest(platform_order("E1", ("L-GIFTSET", 2, 10001)))
    order = system.oms.order(result.order_id)
    assert order is not None
    assert [(line.sku, line.quantity, line.kit) for line in order.lines] == [
        ("POT", 2, "GIFTSET"),
        ("CUP", 4, "GIFTSET"),
    ]
    assert sum(line.amount.minor for line in order.lines) == 10001
    assert [line.amount.minor for line in order.lines] == [8001, 2000]


def test_a_cancellation_that_arrives_first_is_stored_so_the_late_create_is_stale(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    first = system.oms.ingest(platform_order("E1", revision=2, status=PlatformStatus.CANCELLED))
    late = system.oms.ingest(platform_order("E1", revision=1))
    assert first.status is IntakeStatus.CANCELLED
    assert late.status is IntakeStatus.STALE


# --- review ---------------------------------------------------------------------------------------------


def test_review_holds_with_every_reason_at_once(system: InMemorySystem, platform_order: PlatformOrderFactory) -> None:
    broken = Recipient("Li Lei", "13800138000", Address("CN", "Zhejiang", "", "", ""))
    created = system.oms.ingest(platform_order("E1", ("L-NOPE", 1, 100), recipient=broken, buyer_memo="gift wrap"))
    result = system.oms.review(created.order_id)
    order = system.oms.order(created.order_id)
    assert result.status is OrderStatus.HELD
    assert order is not None
    assert {h.kind for h in order.holds} == {HoldKind.INCOMPLETE_ADDRESS, HoldKind.UNMAPPED_SKU, HoldKind.MEMO}


def test_cash_on_delivery_above_the_limit_is_held_until_released(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1", ("L-POT", 1, 60000), payment=PaymentMode.COD))
    assert system.oms.review(created.order_id).status is OrderStatus.HELD
    assert system.oms.release_hold(created.order_id, HoldKind.COD_LIMIT, "called the buyer") is OrderStatus.APPROVED


# --- merge ----------------------------------------------------------------------------------------------


def test_orders_of_one_buyer_to_one_address_within_the_window_ship_together(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    variant = Recipient(
        " li lei ", "+86 138-0013-8000", Address("CN", "zhejiang", "HANGZHOU", "Xihu", "１２ Wensan  Road")
    )
    system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000)))
    system.oms.ingest(platform_order("E2", ("L-CUP", 1, 1000), recipient=variant, minutes=30))
    counts = system.oms.process()
    assert counts.merged == 1
    merged_id = system.oms.orders_with_status(OrderStatus.RELEASED)[0]
    merged = system.oms.order(merged_id)
    assert merged is not None
    assert {ref.external_id for ref in merged.refs} == {"E1", "E2"}
    assert merged.total.minor == 3000 + 1000 + 2 * 800
    _audit_clean(system, ExternalOrderRef(TMALL, "E1"), ExternalOrderRef(TMALL, "E2"))


def test_orders_outside_the_window_or_paid_cod_do_not_merge(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    system.oms.ingest(platform_order("E1"))
    system.oms.ingest(platform_order("E2", minutes=500))
    system.oms.ingest(platform_order("E3", ("L-TEA", 1, 100), payment=PaymentMode.COD, minutes=1))
    assert system.oms.process().merged == 0


def test_unmerge_restores_the_original_orders(system: InMemorySystem, platform_order: PlatformOrderFactory) -> None:
    a = system.oms.ingest(platform_order("E1"))
    b = system.oms.ingest(platform_order("E2", minutes=5))
    system.oms.process(release=False)
    merged_id = system.oms.orders_with_status(OrderStatus.ALLOCATED)[0]
    assert system.oms.unmerge(merged_id)
    for original in (a, b):
        order = system.oms.order(original.order_id)
        assert order is not None
        assert order.status is OrderStatus.APPROVED
        assert order.merged_into is None
    assert system.oms.stock(LocationId("WH-EAST"), SkuCode("TEA")).reserved == 0
    _audit_clean(system)


# --- routing, shipments, carriers ------------------------------------------------------------------------


def test_an_order_one_location_can_ship_whole_ships_from_the_first_such_location(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1", ("L-TEA", 2, 6000), ("L-CUP", 1, 1000)))
    system.oms.review(created.order_id)
    routed = system.oms.route(created.order_id)
    assert routed.status is RoutingStatus.ALLOCATED
    [shipment] = system.oms.shipments(created.order_id)
    assert shipment.location == "WH-EAST"
    assert shipment.carrier == "YTO"
    assert system.oms.stock(LocationId("WH-EAST"), SkuCode("TEA")).reserved == 2


def test_an_order_no_location_can_ship_whole_is_split_with_amounts_summing_to_the_total(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1", ("L-TEA", 3, 9001), ("L-POT", 1, 8000), shipping_fee=1001))
    system.oms.process()
    shipments = system.oms.shipments(created.order_id)
    assert sorted(s.location for s in shipments) == ["WH-EAST", "WH-NORTH"]
    assert sum(s.amount.minor for s in shipments) == 9001 + 8000 + 1001
    _audit_clean(system)


def test_an_order_without_enough_stock_is_held_and_reserves_nothing(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1", ("L-POT", 9, 9000)))
    system.oms.process()
    order = system.oms.order(created.order_id)
    assert order is not None
    assert order.has_hold(HoldKind.OUT_OF_STOCK)
    assert system.oms.stock(LocationId("WH-NORTH"), SkuCode("POT")).reserved == 0


def test_stock_arrival_lets_an_out_of_stock_order_through(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1", ("L-POT", 9, 9000)))
    system.oms.process()
    system.oms.receive_stock(LocationId("WH-NORTH"), SkuCode("POT"), 10)
    assert system.oms.retry_out_of_stock() == [created.order_id]
    assert system.oms.process().allocated == 1


def test_cod_orders_only_go_with_a_carrier_that_collects_cash(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000), payment=PaymentMode.COD))
    system.oms.process()
    [shipment] = system.oms.shipments(created.order_id)
    assert shipment.carrier == "SF"


# --- shipping and write-back ------------------------------------------------------------------------------


def test_tracking_is_written_back_to_every_origin_once(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000)))
    system.oms.ingest(platform_order("E2", ("L-CUP", 1, 1000), minutes=1))
    system.oms.process()
    [merged_id] = system.oms.orders_with_status(OrderStatus.RELEASED)
    [shipment] = system.oms.shipments(merged_id)
    first = system.oms.confirm_shipment(shipment.id, CarrierId("YTO"), "YT123")
    again = system.oms.confirm_shipment(shipment.id, CarrierId("YTO"), "YT123")
    assert first.status is ConfirmStatus.SHIPPED
    assert again.status is ConfirmStatus.DUPLICATE
    pushes = system.channels.tracking_pushes
    assert sorted(p.ref.external_id for p in pushes) == ["E1", "E2"]
    order = system.oms.order(merged_id)
    assert order is not None
    assert order.status is OrderStatus.SHIPPED
    level = system.oms.stock(LocationId("WH-EAST"), SkuCode("TEA"))
    assert (level.on_hand, level.reserved) == (9, 0)
    assert system.oms.confirm_delivered(shipment.id)
    completed = system.oms.order(merged_id)
    assert completed is not None
    assert completed.status is OrderStatus.COMPLETED
    _audit_clean(system)


# --- cancellation -----------------------------------------------------------------------------------------


def test_cancelling_an_allocated_order_releases_its_stock(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1", ("L-TEA", 4, 3000)))
    system.oms.process(release=False)
    result = system.oms.cancel(created.order_id, "buyer changed mind")
    assert result.cancelled
    assert system.oms.stock(LocationId("WH-EAST"), SkuCode("TEA")).reserved == 0
    _audit_clean(system)


def test_cancelling_a_released_order_intercepts_its_shipments(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000)))
    system.oms.process()
    result = system.oms.cancel(created.order_id)
    assert result.cancelled
    assert len(result.intercepted) == 1
    [shipment] = system.oms.shipments(created.order_id)
    assert shipment.status is ShipmentStatus.INTERCEPTED
    _audit_clean(system)


def test_a_shipment_that_already_left_cannot_be_cancelled(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000)))
    system.oms.process()
    [shipment] = system.oms.shipments(created.order_id)
    system.fulfilment.mark_left(shipment.id)
    result = system.oms.cancel(created.order_id)
    assert not result.cancelled
    assert result.too_late == (shipment.id,)
    assert system.fulfilment.intercept(shipment) is InterceptResult.TOO_LATE


def test_a_platform_cancellation_of_a_merged_order_takes_it_out_of_the_merge(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000)))
    system.oms.ingest(platform_order("E2", ("L-CUP", 1, 1000), minutes=1))
    system.oms.process(release=False)
    result = system.oms.ingest(platform_order("E2", revision=2, status=PlatformStatus.CANCELLED))
    assert result.status is IntakeStatus.CANCELLED
    survivor = system.oms.order_by_ref(ExternalOrderRef(TMALL, "E1"))
    assert survivor is not None
    assert survivor.status is OrderStatus.APPROVED
    assert system.oms.stock(LocationId("WH-EAST"), SkuCode("CUP")).reserved == 0
    _audit_clean(system)
