"""The merchant's fill order decides who gets the last unit: VIP buyers, favoured shops, or the earliest order."""

from __future__ import annotations

from typing import Any

from conftest import PlatformOrderFactory

from merchant_world import JD, START, TMALL, catalog, network
from omscore import open_system, parse_config
from omscore.adapters.system import ManualClock
from omscore.bootstrap import InMemorySystem, System, in_memory
from omscore.domain import LocationId, OrderId, OrderStatus, SkuCode
from omscore.policies.fill import FillKey, FillOrder
from omscore.policies.settings import PipelineSettings

NORTH = LocationId("WH-NORTH")
POT = SkuCode("POT")


def _system(fill: FillOrder | None = None) -> InMemorySystem:
    """The test merchant with no teapot in stock, running with ``fill`` (the default fill order when ``None``)."""
    settings = PipelineSettings() if fill is None else PipelineSettings(fill=fill)
    system = in_memory(clock=ManualClock(START), settings=settings)
    system.oms.load_master_data(catalog(), network(), [])
    return system


def _status(system: InMemorySystem | System[Any, Any], order_id: OrderId) -> OrderStatus:
    order = system.oms.order(order_id)
    assert order is not None
    return order.status


def _both_waiting(
    system: InMemorySystem, platform_order: PlatformOrderFactory, first: dict[str, Any], second: dict[str, Any]
) -> tuple[OrderId, OrderId]:
    """Two teapot orders of different buyers, taken in in this order and held for stock by one pass."""
    taken = [
        system.oms.ingest(platform_order(f"E{i}", ("L-POT", 1, 8000), **given)).order_id
        for i, given in enumerate((first, second), 1)
    ]
    system.oms.process()
    assert [_status(system, order_id) for order_id in taken] == [OrderStatus.HELD, OrderStatus.HELD]
    return taken[0], taken[1]


def test_a_vip_buyer_s_order_gets_the_last_unit_although_it_was_placed_later(
    platform_order: PlatformOrderFactory,
) -> None:
    system = _system(FillOrder(keys=(FillKey.VIP, FillKey.PLACED_AT), vip_buyers={"gold"}))
    ordinary, vip = _both_waiting(
        system, platform_order, {"buyer_id": "buyer-1", "minutes": 0}, {"buyer_id": "gold", "minutes": 30}
    )

    system.oms.receive_stock(NORTH, POT, 1)
    system.oms.process()

    assert _status(system, vip) is OrderStatus.RELEASED
    assert _status(system, ordinary) is OrderStatus.HELD
    assert system.oms.audit().ok


def test_forcing_a_retry_returns_the_waiting_orders_in_the_merchant_s_fill_order(
    platform_order: PlatformOrderFactory,
) -> None:
    system = _system(FillOrder(keys=(FillKey.VIP, FillKey.PLACED_AT), vip_buyers={"gold"}))
    ordinary, vip = _both_waiting(
        system, platform_order, {"buyer_id": "buyer-1", "minutes": 0}, {"buyer_id": "gold", "minutes": 30}
    )

    assert system.oms.retry_out_of_stock() == [vip, ordinary]


def test_with_the_default_fill_order_the_earlier_order_gets_the_last_unit(
    platform_order: PlatformOrderFactory,
) -> None:
    system = _system()
    later, earlier = _both_waiting(
        system, platform_order, {"buyer_id": "buyer-1", "minutes": 30}, {"buyer_id": "buyer-2", "minutes": 0}
    )

    system.oms.receive_stock(NORTH, POT, 1)
    system.oms.process()

    assert _status(system, earlier) is OrderStatus.RELEASED
    assert _status(system, later) is OrderStatus.HELD


def _merchant_file(jd_fill_priority: int) -> dict[str, Any]:
    """A configuration file of the test merchant's two shops, one teapot at the north DC, the shop key first."""
    return {
        "shops": [
            {"platform": TMALL.platform, "shop": TMALL.shop},
            {"platform": JD.platform, "shop": JD.shop, "fill_priority": jd_fill_priority},
        ],
        "skus": [{"code": "POT", "name": "Teapot", "weight_g": 1200}],
        "listings": [
            {"platform": shop.platform, "shop": shop.shop, "listing_id": "L-POT", "sku": "POT"} for shop in (TMALL, JD)
        ],
        "locations": [{"id": "WH-NORTH", "geo": {"lat": 39.9, "lon": 116.4}}],
        "carriers": [{"id": "SF", "supports_cod": True}],
        "stock": [{"location": "WH-NORTH", "sku": "POT", "on_hand": 1}],
        "rules": {"fill_order": {"keys": ["shop", "placed_at"]}},
    }


def test_the_shop_with_the_higher_fill_priority_gets_the_last_unit(platform_order: PlatformOrderFactory) -> None:
    config = parse_config(_merchant_file(jd_fill_priority=10))
    with open_system(config, clock=ManualClock(START)) as system:
        tmall = system.oms.ingest(platform_order("E1", ("L-POT", 1, 8000), channel=TMALL, minutes=0))
        jd = system.oms.ingest(platform_order("E2", ("L-POT", 1, 8000), channel=JD, buyer_id="b2", minutes=30))

        system.oms.process()

        assert _status(system, jd.order_id) is OrderStatus.RELEASED
        assert _status(system, tmall.order_id) is OrderStatus.HELD


def test_a_shop_ranked_below_the_others_waits_even_when_its_order_came_first(
    platform_order: PlatformOrderFactory,
) -> None:
    config = parse_config(_merchant_file(jd_fill_priority=-1))
    with open_system(config, clock=ManualClock(START)) as system:
        jd = system.oms.ingest(platform_order("E1", ("L-POT", 1, 8000), channel=JD, minutes=0))
        tmall = system.oms.ingest(platform_order("E2", ("L-POT", 1, 8000), channel=TMALL, buyer_id="b2", minutes=30))

        system.oms.process()

        assert _status(system, tmall.order_id) is OrderStatus.RELEASED
        assert _status(system, jd.order_id) is OrderStatus.HELD
