"""Carriers named or refused in buyers' and sellers' memos."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from omscore.domain import Carrier, CarrierId, Channel, InvalidConfiguration, Location, LocationId, Network
from omscore.policies.carriers import (
    CarrierChoice,
    CarrierSettings,
    MemoMention,
    MemoRules,
    ParcelFacts,
    Stage,
    choose_carrier,
    fold_aliases,
    read_memo,
)
from omscore.policies.carriers.memo import DEFAULT_ALIASES

HZ = LocationId("WH-HZ")
NETWORK = Network.build(
    [Location(HZ)],
    [
        Carrier(CarrierId("SF"), supports_cod=True, priority=30),
        Carrier(CarrierId("ZTO"), priority=10),
        Carrier(CarrierId("YTO"), priority=20, max_weight_g=500),
        Carrier(CarrierId("JD"), priority=40),
        Carrier(CarrierId("YTO-LITE"), priority=50),
    ],
)
ALIASES = fold_aliases(DEFAULT_ALIASES)


def named(memo: str) -> list[tuple[str, bool]]:
    return [(m.carrier, m.refused) for m in read_memo(memo, ALIASES)]


def choose(settings: CarrierSettings | None = None, **changes: Any) -> CarrierChoice:
    facts = attrs.evolve(ParcelFacts(HZ, Channel("tmall", "flagship"), ("cn", "浙江省"), weight_g=1_000), **changes)
    return choose_carrier(facts, NETWORK, settings or CarrierSettings())


@pytest.mark.parametrize(
    ("memo", "carrier"),
    [
        ("顺丰", "SF"),
        ("发顺丰", "SF"),
        ("SF", "SF"),
        ("please ship by sf, thanks", "SF"),
        ("ＳＦ", "SF"),
        ("京东快递", "JD"),
        ("中通", "ZTO"),
        ("YTO", "YTO"),
        ("圆通", "YTO"),
        ("麻烦走 申通 谢谢", "STO"),
        ("邮政EMS", "EMS"),
    ],
)
def test_common_carrier_names_are_recognised(memo: str, carrier: str) -> None:
    assert named(memo)[0] == (carrier, False)


def test_the_longest_alias_at_a_place_wins() -> None:
    aliases = fold_aliases({"顺丰": "SF", "顺丰冷运": "SF-COLD"})

    assert [m.carrier for m in read_memo("请发顺丰冷运", aliases)] == ["SF-COLD"]


def test_a_latin_alias_matches_only_as_a_whole_word() -> None:
    assert named("transfer to the jdx desk, sfo") == []
    assert named("sf/jd") == [("SF", False), ("JD", False)]


@pytest.mark.parametrize(
    ("memo", "expected"),
    [
        ("不要中通", [("ZTO", True)]),
        ("不要发中通，发顺丰", [("ZTO", True), ("SF", False)]),
        ("别发圆通、中通", [("YTO", True), ("ZTO", True)]),
        ("no ZTO please, SF", [("ZTO", True), ("SF", False)]),
        ("特别急 顺丰", [("SF", False)]),
        ("除了申通都行", [("STO", True)]),
    ],
)
def test_a_negation_before_a_mention_in_the_same_clause_makes_it_a_refusal(
    memo: str, expected: list[tuple[str, bool]]
) -> None:
    assert named(memo) == expected


def test_a_memo_named_carrier_wins_when_eligible() -> None:
    choice = choose(buyer_memo="亲，发顺丰哦")

    assert (choice.carrier, choice.stage) == ("SF", Stage.MEMO)
    assert choice.explanation.summary == "SF: named in the buyer memo ('顺丰')"
    assert choice.memo[0].mention == MemoMention(CarrierId("SF"), "顺丰", refused=False)


def test_a_memo_named_carrier_that_is_not_eligible_is_explained_and_the_choice_goes_on() -> None:
    choice = choose(buyer_memo="圆通")

    assert (choice.carrier, choice.stage) == ("ZTO", Stage.RANK)
    assert "buyer memo names YTO: not used, parcel 1000 g is over its 500 g limit" in choice.explanation.steps


def test_the_seller_memo_is_read_before_the_buyer_memo() -> None:
    choice = choose(buyer_memo="京东", seller_memo="顺丰")

    assert choice.carrier == "SF"
    assert [r.source for r in choice.memo] == ["seller", "buyer"]


def test_the_first_mention_of_a_carrier_decides_whether_it_is_asked_for_or_refused() -> None:
    choice = choose(seller_memo="走中通", buyer_memo="不要中通")

    assert choice.carrier == "ZTO"
    assert choice.held_back == {}


def test_a_refused_carrier_is_held_back_and_used_only_when_nothing_else_can_be() -> None:
    refused = choose(buyer_memo="不要中通")
    refused_all = choose(buyer_memo="不要中通、顺丰、圆通、京东", cod_minor=100)

    assert refused.carrier == "SF"  # ZTO is refused; YTO is too small for the parcel; then SF by priority
    assert refused.held_back == {"ZTO": "refused in the buyer memo"}
    assert refused_all.carrier == "SF"
    assert refused_all.explanation.summary == (
        "SF: first by priority, then id (though refused in the buyer memo: no other carrier could take it)"
    )


def test_a_carrier_id_in_a_memo_names_that_carrier_case_insensitively() -> None:
    assert choose(buyer_memo="use yto-lite").carrier == "YTO-LITE"


def test_a_memo_alias_for_a_carrier_outside_the_network_is_reported() -> None:
    choice = choose(buyer_memo="韵达")

    assert choice.stage is Stage.RANK
    assert "buyer memo names YUNDA, not a carrier of the network ('韵达')" in choice.explanation.steps


def test_a_merchant_alias_table_maps_names_to_its_own_carrier_ids() -> None:
    settings = CarrierSettings(memo=MemoRules(aliases={"小圆": "YTO-LITE", "顺丰": "SF"}))

    assert choose(settings, buyer_memo="小圆").carrier == "YTO-LITE"
    assert choose(settings, buyer_memo="中通").stage is Stage.RANK  # not in this table; "ZTO" would be


def test_memos_can_be_ignored() -> None:
    settings = CarrierSettings(memo=MemoRules(read_buyer_memo=False))

    assert choose(settings, buyer_memo="顺丰").stage is Stage.RANK
    assert choose(settings, seller_memo="顺丰").stage is Stage.MEMO


def test_two_spellings_of_one_alias_must_name_the_same_carrier() -> None:
    with pytest.raises(InvalidConfiguration, match="also names"):
        MemoRules(aliases={"SF": "SF", "ｓｆ": "SF-COLD"})
