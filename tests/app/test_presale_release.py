"""Presale (预售): the in-stock part ships now, the presale parcel waits for its date."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
from conftest import PlatformOrderFactory

from omscore.adapters.system import ManualClock
from omscore.bootstrap import InMemorySystem
from omscore.domain import ShipmentStatus


def test_a_presale_parcel_is_released_only_when_its_date_comes(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    order = platform_order("E1", ("L-TEA", 1, 3000), ("L-CUP", 1, 1000))
    presale_day = date(2026, 11, 20)
    later = attrs.evolve(order.lines[1], presale_ship_date=presale_day)
    created = system.oms.ingest(attrs.evolve(order, lines=(order.lines[0], later)))
    system.oms.process()

    shipments = system.oms.shipments(created.order_id)
    assert {(s.ship_after, s.status) for s in shipments} == {
        (None, ShipmentStatus.RELEASED),
        (presale_day, ShipmentStatus.PLANNED),
    }
    assert system.oms.release_due_shipments() == 0

    clock = system.oms.ctx.clock
    assert isinstance(clock, ManualClock)
    clock.advance(timedelta(days=10))
    assert system.oms.release_due_shipments() == 1
    assert {s.status for s in system.oms.shipments(created.order_id)} == {ShipmentStatus.RELEASED}
    assert system.oms.audit().ok


def test_cancelling_a_released_order_withdraws_its_waiting_presale_parcel_and_keeps_the_books(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    order = platform_order("E1", ("L-TEA", 1, 3000), ("L-CUP", 1, 1000))
    later = attrs.evolve(order.lines[1], presale_ship_date=date(2026, 11, 20))
    created = system.oms.ingest(attrs.evolve(order, lines=(order.lines[0], later)))
    system.oms.process()

    result = system.oms.cancel(created.order_id, "buyer changed their mind")

    assert result.cancelled
    assert {s.status for s in system.oms.shipments(created.order_id)} == {
        ShipmentStatus.INTERCEPTED,
        ShipmentStatus.CANCELLED,
    }
    report = system.oms.audit()
    assert report.ok, report.problems
    assert system.oms.release_due_shipments() == 0
