"""The triggers of the gift rules (赠品) in the configuration file: one object per rule, chosen by its ``kind``,
and its conversion into the trigger of :mod:`omscore.policies.gifts`."""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal, get_args

from pydantic import BaseModel, Field

from omscore.boundary._fields import MAX_QUANTITY, STRICT, Code, Currency, Minor
from omscore.boundary.config.fields import MAX_ORDER_UNITS, MAX_RULE_ENTRIES, Keyword, domain_default
from omscore.domain.money import Money
from omscore.policies.gifts import AmountBand, BuyNGetM, GiftTrigger, MemoKeyword, QuantityTier, SkuPurchase


def _kind(description: str) -> Any:
    return Field(description=description)


def _skus(description: str, *, required: bool) -> Any:
    if required:
        return Field(min_length=1, max_length=MAX_RULE_ENTRIES, description=description)
    return Field(default_factory=list, max_length=MAX_RULE_ENTRIES, description=description)


def _units(description: str, **default: Any) -> Any:
    return Field(ge=1, le=MAX_ORDER_UNITS, description=description, **default)


class AmountBandTrigger(BaseModel):
    """满额赠: the buyer paid at least an amount for the non-gift lines (of some SKUs only, when given)."""

    model_config = STRICT

    kind: Literal["amount_band"] = _kind("满额赠: an amount paid, after discounts and without the shipping fee.")
    minimum_minor: Minor = Field(description="The threshold in minor units of currency (19900: 199.00 CNY).")
    currency: Currency = Field(description="ISO 4217 code of the threshold; orders in another currency never reach it.")
    skus: list[Code] = _skus("Count only the lines of these SKUs (指定商品), from skus; empty: all.", required=False)


class QuantityTierTrigger(BaseModel):
    """满件赠: the buyer bought at least a number of units of the non-gift lines (of some SKUs only, when given)."""

    model_config = STRICT

    kind: Literal["quantity_tier"] = _kind("满件赠: a number of units bought.")
    min_units: int = _units("The threshold in units, at least 1.")
    skus: list[Code] = _skus("Count only the units of these SKUs, declared in skus; empty: all.", required=False)


class SkuPurchaseTrigger(BaseModel):
    """买 A 赠 B: the order holds some units of one of these SKUs."""

    model_config = STRICT

    kind: Literal["sku_purchase"] = _kind("买 A 赠 B: one of these SKUs bought.")
    skus: list[Code] = _skus("The SKUs that earn the gift, declared in skus; at least one.", required=True)
    min_units: int = _units(
        "Units of those SKUs needed, counted together.", default=domain_default(SkuPurchase, "min_units")
    )


class BuyNGetMTrigger(BaseModel):
    """买 N 赠 M: every ``n`` units bought of these SKUs apply the rule once more (M is the quantity of its gifts)."""

    model_config = STRICT

    kind: Literal["buy_n_get_m"] = _kind("买 N 赠 M: once per n units bought; the rule's gifts are the M units.")
    skus: list[Code] = _skus("The SKUs whose units count (together), declared in skus; at least one.", required=True)
    n: int = Field(ge=1, le=MAX_QUANTITY, description="Units bought per application, at least 1.")


class MemoKeywordTrigger(BaseModel):
    """卖家备注指定赠品: a memo mentions one of these keywords (customer service promised a gift)."""

    model_config = STRICT

    kind: Literal["memo_keyword"] = _kind("备注赠品: a keyword in a memo.")
    keywords: list[Keyword] = Field(
        min_length=1,
        max_length=MAX_RULE_ENTRIES,
        description="Words or phrases found anywhere in a memo, width, case and spaces folded; at least one.",
    )
    buyer: bool = Field(
        default=domain_default(MemoKeyword, "buyer"),
        description="Look in the buyer memo too (off by default: a buyer could write the keyword themselves).",
    )
    seller: bool = Field(
        default=domain_default(MemoKeyword, "seller"),
        description="Look in the seller memo, where customer service notes what it promised.",
    )


TriggerConfig = Annotated[
    AmountBandTrigger | QuantityTierTrigger | SkuPurchaseTrigger | BuyNGetMTrigger | MemoKeywordTrigger,
    Field(discriminator="kind"),
]
"""What makes a gift rule apply, chosen by its ``kind``."""

#: The ``kind`` of every trigger: pydantic puts it after the trigger in error paths.
TRIGGER_KINDS: Final[tuple[str, ...]] = tuple(
    get_args(kind.model_fields["kind"].annotation)[0] for kind in get_args(get_args(TriggerConfig)[0])
)


def trigger_skus(entry: TriggerConfig) -> list[str]:
    """The SKUs a trigger names, in file order (none for a memo keyword)."""
    return [] if isinstance(entry, MemoKeywordTrigger) else entry.skus


def to_gift_trigger(entry: TriggerConfig) -> GiftTrigger:
    """The gift trigger of an entry.

    Raises:
        InvalidConfiguration: the trigger refuses the values (its field is the trigger's).
    """
    if isinstance(entry, AmountBandTrigger):
        return AmountBand(minimum=Money(entry.minimum_minor, entry.currency), skus=entry.skus)
    if isinstance(entry, QuantityTierTrigger):
        return QuantityTier(min_units=entry.min_units, skus=entry.skus)
    if isinstance(entry, SkuPurchaseTrigger):
        return SkuPurchase(skus=entry.skus, min_units=entry.min_units)
    if isinstance(entry, BuyNGetMTrigger):
        return BuyNGetM(skus=entry.skus, n=entry.n)
    return MemoKeyword(keywords=entry.keywords, buyer=entry.buyer, seller=entry.seller)
