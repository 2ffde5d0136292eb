"""The contract of :class:`~omscore.ports.outbox.Outbox`."""

from __future__ import annotations

import pytest

from omscore.domain import events as ev
from omscore.domain.errors import ConcurrencyConflict
from omscore.domain.identity import OrderId
from omscore.ports.outbox import OutboxRecord
from omscore.ports.unit_of_work import UnitOfWorkFactory
from omscore.testing.contracts._support import Boom, raise_inside
from omscore.testing.samples import sample_order, sample_shipment


def _undelivered(uow_factory: UnitOfWorkFactory, limit: int = 100) -> list[OutboxRecord]:
    with uow_factory() as uow:
        return uow.outbox.undelivered(limit)


def _append(uow_factory: UnitOfWorkFactory, *events: ev.DomainEvent) -> None:
    with uow_factory() as uow:
        uow.outbox.append(events)
        uow.commit()


class OutboxContract:
    """Events stored with the change that recorded them, in commit order, delivered at most once.

    Needs the fixture ``uow_factory`` (see :mod:`omscore.testing.contracts`).
    """

    def test_an_empty_outbox_has_nothing_undelivered(self, uow_factory: UnitOfWorkFactory) -> None:
        assert _undelivered(uow_factory) == []

    def test_appended_events_are_stored_with_their_name_and_payload(self, uow_factory: UnitOfWorkFactory) -> None:
        shipped = ev.ShipmentShipped("S1", "SF", "SF123")
        merged = ev.OrderMerged("O3", ("O1", "O2"))

        _append(uow_factory, shipped, merged)

        records = _undelivered(uow_factory)
        assert [(r.name, r.payload) for r in records] == [
            ("shipment.shipped", {"shipment_id": "S1", "carrier": "SF", "tracking_number": "SF123"}),
            ("order.merged", {"order_id": "O3", "merged_from": ["O1", "O2"]}),
        ]
        assert records[0].id < records[1].id

    def test_events_recorded_by_stored_aggregates_reach_the_outbox_on_commit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order = sample_order("O1")
        with uow_factory() as uow:
            uow.orders.add(order)
            order.approve("clean")
            uow.orders.save(order)
            uow.shipments.add(sample_shipment("S1", order))
            assert uow.outbox.undelivered() == []
            uow.commit()

        records = _undelivered(uow_factory)
        assert [r.name for r in records] == ["order.received", "order.approved", "shipment.planned"]
        assert records[0].payload == ev.OrderReceived("O1", str(order.ref), 1).payload()
        assert records[2].payload == {"shipment_id": "S1", "order_id": "O1", "location": "WH-1"}

    def test_ids_increase_in_commit_order(self, uow_factory: UnitOfWorkFactory) -> None:
        for index in range(3):
            _append(uow_factory, ev.OrderReleased(f"O{index}"), ev.OrderCompleted(f"O{index}"))

        records = _undelivered(uow_factory)

        assert [r.payload["order_id"] for r in records] == ["O0", "O0", "O1", "O1", "O2", "O2"]
        assert [r.id for r in records] == sorted({r.id for r in records})

    def test_undelivered_returns_at_most_limit_records_from_the_oldest(self, uow_factory: UnitOfWorkFactory) -> None:
        _append(uow_factory, *(ev.OrderReleased(f"O{index}") for index in range(5)))

        first_two = _undelivered(uow_factory, limit=2)

        assert [r.payload["order_id"] for r in first_two] == ["O0", "O1"]

    def test_delivered_records_are_not_returned_again(self, uow_factory: UnitOfWorkFactory) -> None:
        _append(uow_factory, *(ev.OrderReleased(f"O{index}") for index in range(4)))
        records = _undelivered(uow_factory)

        with uow_factory() as uow:
            uow.outbox.mark_delivered([records[0].id, records[2].id])
            uow.commit()

        assert _undelivered(uow_factory) == [records[1], records[3]]

    def test_marking_delivered_twice_or_an_unknown_id_changes_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        _append(uow_factory, ev.OrderReleased("O1"), ev.OrderReleased("O2"))
        first, second = _undelivered(uow_factory)

        for ids in ([first.id], [first.id], [second.id + 1000]):
            with uow_factory() as uow:
                uow.outbox.mark_delivered(ids)
                uow.commit()

        assert _undelivered(uow_factory) == [second]

    def test_marking_delivered_without_commit_is_undone(self, uow_factory: UnitOfWorkFactory) -> None:
        _append(uow_factory, ev.OrderReleased("O1"))
        records = _undelivered(uow_factory)

        with uow_factory() as uow:
            uow.outbox.mark_delivered([r.id for r in records])

        assert _undelivered(uow_factory) == records

    def test_events_of_a_unit_of_work_left_without_commit_are_never_stored(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            uow.orders.add(sample_order("O1"))
            uow.outbox.append([ev.OrderReleased("O1")])
        with pytest.raises(Boom):
            raise_inside(uow_factory, lambda uow: uow.outbox.append([ev.OrderReleased("O2")]))

        _append(uow_factory, ev.OrderReleased("O3"))

        assert [r.payload["order_id"] for r in _undelivered(uow_factory)] == ["O3"]

    def test_events_of_a_failed_save_are_not_stored(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.orders.add(sample_order("O1"))
            uow.commit()
        with uow_factory() as uow:
            stale = uow.orders.get(OrderId("O1"))
            fresh = uow.orders.get(OrderId("O1"))
            assert stale is not None
            assert fresh is not None
            fresh.approve("first")
            uow.orders.save(fresh)
            uow.commit()
        delivered = [r.id for r in _undelivered(uow_factory)]
        with uow_factory() as uow:
            uow.outbox.mark_delivered(delivered)
            uow.commit()

        with uow_factory() as uow:
            stale.cancel("second")
            with pytest.raises(ConcurrencyConflict):
                uow.orders.save(stale)
            uow.commit()

        assert _undelivered(uow_factory) == []
