"""The recording fakes of the channel and fulfilment gateways."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from omscore.adapters.memory import (
    RecordingChannelGateway,
    RecordingFulfilmentGateway,
    StockAdjustment,
    StockPush,
    TrackingPush,
)
from omscore.adapters.system import ManualClock
from omscore.app.publishing import PublishingEngine, PublishMode, RateLimit, RateLimited, StockAdjusting
from omscore.domain.catalog import Catalog, Listing, Sku
from omscore.domain.errors import InvalidInput, InvalidQuantity, TransientError
from omscore.domain.identity import CarrierId, Channel, ExternalOrderRef, LocationId, ShipmentId, SkuCode
from omscore.domain.inventory import StockLevel
from omscore.policies.sharing import SharingConfig
from omscore.ports.channel import ChannelGateway, PulledOrders
from omscore.ports.fulfilment import FulfilmentGateway, InterceptResult
from omscore.testing.samples import sample_shipment

T0 = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)

TMALL, JD = Channel("tmall", "flagship"), Channel("jd", "self-run")
REF = ExternalOrderRef(TMALL, "E1")


# --- channel ------------------------------------------------------------------------------------------------


def test_pages_are_served_in_order_and_cursors_continue_after_them() -> None:
    channel = RecordingChannelGateway()
    gateway: ChannelGateway = channel
    channel.queue_page(TMALL, [{"id": "1"}, {"id": "2"}])
    channel.queue_page(TMALL, [{"id": "3"}])

    first = gateway.pull_orders(TMALL, "")
    second = gateway.pull_orders(TMALL, first.cursor)
    end = gateway.pull_orders(TMALL, second.cursor)

    assert first == PulledOrders(({"id": "1"}, {"id": "2"}), "1")
    assert second == PulledOrders(({"id": "3"},), "2")
    assert end == PulledOrders((), "2")
    assert channel.pulls == [(TMALL, ""), (TMALL, "1"), (TMALL, "2")]


def test_an_old_cursor_serves_its_page_again_and_other_channels_are_apart() -> None:
    channel = RecordingChannelGateway()
    channel.queue_page(TMALL, [{"id": "1"}])

    assert channel.pull_orders(TMALL, "").payloads == channel.pull_orders(TMALL, "").payloads == ({"id": "1"},)
    assert channel.pull_orders(JD, "") == PulledOrders((), "")


def test_a_cursor_the_gateway_never_gave_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        RecordingChannelGateway().pull_orders(TMALL, "next-page-token")

    assert refused.value.field == "cursor"


def test_every_push_is_recorded_in_order() -> None:
    channel = RecordingChannelGateway()
    quantities = {"item-1": 5}

    channel.push_stock(TMALL, quantities)
    channel.push_tracking(REF, "S1", CarrierId("SF"), "SF1", ["L1"])
    quantities["item-1"] = 0
    channel.push_stock(TMALL, {"item-2": 1})
    channel.push_tracking(REF, "S1", CarrierId("SF"), "SF1", ["L1"])

    assert channel.stock_pushes == [StockPush(TMALL, {"item-1": 5}), StockPush(TMALL, {"item-2": 1})]
    assert channel.tracking_pushes == [TrackingPush(REF, "S1", CarrierId("SF"), "SF1", ("L1",))] * 2
    assert channel.published(TMALL) == {"item-1": 5, "item-2": 1}
    assert channel.published(JD) == {}
    assert channel.tracking_numbers(REF) == ["SF1"]


def test_planned_failures_raise_transient_errors_and_are_not_recorded_as_pushes() -> None:
    channel = RecordingChannelGateway()
    channel.fail_next(2)
    channel.fail_next(1, "push_tracking")

    with pytest.raises(TransientError):
        channel.push_tracking(REF, "S1", CarrierId("SF"), "SF1", ["L1"])
    with pytest.raises(TransientError):
        channel.push_stock(TMALL, {"item-1": 1})
    with pytest.raises(TransientError):
        channel.pull_orders(TMALL, "")
    channel.push_stock(TMALL, {"item-1": 2})
    channel.push_tracking(REF, "S1", CarrierId("SF"), "SF1", ["L1"])

    assert channel.failed_calls == ["push_tracking", "push_stock", "pull_orders"]
    assert channel.published(TMALL) == {"item-1": 2}
    assert len(channel.tracking_pushes) == 1


def test_adjustments_add_to_what_a_listing_shows_and_answer_with_the_quantities_after() -> None:
    channel = RecordingChannelGateway()
    adjusting: StockAdjusting = channel
    channel.push_stock(TMALL, {"item-1": 5})

    answer = adjusting.adjust_stock(TMALL, {"item-1": -2, "item-2": 3}, "k1")
    emptied = adjusting.adjust_stock(TMALL, {"item-1": -9}, "k2")

    assert answer == {"item-1": 3, "item-2": 3}
    assert emptied == {"item-1": 0}
    assert channel.published(TMALL) == {"item-1": 0, "item-2": 3}
    assert channel.stock_adjustments == [
        StockAdjustment(TMALL, {"item-1": -2, "item-2": 3}, "k1", {"item-1": 3, "item-2": 3}),
        StockAdjustment(TMALL, {"item-1": -9}, "k2", {"item-1": 0}),
    ]
    assert channel.stock_pushes == [StockPush(TMALL, {"item-1": 5})]


def test_an_adjustment_repeated_with_its_key_changes_nothing_and_gets_the_first_answer() -> None:
    channel = RecordingChannelGateway()
    channel.adjust_stock(TMALL, {"item-1": 4}, "k1")
    channel.sell(TMALL, "item-1", 1)

    again = channel.adjust_stock(TMALL, {"item-1": 4}, "k1")

    assert again == {"item-1": 4}
    assert channel.published(TMALL) == {"item-1": 3}
    assert [a.repeated for a in channel.stock_adjustments] == [False, True]


def test_sales_take_from_what_a_listing_shows_and_a_cancelled_sale_gives_it_back() -> None:
    channel = RecordingChannelGateway()
    channel.push_stock(TMALL, {"item-1": 3})

    shorts = [channel.sell(TMALL, "item-1", 2), channel.sell(TMALL, "item-1", 3)]
    shown_after_sales = channel.published(TMALL)
    channel.restore(TMALL, "item-1", 3)
    channel.adjust_stock(TMALL, {"item-1": 1}, "k1")

    assert shorts == [0, 2]
    assert channel.units_short == 2
    assert shown_after_sales == {"item-1": 0}
    assert channel.published(TMALL) == {"item-1": 2}


def test_a_sale_or_a_restore_is_a_positive_number_of_units() -> None:
    with pytest.raises(InvalidQuantity):
        RecordingChannelGateway().sell(TMALL, "item-1", 0)
    with pytest.raises(InvalidQuantity):
        RecordingChannelGateway().restore(TMALL, "item-1", -1)


def test_a_declared_rate_limit_is_answered_and_enforced() -> None:
    clock = ManualClock(T0)
    limit = RateLimit(listings_per_call=2, calls_per_minute=2)
    channel = RecordingChannelGateway({TMALL: limit}, clock=clock)
    limited: RateLimited = channel

    channel.push_stock(TMALL, {"a": 1, "b": 1})
    channel.adjust_stock(TMALL, {"a": 1}, "k1")
    with pytest.raises(TransientError):
        channel.push_stock(TMALL, {"c": 1})
    with pytest.raises(InvalidInput) as too_many:
        channel.push_stock(TMALL, {"a": 1, "b": 1, "c": 1})
    clock.advance(timedelta(minutes=1))
    channel.push_stock(TMALL, {"c": 1})

    assert limited.stock_rate_limit(TMALL) == limit
    assert limited.stock_rate_limit(JD).listings_per_call > 1_000_000
    assert too_many.value.field == "listings"
    assert channel.published(TMALL) == {"a": 2, "b": 1, "c": 1}
    for _ in range(5):
        channel.push_stock(JD, {"a": 1})


def test_adjustments_can_be_made_to_fail() -> None:
    channel = RecordingChannelGateway()
    channel.fail_next(1, "adjust_stock")

    with pytest.raises(TransientError):
        channel.adjust_stock(TMALL, {"item-1": 1}, "k1")
    channel.adjust_stock(TMALL, {"item-1": 1}, "k1")

    assert channel.failed_calls == ["adjust_stock"]
    assert channel.published(TMALL) == {"item-1": 1}


class _Warehouse:
    def __init__(self, on_hand: int) -> None:
        self.on_hand = on_hand

    def levels_of_sku(self, sku: SkuCode) -> list[StockLevel]:
        return [StockLevel(LocationId("WH"), sku, self.on_hand)]


def test_the_publishing_engine_publishes_through_it_by_adjustments_after_the_first_set() -> None:
    channel, warehouse, tea = RecordingChannelGateway(), _Warehouse(10), SkuCode("TEA")
    catalog = Catalog.build([Sku(tea)], listings=[Listing(TMALL, "T1", sku=tea), Listing(JD, "J1", sku=tea)])
    engine = PublishingEngine(channel, warehouse, catalog, SharingConfig(), ManualClock(T0))

    engine.flush()
    channel.sell(TMALL, "T1", 2)  # omscore has not heard of these sales yet
    warehouse.on_hand = 12
    engine.stock_changed([tea])
    engine.flush()

    assert [state.mode for state in engine.listing_states()] == [PublishMode.ENTITLEMENT] * 2
    assert channel.stock_pushes == [StockPush(JD, {"J1": 5}), StockPush(TMALL, {"T1": 5})]
    assert [adjustment.deltas for adjustment in channel.stock_adjustments] == [{"J1": 1}, {"T1": 1}]
    assert channel.published(TMALL) == {"T1": 4}  # the two unreported sales stay deducted
    assert channel.published(JD) == {"J1": 6}


def test_an_unknown_operation_cannot_be_made_to_fail() -> None:
    with pytest.raises(InvalidInput):
        RecordingChannelGateway().fail_next(1, "push_price")  # type: ignore[arg-type]


# --- fulfilment ---------------------------------------------------------------------------------------------


def test_sends_are_recorded_and_idempotent_per_shipment() -> None:
    fulfilment = RecordingFulfilmentGateway()
    gateway: FulfilmentGateway = fulfilment
    shipment = sample_shipment("S1")

    gateway.send(shipment)
    shipment.assign_carrier(CarrierId("SF"), "changed after sending")
    gateway.send(shipment)
    gateway.send(sample_shipment("S2"))

    assert fulfilment.send_calls == ["S1", "S1", "S2"]
    assert list(fulfilment.sent) == ["S1", "S2"]
    assert fulfilment.sent[ShipmentId("S1")].carrier is None


def test_a_shipment_that_left_is_too_late_to_intercept_and_answers_stick() -> None:
    fulfilment = RecordingFulfilmentGateway()
    waiting, left = sample_shipment("S1"), sample_shipment("S2")
    fulfilment.mark_left(left.id)

    answers = [fulfilment.intercept(waiting), fulfilment.intercept(left)]
    fulfilment.mark_left(waiting.id)
    again = fulfilment.intercept(waiting)

    assert answers == [InterceptResult.INTERCEPTED, InterceptResult.TOO_LATE]
    assert again is InterceptResult.INTERCEPTED
    assert fulfilment.intercept_calls == [
        ("S1", InterceptResult.INTERCEPTED),
        ("S2", InterceptResult.TOO_LATE),
        ("S1", InterceptResult.INTERCEPTED),
    ]


def test_fulfilment_failures_can_be_planned_per_operation() -> None:
    fulfilment = RecordingFulfilmentGateway()
    fulfilment.fail_next(1, "send")

    assert fulfilment.intercept(sample_shipment("S1")) is InterceptResult.INTERCEPTED
    with pytest.raises(TransientError):
        fulfilment.send(sample_shipment("S1"))
    fulfilment.send(sample_shipment("S1"))

    assert fulfilment.failed_calls == ["send"]
    assert fulfilment.send_calls == ["S1"]
