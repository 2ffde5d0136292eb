"""The recording fakes of the channel and fulfilment gateways."""

from __future__ import annotations

import pytest

from omscore.adapters.memory import RecordingChannelGateway, RecordingFulfilmentGateway, StockPush, TrackingPush
from omscore.domain.errors import InvalidInput, TransientError
from omscore.domain.identity import CarrierId, Channel, ExternalOrderRef, ShipmentId
from omscore.ports.channel import ChannelGateway, PulledOrders
from omscore.ports.fulfilment import FulfilmentGateway, InterceptResult
from omscore.testing.samples import sample_shipment

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
