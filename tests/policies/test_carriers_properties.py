"""Properties of carrier selection over generated networks, parcels, settings and day counts."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from omscore.domain import (
    Address,
    Carrier,
    CarrierId,
    Catalog,
    Channel,
    ExternalOrderRef,
    LineId,
    LocationId,
    Money,
    Network,
    Order,
    OrderId,
    OrderLine,
    PaymentMode,
    Recipient,
    ShipmentLine,
    Sku,
    SkuCode,
)
from omscore.policies.carriers import (
    CarrierChoice,
    CarrierRules,
    CarrierSettings,
    FirstEligibleCarrier,
    MemoRules,
    ParcelFacts,
    RegionCarrierRule,
    RuleBasedCarrierSelector,
    ShopCarrierRule,
    SkuCarrierRule,
    choose_carrier,
)
from omscore.testing.strategies import addresses, networks, region_codes

SHOPS = (Channel("tmall", "flagship"), Channel("jd", "outlet"))
TAGS = ("cold_chain", "fragile", "battery", "liquid")
SKUS = tuple(SkuCode(code) for code in ("TEA", "CUP", "ICE"))
MEMOS = ("", "", "发顺丰", "不要中通", "京东快递", "SF", "YTO 圆通", "不要发中通，发顺丰", "别用圆通、韵达", "ems")


@attrs.frozen
class Scenario:
    address: Address
    network: Network
    parcel: ParcelFacts
    settings: CarrierSettings
    usage: Mapping[CarrierId, int]


@st.composite
def carrier_rules(draw: st.DrawFn, carrier: CarrierId) -> CarrierRules:
    quota = draw(st.none() | st.integers(0, 4))
    return CarrierRules(
        carrier,
        max_volume_cm3=draw(st.none() | st.integers(0, 60_000)),
        max_cod_minor=draw(st.none() | st.integers(0, 30_000)),
        required_tags=draw(st.frozensets(st.sampled_from(TAGS), max_size=1)) if draw(st.integers(0, 4)) == 0 else (),
        excluded_tags=draw(st.frozensets(st.sampled_from(TAGS), max_size=2)),
        volumetric_divisor=draw(st.none() | st.sampled_from([5_000, 6_000, 8_000])),
        daily_quota=quota,
        hard_quota=quota is not None and draw(st.booleans()),
        share=draw(st.sampled_from([0, 0, 1, 2, 3])),
    )


@st.composite
def carrier_settings(draw: st.DrawFn, ids: list[CarrierId]) -> CarrierSettings:
    some = st.lists(st.sampled_from(ids), unique=True, max_size=3)
    with_rules = draw(st.lists(st.sampled_from(ids), unique=True))
    shops = []
    for channel in SHOPS:
        if draw(st.booleans()):
            preferred = draw(some)
            shops.append(
                ShopCarrierRule(
                    channel,
                    carriers=preferred,
                    only=bool(preferred) and draw(st.integers(0, 3)) == 0,
                    forbidden=draw(st.frozensets(st.sampled_from(ids), max_size=1)),
                    rank_by=draw(st.none() | st.permutations(["cost", "sla", "priority"])),
                )
            )
    skus = []
    for _ in range(draw(st.integers(0, 2))):
        preferred = draw(some)
        target = draw(st.sampled_from([("sku", s) for s in SKUS] + [("tag", t) for t in TAGS]))
        skus.append(
            SkuCarrierRule(
                **{target[0]: target[1]},
                carriers=preferred,
                only=bool(preferred) and draw(st.integers(0, 3)) == 0,
                forbidden=draw(st.frozensets(st.sampled_from(ids), max_size=1)),
            )
        )
    regions = draw(st.lists(region_codes(), unique=True, max_size=2))
    return CarrierSettings(
        rank_by=draw(st.lists(st.sampled_from(["cost", "sla", "priority"]), unique=True, max_size=3)),
        candidates=draw(st.none() | some),
        fallback=draw(some),
        rules=[draw(carrier_rules(c)) for c in with_rules],
        shops=shops,
        skus=skus,
        regions=[RegionCarrierRule(region, draw(some)) for region in regions],
    )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    network = draw(networks(min_locations=1, max_locations=3, min_carriers=1, max_carriers=6))
    ids = sorted(network.carriers)
    address = draw(addresses())
    parcel = ParcelFacts(
        location=draw(st.sampled_from(sorted(network.locations))),
        channel=draw(st.sampled_from(SHOPS)),
        region=address.region_path(),
        weight_g=draw(st.integers(0, 40_000)),
        volume_cm3=draw(st.integers(0, 80_000)),
        skus=draw(st.frozensets(st.sampled_from(SKUS), min_size=1)),
        tags=draw(st.frozensets(st.sampled_from(TAGS), max_size=2)),
        cod_minor=draw(st.none() | st.integers(0, 40_000)),
        seller_memo=draw(st.sampled_from(MEMOS)),
        buyer_memo=draw(st.sampled_from(MEMOS)),
    )
    usage = {c: draw(st.integers(0, 5)) for c in ids if draw(st.booleans())}
    return Scenario(address, network, parcel, draw(carrier_settings(ids)), usage)


def may_take(carrier: Carrier, parcel: ParcelFacts, settings: CarrierSettings, used: int) -> bool:
    """Eligibility restated from the rules, independently of the selector's code."""
    rules = settings.rules_for(carrier.id)
    shop = settings.shop(parcel.channel)
    sku_rules = [r for r in settings.skus if (r.sku in parcel.skus if r.sku else r.tag in parcel.tags)]
    cod_ok = parcel.cod_minor is None or (
        carrier.supports_cod and (rules.max_cod_minor is None or parcel.cod_minor <= rules.max_cod_minor)
    )
    return (
        (not carrier.locations or parcel.location in carrier.locations)
        and carrier.reaches(parcel.region)
        and (carrier.max_weight_g is None or parcel.weight_g <= carrier.max_weight_g)
        and (rules.max_volume_cm3 is None or parcel.volume_cm3 <= rules.max_volume_cm3)
        and cod_ok
        and rules.required_tags <= parcel.tags
        and not rules.excluded_tags & parcel.tags
        and not (shop and (carrier.id in shop.forbidden or (shop.only and carrier.id not in shop.carriers)))
        and not any(carrier.id in r.forbidden or (r.only and carrier.id not in r.carriers) for r in sku_rules)
        and not (rules.hard_quota and rules.daily_quota is not None and used >= rules.daily_quota)
    )


