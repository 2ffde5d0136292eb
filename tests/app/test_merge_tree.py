"""A merge of a merge stays changeable: any platform order in it, at any depth, can be cancelled, revised or
sent elsewhere before release; after release its merge's parcels are intercepted, as for an order that was
never merged."""

from __future__ import annotations

import attrs
from conftest import PlatformOrderFactory

from merchant_world import TMALL
from omscore.app.intake import IntakeStatus
from omscore.bootstrap import InMemorySystem
from omscore.domain import (
    Address,
    ExternalOrderRef,
    Order,
    OrderId,
    OrderStatus,
    Recipient,
    ShipmentStatus,
)
from omscore.domain.platform_order import PlatformStatus

BEIJING = Recipient("Han Meimei", "13900139000", Address("CN", "Beijing", "Beijing", "Chaoyang", "8 Jianguo Road"))


def _get(system: InMemorySystem, order_id: OrderId) -> Order:
    order = system.oms.order(order_id)
    assert order is not None
    return order


def _three_deep(system: InMemorySystem, platform_order: PlatformOrderFactory) -> tuple[OrderId, OrderId, OrderId]:
    """Orders A, B and C of one buyer arriving one after another: (A + B) + C, a merge of a merge."""
    ids = []
    for minute, listing in ((0, "L-TEA"), (5, "L-CUP"), (10, "L-TEA")):
        created = system.oms.ingest(platform_order(f"E{minute}", (listing, 1, 3000), minutes=minute))
        system.oms.process(release=False)
        ids.append(created.order_id)
    a, b, c = ids
    inner = _get(system, a).merged_into
    assert inner is not None
    assert _get(system, inner).status is OrderStatus.MERGED  # the first merge is inside the second
    return a, b, c


def _root(system: InMemorySystem, order_id: OrderId) -> Order:
    order = _get(system, order_id)
    while order.merged_into is not None and order.status is OrderStatus.MERGED:
        order = _get(system, order.merged_into)
    return order


def _ref(minute: int) -> ExternalOrderRef:
    return ExternalOrderRef(TMALL, f"E{minute}")


def test_cancelling_the_innermost_source_before_release_takes_it_out_and_the_rest_merge_again(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    a, b, c = _three_deep(system, platform_order)
    cancelled = attrs.evolve(platform_order("E0", ("L-TEA", 1, 3000)), revision=2, status=PlatformStatus.CANCELLED)

    result = system.oms.ingest(cancelled)
    system.oms.process()

    assert result.status is IntakeStatus.CANCELLED
    assert _get(system, a).status is OrderStatus.CANCELLED
    root = _root(system, b)
    assert root.id == _root(system, c).id
    assert root.status is OrderStatus.RELEASED
    assert set(root.refs) == {_ref(5), _ref(10)}
    shipped_refs = {line.origin for s in system.oms.shipments(root.id) if s.is_open for line in s.lines}
    assert _ref(0) not in shipped_refs
    assert system.oms.audit().ok


def test_a_revision_of_a_nested_source_before_release_is_applied(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    a, _, _ = _three_deep(system, platform_order)
    revised = attrs.evolve(platform_order("E0", ("L-CUP", 3, 3000)), revision=2)

    assert system.oms.ingest(revised).status is IntakeStatus.REVISED
    system.oms.process()

    root = _root(system, a)
    assert root.status is OrderStatus.RELEASED
    assert set(root.refs) == {_ref(0), _ref(5), _ref(10)}
    cups_of_a = sum(line.quantity for line in root.lines if line.origin == _ref(0))
    assert cups_of_a == 3
    assert system.oms.audit().ok


def test_an_address_change_of_a_nested_source_before_release_sends_it_alone(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    a, b, _ = _three_deep(system, platform_order)

    result = system.oms.change_address(a, BEIJING)
    system.oms.process()

    assert result.applied
    assert _get(system, a).recipient == BEIJING
    assert _get(system, a).status is OrderStatus.RELEASED
    assert set(_root(system, b).refs) == {_ref(5), _ref(10)}
    assert system.oms.audit().ok


def test_cancelling_a_nested_source_after_release_intercepts_the_parcels_and_re_plans_the_rest(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    a, b, _ = _three_deep(system, platform_order)
    system.oms.process()
    released_root = _root(system, a)
    assert released_root.status is OrderStatus.RELEASED
    parcels = [s.id for s in system.oms.shipments(released_root.id)]

    result = system.oms.cancel(a, "buyer asked")
    system.oms.process()

    assert result.cancelled
    assert set(result.intercepted) == set(parcels)
    assert {sid for sid, _ in system.fulfilment.intercept_calls} == set(parcels)
    assert _get(system, a).status is OrderStatus.CANCELLED
    replanned = _root(system, b)
    assert replanned.id != released_root.id
    assert replanned.status is OrderStatus.RELEASED
    assert _ref(0) not in {line.origin for s in system.oms.shipments(replanned.id) for line in s.lines}
    assert system.oms.audit().ok


def test_a_source_whose_merged_parcel_already_left_is_too_late_and_ships(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    a, _, _ = _three_deep(system, platform_order)
    system.oms.process()
    root = _root(system, a)
    system.fulfilment.mark_left(*(s.id for s in system.oms.shipments(root.id)))

    result = system.oms.cancel(a, "buyer asked")

    assert not result.cancelled
    assert result.too_late
    assert _get(system, a).status is OrderStatus.MERGED
    assert all(s.status is ShipmentStatus.RELEASED for s in system.oms.shipments(root.id))
    assert system.oms.audit().ok


def test_a_revision_of_a_source_of_a_released_merge_is_too_late_without_intercepting(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    a, _, _ = _three_deep(system, platform_order)
    system.oms.process()

    result = system.oms.ingest(attrs.evolve(platform_order("E0", ("L-CUP", 3, 3000)), revision=2))

    assert result.status is IntakeStatus.TOO_LATE
    assert system.fulfilment.intercept_calls == []
    assert _get(system, a).revision == 2
    assert system.oms.audit().ok


def test_an_address_change_of_a_source_of_a_released_merge_intercepts_and_re_plans(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    a, b, _ = _three_deep(system, platform_order)
    system.oms.process()

    result = system.oms.change_address(a, BEIJING)
    system.oms.process()

    assert result.applied
    assert result.intercepted
    assert _get(system, a).status is OrderStatus.RELEASED
    assert _get(system, a).recipient == BEIJING
    assert _root(system, b).status is OrderStatus.RELEASED
    assert system.oms.audit().ok
