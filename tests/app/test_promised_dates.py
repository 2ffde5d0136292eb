"""Promises are data: a routed shipment carries its ship-by and deliver-by dates, set by the promise rules.

The test merchant's orders are ready at 16:00 in Shanghai on Wednesday 2026-11-11, right at the default
cut-off, and YTO takes its usual three delivery days to Hangzhou.
"""

from __future__ import annotations

from datetime import date, time

import attrs
from conftest import PlatformOrderFactory

from merchant_world import START, STOCK, catalog, network
from omscore import PipelineSettings, PromiseSettings
from omscore.adapters.system import ManualClock
from omscore.bootstrap import InMemorySystem, in_memory
from omscore.domain import CarrierId, LocationId, Shipment
from omscore.policies.promise import LocationSchedule


def _system(promise: PromiseSettings) -> InMemorySystem:
    built = in_memory(clock=ManualClock(START), settings=PipelineSettings(promise=promise))
    built.oms.load_master_data(catalog(), network(), STOCK)
    return built


def _routed(system: InMemorySystem, platform_order: PlatformOrderFactory) -> Shipment:
    created = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000)))
    system.oms.process()
    [shipment] = system.oms.shipments(created.order_id)
    assert (shipment.location, shipment.carrier) == (LocationId("WH-EAST"), CarrierId("YTO"))
    return shipment


def test_a_routed_shipment_carries_the_dates_its_promise_decision_names(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    shipment = _routed(system, platform_order)

    assert (shipment.ship_by, shipment.deliver_by) == (date(2026, 11, 12), date(2026, 11, 15))
    order = system.oms.order(shipment.order_id)
    assert order is not None
    [decision] = [d for d in order.decisions if d.policy == "promise"]
    assert decision.summary == f"{shipment.id}: ship by 2026-11-12, deliver by 2026-11-15"


def test_a_later_cut_off_ships_the_same_day(platform_order: PlatformOrderFactory) -> None:
    late = PromiseSettings(locations={LocationId("WH-EAST"): LocationSchedule(cutoff=time(18, 0))})

    shipment = _routed(_system(late), platform_order)

    assert (shipment.ship_by, shipment.deliver_by) == (date(2026, 11, 11), date(2026, 11, 14))


def test_a_holiday_moves_both_dates_to_the_next_shipping_day(platform_order: PlatformOrderFactory) -> None:
    holiday = PromiseSettings(holidays=frozenset({date(2026, 11, 12)}))

    shipment = _routed(_system(holiday), platform_order)

    assert (shipment.ship_by, shipment.deliver_by) == (date(2026, 11, 13), date(2026, 11, 16))


def test_a_presale_parcel_is_promised_from_its_ship_date(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    po = platform_order("E1", ("L-TEA", 1, 3000))
    presale = attrs.evolve(po.lines[0], presale_ship_date=date(2026, 11, 20))
    created = system.oms.ingest(attrs.evolve(po, lines=(presale,)))
    system.oms.process()

    [shipment] = system.oms.shipments(created.order_id)

    assert (shipment.ship_after, shipment.ship_by, shipment.deliver_by) == (
        date(2026, 11, 20),
        date(2026, 11, 20),
        date(2026, 11, 23),
    )
