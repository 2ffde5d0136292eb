"""The tenancy contract: a unit of work bound to one tenant never reads or changes another tenant's data."""

from __future__ import annotations

from collections.abc import Callable

from omscore.domain import events as ev
from omscore.domain.identity import LocationId, OrderId, ShipmentId, SkuCode
from omscore.domain.inventory import ReservationLine
from omscore.domain.order_status import OrderStatus
from omscore.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from omscore.testing.samples import rich_catalog, rich_network, sample_order, sample_shipment

UowFactoryFor = Callable[[str], UnitOfWorkFactory]
"""Tenant name → factory of units of work bound to it, all over one store."""

WH, TEA = LocationId("WH-1"), SkuCode("TEA")


def _fill(uow: UnitOfWork, *, stock: int) -> None:
    order = sample_order("O1", merge_key="k")
    uow.orders.add(order)
    uow.shipments.add(sample_shipment("S1", order))
    uow.inventory.receive(WH, TEA, stock)
    uow.inventory.reserve("O1", [ReservationLine(WH, TEA, 1, "S1")])
    uow.catalog.store(rich_catalog())
    uow.network.store(rich_network())
    uow.outbox.append([ev.OrderReleased("O1")])


class TenancyContract:
    """Every repository is partitioned by tenant; the same ids may exist in several tenants.

    Needs the fixture ``uow_factory_for`` (see :mod:`omscore.testing.contracts`).
    """

    def test_another_tenant_sees_nothing_of_a_tenants_data(self, uow_factory_for: UowFactoryFor) -> None:
        with uow_factory_for("acme")() as uow:
            _fill(uow, stock=10)
            uow.commit()

        with uow_factory_for("globex")() as uow:
            order = sample_order("O1")
            assert uow.orders.get(OrderId("O1")) is None
            assert uow.orders.get_by_ref(order.ref) is None
            assert uow.orders.ids_with_status(OrderStatus.RECEIVED) == []
            assert uow.orders.with_merge_key("k") == []
            assert uow.orders.count() == 0
            assert uow.shipments.get(ShipmentId("S1")) is None
            assert uow.shipments.for_order(OrderId("O1")) == []
            assert uow.inventory.level(WH, TEA).on_hand == 0
            assert uow.inventory.levels_of_sku(TEA) == []
            assert uow.inventory.all_levels() == []
            assert uow.inventory.reservation("O1") is None
            assert uow.inventory.reservation_keys() == []
            assert uow.catalog.load().skus == {}
            assert uow.network.load().locations == {}
            assert uow.outbox.undelivered() == []

    def test_tenants_may_use_the_same_ids_independently(self, uow_factory_for: UowFactoryFor) -> None:
        for tenant, stock in (("acme", 10), ("globex", 3)):
            with uow_factory_for(tenant)() as uow:
                _fill(uow, stock=stock)
                uow.commit()

        with uow_factory_for("globex")() as uow:
            uow.inventory.release("O1")
            order = uow.orders.get(OrderId("O1"))
            assert order is not None
            order.cancel("globex only")
            uow.orders.save(order)
            uow.outbox.mark_delivered([record.id for record in uow.outbox.undelivered()])
            uow.commit()

        with uow_factory_for("acme")() as uow:
            acme_order = uow.orders.get(OrderId("O1"))
            assert acme_order is not None
            assert (acme_order.status, acme_order.version) == (OrderStatus.RECEIVED, 1)
            assert uow.inventory.level(WH, TEA).on_hand == 10
            assert uow.inventory.level(WH, TEA).reserved == 1
            assert uow.inventory.reservation_keys() == ["O1"]
            assert [record.name for record in uow.outbox.undelivered()] == [
                "order.received",
                "shipment.planned",
                "order.released",
            ]
        with uow_factory_for("globex")() as uow:
            assert uow.inventory.level(WH, TEA).on_hand == 3
            assert uow.inventory.reservation_keys() == []
            assert [record.name for record in uow.outbox.undelivered()] == ["order.cancelled"]

    def test_a_tenants_rollback_leaves_other_tenants_alone(self, uow_factory_for: UowFactoryFor) -> None:
        with uow_factory_for("acme")() as uow:
            _fill(uow, stock=10)
            uow.commit()

        with uow_factory_for("globex")() as uow:
            _fill(uow, stock=5)

        with uow_factory_for("acme")() as uow:
            assert uow.orders.count() == 1
            assert uow.inventory.level(WH, TEA).on_hand == 10
        with uow_factory_for("globex")() as uow:
            assert uow.orders.count() == 0
            assert uow.inventory.all_levels() == []
