"""Holds end by themselves when their cause clears; orders get scarce stock in fill order; one order's failure
never stops the others."""

from __future__ import annotations

import attrs
from conftest import PlatformOrderFactory

from merchant_world import TMALL, catalog, network
from omscore.app.context import Policies
from omscore.bootstrap import InMemorySystem, in_memory
from omscore.domain import (
    Catalog,
    HoldEnd,
    HoldKind,
    Listing,
    LocationId,
    Order,
    OrderId,
    OrderStatus,
    SkuCode,
)
from omscore.domain.catalog import Catalog as CatalogType
from omscore.domain.holds import Hold
from omscore.policies.review import ReviewRule, ReviewSettings, default_rules

NORTH = LocationId("WH-NORTH")
POT = SkuCode("POT")


def _status(system: InMemorySystem, order_id: OrderId) -> OrderStatus:
    order = system.oms.order(order_id)
    assert order is not None
    return order.status


def _with_listing(listing: Listing) -> Catalog:
    base = catalog()
    return Catalog.build(base.skus.values(), base.kits.values(), [*base.listings.values(), listing])


def test_every_hold_kind_says_how_it_ends() -> None:
    assert HoldKind.OUT_OF_STOCK.ends_by is HoldEnd.CONDITION
    assert HoldKind.UNMAPPED_SKU.ends_by is HoldEnd.CONDITION
    assert HoldKind.INCOMPLETE_ADDRESS.ends_by is HoldEnd.CONDITION
    assert HoldKind.MEMO.ends_by is HoldEnd.PERSON
    assert HoldKind.COD_LIMIT.ends_by is HoldEnd.PERSON
    assert HoldKind.FAILED.ends_by is HoldEnd.PERSON


# --- unmapped listings ------------------------------------------------------------------------------------


