"""How the selector chooses among eligible carriers: preferences in precedence order, ranking, fallback."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from omscore.domain import Carrier, CarrierId, Channel, Location, LocationId, Network, SkuCode
from omscore.policies.carriers import (
    CarrierChoice,
    CarrierRules,
    CarrierSettings,
    Criterion,
    ParcelFacts,
    RegionCarrierRule,
    ShopCarrierRule,
    SkuCarrierRule,
    Stage,
    choose_carrier,
)
from omscore.policies.promise import CarrierTransit, TransitTable

HZ = LocationId("WH-HZ")
TMALL = Channel("tmall", "flagship")
JD_SHOP = Channel("jd", "outlet")
HANGZHOU = ("cn", "浙江省", "杭州市")

SF = Carrier(CarrierId("SF"), supports_cod=True, base_cost_minor=1_200, per_kg_minor=500, sla_days=1, priority=30)
ZTO = Carrier(CarrierId("ZTO"), base_cost_minor=600, per_kg_minor=200, sla_days=3, priority=10)
YTO = Carrier(CarrierId("YTO"), base_cost_minor=600, per_kg_minor=300, sla_days=3, priority=20)
EMS = Carrier(CarrierId("EMS"), base_cost_minor=900, per_kg_minor=300, sla_days=4, priority=90)
NETWORK = Network.build([Location(HZ)], [SF, ZTO, YTO, EMS])


def parcel(**changes: Any) -> ParcelFacts:
    base = ParcelFacts(HZ, TMALL, HANGZHOU, weight_g=1_000, skus=frozenset({SkuCode("TEA")}))
    return attrs.evolve(base, **changes)


def choose(settings: CarrierSettings, network: Network = NETWORK, **changes: Any) -> CarrierChoice:
    return choose_carrier(parcel(**changes), network, settings)


# --- ranking ----------------------------------------------------------------------------------------------


def test_by_default_the_first_eligible_carrier_by_priority_then_id_is_chosen() -> None:
    choice = choose(CarrierSettings())

    assert (choice.carrier, choice.stage) == ("ZTO", Stage.RANK)
    assert choice.explanation.summary == "ZTO: first by priority, then id"


def test_ranking_by_cost_takes_the_cheapest_and_breaks_a_price_tie_by_the_next_criterion() -> None:
    light = choose(CarrierSettings(rank_by=["cost", "priority"]))
    heavy = choose(CarrierSettings(rank_by=["cost", "priority"]), weight_g=3_000)

    assert light.carrier == "ZTO"  # ZTO and YTO both cost 600 for 1 kg; ZTO has the lower priority number
    assert heavy.carrier == "ZTO"  # 1000 vs 1200
    assert "ranked by cost, then priority, then id: ZTO (cost 600, priority 10)" in light.explanation.steps[-1]


def test_a_tie_on_every_criterion_goes_to_the_lower_carrier_id() -> None:
    twins = Network.build([Location(HZ)], [attrs.evolve(ZTO, id=CarrierId("ZTO-B")), ZTO])

    assert choose(CarrierSettings(rank_by=["cost", "priority"]), twins).carrier == "ZTO"


def test_ranking_by_volume_weight_prices_a_light_bulky_parcel_by_its_volume() -> None:
    settings = CarrierSettings(rank_by=["cost"], rules=[CarrierRules("ZTO", volumetric_divisor=6_000)])

    # 30,000 cm³ weighs 5 kg by volume for ZTO: 600 + 4 × 200 = 1400, more than YTO's 600 by actual weight.
    assert choose(settings, weight_g=800, volume_cm3=30_000).carrier == "YTO"


def test_ranking_by_sla_uses_the_transit_table_for_the_region() -> None:
    transit = TransitTable([CarrierTransit("ZTO", {"CN/浙江省": 1}), CarrierTransit("SF", default_days=2)])
    settings = CarrierSettings(rank_by=[Criterion.SLA, Criterion.COST], transit=transit)

    assert choose(settings).carrier == "ZTO"  # 1 day in Zhejiang
    assert choose(settings, region=("cn", "广东省")).carrier == "SF"  # 2 days by its default, others 3+


# --- candidates and the fallback chain --------------------------------------------------------------------


def test_the_ranking_chooses_only_among_the_candidates() -> None:
    assert choose(CarrierSettings(candidates=["YTO", "EMS"])).carrier == "YTO"


def test_when_no_candidate_is_eligible_the_fallback_chain_is_tried_in_order() -> None:
    settings = CarrierSettings(candidates=["ZTO", "YTO"], fallback=["EMS", "SF"])

    choice = choose(settings, cod_minor=5_000)  # ZTO, YTO and EMS do not collect cash

    assert (choice.carrier, choice.stage) == ("SF", Stage.FALLBACK)
    assert "fallback EMS: not used, does not collect cash on delivery" in choice.explanation.steps
    assert "none of the candidates ZTO, YTO can be used" in choice.explanation.steps


def test_an_eligible_carrier_outside_candidates_and_fallback_is_not_used() -> None:
    choice = choose(CarrierSettings(candidates=["ZTO"], fallback=["YTO"]), cod_minor=5_000)

    assert choice.carrier is None
    assert choice.eligible == ("SF",)
    assert choice.explanation.summary == "no eligible carrier among the candidates"


# --- preferences ------------------------------------------------------------------------------------------


def test_a_shop_rule_prefers_its_carriers_in_order() -> None:
    settings = CarrierSettings(shops=[ShopCarrierRule(JD_SHOP, carriers=["SF", "YTO"])])

    jd = choose(settings, channel=JD_SHOP)
    tmall = choose(settings)

    assert (jd.carrier, jd.stage, jd.explanation.summary) == ("SF", Stage.SHOP, "SF: preferred by shop jd:outlet")
    assert tmall.stage is Stage.RANK


def test_a_shop_rule_can_replace_the_ranking_candidates_and_fallback() -> None:
    settings = CarrierSettings(
        candidates=["ZTO"],
        shops=[ShopCarrierRule(JD_SHOP, rank_by=["sla"], candidates=["SF", "EMS"], fallback=["YTO"])],
    )

    assert choose(settings, channel=JD_SHOP).carrier == "SF"
    assert choose(settings).carrier == "ZTO"


def test_a_preferred_carrier_that_is_not_eligible_is_skipped_with_the_reason() -> None:
    small_sf = Network.build([Location(HZ)], [attrs.evolve(SF, max_weight_g=500), ZTO, YTO, EMS])
    settings = CarrierSettings(shops=[ShopCarrierRule(TMALL, carriers=["SF", "YTO"])])

    choice = choose(settings, small_sf)

    assert choice.carrier == "YTO"
    assert "shop tmall:flagship prefers SF: not used, parcel 1000 g is over its 500 g limit" in choice.explanation.steps


def test_region_preferences_try_the_most_specific_region_first_and_inherit_from_wider_ones() -> None:
    settings = CarrierSettings(
        regions=[RegionCarrierRule("CN/浙江省", ["EMS"]), RegionCarrierRule("CN/浙江省/杭州市", ["YTO"])]
    )

    assert choose(settings).carrier == "YTO"
    assert choose(settings, region=("cn", "浙江省", "宁波市")).carrier == "EMS"
    assert choose(settings, region=("cn", "江苏省")).stage is Stage.RANK


def test_region_rules_match_spellings_that_fold_together() -> None:
    settings = CarrierSettings(regions=[RegionCarrierRule("ＣＮ / 浙江省", ["EMS"])])

    assert choose(settings).carrier == "EMS"


def test_sku_rules_prefer_their_carriers_in_settings_order() -> None:
    settings = CarrierSettings(
        skus=[SkuCarrierRule(tag="fragile", carriers=["SF"]), SkuCarrierRule(sku="TEA", carriers=["EMS"])]
    )

    assert choose(settings).carrier == "EMS"
    assert choose(settings, tags=frozenset({"fragile"})).carrier == "SF"
    assert choose(settings, tags=frozenset({"fragile"})).explanation.summary == "SF: preferred for tag fragile"


@pytest.mark.parametrize(
    ("memo", "expected"),
    [
        ("发顺丰", Stage.MEMO),
        ("", Stage.SKU),
    ],
)
def test_a_memo_beats_a_sku_rule(memo: str, expected: Stage) -> None:
    settings = CarrierSettings(skus=[SkuCarrierRule(sku="TEA", carriers=["EMS"])])

    assert choose(settings, buyer_memo=memo).stage is expected


def test_the_precedence_is_memo_sku_shop_region_share_rank_fallback() -> None:
    everything = CarrierSettings(
        skus=[SkuCarrierRule(sku="TEA", carriers=["EMS"])],
        shops=[ShopCarrierRule(TMALL, carriers=["YTO"])],
        regions=[RegionCarrierRule("CN", ["SF"])],
        rules=[CarrierRules("ZTO", share=1)],
        candidates=["YTO"],
        fallback=["EMS"],
    )
    without_sku = attrs.evolve(everything, skus=())
    without_shop = attrs.evolve(without_sku, shops=())
    without_region = attrs.evolve(without_shop, regions=())
    without_share = attrs.evolve(without_region, rules=())
    only_fallback = attrs.evolve(without_share, candidates=["JD"])
    network = Network.build([Location(HZ)], [SF, ZTO, YTO, EMS, Carrier(CarrierId("JD"))])
    no_jd = Network.build([Location(HZ)], [SF, ZTO, YTO, EMS])

    assert choose(everything, network, seller_memo="走中通").stage is Stage.MEMO
    assert choose(everything, network).stage is Stage.SKU
    assert choose(without_sku, network).stage is Stage.SHOP
    assert choose(without_shop, network).stage is Stage.REGION
    assert choose(without_region, network).stage is Stage.SHARE
    assert choose(without_share, network).stage is Stage.RANK
    assert choose(only_fallback, no_jd).stage is Stage.FALLBACK


def test_the_explanation_reads_as_text_and_as_data() -> None:
    choice = choose(CarrierSettings(rank_by=["cost"]))

    text = choice.explanation.text()
    data = choice.explanation.as_dict()

    assert text.splitlines()[0] == "[carrier] YTO: first by cost, then id"  # ZTO costs the same; YTO < ZTO
    assert data["policy"] == "carrier"
    assert data["steps"][0] == "parcel from WH-HZ to cn/浙江省/杭州市: 1000 g, 0 cm³"
    assert "SF: eligible (cost 1200, 1 day(s), priority 30)" in data["steps"]
