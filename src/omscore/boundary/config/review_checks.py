"""The review checks (审单规则) of the configuration file, merchant-wide or for one shop: one entry per rule,
chosen by its ``rule`` name, and its conversion into the rule object of :mod:`omscore.policies.review`."""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal, get_args

from pydantic import BaseModel, Field, StringConstraints

from omscore.boundary._fields import STRICT, Code, ExternalId, Minor, Region, Tag
from omscore.boundary.config.fields import MAX_ORDER_UNITS, MAX_RULE_ENTRIES, Keyword, domain_default
from omscore.policies.review import (
    AmountRange,
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
)

#: A character that is not whitespace: the texts a rule matches are never blank.
_NOT_BLANK: Final = r"\S"
#: Phones are compared by their digits, so a phone has at least one.
_Phone = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"\d")]
_PersonName = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=_NOT_BLANK)]


def _listed(description: str) -> Any:
    return Field(min_length=1, max_length=MAX_RULE_ENTRIES, description=description)


def _then(rule: type) -> Any:
    return Field(
        default=domain_default(rule, "then").value,
        description=(
            "What to do with a matched order: manual (hold for a person), risk (hold as a risk) or approve "
            "(approve at once; the rules after this one do not run)."
        ),
    )


ThenName = Literal["manual", "risk", "approve"]
"""The value of a :class:`~omscore.policies.review.Then`."""


class AmountCheck(BaseModel):
    """订单金额: orders whose total (lines plus shipping fee) lies outside a range."""

    model_config = STRICT

    rule: Literal["amount"]
    min_minor: Minor | None = Field(
        default=domain_default(AmountRange, "min_minor"), description="Match totals below this; null: no lower bound."
    )
    max_minor: Minor | None = Field(
        default=domain_default(AmountRange, "max_minor"), description="Match totals above this; null: no upper bound."
    )
    then: ThenName = _then(AmountRange)


class QuantityCheck(BaseModel):
    """商品数量: orders whose units (the sum of the line quantities) lie outside a range."""

    model_config = STRICT

    rule: Literal["quantity"]
    min_units: int | None = Field(
        default=domain_default(QuantityRange, "min_units"),
        ge=0,
        le=MAX_ORDER_UNITS,
        description="Match orders of fewer units; null: no lower bound.",
    )
    max_units: int | None = Field(
        default=domain_default(QuantityRange, "max_units"),
        ge=0,
        le=MAX_ORDER_UNITS,
        description="Match orders of more units; null: no upper bound.",
    )
    then: ThenName = _then(QuantityRange)


class SkuListCheck(BaseModel):
    """指定商品: orders with a line of one of these SKUs."""

    model_config = STRICT

    rule: Literal["sku_list"]
    skus: list[Code] = _listed("SKU codes declared in skus.")
    then: ThenName = _then(SkuList)


class TagListCheck(BaseModel):
    """商品标签: orders with a line of a SKU that carries one of these tags."""

    model_config = STRICT

    rule: Literal["tag_list"]
    tags: list[Tag] = _listed("Handling tags, e.g. fragile.")
    then: ThenName = _then(TagList)


class PriceFloorCheck(BaseModel):
    """低价: orders with a line sold for less a unit than a share of its SKU's reference price."""

    model_config = STRICT

    rule: Literal["price_floor"]
    percent: int = Field(ge=1, le=100, description="The lowest share of the reference price that passes, in percent.")
    then: ThenName = _then(PriceFloor)


class DiscountCeilingCheck(BaseModel):
    """高折扣: orders discounted by more than a share of their value before discounts."""

    model_config = STRICT

    rule: Literal["discount_ceiling"]
    percent: int = Field(ge=0, le=100, description="The largest discount that passes, in percent of the gross total.")
    then: ThenName = _then(DiscountCeiling)


class BuyerListCheck(BaseModel):
    """买家名单: orders of these buyers (a block list with then risk, an allow list with then approve)."""

    model_config = STRICT

    rule: Literal["buyer_list"]
    buyers: list[ExternalId] = _listed("Platform buyer ids, compared exactly.")
    then: ThenName = _then(BuyerList)


