"""有货先发, as a merchant sees it: in a shop that ships what is in stock, an order short of stock ships the rest
now and the missing units wait in a backorder part, with their exact share of the money, until stock arrives;
cancelling, revising or re-addressing the platform order takes its parts along; other shops wait complete."""

from __future__ import annotations

from conftest import PlatformOrderFactory

from merchant_world import JD, START, STOCK, TMALL, catalog, network
from omscore.adapters.system import ManualClock
from omscore.bootstrap import InMemorySystem, in_memory
from omscore.domain import (
    Address,
    CarrierId,
    HoldKind,
    LocationId,
    Money,
    Order,
    OrderId,
    OrderStatus,
    Recipient,
    SkuCode,
)
from omscore.domain.platform_order import PlatformStatus
from omscore.policies.routing import RoutingSettings
from omscore.policies.settings import PipelineSettings

NORTH = LocationId("WH-NORTH")
POT = SkuCode("POT")
SHANGHAI = Recipient("Han Meimei", "13900139000", Address("CN", "Shanghai", "Shanghai", "Xuhui", "8 Tianyaoqiao Road"))


def _system() -> InMemorySystem:
    """The test merchant; the Tmall shop ships what is in stock (4 teapots can be sold), the JD shop ships complete."""
    settings = PipelineSettings(shop_routing={TMALL: RoutingSettings(backorder=True)})
    system = in_memory(clock=ManualClock(START), settings=settings)
    system.oms.load_master_data(catalog(), network(), STOCK)
    return system


def _order(system: InMemorySystem, order_id: OrderId) -> Order:
    order = system.oms.order(order_id)
    assert order is not None
    return order


def _units(order: Order) -> list[tuple[str, int, int]]:
    return sorted((line.sku, line.quantity, line.amount.minor) for line in order.lines)


def _clean(system: InMemorySystem) -> None:
    report = system.oms.audit()
    assert report.ok, report.problems


def _split(system: InMemorySystem, platform_order: PlatformOrderFactory, **given: object) -> tuple[Order, Order]:
    """A tea and six teapots (two short) taken in and processed: the order and its backorder part."""
    taken = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3_000), ("L-POT", 6, 48_001), **given))
    system.oms.process()
    order = _order(system, taken.order_id)
    [part_id] = order.backorders
    return order, _order(system, part_id)


def test_an_order_short_of_stock_ships_the_rest_now_and_the_missing_units_wait(
    platform_order: PlatformOrderFactory,
) -> None:
    system = _system()
    order, part = _split(system, platform_order)

    assert order.status is OrderStatus.RELEASED
    assert _units(order) == [("POT", 4, 32_001), ("TEA", 1, 3_000)]
    assert order.shipping_fee == Money(800, "CNY")
    assert part.status is OrderStatus.HELD
    assert part.has_hold(HoldKind.OUT_OF_STOCK)
    assert (part.backorder_of, part.refs, part.shipping_fee) == (order.id, order.refs, Money(0, "CNY"))
    assert _units(part) == [("POT", 2, 16_000)]
    assert order.total + part.total == Money(3_000 + 48_001 + 800, "CNY")
    assert [line.origin_line_id for line in part.lines] == ["2"]
    by_ref = system.oms.order_by_ref(order.ref)
    assert by_ref is not None
    assert by_ref.id == order.id
    _clean(system)


def test_the_backorder_ships_when_stock_arrives(platform_order: PlatformOrderFactory) -> None:
    system = _system()
    _, part = _split(system, platform_order)

    system.oms.receive_stock(NORTH, POT, 2)
    system.oms.process()

    assert _order(system, part.id).status is OrderStatus.RELEASED
    [shipment] = system.oms.shipments(part.id)
    assert [(line.sku, line.quantity, line.amount.minor) for line in shipment.lines] == [("POT", 2, 16_000)]
    system.oms.confirm_shipment(shipment.id, CarrierId("SF"), "SF9")
    pushes = [(p.ref.external_id, p.line_ids) for p in system.channels.tracking_pushes]
    assert pushes == [("E1", ("2",))]
    _clean(system)


def test_a_shop_that_ships_complete_waits_with_the_whole_order(platform_order: PlatformOrderFactory) -> None:
    system = _system()
    taken = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3_000), ("L-POT", 6, 48_000), channel=JD))
    system.oms.process()

    order = _order(system, taken.order_id)
    assert order.status is OrderStatus.HELD
    assert order.backorders == ()
    _clean(system)


def test_nothing_in_stock_waits_whole_and_no_part_is_split(platform_order: PlatformOrderFactory) -> None:
    system = _system()
    taken = system.oms.ingest(platform_order("E1", ("L-POT", 9, 72_000)))
    system.oms.process()

    order = _order(system, taken.order_id)
    assert order.status in {OrderStatus.RELEASED, OrderStatus.HELD}
    if order.status is OrderStatus.HELD:
        assert order.backorders == ()
    _clean(system)


def test_a_platform_cancellation_cancels_the_backorder_too(platform_order: PlatformOrderFactory) -> None:
    system = _system()
    order, part = _split(system, platform_order)

    system.oms.ingest(
        platform_order("E1", ("L-TEA", 1, 3_000), ("L-POT", 6, 48_001), revision=2, status=PlatformStatus.CANCELLED)
    )

    assert _order(system, order.id).status is OrderStatus.CANCELLED
    assert _order(system, part.id).status is OrderStatus.CANCELLED
    _clean(system)


def test_a_revision_before_release_takes_the_backorder_back(platform_order: PlatformOrderFactory) -> None:
    system = _system()
    taken = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3_000), ("L-POT", 6, 48_000)))
    system.oms.process(release=False)
    order = _order(system, taken.order_id)
    [part_id] = order.backorders
    assert order.status is OrderStatus.ALLOCATED

    system.oms.ingest(platform_order("E1", ("L-TEA", 2, 6_000), ("L-POT", 3, 24_000), revision=2))
    system.oms.process()

    revised = _order(system, order.id)
    assert _order(system, part_id).status is OrderStatus.CANCELLED
    assert revised.backorders == ()
    assert _units(revised) == [("POT", 3, 24_000), ("TEA", 2, 6_000)]
    assert revised.status is OrderStatus.RELEASED
    _clean(system)


def test_a_revision_after_the_order_left_is_too_late_and_the_backorder_stays(
    platform_order: PlatformOrderFactory,
) -> None:
    system = _system()
    order, part = _split(system, platform_order)

    system.oms.ingest(platform_order("E1", ("L-TEA", 2, 6_000), revision=2))

    assert _order(system, part.id).status is OrderStatus.HELD
    assert _units(_order(system, order.id)) == _units(order)
    _clean(system)


def test_a_new_address_moves_the_backorder_too(platform_order: PlatformOrderFactory) -> None:
    system = _system()
    taken = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3_000), ("L-POT", 6, 48_000)))
    system.oms.process(release=False)
    order = _order(system, taken.order_id)

    result = system.oms.change_address(order.id, SHANGHAI)

    assert result.applied
    [part_id] = _order(system, order.id).backorders
    assert _order(system, part_id).recipient == SHANGHAI
    assert "follow" in result.detail
    _clean(system)


def test_split_orders_never_merge(platform_order: PlatformOrderFactory) -> None:
    system = _system()
    order, part = _split(system, platform_order)
    later = system.oms.ingest(platform_order("E2", ("L-TEA", 1, 3_000), minutes=2))
    system.oms.process()

    assert _order(system, later.order_id).merged_into is None
    assert _order(system, part.id).merge_key is None
    assert _order(system, order.id).merge_key is None
    _clean(system)