def eligible(s: Scenario) -> set[CarrierId]:
    return {c.id for c in s.network.carriers.values() if may_take(c, s.parcel, s.settings, s.usage.get(c.id, 0))}


def choose(s: Scenario) -> CarrierChoice:
    return choose_carrier(s.parcel, s.network, s.settings, s.usage)


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_the_chosen_carrier_is_always_eligible_and_eligibility_matches_the_rules(s: Scenario) -> None:
    choice = choose(s)

    assert set(choice.eligible) == eligible(s)
    assert choice.carrier is None or choice.carrier in eligible(s)
    assert {r.carrier for r in choice.rejections} == set(s.network.carriers) - eligible(s)


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_with_no_restriction_to_candidates_a_carrier_is_chosen_whenever_one_is_eligible(s: Scenario) -> None:
    shop = s.settings.shop(s.parcel.channel)
    unrestricted = attrs.evolve(
        s,
        settings=attrs.evolve(
            s.settings, candidates=None, shops=[attrs.evolve(r, candidates=None) for r in s.settings.shops]
        ),
    )

    choice = choose(unrestricted)

    assert (choice.carrier is None) == (not eligible(unrestricted))
    assert shop is None or shop.channel == s.parcel.channel


@settings(max_examples=50, deadline=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_the_same_facts_in_any_order_give_the_same_choice_and_explanation(s: Scenario, rng: random.Random) -> None:
    carriers = list(s.network.carriers.values())
    rng.shuffle(carriers)
    shuffled = Network.build(list(s.network.locations.values()), carriers)
    usage = dict(reversed(list(s.usage.items())))

    first = choose(s)
    again = choose_carrier(s.parcel, shuffled, s.settings, usage)

    assert (again.carrier, again.stage, again.explanation) == (first.carrier, first.stage, first.explanation)


def without(network: Network, dropped: Iterable[CarrierId]) -> Network:
    gone = set(dropped)
    return Network.build(network.locations.values(), [c for c in network.carriers.values() if c.id not in gone])


def over_quota(settings: CarrierSettings, carrier: CarrierId, used: int) -> bool:
    quota = settings.rules_for(carrier).daily_quota
    return quota is not None and used >= quota


@settings(max_examples=80, deadline=None)
@given(scenarios())
def test_a_carrier_over_its_quota_is_chosen_only_when_no_other_carrier_would_be(s: Scenario) -> None:
    choice = choose(s)

    if choice.carrier is not None and over_quota(s.settings, choice.carrier, s.usage.get(choice.carrier, 0)):
        assert choice.carrier in choice.held_back
        alternative = choose_carrier(s.parcel, without(s.network, choice.held_back), s.settings, s.usage)
        assert alternative.carrier is None


@settings(max_examples=50, deadline=None)
@given(scenarios(), st.integers(1, 30))
def test_over_a_day_no_quota_is_exceeded_while_another_carrier_would_take_the_parcel(s: Scenario, parcels: int) -> None:
    usage: Counter[CarrierId] = Counter(s.usage)
    for _ in range(parcels):
        choice = choose_carrier(s.parcel, s.network, s.settings, usage)
        if choice.carrier is None:
            break
        if over_quota(s.settings, choice.carrier, usage[choice.carrier]):
            alternative = choose_carrier(s.parcel, without(s.network, choice.held_back), s.settings, usage)
            assert alternative.carrier is None, f"{choice.carrier} over its quota while {alternative.carrier} was free"
        usage[choice.carrier] += 1


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=2, max_size=4), st.integers(1, 60))
def test_shares_stay_within_one_parcel_of_their_target(shares: list[int], parcels: int) -> None:
    ids = [CarrierId(f"C{i}") for i in range(len(shares))]
    network = Network.build([], [Carrier(c) for c in ids])
    parcel = ParcelFacts(location=LocationId("L"), channel=SHOPS[0], region=("cn",))
    config = CarrierSettings(rules=[CarrierRules(c, share=w) for c, w in zip(ids, shares, strict=True)])
    usage: Counter[CarrierId] = Counter()
    for _ in range(parcels):
        chosen = choose_carrier(parcel, network, config, usage).carrier
        assert chosen is not None
        usage[chosen] += 1

    for carrier, share in zip(ids, shares, strict=True):
        assert abs(usage[carrier] - parcels * share / sum(shares)) < 1