class RecipientListCheck(BaseModel):
    """收件人名单: orders to a recipient with one of these phones or names."""

    model_config = STRICT

    rule: Literal["recipient_list"]
    phones: list[_Phone] = Field(
        default_factory=list, max_length=MAX_RULE_ENTRIES, description="Recipient phones, compared by their digits."
    )
    names: list[_PersonName] = Field(
        default_factory=list, max_length=MAX_RULE_ENTRIES, description="Recipient names, compared normalised."
    )
    then: ThenName = _then(RecipientList)


class RegionListCheck(BaseModel):
    """地区: orders to an address inside one of these regions (or their sub-regions)."""

    model_config = STRICT

    rule: Literal["region_list"]
    regions: list[Region] = _listed("Region codes from the country down, e.g. CN/Xinjiang, CN/Zhejiang/Hangzhou.")
    then: ThenName = _then(RegionList)


class MemoKeywordsCheck(BaseModel):
    """备注关键词: orders whose memo contains one of these keywords."""

    model_config = STRICT

    rule: Literal["memo_keywords"]
    keywords: list[Keyword] = _listed("Words or phrases found anywhere in a memo, compared normalised.")
    buyer: bool = Field(default=domain_default(MemoKeywords, "buyer"), description="Look in the buyer memo.")
    seller: bool = Field(default=domain_default(MemoKeywords, "seller"), description="Look in the seller memo.")
    then: ThenName = _then(MemoKeywords)


class LineKindsCheck(BaseModel):
    """赠品 / 预售: orders with a gift line or a presale line."""

    model_config = STRICT

    rule: Literal["line_kinds"]
    gift: bool = Field(default=domain_default(LineKinds, "gift"), description="Match orders with a gift line.")
    presale: bool = Field(default=domain_default(LineKinds, "presale"), description="Match orders with a presale line.")
    then: ThenName = _then(LineKinds)


CheckConfig = Annotated[
    AmountCheck
    | QuantityCheck
    | SkuListCheck
    | TagListCheck
    | PriceFloorCheck
    | DiscountCeilingCheck
    | BuyerListCheck
    | RecipientListCheck
    | RegionListCheck
    | MemoKeywordsCheck
    | LineKindsCheck,
    Field(discriminator="rule"),
]
"""One review check, chosen by its ``rule`` name."""

#: The ``rule`` of every entry kind: pydantic puts it after the entry's index in error paths.
CHECK_RULES: Final[tuple[str, ...]] = tuple(
    get_args(kind.model_fields["rule"].annotation)[0] for kind in get_args(get_args(CheckConfig)[0])
)


def to_review_rule(entry: CheckConfig) -> ReviewRule:
    """The review rule of an entry.

    Raises:
        InvalidConfiguration: the rule refuses the values (its field is the rule's).
    """
    then = Then(entry.then)
    if isinstance(entry, AmountCheck):
        return AmountRange(min_minor=entry.min_minor, max_minor=entry.max_minor, then=then)
    if isinstance(entry, QuantityCheck):
        return QuantityRange(min_units=entry.min_units, max_units=entry.max_units, then=then)
    if isinstance(entry, SkuListCheck):
        return SkuList(skus=entry.skus, then=then)
    if isinstance(entry, TagListCheck):
        return TagList(tags=entry.tags, then=then)
    if isinstance(entry, PriceFloorCheck):
        return PriceFloor(percent=entry.percent, then=then)
    if isinstance(entry, DiscountCeilingCheck):
        return DiscountCeiling(percent=entry.percent, then=then)
    if isinstance(entry, BuyerListCheck):
        return BuyerList(buyers=entry.buyers, then=then)
    if isinstance(entry, RecipientListCheck):
        return RecipientList(phones=entry.phones, names=entry.names, then=then)
    if isinstance(entry, RegionListCheck):
        return RegionList(regions=entry.regions, then=then)
    if isinstance(entry, MemoKeywordsCheck):
        return MemoKeywords(keywords=entry.keywords, buyer=entry.buyer, seller=entry.seller, then=then)
    return LineKinds(gift=entry.gift, presale=entry.presale, then=then)
