"""合单 never strips an order that can ship: orders merge only when the merged order is served at least as well
as its parts, unless the shop says to merge anyway; the arriving order's decision says why."""

from __future__ import annotations

from conftest import PlatformOrderFactory

from merchant_world import START, STOCK, TMALL, catalog, network
from omscore.adapters.system import ManualClock
from omscore.bootstrap import InMemorySystem, in_memory
from omscore.domain import (
    Decision,
    ExternalOrderRef,
    HoldKind,
    LocationId,
    Order,
    OrderId,
    OrderStatus,
    ShipmentStatus,
    SkuCode,
)
from omscore.policies.merge import MergeSettings, WhenShort
from omscore.policies.routing import RoutingSettings
from omscore.policies.settings import PipelineSettings

EAST = LocationId("WH-EAST")
TEA = SkuCode("TEA")


def _system(settings: PipelineSettings) -> InMemorySystem:
    built = in_memory(clock=ManualClock(START), settings=settings)
    built.oms.load_master_data(catalog(), network(), STOCK)
    return built


def _get(system: InMemorySystem, order_id: OrderId) -> Order:
    order = system.oms.order(order_id)
    assert order is not None
    return order


def _merge_decisions(order: Order) -> list[Decision]:
    return [d for d in order.decisions if d.policy == "merge"]


def _allocated_then_arrives(
    system: InMemorySystem, platform_order: PlatformOrderFactory, later: tuple[str, int, int]
) -> tuple[OrderId, OrderId]:
    """Order A (one tea, in stock) is processed and allocated; then order B of the same buyer and recipient
    arrives with ``later`` and the pipeline runs again, release wave included."""
    first = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000)))
    system.oms.process(release=False)
    assert _get(system, first.order_id).status is OrderStatus.ALLOCATED
    second = system.oms.ingest(platform_order("E2", later, minutes=30))
    system.oms.process()
    return first.order_id, second.order_id


