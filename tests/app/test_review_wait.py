"""审单 waits: an order is reviewed only when its wait window after payment is over, and while another order of
the same buyer to the same recipient is still in its window, so that the later order merges with it; a shop
that reviews by hand holds every order that passes the rules for a person."""

from __future__ import annotations

from datetime import timedelta

from conftest import PlatformOrderFactory

from merchant_world import START, STOCK, catalog, network
from omscore.adapters.system import ManualClock
from omscore.bootstrap import InMemorySystem, in_memory
from omscore.domain import HoldKind, Order, OrderId, OrderStatus
from omscore.domain.holds import HoldEnd
from omscore.policies.review import AmountRange, BuyerList, ReviewSettings, Then
from omscore.policies.settings import PipelineSettings


def _system(review: ReviewSettings) -> tuple[InMemorySystem, ManualClock]:
    clock = ManualClock(START)
    built = in_memory(clock=clock, settings=PipelineSettings(review=review))
    built.oms.load_master_data(catalog(), network(), STOCK)
    return built, clock


def _get(system: InMemorySystem, order_id: OrderId) -> Order:
    order = system.oms.order(order_id)
    assert order is not None
    return order


def test_an_order_waits_out_its_window_without_being_reviewed_and_the_pipeline_ends_the_wait(
    platform_order: PlatformOrderFactory,
) -> None:
    system, clock = _system(ReviewSettings(wait_minutes=30))
    placed = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000)))

    system.oms.process()
    waiting = _get(system, placed.order_id)
    [hold] = waiting.holds
    assert waiting.status is OrderStatus.HELD
    assert hold.kind is HoldKind.WAIT
    assert hold.kind.ends_by is HoldEnd.TIME
    assert hold.until == START + timedelta(minutes=30)

    clock.advance(timedelta(minutes=29))
    assert system.oms.process().lifted == 0
    assert _get(system, placed.order_id).status is OrderStatus.HELD

    clock.advance(timedelta(minutes=1))
    counts = system.oms.process()
    assert counts.lifted == 1
    assert _get(system, placed.order_id).status is OrderStatus.RELEASED


def test_a_later_order_of_the_same_buyer_within_the_window_merges_with_the_first(
    platform_order: PlatformOrderFactory,
) -> None:
    system, clock = _system(ReviewSettings(wait_minutes=30))
    first = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000)))
    system.oms.process()
    clock.advance(timedelta(minutes=10))
    second = system.oms.ingest(platform_order("E2", ("L-TEA", 1, 3000), minutes=10))
    system.oms.process()

    clock.advance(timedelta(minutes=20))
    system.oms.process()
    a = _get(system, first.order_id)
    [hold] = a.holds
    assert hold.kind is HoldKind.WAIT
    assert hold.until == START + timedelta(minutes=40)
    assert str(second.order_id) in hold.detail

    clock.advance(timedelta(minutes=10))
    system.oms.process()
    a, b = _get(system, first.order_id), _get(system, second.order_id)
    assert a.merged_into is not None
    assert a.merged_into == b.merged_into
    merged = _get(system, a.merged_into)
    assert merged.status is OrderStatus.RELEASED
    assert len(system.oms.shipments(merged.id)) == 1


def test_without_a_window_the_same_two_orders_ship_apart(platform_order: PlatformOrderFactory) -> None:
    system, clock = _system(ReviewSettings())
    first = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000)))
    system.oms.process()
    clock.advance(timedelta(minutes=10))
    second = system.oms.ingest(platform_order("E2", ("L-TEA", 1, 3000), minutes=10))
    system.oms.process()

    assert _get(system, first.order_id).status is OrderStatus.RELEASED
    assert _get(system, second.order_id).merged_into is None


def test_a_person_may_end_the_wait_early_and_the_rules_then_run(platform_order: PlatformOrderFactory) -> None:
    system, _ = _system(ReviewSettings(wait_minutes=30, checks=(AmountRange(max_minor=1000),)))
    placed = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000)))
    system.oms.process()

    status = system.oms.release_hold(placed.order_id, HoldKind.WAIT, "buyer asked to ship now")

    order = _get(system, placed.order_id)
    assert status is OrderStatus.HELD
    assert [h.kind for h in order.holds] == [HoldKind.MANUAL]
    assert "amount" in order.holds[0].detail


def test_a_shop_that_reviews_by_hand_holds_every_order_that_passes_the_rules(
    platform_order: PlatformOrderFactory,
) -> None:
    system, _ = _system(ReviewSettings(manual=True, checks=(BuyerList(frozenset({"vip-7"}), then=Then.APPROVE),)))
    plain = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000)))
    vip = system.oms.ingest(platform_order("E2", ("L-TEA", 1, 3000), buyer_id="vip-7"))

    system.oms.process()

    held = _get(system, plain.order_id)
    assert [h.kind for h in held.holds] == [HoldKind.MANUAL]
    assert _get(system, vip.order_id).status is OrderStatus.RELEASED
    assert system.oms.release_hold(plain.order_id, HoldKind.MANUAL) is OrderStatus.APPROVED


def test_an_order_reviewed_waits_for_a_later_order_of_its_buyer_not_yet_reviewed(
    platform_order: PlatformOrderFactory,
) -> None:
    system, clock = _system(ReviewSettings(wait_minutes=30))
    first = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000)))
    clock.advance(timedelta(minutes=10))
    second = system.oms.ingest(platform_order("E2", ("L-TEA", 1, 3000), minutes=10))
    clock.advance(timedelta(minutes=25))

    system.oms.process()
    [hold] = _get(system, first.order_id).holds
    assert hold.kind is HoldKind.WAIT
    assert hold.until == START + timedelta(minutes=40)

    clock.advance(timedelta(minutes=5))
    system.oms.process()
    merged = _get(system, first.order_id).merged_into
    assert merged is not None
    assert merged == _get(system, second.order_id).merged_into
