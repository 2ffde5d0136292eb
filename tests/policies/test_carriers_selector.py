"""The rule-based selector as the pipeline uses it: orders, shipment lines, the catalog and the day's counts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from merchant_world import HANGZHOU, STOCK, TMALL, catalog, make_platform_order, network
from omscore.adapters.system import ManualClock
from omscore.app.context import Policies
from omscore.bootstrap import in_memory
from omscore.domain import (
    CarrierId,
    ExternalOrderRef,
    LineId,
    LocationId,
    Money,
    Order,
    OrderId,
    OrderLine,
    PaymentMode,
    ShipmentLine,
    SkuCode,
)
from omscore.policies.carriers import (
    CarrierRules,
    CarrierSelector,
    CarrierSettings,
    ParcelFacts,
    RuleBasedCarrierSelector,
    SkuCarrierRule,
    Stage,
)
from omscore.policies.merge import MergeSettings
from omscore.policies.review import ReviewSettings
from omscore.policies.settings import PipelineSettings

EAST = LocationId("WH-EAST")
REF = ExternalOrderRef(TMALL, "E1")


def order(payment: PaymentMode = PaymentMode.PREPAID, buyer_memo: str = "") -> Order:
    return Order.receive(
        id=OrderId("O1"),
        ref=REF,
        revision=1,
        placed_at=datetime(2026, 11, 11, 8, 0, tzinfo=UTC),
        buyer_id="b",
        recipient=HANGZHOU,
        lines=[OrderLine(LineId("1"), SkuCode("TEA"), 1, Money(3000, "CNY"), REF)],
        currency="CNY",
        shipping_fee=Money(0, "CNY"),
        payment=payment,
        buyer_memo=buyer_memo,
    )


def line(sku: str, quantity: int, amount: int) -> ShipmentLine:
    return ShipmentLine(LineId(sku), SkuCode(sku), quantity, Money(amount, "CNY"), REF)


def test_it_is_a_carrier_selector() -> None:
    selector: CarrierSelector = RuleBasedCarrierSelector()

    decision = selector.select(order(), EAST, [line("TEA", 1, 3000)], network(), catalog())

    assert decision.carrier == "YTO"


def test_the_parcel_facts_come_from_the_catalog_and_the_lines() -> None:
    lines = [line("CUP", 2, 2000), line("FISH", 1, 5000), line("GHOST", 3, 100)]

    facts = ParcelFacts.of(order(PaymentMode.COD), EAST, lines, catalog())

    assert facts.weight_g == 2 * 400 + 2000
    assert facts.tags == {"fragile", "cold_chain"}
    assert facts.cod_minor == 7100
    assert facts.unknown_skus == ("GHOST",)
    assert facts.region == ("cn", "zhejiang", "hangzhou", "xihu")
    assert "unknown SKUs GHOST counted as 0 g" in facts.describe()


def test_the_day_s_counts_are_asked_for_the_parcel_s_location() -> None:
    asked: list[LocationId] = []

    def usage(location: LocationId) -> Mapping[CarrierId, int]:
        asked.append(location)
        return {CarrierId("YTO"): 10}

    selector = RuleBasedCarrierSelector(CarrierSettings(rules=[CarrierRules("YTO", daily_quota=10)]), usage)

    choice = selector.choose(order(), EAST, [line("TEA", 1, 3000)], network(), catalog())

    assert asked == [EAST]
    assert choice.carrier == "SF"
    assert choice.decision().explanation == choice.explanation


def test_in_the_pipeline_a_memo_and_a_tag_rule_pick_the_carriers_and_the_reason_is_kept() -> None:
    selector = RuleBasedCarrierSelector(
        CarrierSettings(skus=[SkuCarrierRule(tag="fragile", carriers=["SF"], only=True)])
    )
    quiet_review = PipelineSettings(review=ReviewSettings(hold_on_buyer_memo=False), merge=MergeSettings(enabled=False))
    system = in_memory(
        clock=ManualClock(datetime(2026, 11, 11, 8, 0, tzinfo=UTC)),
        settings=quiet_review,
        policies=Policies(carrier=selector),
    )
    system.oms.load_master_data(catalog(), network(), STOCK)

    by_memo = system.oms.ingest(make_platform_order("E1", ("L-TEA", 1, 3000), buyer_memo="麻烦发顺丰"))
    fragile = system.oms.ingest(make_platform_order("E2", ("L-CUP", 1, 1000)))
    plain = system.oms.ingest(make_platform_order("E3", ("L-TEA", 1, 3000)))
    system.oms.process(release=False)

    [memo_shipment] = system.oms.shipments(by_memo.order_id)
    [fragile_shipment] = system.oms.shipments(fragile.order_id)
    [plain_shipment] = system.oms.shipments(plain.order_id)
    assert (memo_shipment.carrier, memo_shipment.carrier_reason) == ("SF", "SF: named in the buyer memo ('顺丰')")
    assert (fragile_shipment.carrier, fragile_shipment.carrier_reason) == ("SF", "SF: preferred for tag fragile")
    assert plain_shipment.carrier == "YTO"


def test_choose_reports_the_stage_as_data() -> None:
    choice = RuleBasedCarrierSelector().choose(
        order(buyer_memo="SF please"), EAST, [line("TEA", 1, 3000)], network(), catalog()
    )

    assert (choice.carrier, choice.stage) == ("SF", Stage.MEMO)
    assert choice.eligible == ("SF", "YTO")