def test_mapping_a_listing_resumes_the_orders_waiting_for_it(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    waiting = system.oms.ingest(platform_order("E1", ("L-NEW", 1, 3000)))
    system.oms.process()
    assert _status(system, waiting.order_id) is OrderStatus.HELD

    system.oms.load_master_data(_with_listing(Listing(TMALL, "L-NEW", sku=SkuCode("TEA"))), network())
    system.oms.process()

    order = system.oms.order(waiting.order_id)
    assert order is not None
    assert order.status is OrderStatus.RELEASED
    assert [line.sku for line in order.lines] == [SkuCode("TEA")]
    assert system.oms.audit().ok


def test_a_listing_mapped_to_a_kit_is_exploded_when_mapped_again(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    waiting = system.oms.ingest(platform_order("E1", ("L-SET2", 1, 10000)))
    system.oms.process()

    system.oms.load_master_data(_with_listing(Listing(TMALL, "L-SET2", kit="GIFTSET")), network())
    system.oms.process()

    order = system.oms.order(waiting.order_id)
    assert order is not None
    assert sorted((line.sku, line.quantity) for line in order.lines) == [(SkuCode("CUP"), 2), (SkuCode("POT"), 1)]
    assert sum(line.amount.minor for line in order.lines) == 10000
    assert {line.origin_line_id for line in order.lines} == {"1"}
    assert system.oms.audit().ok


def test_releasing_an_unmapped_hold_by_hand_keeps_it_while_the_listing_maps_to_nothing(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    waiting = system.oms.ingest(platform_order("E1", ("L-NEW", 1, 3000)))
    other = system.oms.ingest(platform_order("E2", ("L-TEA", 1, 3000), buyer_id="buyer-2"))
    system.oms.process(release=False)

    assert system.oms.release_hold(waiting.order_id, HoldKind.UNMAPPED_SKU, "looked fine") is OrderStatus.HELD
    counts = system.oms.process()

    assert counts.failed == ()
    assert _status(system, waiting.order_id) is OrderStatus.HELD
    assert _status(system, other.order_id) is OrderStatus.RELEASED


def test_after_mapping_and_releasing_by_hand_later_passes_go_on(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    waiting = system.oms.ingest(platform_order("E1", ("L-NEW", 1, 3000)))
    system.oms.process()
    system.oms.load_master_data(_with_listing(Listing(TMALL, "L-NEW", sku=SkuCode("TEA"))), network())
    system.oms.release_hold(waiting.order_id, HoldKind.UNMAPPED_SKU)
    later = system.oms.ingest(platform_order("E2", ("L-CUP", 1, 1000), buyer_id="buyer-2"))

    counts = system.oms.process()

    assert counts.failed == ()
    assert _status(system, waiting.order_id) is OrderStatus.RELEASED
    assert _status(system, later.order_id) is OrderStatus.RELEASED


# --- failures are contained -------------------------------------------------------------------------------


@attrs.frozen
class Explodes:
    """A host's review rule with a bug: it raises on orders from buyer-2."""

    name: str = "explodes"

    def check(self, order: Order, catalog: CatalogType) -> Hold | None:
        if order.buyer_id == "buyer-2":
            raise ZeroDivisionError("division by zero")
        return None


def _rules_with_a_bug(settings: ReviewSettings) -> tuple[ReviewRule, ...]:
    return (*default_rules(settings), Explodes())


def test_a_rule_that_raises_holds_that_order_and_the_others_go_on(platform_order: PlatformOrderFactory) -> None:
    system = in_memory(policies=Policies(review_rules=_rules_with_a_bug))
    system.oms.load_master_data(catalog(), network(), [((NORTH, POT), 5, 0)])
    first = system.oms.ingest(platform_order("E1", ("L-POT", 1, 8000)))
    broken = system.oms.ingest(platform_order("E2", ("L-POT", 1, 8000), buyer_id="buyer-2"))
    last = system.oms.ingest(platform_order("E3", ("L-POT", 1, 8000), buyer_id="buyer-3"))

    counts = system.oms.process()

    assert counts.failed == (broken.order_id,)
    assert _status(system, first.order_id) is OrderStatus.RELEASED
    assert _status(system, last.order_id) is OrderStatus.RELEASED
    held = system.oms.order(broken.order_id)
    assert held is not None
    assert held.status is OrderStatus.HELD
    assert [hold.kind for hold in held.holds] == [HoldKind.FAILED]
    assert "ZeroDivisionError: division by zero" in held.holds[0].detail
    assert held.decisions[-1].policy == "error"
    assert system.oms.process().failed == ()  # a held order is not retried until a person releases it
    assert system.oms.audit().ok


# --- out of stock: lifts by itself, in fill order ---------------------------------------------------------


def _one_pot_system() -> InMemorySystem:
    system = in_memory()
    system.oms.load_master_data(catalog(), network(), [((NORTH, POT), 1, 0)])
    return system


def test_an_out_of_stock_order_is_routed_when_stock_arrives_without_being_told(
    platform_order: PlatformOrderFactory,
) -> None:
    system = _one_pot_system()
    waiting = system.oms.ingest(platform_order("E1", ("L-POT", 2, 16000)))
    system.oms.process()
    assert _status(system, waiting.order_id) is OrderStatus.HELD
    assert system.oms.process().lifted == 0  # nothing changed: it stays held, not re-routed

    system.oms.receive_stock(NORTH, POT, 1)
    counts = system.oms.process()

    assert counts.lifted == 1
    assert _status(system, waiting.order_id) is OrderStatus.RELEASED


def test_an_adjustment_upwards_lifts_an_out_of_stock_hold(platform_order: PlatformOrderFactory) -> None:
    system = _one_pot_system()
    waiting = system.oms.ingest(platform_order("E1", ("L-POT", 2, 16000)))
    system.oms.process()

    system.oms.adjust_stock(NORTH, POT, +3)
    system.oms.process()

    assert _status(system, waiting.order_id) is OrderStatus.RELEASED


def test_a_cancellation_frees_stock_for_the_order_waiting_for_it(platform_order: PlatformOrderFactory) -> None:
    system = _one_pot_system()
    first = system.oms.ingest(platform_order("E1", ("L-POT", 1, 8000)))
    system.oms.process(release=False)
    waiting = system.oms.ingest(platform_order("E2", ("L-POT", 1, 8000), buyer_id="buyer-2"))
    system.oms.process(release=False)
    assert _status(system, waiting.order_id) is OrderStatus.HELD

    assert system.oms.cancel(first.order_id).cancelled
    system.oms.process()

    assert _status(system, waiting.order_id) is OrderStatus.RELEASED
    assert system.oms.audit().ok


def test_orders_waiting_for_a_sku_get_it_in_fill_order(platform_order: PlatformOrderFactory) -> None:
    system = _one_pot_system()
    system.oms.adjust_stock(NORTH, POT, -1)
    early = system.oms.ingest(platform_order("E1", ("L-POT", 1, 8000), minutes=0))
    urgent = system.oms.ingest(
        attrs.evolve(platform_order("E2", ("L-POT", 1, 8000), buyer_id="b2", minutes=5), priority=9)
    )
    late = system.oms.ingest(platform_order("E3", ("L-POT", 1, 8000), buyer_id="b3", minutes=10))
    system.oms.process()
    assert {_status(system, o.order_id) for o in (early, urgent, late)} == {OrderStatus.HELD}

    system.oms.receive_stock(NORTH, POT, 1)
    system.oms.process()
    assert _status(system, urgent.order_id) is OrderStatus.RELEASED
    assert _status(system, early.order_id) is OrderStatus.HELD

    system.oms.receive_stock(NORTH, POT, 1)
    system.oms.process()
    assert _status(system, early.order_id) is OrderStatus.RELEASED
    assert _status(system, late.order_id) is OrderStatus.HELD


# --- priority ---------------------------------------------------------------------------------------------


def test_a_higher_priority_order_placed_later_gets_the_last_unit(platform_order: PlatformOrderFactory) -> None:
    system = _one_pot_system()
    ordinary = system.oms.ingest(platform_order("E1", ("L-POT", 1, 8000), minutes=0))
    vip = system.oms.ingest(
        attrs.evolve(platform_order("E2", ("L-POT", 1, 8000), buyer_id="b2", minutes=9), priority=100)
    )

    system.oms.process()

    assert _status(system, vip.order_id) is OrderStatus.RELEASED
    assert _status(system, ordinary.order_id) is OrderStatus.HELD


def test_equal_priorities_go_by_placement_time_then_id(platform_order: PlatformOrderFactory) -> None:
    system = _one_pot_system()
    later = system.oms.ingest(platform_order("E1", ("L-POT", 1, 8000), minutes=30))
    earlier = system.oms.ingest(platform_order("E2", ("L-POT", 1, 8000), buyer_id="b2", minutes=1))

    system.oms.process()

    assert _status(system, earlier.order_id) is OrderStatus.RELEASED
    assert _status(system, later.order_id) is OrderStatus.HELD
