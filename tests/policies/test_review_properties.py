"""Properties of the configurable review conditions: a verdict depends on the order's content only — never on
the run, the order its lines come in, or (beyond the verdict's kind) what ``then`` says — and a review of the
same order by the same rules decides the same."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omscore.domain import (
    Catalog,
    ExternalOrderRef,
    Hold,
    HoldKind,
    LineId,
    Money,
    Order,
    OrderId,
    OrderLine,
    Recipient,
    SkuCode,
)
from omscore.policies.review import (
    AmountRange,
    Approve,
    BuyerList,
    DiscountCeiling,
    LineKinds,
    MemoKeywords,
    PriceFloor,
    QuantityRange,
    RecipientList,
    RegionList,
    ReviewRule,
    SkuList,
    TagList,
    Then,
    review,
)
from omscore.testing import SAMPLE_CHANNEL, SAMPLE_TIME, recipients, region_codes, skus

REF = ExternalOrderRef(SAMPLE_CHANNEL, "E1")
BUYERS = ("tb-1", "tb-2", "vip-1")
MEMOS = ("", "加急", "请开发票 谢谢", "VIP 客户", "ｖｉｐ", "周末送货")
KEYWORDS = ("加急", "发票", "vip", "退款")
TAGS = ("cold_chain", "fragile", "oversize", "gift_box")
#: Every kind of condition, by class name; the properties about one rule run for each kind.
KINDS = [
    "AmountRange",
    "QuantityRange",
    "SkuList",
    "TagList",
    "PriceFloor",
    "DiscountCeiling",
    "BuyerList",
    "RecipientList",
    "RegionList",
    "MemoKeywords",
    "LineKinds",
]
#: Which of two things a rule looks at (buyer or seller memo, gift or presale lines): one, the other, or both.
MEMOS_OR_LINES = ((True, False), (False, True), (True, True))
#: Examples per kind for those properties (eleven kinds keep the whole file within a few seconds).
PER_KIND = settings(max_examples=30)

#: Catalogs of one to four of the SKUs TEA-1 … TEA-4 (what a rule reads of a catalog: SKUs, tags, reference prices).
CATALOGS = st.lists(
    skus(st.sampled_from([SkuCode(f"TEA-{n}") for n in range(1, 5)])),
    min_size=1,
    max_size=4,
    unique_by=lambda s: s.code,
).map(Catalog.build)


@attrs.frozen
class Draft:
    """What an order is made of, so that equal orders can be built again, and with their lines reordered."""

    lines: tuple[OrderLine, ...]
    buyer: str
    recipient: Recipient
    buyer_memo: str
    seller_memo: str
    shipping_fee: int

    def build(self, lines: Sequence[OrderLine] | None = None) -> Order:
        return Order.receive(
            id=OrderId("O1"),
            ref=REF,
            revision=1,
            placed_at=SAMPLE_TIME,
            buyer_id=self.buyer,
            recipient=self.recipient,
            lines=self.lines if lines is None else lines,
            currency="CNY",
            shipping_fee=Money(self.shipping_fee, "CNY"),
            buyer_memo=self.buyer_memo,
            seller_memo=self.seller_memo,
        )


@st.composite
def drafts(draw: st.DrawFn, catalog: Catalog) -> Draft:
    codes = st.sampled_from([*sorted(catalog.skus), SkuCode("GHOST")])
    lines = []
    for number in range(draw(st.integers(1, 5))):
        quantity = draw(st.integers(1, 4))
        unit_price = draw(st.integers(0, 60_000))
        discount = draw(st.integers(0, unit_price * quantity))
        lines.append(
            OrderLine(
                LineId(f"L{number}"),
                draw(codes),
                quantity,
                Money(unit_price * quantity - discount, "CNY"),
                REF,
                Money(unit_price, "CNY"),
                Money(discount, "CNY"),
                is_gift=draw(st.sampled_from((False, False, True))),
                presale_ship_date=draw(st.sampled_from((None, None, date(2024, 12, 1)))),
            )
        )
    return Draft(
        tuple(lines),
        draw(st.sampled_from(BUYERS)),
        draw(recipients()),
        draw(st.sampled_from(MEMOS)),
        draw(st.sampled_from(MEMOS)),
        draw(st.integers(0, 2_000)),
    )


#: A rule whose settings are drawn, given what it does with a match.
Condition = Callable[[Then], ReviewRule]


@st.composite
def bounds(draw: st.DrawFn, largest: int) -> tuple[int | None, int | None]:
    """A range from 0 to ``largest`` (or beyond, for the upper bound) open at one end or neither."""
    low, span = draw(st.integers(0, largest)), draw(st.integers(0, largest))
    keep = draw(st.sampled_from(("both", "low", "high")))
    return (None if keep == "high" else low, None if keep == "low" else low + span)


def some(*values: str) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(values), min_size=1)


@st.composite
def conditions(draw: st.DrawFn, catalog: Catalog, draft: Draft, kind: str | None = None) -> Condition:
    """A rule of ``kind`` (a class name; any kind when ``None``), with settings that match some of the orders
    drawn and pass others."""
    match kind or draw(st.sampled_from(KINDS)):
        case "AmountRange":
            low, high = draw(bounds(200_000))
            return lambda then: AmountRange(low, high, then=then)
        case "QuantityRange":
            fewest, most = draw(bounds(8))
            return lambda then: QuantityRange(fewest, most, then=then)
        case "SkuList":
            listed = draw(some(*sorted(catalog.skus), "OTHER"))
            return lambda then: SkuList(listed, then=then)
        case "TagList":
            tags = draw(some(*TAGS))
            return lambda then: TagList(tags, then=then)
        case "PriceFloor":
            floor = draw(st.integers(1, 100))
            return lambda then: PriceFloor(floor, then=then)
        case "DiscountCeiling":
            ceiling = draw(st.integers(0, 100))
            return lambda then: DiscountCeiling(ceiling, then=then)
        case "BuyerList":
            buyers = draw(some(*BUYERS))
            return lambda then: BuyerList(buyers, then=then)
        case "RecipientList":
            phones = draw(st.frozensets(st.sampled_from((draft.recipient.phone, "13800138000", "13700137000"))))
            names = draw(some(draft.recipient.name, "赵六", "Tom Lee"))
            return lambda then: RecipientList(phones, names, then=then)
        case "RegionList":
            regions = tuple(draw(st.lists(region_codes(), min_size=1, max_size=3)))
            return lambda then: RegionList(regions, then=then)
        case "MemoKeywords":
            keywords = tuple(draw(st.lists(st.sampled_from(KEYWORDS), min_size=1, max_size=3)))
            buyer, seller = draw(st.sampled_from(MEMOS_OR_LINES))
            return lambda then: MemoKeywords(keywords, buyer, seller, then=then)
        case _:
            gift, presale = draw(st.sampled_from(MEMOS_OR_LINES))
            return lambda then: LineKinds(gift, presale, then=then)


@st.composite
def condition_cases(draw: st.DrawFn, kind: str | None = None) -> tuple[Catalog, Draft, Condition]:
    catalog = draw(CATALOGS)
    draft = draw(drafts(catalog))
    return catalog, draft, draw(conditions(catalog, draft, kind))


@st.composite
def cases(draw: st.DrawFn, kind: str | None = None) -> tuple[Catalog, Draft, ReviewRule]:
    """A catalog, an order drawn over it and a rule of ``kind`` (any kind when ``None``) with any ``then``."""
    catalog, draft, make = draw(condition_cases(kind))
    return catalog, draft, make(draw(st.sampled_from(Then)))


@given(cases())
def test_a_rule_gives_the_same_verdict_on_the_same_order_every_time(case: tuple[Catalog, Draft, ReviewRule]) -> None:
    catalog, draft, rule = case

    assert rule.check(draft.build(), catalog) == rule.check(draft.build(), catalog)


@pytest.mark.parametrize("kind", KINDS)
@PER_KIND
@given(data=st.data())
def test_a_rules_verdict_does_not_depend_on_the_order_of_the_lines(kind: str, data: st.DataObject) -> None:
    catalog, draft, rule = data.draw(cases(kind))
    reordered = data.draw(st.permutations(draft.lines))

    assert rule.check(draft.build(reordered), catalog) == rule.check(draft.build(), catalog)


@pytest.mark.parametrize("kind", KINDS)
@PER_KIND
@given(data=st.data())
def test_then_decides_only_the_kind_of_verdict_never_whether_or_why_a_rule_matches(
    kind: str, data: st.DataObject
) -> None:
    catalog, draft, make = data.draw(condition_cases(kind))
    the_order = draft.build()

    manual, risk, approve = (make(then).check(the_order, catalog) for then in (Then.MANUAL, Then.RISK, Then.APPROVE))

    if manual is None:
        assert (risk, approve) == (None, None)
    else:
        assert isinstance(manual, Hold)
        assert risk == attrs.evolve(manual, kind=HoldKind.RISK)
        assert approve == Approve(manual.detail)


@st.composite
def reviews(draw: st.DrawFn) -> tuple[Catalog, Draft, list[ReviewRule]]:
    catalog = draw(CATALOGS)
    draft = draw(drafts(catalog))
    makes = draw(st.lists(conditions(catalog, draft), max_size=6))
    return catalog, draft, [make(draw(st.sampled_from(Then))) for make in makes]


@given(reviews(), st.data())
def test_a_review_decides_the_same_for_the_same_rules_and_order_whatever_the_order_of_its_lines(
    case: tuple[Catalog, Draft, list[ReviewRule]], data: st.DataObject
) -> None:
    catalog, draft, rules = case
    reordered = data.draw(st.permutations(draft.lines))

    first = review(draft.build(), catalog, rules)

    assert review(draft.build(), catalog, rules) == first
    assert review(draft.build(reordered), catalog, rules) == first
