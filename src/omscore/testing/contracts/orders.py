"""The contract of :class:`~omscore.ports.orders.OrderRepository`."""

from __future__ import annotations

import pytest

from omscore.domain.errors import ConcurrencyConflict, DuplicateKey, NotFound
from omscore.domain.holds import Hold, HoldKind
from omscore.domain.identity import Channel, ExternalOrderRef, OrderId
from omscore.domain.order import Order
from omscore.domain.order_status import OrderStatus
from omscore.ports.unit_of_work import UnitOfWorkFactory
from omscore.testing.samples import rich_order, sample_order, state_of


def _store(uow_factory: UnitOfWorkFactory, *orders: Order) -> None:
    with uow_factory() as uow:
        for order in orders:
            uow.orders.add(order)
        uow.commit()


def _approved(order_id: str, *, external_id: str | None = None, merge_key: str | None = None) -> Order:
    order = sample_order(order_id, external_id=external_id, merge_key=merge_key)
    order.approve("clean")
    return order


class OrderRepositoryContract:
    """Round trips, optimistic concurrency, duplicate keys and the indexes of an order repository.

    Needs the fixture ``uow_factory`` (see :mod:`omscore.testing.contracts`).
    """

    # --- round trips --------------------------------------------------------------------------------------

    def test_an_added_order_reads_back_with_every_field(self, uow_factory: UnitOfWorkFactory) -> None:
        order = rich_order()
        _store(uow_factory, order)

        with uow_factory() as uow:
            loaded = uow.orders.get(order.id)

        assert loaded is not None
        assert state_of(loaded) == state_of(order)
        assert loaded.version == 1
        assert loaded.placed_at.utcoffset() is not None
        assert loaded.events == []

    def test_an_order_with_default_fields_reads_back_unchanged(self, uow_factory: UnitOfWorkFactory) -> None:
        order = sample_order(skus=("A", "B", "C"))
        _store(uow_factory, order)

        with uow_factory() as uow:
            loaded = uow.orders.get(order.id)

        assert loaded is not None
        assert state_of(loaded) == state_of(order)

    @pytest.mark.parametrize("currency", ["JPY", "KWD", "USD"])
    def test_money_keeps_its_currency_and_minor_units(self, uow_factory: UnitOfWorkFactory, currency: str) -> None:
        order = sample_order(currency=currency, quantity=3)
        _store(uow_factory, order)

        with uow_factory() as uow:
            loaded = uow.orders.get(order.id)

        assert loaded is not None
        assert loaded.total == order.total
        assert [line.amount for line in loaded.lines] == [line.amount for line in order.lines]

    def test_a_merged_order_and_its_sources_read_back(self, uow_factory: UnitOfWorkFactory) -> None:
        first, second = _approved("O1", external_id="E1"), _approved("O2", external_id="E2")
        _store(uow_factory, first, second)

        with uow_factory() as uow:
            sources = [uow.orders.get(OrderId("O1")), uow.orders.get(OrderId("O2"))]
            assert sources[0] is not None
            assert sources[1] is not None
            merged = Order.merge(OrderId("O3"), [sources[0], sources[1]])
            uow.orders.save(sources[0])
            uow.orders.save(sources[1])
            uow.orders.add(merged)
            uow.commit()

        with uow_factory() as uow:
            loaded = uow.orders.get(OrderId("O3"))
            loaded_sources = [uow.orders.get(OrderId("O1")), uow.orders.get(OrderId("O2"))]
        assert loaded is not None
        assert state_of(loaded) == state_of(merged)
        assert loaded.refs == (first.ref, second.ref)
        assert loaded.merged_from == ("O1", "O2")
        assert [(s.status, s.merged_into) for s in loaded_sources if s is not None] == [
            (OrderStatus.MERGED, "O3"),
            (OrderStatus.MERGED, "O3"),
        ]

    # --- no aliasing --------------------------------------------------------------------------------------

    def test_each_get_returns_a_fresh_object(self, uow_factory: UnitOfWorkFactory) -> None:
        _store(uow_factory, sample_order("O1"))

        with uow_factory() as uow:
            first, second = uow.orders.get(OrderId("O1")), uow.orders.get(OrderId("O1"))

        assert first is not None
        assert second is not None
        assert first is not second

    def test_changing_a_loaded_order_without_save_changes_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        _store(uow_factory, sample_order("O1"))

        with uow_factory() as uow:
            loaded = uow.orders.get(OrderId("O1"))
            assert loaded is not None
            loaded.hold(Hold(HoldKind.MANUAL, "look"))
            again = uow.orders.get(OrderId("O1"))
            uow.commit()

        assert again is not None
        assert again.status is OrderStatus.RECEIVED
        assert again.holds == ()

    def test_changing_an_order_after_add_does_not_change_what_was_stored(self, uow_factory: UnitOfWorkFactory) -> None:
        order = sample_order("O1")
        with uow_factory() as uow:
            uow.orders.add(order)
            order.approve("changed after add")
            uow.commit()

        with uow_factory() as uow:
            loaded = uow.orders.get(OrderId("O1"))
        assert loaded is not None
        assert loaded.status is OrderStatus.RECEIVED

    # --- versions -----------------------------------------------------------------------------------------

    def test_add_sets_version_one(self, uow_factory: UnitOfWorkFactory) -> None:
        order = sample_order("O1")

        _store(uow_factory, order)

        assert order.version == 1

    def test_save_stores_the_changes_and_advances_the_version(self, uow_factory: UnitOfWorkFactory) -> None:
        _store(uow_factory, sample_order("O1"))

        with uow_factory() as uow:
            order = uow.orders.get(OrderId("O1"))
            assert order is not None
            order.approve("clean")
            uow.orders.save(order)
            uow.commit()

        assert order.version == 2
        with uow_factory() as uow:
            loaded = uow.orders.get(OrderId("O1"))
        assert loaded is not None
        assert (loaded.status, loaded.version) == (OrderStatus.APPROVED, 2)

    def test_a_stale_save_raises_concurrency_conflict_and_keeps_the_stored_order(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _store(uow_factory, sample_order("O1"))
        with uow_factory() as uow:
            mine, theirs = uow.orders.get(OrderId("O1")), uow.orders.get(OrderId("O1"))
        assert mine is not None
        assert theirs is not None
        with uow_factory() as uow:
            theirs.approve("first writer")
            uow.orders.save(theirs)
            uow.commit()

        with uow_factory() as uow:
            mine.cancel("second writer")
            with pytest.raises(ConcurrencyConflict) as conflict:
                uow.orders.save(mine)
            stored = uow.orders.get(OrderId("O1"))

        assert (conflict.value.entity, conflict.value.entity_id) == ("order", "O1")
        assert (conflict.value.expected_version, conflict.value.actual_version) == (1, 2)
        assert stored is not None
        assert (stored.status, stored.version) == (OrderStatus.APPROVED, 2)
        assert mine.version == 1

    def test_saving_twice_in_one_unit_of_work_advances_twice(self, uow_factory: UnitOfWorkFactory) -> None:
        _store(uow_factory, sample_order("O1"))

        with uow_factory() as uow:
            order = uow.orders.get(OrderId("O1"))
            assert order is not None
            order.approve("clean")
            uow.orders.save(order)
            order.hold(Hold(HoldKind.RISK, "late doubt"))
            uow.orders.save(order)
            uow.commit()

        with uow_factory() as uow:
            loaded = uow.orders.get(OrderId("O1"))
        assert loaded is not None
        assert (loaded.status, loaded.version) == (OrderStatus.HELD, 3)

    def test_save_of_an_order_never_added_raises_not_found(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow, pytest.raises(NotFound) as missing:
            uow.orders.save(sample_order("O404"))

        assert (missing.value.entity, missing.value.key) == ("order", "O404")

    # --- duplicate keys and the ref index -----------------------------------------------------------------

    def test_adding_an_existing_id_raises_duplicate_order(self, uow_factory: UnitOfWorkFactory) -> None:
        _store(uow_factory, sample_order("O1", external_id="E1"))

        with uow_factory() as uow, pytest.raises(DuplicateKey) as duplicate:
            uow.orders.add(sample_order("O1", external_id="E2"))

        assert (duplicate.value.entity, duplicate.value.key) == ("order", "O1")

    def test_adding_a_second_order_for_an_indexed_ref_raises_duplicate_order_ref(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _store(uow_factory, sample_order("O1", external_id="E1"))

        with uow_factory() as uow, pytest.raises(DuplicateKey) as duplicate:
            uow.orders.add(sample_order("O2", external_id="E1"))

        ref = ExternalOrderRef(Channel("tmall", "flagship"), "E1")
        assert (duplicate.value.entity, duplicate.value.key) == ("order_ref", str(ref))
        with uow_factory() as uow:
            assert uow.orders.get(OrderId("O2")) is None

    def test_the_same_external_id_in_another_channel_is_another_order(self, uow_factory: UnitOfWorkFactory) -> None:
        tmall = sample_order("O1", external_id="E1")
        jd = sample_order("O2", external_id="E1", channel=Channel("jd", "self-run"))

        _store(uow_factory, tmall, jd)

        with uow_factory() as uow:
            found = [uow.orders.get_by_ref(tmall.ref), uow.orders.get_by_ref(jd.ref)]
        assert [o.id if o else None for o in found] == ["O1", "O2"]

    def test_get_by_ref_finds_the_order_of_each_ref(self, uow_factory: UnitOfWorkFactory) -> None:
        order = rich_order()
        _store(uow_factory, order)

        with uow_factory() as uow:
            found = [uow.orders.get_by_ref(ref) for ref in order.refs]
            unknown = uow.orders.get_by_ref(ExternalOrderRef(order.channel, "no-such-order"))

        assert [o.id if o else None for o in found] == [order.id, order.id]
        assert unknown is None

    def test_refs_of_a_merged_order_keep_pointing_at_their_first_order(self, uow_factory: UnitOfWorkFactory) -> None:
        first, second = _approved("O1", external_id="E1"), _approved("O2", external_id="E2")
        _store(uow_factory, first, second)

        with uow_factory() as uow:
            merged = Order.merge(OrderId("O3"), [first, second])
            uow.orders.save(first)
            uow.orders.save(second)
            uow.orders.add(merged)
            uow.commit()

        with uow_factory() as uow:
            by_ref = [uow.orders.get_by_ref(ref) for ref in merged.refs]
        assert [o.id if o else None for o in by_ref] == ["O1", "O2"]

    def test_a_backorder_part_round_trips_and_its_ref_keeps_pointing_at_the_order_it_left(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order = sample_order("O1", external_id="E1", skus=("SKU-1", "SKU-2"))
        order.approve("clean")
        _store(uow_factory, order)

        with uow_factory() as uow:
            part = order.split_backorder(OrderId("O2"), {order.lines[1].id: order.lines[1].quantity})
            uow.orders.save(order)
            uow.orders.add(part)
            uow.commit()

        with uow_factory() as uow:
            by_ref = uow.orders.get_by_ref(order.ref)
            stored_part, stored_order = uow.orders.get(OrderId("O2")), uow.orders.get(OrderId("O1"))
        assert by_ref is not None
        assert by_ref.id == "O1"
        assert stored_part is not None
        assert stored_order is not None
        assert (stored_part.backorder_of, stored_part.lines) == ("O1", part.lines)
        assert (stored_order.backorders, stored_order.lines) == (("O2",), order.lines)

    def test_get_of_an_unknown_id_is_none(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            assert uow.orders.get(OrderId("O404")) is None

    # --- queries ------------------------------------------------------------------------------------------

    def test_ids_with_status_are_sorted_and_follow_saves(self, uow_factory: UnitOfWorkFactory) -> None:
        _store(uow_factory, sample_order("O3"), sample_order("O1"), sample_order("O2"))
        with uow_factory() as uow:
            order = uow.orders.get(OrderId("O2"))
            assert order is not None
            order.approve("clean")
            uow.orders.save(order)
            uow.commit()

        with uow_factory() as uow:
            received = uow.orders.ids_with_status(OrderStatus.RECEIVED)
            approved = uow.orders.ids_with_status(OrderStatus.APPROVED)
            cancelled = uow.orders.ids_with_status(OrderStatus.CANCELLED)

        assert (received, approved, cancelled) == (["O1", "O3"], ["O2"], [])

    def test_with_merge_key_returns_the_open_orders_of_the_key_by_id(self, uow_factory: UnitOfWorkFactory) -> None:
        cancelled = sample_order("O1", merge_key="k")
        cancelled.cancel("buyer")
        merged_source = _approved("O5", merge_key="k")
        _store(
            uow_factory,
            sample_order("O4", merge_key="k"),
            cancelled,
            sample_order("O2", merge_key="k"),
            sample_order("O3", merge_key="other"),
            sample_order("O6"),
            merged_source,
        )
        with uow_factory() as uow:
            source = uow.orders.get(OrderId("O5"))
            partner = uow.orders.get(OrderId("O2"))
            assert source is not None
            assert partner is not None
            partner.approve("clean")
            uow.orders.add(Order.merge(OrderId("O7"), [source, partner]))
            uow.orders.save(source)
            uow.orders.save(partner)
            uow.commit()

        with uow_factory() as uow:
            found = uow.orders.with_merge_key("k")
            nothing = uow.orders.with_merge_key("nobody")

        assert [o.id for o in found] == ["O4", "O7"]
        assert all(isinstance(o, Order) and o.merge_key == "k" for o in found)
        assert nothing == []

    def test_with_merge_key_follows_a_changed_key(self, uow_factory: UnitOfWorkFactory) -> None:
        _store(uow_factory, sample_order("O1", merge_key="old"))

        with uow_factory() as uow:
            order = uow.orders.get(OrderId("O1"))
            assert order is not None
            order.set_merge_key("new")
            uow.orders.save(order)
            uow.commit()

        with uow_factory() as uow:
            assert [o.id for o in uow.orders.with_merge_key("old")] == []
            assert [o.id for o in uow.orders.with_merge_key("new")] == ["O1"]

    def test_count_includes_merged_sources(self, uow_factory: UnitOfWorkFactory) -> None:
        first, second = _approved("O1", external_id="E1"), _approved("O2", external_id="E2")
        merged = Order.merge(OrderId("O3"), [first, second])
        _store(uow_factory, first, second, merged)

        with uow_factory() as uow:
            assert uow.orders.count() == 3

    def test_reads_inside_a_unit_of_work_see_its_own_writes(self, uow_factory: UnitOfWorkFactory) -> None:
        order = sample_order("O1", merge_key="k")
        with uow_factory() as uow:
            uow.orders.add(order)

            assert uow.orders.get(OrderId("O1")) is not None
            assert uow.orders.get_by_ref(order.ref) is not None
            assert uow.orders.ids_with_status(OrderStatus.RECEIVED) == ["O1"]
            assert [o.id for o in uow.orders.with_merge_key("k")] == ["O1"]
            assert uow.orders.count() == 1

    def test_a_rolled_back_add_leaves_no_trace_in_any_index(self, uow_factory: UnitOfWorkFactory) -> None:
        order = sample_order("O1", merge_key="k")
        with uow_factory() as uow:
            uow.orders.add(order)

        with uow_factory() as uow:
            assert uow.orders.get(OrderId("O1")) is None
            assert uow.orders.get_by_ref(order.ref) is None
            assert uow.orders.ids_with_status(OrderStatus.RECEIVED) == []
            assert uow.orders.with_merge_key("k") == []
            assert uow.orders.count() == 0
            uow.orders.add(sample_order("O1", merge_key="k"))

    def test_a_rolled_back_save_restores_status_and_merge_key(self, uow_factory: UnitOfWorkFactory) -> None:
        _store(uow_factory, sample_order("O1", merge_key="k"))

        with uow_factory() as uow:
            order = uow.orders.get(OrderId("O1"))
            assert order is not None
            order.cancel("changed my mind")
            uow.orders.save(order)

        with uow_factory() as uow:
            assert uow.orders.ids_with_status(OrderStatus.RECEIVED) == ["O1"]
            assert uow.orders.ids_with_status(OrderStatus.CANCELLED) == []
            assert [o.id for o in uow.orders.with_merge_key("k")] == ["O1"]
            loaded = uow.orders.get(OrderId("O1"))
        assert loaded is not None
        assert loaded.version == 1