def test_an_out_of_stock_arrival_does_not_strip_an_allocated_order_of_the_same_buyer(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    a, b = _allocated_then_arrives(system, platform_order, ("L-FISH", 1, 5000))

    first, second = _get(system, a), _get(system, b)
    assert first.status is OrderStatus.RELEASED
    assert first.merged_into is None
    assert [s.status for s in system.oms.shipments(a)] == [ShipmentStatus.RELEASED]
    assert system.oms.stock(EAST, TEA).reserved == 1
    assert second.status is OrderStatus.HELD
    assert second.merged_into is None
    assert [h.kind for h in second.holds] == [HoldKind.OUT_OF_STOCK]
    assert system.oms.audit([ExternalOrderRef(TMALL, "E1"), ExternalOrderRef(TMALL, "E2")]).ok


def test_the_order_kept_apart_says_which_sku_is_short_and_whose_reservation_is_kept(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    a, b = _allocated_then_arrives(system, platform_order, ("L-FISH", 1, 5000))

    [decision] = _merge_decisions(_get(system, b))
    assert decision.summary == f"not merged: FISH short, partner {a} keeps its reservation"
    assert "FISH: 1 wanted, 0 available at all locations" in decision.steps
    assert not _merge_decisions(_get(system, a))


def test_orders_that_can_both_be_served_still_merge_and_ship_together(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    a, b = _allocated_then_arrives(system, platform_order, ("L-CUP", 1, 1000))

    first, second = _get(system, a), _get(system, b)
    assert first.status is second.status is OrderStatus.MERGED
    assert first.merged_into is not None
    assert second.merged_into == first.merged_into
    merged = _get(system, first.merged_into)
    assert merged.status is OrderStatus.RELEASED
    [decision] = _merge_decisions(merged)
    assert decision.summary == f"merge with {a}"
    assert "the merged order can be served in full from the stock available with what the partners hold" in (
        decision.steps
    )


def test_the_units_an_allocated_partner_holds_count_for_the_merge(platform_order: PlatformOrderFactory) -> None:
    # WH-NORTH holds 5 pots with 1 of safety stock: A takes 3, leaving 1 free. B's one pot fits only once
    # A's three are given back, and the merged order (4 pots) then ships from WH-NORTH.
    system = _system(PipelineSettings())
    first = system.oms.ingest(platform_order("E1", ("L-POT", 3, 24000)))
    system.oms.process(release=False)
    second = system.oms.ingest(platform_order("E2", ("L-POT", 1, 8000), minutes=30))
    system.oms.process()

    merged_into = _get(system, first.order_id).merged_into
    assert merged_into is not None
    assert _get(system, second.order_id).merged_into == merged_into
    assert _get(system, merged_into).status is OrderStatus.RELEASED


def test_the_shop_can_say_to_merge_anyway(platform_order: PlatformOrderFactory) -> None:
    system = _system(PipelineSettings(merge=MergeSettings(when_short=WhenShort.MERGE_ANYWAY)))
    a, b = _allocated_then_arrives(system, platform_order, ("L-FISH", 1, 5000))

    first = _get(system, a)
    assert first.status is _get(system, b).status is OrderStatus.MERGED
    assert first.merged_into is not None
    merged = _get(system, first.merged_into)
    assert merged.status is OrderStatus.HELD
    assert merged.has_hold(HoldKind.OUT_OF_STOCK)
    assert system.oms.stock(EAST, TEA).reserved == 0
    [decision] = _merge_decisions(merged)
    assert decision.summary == f"merge with {a} although FISH short"
    assert "merging anyway, as the shop's when_short setting says" in decision.steps


def test_a_merge_the_routing_rules_cannot_plan_keeps_the_orders_apart(
    platform_order: PlatformOrderFactory,
) -> None:
    # Tea is only at WH-EAST and the store, pots only at WH-NORTH: enough of each, but not in one place, and
    # the shop does not split orders.
    system = _system(PipelineSettings(routing=RoutingSettings(allow_split=False)))
    a, b = _allocated_then_arrives(system, platform_order, ("L-POT", 1, 8000))

    assert _get(system, a).status is OrderStatus.RELEASED
    second = _get(system, b)
    assert second.status is OrderStatus.RELEASED
    [decision] = _merge_decisions(second)
    assert decision.summary == (
        f"not merged: the routing rules cannot plan the merged order in full, partner {a} keeps its reservation"
    )


def test_short_orders_none_of_which_is_allocated_merge_since_none_is_held_back(
    platform_order: PlatformOrderFactory,
) -> None:
    system = _system(PipelineSettings())
    first = system.oms.ingest(platform_order("E1", ("L-FISH", 1, 5000)))
    system.oms.review(first.order_id)
    second = system.oms.ingest(platform_order("E2", ("L-FISH", 2, 10000), minutes=30))
    system.oms.review(second.order_id)

    result = system.oms.merge(second.order_id)

    assert result.merged_into is not None
    assert result.explanation is not None
    assert result.explanation.summary == f"merge with {first.order_id}"
    assert "no part can be served in full on its own, so merging delays none of them" in result.explanation.steps


def test_an_approved_order_that_can_ship_is_not_held_back_by_a_short_one(
    platform_order: PlatformOrderFactory,
) -> None:
    system = _system(PipelineSettings())
    first = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000)))
    system.oms.review(first.order_id)
    second = system.oms.ingest(platform_order("E2", ("L-FISH", 1, 5000), minutes=30))
    system.oms.review(second.order_id)

    result = system.oms.merge(second.order_id)

    assert result.merged_into is None
    assert result.explanation is not None
    assert result.explanation.summary == f"not merged: FISH short, {first.order_id} can be served on its own"
    assert _merge_decisions(_get(system, second.order_id))[-1].summary == result.explanation.summary
    assert _get(system, first.order_id).status is OrderStatus.APPROVED
