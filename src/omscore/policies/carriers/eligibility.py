"""Which carriers may take a parcel at all, and why the others may not.

A carrier is eligible when every check passes; all failing checks are reported, not only the first, so a
person sees at once everything that would have to change.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

import attrs

from omscore.domain.address import region_matches
from omscore.domain.identity import CarrierId
from omscore.domain.network import Carrier
from omscore.policies.carriers.parcel import ParcelFacts
from omscore.policies.carriers.quotas import quota_full
from omscore.policies.carriers.settings import CarrierRules, ShopCarrierRule, SkuCarrierRule


class RejectReason(enum.StrEnum):
    """Why a carrier cannot take a parcel."""

    LOCATION = "location"
    """It does not collect at the parcel's location."""
    REMOTE_AREA = "remote_area"
    """The recipient is in one of its excluded (remote) regions."""
    REGION = "region"
    """It does not deliver to the recipient's region."""
    WEIGHT = "weight"
    VOLUME = "volume"
    COD = "cod"
    """It does not collect cash on delivery."""
    COD_AMOUNT = "cod_amount"
    """The cash to collect is over its limit."""
    REQUIRED_TAG = "required_tag"
    """The parcel lacks a tag the carrier requires."""
    EXCLUDED_TAG = "excluded_tag"
    """The parcel carries a tag the carrier refuses."""
    SHOP = "shop"
    """A shop rule forbids it or allows only other carriers."""
    SKU = "sku"
    """A SKU or tag rule forbids it or allows only other carriers."""
    QUOTA = "quota"
    """Its hard daily quota is used up."""


@attrs.frozen
class Rejection:
    """One reason ``carrier`` cannot take the parcel, as data and as text."""

    carrier: CarrierId
    reason: RejectReason
    detail: str

    def __str__(self) -> str:
        return f"{self.carrier}: {self.detail}"


def rejections(
    carrier: Carrier,
    rules: CarrierRules,
    parcel: ParcelFacts,
    shop: ShopCarrierRule | None,
    sku_rules: Sequence[SkuCarrierRule],
    used_today: int,
) -> tuple[Rejection, ...]:
    """Every reason ``carrier`` cannot take ``parcel``; empty when it is eligible.

    Args:
        carrier: the carrier.
        rules: the merchant's extra rules for it.
        parcel: the parcel's facts.
        shop: the rule of the parcel's shop, if any.
        sku_rules: the SKU and tag rules that apply to the parcel.
        used_today: parcels it already has today (for a hard quota).
    """
    found: list[Rejection] = []

    def reject(reason: RejectReason, detail: str) -> None:
        found.append(Rejection(carrier.id, reason, detail))

    if carrier.locations and parcel.location not in carrier.locations:
        reject(RejectReason.LOCATION, f"does not collect at {parcel.location}")
    remote = [r for r in carrier.excluded_regions if region_matches(r, parcel.region)]
    if remote:
        reject(RejectReason.REMOTE_AREA, f"does not reach the remote area {remote[0]}")
    elif carrier.regions and not any(region_matches(r, parcel.region) for r in carrier.regions):
        reject(RejectReason.REGION, f"does not deliver to {parcel.region_text}")
    if carrier.max_weight_g is not None and parcel.weight_g > carrier.max_weight_g:
        reject(RejectReason.WEIGHT, f"parcel {parcel.weight_g} g is over its {carrier.max_weight_g} g limit")
    if rules.max_volume_cm3 is not None and parcel.volume_cm3 > rules.max_volume_cm3:
        reject(RejectReason.VOLUME, f"parcel {parcel.volume_cm3} cm³ is over its {rules.max_volume_cm3} cm³ limit")
    if parcel.cod_minor is not None:
        if not carrier.supports_cod:
            reject(RejectReason.COD, "does not collect cash on delivery")
        elif rules.max_cod_minor is not None and parcel.cod_minor > rules.max_cod_minor:
            reject(RejectReason.COD_AMOUNT, f"cash on delivery {parcel.cod_minor} is over its {rules.max_cod_minor}")
    missing = sorted(rules.required_tags - parcel.tags)
    if missing:
        reject(RejectReason.REQUIRED_TAG, f"takes only parcels tagged {', '.join(missing)}")
    refused = sorted(rules.excluded_tags & parcel.tags)
    if refused:
        reject(RejectReason.EXCLUDED_TAG, f"refuses parcels tagged {', '.join(refused)}")
    if shop is not None:
        if carrier.id in shop.forbidden:
            reject(RejectReason.SHOP, f"forbidden for shop {shop.channel}")
        elif shop.only and carrier.id not in shop.carriers:
            reject(RejectReason.SHOP, f"shop {shop.channel} ships only with {', '.join(shop.carriers)}")
    for rule in sku_rules:
        if carrier.id in rule.forbidden:
            reject(RejectReason.SKU, f"forbidden for {rule.label}")
        elif rule.only and carrier.id not in rule.carriers:
            reject(RejectReason.SKU, f"{rule.label} ships only with {', '.join(rule.carriers)}")
    if rules.hard_quota and quota_full(rules, used_today):
        reject(RejectReason.QUOTA, f"its daily quota of {rules.daily_quota} is used up ({used_today} today)")
    return tuple(found)