@settings(max_examples=50, deadline=None)
@given(scenarios())
def test_default_settings_without_memos_choose_as_the_first_eligible_baseline(s: Scenario) -> None:
    ref = ExternalOrderRef(s.parcel.channel, "E1")
    order = Order.receive(
        id=OrderId("O1"),
        ref=ref,
        revision=1,
        placed_at=datetime(2026, 1, 1, tzinfo=UTC),
        buyer_id="b",
        recipient=Recipient("Li", "13800138000", s.address),
        lines=[OrderLine(LineId("1"), SkuCode("X"), 1, Money(100, "CNY"), ref)],
        currency="CNY",
        shipping_fee=Money(0, "CNY"),
        payment=PaymentMode.PREPAID if s.parcel.cod_minor is None else PaymentMode.COD,
    )
    lines = [ShipmentLine(LineId("1"), SkuCode("X"), 1, Money(100, "CNY"), ref)]
    catalog = Catalog.build([Sku(SkuCode("X"), weight_g=s.parcel.weight_g)])
    quiet = CarrierSettings(memo=MemoRules(read_buyer_memo=False, read_seller_memo=False))

    ours = RuleBasedCarrierSelector(quiet).select(order, s.parcel.location, lines, s.network, catalog)
    baseline = FirstEligibleCarrier().select(order, s.parcel.location, lines, s.network, catalog)

    assert ours.carrier == baseline.carrier
