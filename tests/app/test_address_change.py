"""Address changes at every stage of an order."""

from __future__ import annotations

import pytest
from conftest import PlatformOrderFactory

from omscore.bootstrap import InMemorySystem
from omscore.domain import Address, CarrierId, ChangeRefused, OrderStatus, Recipient, ShipmentStatus

URUMQI = Recipient("Li Lei", "13800138000", Address("CN", "Xinjiang", "Urumqi", "Tianshan", "1 Renmin Road"))


def test_before_routing_the_new_address_simply_replaces_the_old(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1"))
    result = system.oms.change_address(created.order_id, URUMQI)
    order = system.oms.order(created.order_id)
    assert result.applied
    assert result.before == result.after == ()
    assert order is not None
    assert order.recipient == URUMQI


def test_an_allocated_order_is_routed_again_and_the_diff_shows_the_new_carrier(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1", ("L-TEA", 2, 6000)))
    system.oms.process(release=False)
    result = system.oms.change_address(created.order_id, URUMQI)
    assert result.applied
    assert [(p.location, p.carrier) for p in result.before] == [("WH-EAST", "YTO")]
    assert [(p.location, p.carrier) for p in result.after] == [("WH-EAST", "SF")]
    assert result.changed_plan
    assert system.oms.audit().ok


def test_a_released_order_is_intercepted_and_re_planned(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1", ("L-TEA", 2, 6000)))
    system.oms.process()
    result = system.oms.change_address(created.order_id, URUMQI)
    assert result.applied
    assert len(result.intercepted) == 1
    shipments = system.oms.shipments(created.order_id)
    assert [s.status for s in shipments] == [ShipmentStatus.INTERCEPTED, ShipmentStatus.PLANNED]
    assert shipments[0].superseded
    assert shipments[1].carrier == "SF"
    report = system.oms.audit()
    assert report.ok, report.problems


def test_a_parcel_that_already_left_keeps_its_address_and_the_result_says_so(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1", ("L-TEA", 3, 9000), ("L-POT", 1, 8000)))
    system.oms.process()
    first, second = system.oms.shipments(created.order_id)
    system.fulfilment.mark_left(first.id)
    result = system.oms.change_address(created.order_id, URUMQI)
    assert not result.applied
    assert result.too_late == (first.id,)
    assert result.intercepted == (second.id,)
    assert system.oms.audit().ok


def test_a_shipped_order_refuses_the_change(system: InMemorySystem, platform_order: PlatformOrderFactory) -> None:
    created = system.oms.ingest(platform_order("E1"))
    system.oms.process()
    [shipment] = system.oms.shipments(created.order_id)
    system.oms.confirm_shipment(shipment.id, CarrierId("YTO"), "YT1")
    with pytest.raises(ChangeRefused) as refused:
        system.oms.change_address(created.order_id, URUMQI)
    assert refused.value.current == OrderStatus.SHIPPED
