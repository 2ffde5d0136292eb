"""An address change goes through review: an incomplete recipient holds the order, completing it lets the
order go on."""

from __future__ import annotations

from conftest import PlatformOrderFactory

from merchant_world import HANGZHOU
from omscore.bootstrap import InMemorySystem
from omscore.domain import Address, HoldKind, Order, OrderId, OrderStatus, Recipient

BLANK = Recipient("", "", Address("CN", "Zhejiang", "Hangzhou", "Xihu", ""))
BEIJING = Recipient("Han Meimei", "13900139000", Address("CN", "Beijing", "Beijing", "Chaoyang", "8 Jianguo Road"))


def _get(system: InMemorySystem, order_id: OrderId) -> Order:
    order = system.oms.order(order_id)
    assert order is not None
    return order


def test_an_incomplete_new_address_on_a_released_order_holds_it_and_releases_nothing(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000)))
    system.oms.process()
    sent_before = len(system.fulfilment.sent)

    result = system.oms.change_address(created.order_id, BLANK)
    system.oms.process()

    order = _get(system, created.order_id)
    assert result.intercepted
    assert order.status is OrderStatus.HELD
    assert [hold.kind for hold in order.holds] == [HoldKind.INCOMPLETE_ADDRESS]
    assert not [s for s in system.oms.shipments(created.order_id) if s.is_open]
    assert len(system.fulfilment.sent) == sent_before
    assert "missing" in result.detail
    assert system.oms.audit().ok


def test_completing_the_address_lifts_the_hold_and_the_order_ships_there(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000)))
    system.oms.process()
    system.oms.change_address(created.order_id, BLANK)

    system.oms.change_address(created.order_id, BEIJING)
    system.oms.process()

    order = _get(system, created.order_id)
    assert order.status is OrderStatus.RELEASED
    assert order.recipient == BEIJING
    assert order.holds == ()
    assert system.oms.audit().ok


def test_an_order_held_at_review_for_its_address_goes_on_once_the_address_is_completed(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000), recipient=BLANK))
    system.oms.process()
    assert _get(system, created.order_id).has_hold(HoldKind.INCOMPLETE_ADDRESS)

    system.oms.change_address(created.order_id, HANGZHOU)
    system.oms.process()

    assert _get(system, created.order_id).status is OrderStatus.RELEASED


def test_completing_the_address_keeps_the_holds_a_person_must_release(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000), recipient=BLANK, buyer_memo="gift wrap"))
    system.oms.process()

    system.oms.change_address(created.order_id, HANGZHOU)
    system.oms.process()

    order = _get(system, created.order_id)
    assert order.status is OrderStatus.HELD
    assert [hold.kind for hold in order.holds] == [HoldKind.MEMO]


def test_a_person_cannot_release_an_address_hold_while_the_recipient_is_incomplete(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    created = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3000), recipient=BLANK))
    system.oms.process()

    status = system.oms.release_hold(created.order_id, HoldKind.INCOMPLETE_ADDRESS, "looked fine")
    system.oms.process()

    order = _get(system, created.order_id)
    assert status is OrderStatus.HELD
    assert order.has_hold(HoldKind.INCOMPLETE_ADDRESS)
    assert "hold kept" in order.decisions[-1].summary
    assert system.oms.shipments(created.order_id) == []
