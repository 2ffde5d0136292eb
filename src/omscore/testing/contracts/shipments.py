"""The contract of :class:`~omscore.ports.shipments.ShipmentRepository`."""

from __future__ import annotations

import pytest

from omscore.domain.errors import ConcurrencyConflict, DuplicateKey, NotFound
from omscore.domain.identity import CarrierId, OrderId, ShipmentId
from omscore.domain.shipment import Shipment, ShipmentStatus
from omscore.ports.unit_of_work import UnitOfWorkFactory
from omscore.testing.samples import rich_shipment, sample_order, sample_shipment, state_of


def _store(uow_factory: UnitOfWorkFactory, *shipments: Shipment) -> None:
    with uow_factory() as uow:
        for shipment in shipments:
            uow.shipments.add(shipment)
        uow.commit()


class ShipmentRepositoryContract:
    """Round trips, optimistic concurrency, duplicate keys and the order index of a shipment repository.

    Needs the fixture ``uow_factory`` (see :mod:`omscore.testing.contracts`).
    """

    def test_an_added_shipment_reads_back_with_every_field(self, uow_factory: UnitOfWorkFactory) -> None:
        shipment = rich_shipment()
        _store(uow_factory, shipment)

        with uow_factory() as uow:
            loaded = uow.shipments.get(shipment.id)

        assert loaded is not None
        assert state_of(loaded) == state_of(shipment)
        assert loaded.version == 1
        assert loaded.events == []

    def test_a_planned_shipment_without_carrier_reads_back_unchanged(self, uow_factory: UnitOfWorkFactory) -> None:
        shipment = sample_shipment("S1", sample_order(skus=("A", "B")))
        _store(uow_factory, shipment)

        with uow_factory() as uow:
            loaded = uow.shipments.get(ShipmentId("S1"))

        assert loaded is not None
        assert state_of(loaded) == state_of(shipment)
        assert (loaded.carrier, loaded.tracking_number, loaded.written_back) == (None, None, frozenset())

    def test_each_get_returns_a_fresh_object(self, uow_factory: UnitOfWorkFactory) -> None:
        _store(uow_factory, sample_shipment("S1"))

        with uow_factory() as uow:
            first, second = uow.shipments.get(ShipmentId("S1")), uow.shipments.get(ShipmentId("S1"))
            assert first is not None
            first.assign_carrier(CarrierId("SF"), "changed, not saved")
            third = uow.shipments.get(ShipmentId("S1"))

        assert first is not second
        assert third is not None
        assert third.carrier is None

    def test_add_sets_version_one_and_save_advances_it(self, uow_factory: UnitOfWorkFactory) -> None:
        shipment = sample_shipment("S1")
        _store(uow_factory, shipment)
        assert shipment.version == 1

        with uow_factory() as uow:
            loaded = uow.shipments.get(ShipmentId("S1"))
            assert loaded is not None
            loaded.assign_carrier(CarrierId("SF"), "cheapest")
            loaded.release()
            uow.shipments.save(loaded)
            uow.commit()

        assert loaded.version == 2
        with uow_factory() as uow:
            stored = uow.shipments.get(ShipmentId("S1"))
        assert stored is not None
        assert (stored.status, stored.carrier, stored.carrier_reason, stored.version) == (
            ShipmentStatus.RELEASED,
            "SF",
            "cheapest",
            2,
        )

    def test_a_stale_save_raises_concurrency_conflict(self, uow_factory: UnitOfWorkFactory) -> None:
        _store(uow_factory, sample_shipment("S1"))
        with uow_factory() as uow:
            mine, theirs = uow.shipments.get(ShipmentId("S1")), uow.shipments.get(ShipmentId("S1"))
        assert mine is not None
        assert theirs is not None
        with uow_factory() as uow:
            theirs.cancel()
            uow.shipments.save(theirs)
            uow.commit()

        with uow_factory() as uow:
            mine.assign_carrier(CarrierId("SF"), "late")
            with pytest.raises(ConcurrencyConflict) as conflict:
                uow.shipments.save(mine)
            stored = uow.shipments.get(ShipmentId("S1"))

        assert (conflict.value.entity, conflict.value.entity_id) == ("shipment", "S1")
        assert (conflict.value.expected_version, conflict.value.actual_version) == (1, 2)
        assert stored is not None
        assert stored.status is ShipmentStatus.CANCELLED

    def test_save_of_a_shipment_never_added_raises_not_found(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow, pytest.raises(NotFound) as missing:
            uow.shipments.save(sample_shipment("S404"))

        assert (missing.value.entity, missing.value.key) == ("shipment", "S404")

    def test_adding_an_existing_id_raises_duplicate_shipment(self, uow_factory: UnitOfWorkFactory) -> None:
        _store(uow_factory, sample_shipment("S1"))

        with uow_factory() as uow, pytest.raises(DuplicateKey) as duplicate:
            uow.shipments.add(sample_shipment("S1"))

        assert (duplicate.value.entity, duplicate.value.key) == ("shipment", "S1")

    def test_for_order_lists_every_shipment_of_the_order_by_id(self, uow_factory: UnitOfWorkFactory) -> None:
        order, other = sample_order("O1"), sample_order("O2", external_id="E2")
        cancelled = sample_shipment("S2", order)
        cancelled.cancel()
        _store(
            uow_factory,
            sample_shipment("S3", order),
            cancelled,
            sample_shipment("S1", other),
            sample_shipment("S4", order, location="WH-2"),
        )

        with uow_factory() as uow:
            found = uow.shipments.for_order(OrderId("O1"))
            none = uow.shipments.for_order(OrderId("O404"))

        assert [s.id for s in found] == ["S2", "S3", "S4"]
        assert [s.status for s in found] == [ShipmentStatus.CANCELLED, ShipmentStatus.PLANNED, ShipmentStatus.PLANNED]
        assert none == []

    def test_get_of_an_unknown_id_is_none(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            assert uow.shipments.get(ShipmentId("S404")) is None

    def test_a_rolled_back_add_and_save_leave_no_trace(self, uow_factory: UnitOfWorkFactory) -> None:
        _store(uow_factory, sample_shipment("S1"))

        with uow_factory() as uow:
            uow.shipments.add(sample_shipment("S2"))
            loaded = uow.shipments.get(ShipmentId("S1"))
            assert loaded is not None
            loaded.cancel()
            uow.shipments.save(loaded)
            assert [s.id for s in uow.shipments.for_order(OrderId("O00000001"))] == ["S1", "S2"]

        with uow_factory() as uow:
            assert uow.shipments.get(ShipmentId("S2")) is None
            assert [(s.id, s.status, s.version) for s in uow.shipments.for_order(OrderId("O00000001"))] == [
                ("S1", ShipmentStatus.PLANNED, 1)
            ]
