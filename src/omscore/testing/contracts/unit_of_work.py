"""The contract of :class:`~omscore.ports.unit_of_work.UnitOfWork`: atomic commit and complete rollback."""

from __future__ import annotations

from typing import Any

import pytest

from omscore.domain import events as ev
from omscore.domain.catalog import Catalog, Sku
from omscore.domain.errors import UnitOfWorkClosed
from omscore.domain.identity import ExternalOrderRef, LocationId, OrderId, ShipmentId, SkuCode
from omscore.domain.inventory import ReservationLine
from omscore.domain.network import Location, Network
from omscore.domain.order_status import OrderStatus
from omscore.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from omscore.testing.contracts._support import Boom, raise_inside
from omscore.testing.samples import (
    SAMPLE_CHANNEL,
    rich_catalog,
    rich_network,
    sample_order,
    sample_shipment,
    state_of,
)

WH, TEA, CUP = LocationId("WH-1"), SkuCode("TEA"), SkuCode("CUP")


def _snapshot(uow_factory: UnitOfWorkFactory) -> dict[str, Any]:
    """Everything a unit of work can read about the store, in comparable form."""
    with uow_factory() as uow:
        orders = uow.orders
        order_ids = sorted(order_id for status in OrderStatus for order_id in orders.ids_with_status(status))
        loaded = [order for order_id in order_ids if (order := orders.get(order_id)) is not None]
        probes = [ExternalOrderRef(SAMPLE_CHANNEL, external_id) for external_id in ("EO1", "E2")]
        return {
            "order count": orders.count(),
            "orders": {order.id: state_of(order) for order in loaded},
            "refs": [getattr(orders.get_by_ref(ref), "id", None) for ref in probes],
            "merge key k": [order.id for order in orders.with_merge_key("k")],
            "shipments": [state_of(s) for order_id in order_ids for s in uow.shipments.for_order(order_id)],
            "levels": uow.inventory.all_levels(),
            "reservations": [uow.inventory.reservation(key) for key in uow.inventory.reservation_keys()],
            "catalog": uow.catalog.load(),
            "network": uow.network.load(),
            "outbox": uow.outbox.undelivered(1000),
        }


def _arrange_baseline_in(uow: UnitOfWork) -> None:
    """Put something in every repository."""
    order = sample_order("O1", merge_key="k")
    uow.orders.add(order)
    uow.shipments.add(sample_shipment("S1", order))
    uow.inventory.receive(WH, TEA, 10)
    uow.inventory.reserve("O1", [ReservationLine(WH, TEA, 2, "S1")])
    uow.catalog.store(Catalog.build([Sku(TEA, "tea")]))
    uow.network.store(Network.build([Location(WH)]))
    uow.outbox.append([ev.OrderReleased("O0")])


