"""Where two behaviours meet: cases the stateful pipeline test found, kept as specifications."""

from __future__ import annotations

from conftest import PlatformOrderFactory

from merchant_world import HANGZHOU
from omscore.bootstrap import InMemorySystem
from omscore.domain import Address, Order, OrderId, OrderStatus, Recipient

BEIJING = Recipient("Han Meimei", "13900139000", Address("CN", "Beijing", "Beijing", "Chaoyang", "8 Jianguo Road"))


def _get(system: InMemorySystem, order_id: OrderId) -> Order:
    order = system.oms.order(order_id)
    assert order is not None
    return order


def _merge_inside_a_merge(system: InMemorySystem, platform_order: PlatformOrderFactory) -> tuple[OrderId, OrderId]:
    """Three orders of one buyer arriving one after another: (A + B) + C. Returns (the inner merge, C)."""
    ids = []
    for minute in (0, 5, 10):
        created = system.oms.ingest(platform_order(f"E{minute}", ("L-TEA", 1, 3000), minutes=minute))
        system.oms.process(release=False)
        ids.append(created.order_id)
    inner = _get(system, ids[0]).merged_into
    assert inner is not None
    assert _get(system, inner).status is OrderStatus.MERGED
    return inner, ids[2]


def test_changing_the_address_of_a_merge_inside_a_merge_takes_it_out_whole(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    inner, last = _merge_inside_a_merge(system, platform_order)

    result = system.oms.change_address(inner, BEIJING)
    counts = system.oms.process()

    assert result.applied
    taken_out = _get(system, inner)
    assert taken_out.status is OrderStatus.RELEASED
    assert taken_out.recipient == BEIJING
    assert all(_get(system, source).merged_into == inner for source in taken_out.merged_from)
    assert _get(system, last).status is OrderStatus.RELEASED
    assert _get(system, last).recipient == HANGZHOU
    assert counts.failed == ()
    report = system.oms.audit()
    assert report.ok, report.problems


def test_cancelling_a_merge_inside_a_merge_cancels_its_platform_orders_and_the_rest_goes_on(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    inner, last = _merge_inside_a_merge(system, platform_order)
    sources = _get(system, inner).merged_from

    result = system.oms.cancel(inner, "merchant")
    counts = system.oms.process()

    assert result.cancelled
    assert _get(system, inner).status is OrderStatus.CANCELLED
    assert {_get(system, source).status for source in sources} == {OrderStatus.CANCELLED}
    assert _get(system, last).status is OrderStatus.RELEASED
    assert counts.failed == ()
    report = system.oms.audit()
    assert report.ok, report.problems