def _arrange_baseline(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        _arrange_baseline_in(uow)
        uow.commit()


def _change_everything(uow: UnitOfWork) -> None:
    """Touch every repository: new and changed aggregates, stock, reservations, catalog, network, outbox."""
    second = sample_order("O2", external_id="E2", merge_key="k")
    uow.orders.add(second)
    existing = uow.orders.get(OrderId("O1"))
    assert existing is not None
    existing.cancel("buyer")
    uow.orders.save(existing)
    uow.shipments.add(sample_shipment("S2", second))
    shipment = uow.shipments.get(ShipmentId("S1"))
    assert shipment is not None
    shipment.cancel()
    uow.shipments.save(shipment)
    uow.inventory.release("O1")
    uow.inventory.receive(WH, CUP, 5)
    uow.inventory.adjust(WH, TEA, -1)
    uow.inventory.set_safety(WH, TEA, 1)
    uow.inventory.reserve("O2", [ReservationLine(WH, CUP, 5, "S2")])
    uow.catalog.store(rich_catalog())
    uow.network.store(rich_network())
    uow.outbox.mark_delivered([record.id for record in uow.outbox.undelivered()])
    uow.outbox.append([ev.OrderReleased("O2")])


class UnitOfWorkContract:
    """A unit of work commits every repository's changes together or none of them, and is used only while open.

    Needs the fixture ``uow_factory`` (see :mod:`omscore.testing.contracts`).
    """

    def test_committed_changes_are_all_visible_to_the_next_unit_of_work(self, uow_factory: UnitOfWorkFactory) -> None:
        _arrange_baseline(uow_factory)
        before = _snapshot(uow_factory)

        with uow_factory() as uow:
            _change_everything(uow)
            uow.commit()
        after = _snapshot(uow_factory)

        assert after["order count"] == 2
        assert after["orders"]["O1"]["status"] is OrderStatus.CANCELLED
        assert after["merge key k"] == ["O2"]
        assert [s["status"] for s in after["shipments"]] == ["cancelled", "planned"]
        assert [(level.sku, level.on_hand, level.reserved, level.safety) for level in after["levels"]] == [
            (CUP, 5, 5, 0),
            (TEA, 9, 0, 1),
        ]
        assert [r.key for r in after["reservations"]] == ["O2"]
        assert after["catalog"] == rich_catalog()
        assert after["network"] == rich_network()
        assert after["refs"] == ["O1", "O2"]
        assert [r.name for r in after["outbox"]] == [
            "order.received",
            "order.cancelled",
            "shipment.planned",
            "shipment.cancelled",
            "order.released",
        ]
        assert [r.name for r in before["outbox"]] == ["order.received", "shipment.planned", "order.released"]

    def test_leaving_without_commit_rolls_back_every_repository(self, uow_factory: UnitOfWorkFactory) -> None:
        _arrange_baseline(uow_factory)
        before = _snapshot(uow_factory)

        with uow_factory() as uow:
            _change_everything(uow)

        assert _snapshot(uow_factory) == before

    def test_an_exception_rolls_back_every_repository_and_propagates(self, uow_factory: UnitOfWorkFactory) -> None:
        _arrange_baseline(uow_factory)
        before = _snapshot(uow_factory)

        with pytest.raises(Boom):
            raise_inside(uow_factory, _change_everything)

        assert _snapshot(uow_factory) == before

    def test_rollback_discards_the_changes(self, uow_factory: UnitOfWorkFactory) -> None:
        _arrange_baseline(uow_factory)
        before = _snapshot(uow_factory)

        with uow_factory() as uow:
            _change_everything(uow)
            uow.rollback()

        assert _snapshot(uow_factory) == before

    def test_an_empty_store_rolls_back_to_empty(self, uow_factory: UnitOfWorkFactory) -> None:
        before = _snapshot(uow_factory)

        with uow_factory() as uow:
            _arrange_baseline_in(uow)

        assert _snapshot(uow_factory) == before

    def test_changes_committed_before_an_exception_are_kept(self, uow_factory: UnitOfWorkFactory) -> None:
        def add_and_commit(uow: UnitOfWork) -> None:
            uow.orders.add(sample_order("O1"))
            uow.inventory.receive(WH, TEA, 3)
            uow.commit()

        with pytest.raises(Boom):
            raise_inside(uow_factory, add_and_commit)

        with uow_factory() as uow:
            assert uow.orders.get(OrderId("O1")) is not None
            assert uow.inventory.level(WH, TEA).on_hand == 3

    def test_repositories_refuse_work_outside_an_open_unit_of_work(self, uow_factory: UnitOfWorkFactory) -> None:
        uow = uow_factory()
        with pytest.raises(UnitOfWorkClosed):
            uow.orders.get(OrderId("O1"))
        with pytest.raises(UnitOfWorkClosed):
            uow.commit()
        with uow:
            uow.orders.add(sample_order("O1"))
            uow.commit()

        for action in (
            lambda: uow.orders.get(OrderId("O1")),
            lambda: uow.shipments.get(ShipmentId("S1")),
            lambda: uow.inventory.level(WH, TEA),
            lambda: uow.inventory.receive(WH, TEA, 1),
            lambda: uow.catalog.load(),
            lambda: uow.network.load(),
            lambda: uow.outbox.undelivered(),
            uow.commit,
        ):
            with pytest.raises(UnitOfWorkClosed):
                action()

    def test_a_unit_of_work_cannot_be_entered_again(self, uow_factory: UnitOfWorkFactory) -> None:
        uow = uow_factory()
        with uow:
            pass

        with pytest.raises(UnitOfWorkClosed), uow:
            pass
