"""快递策略: which carrier takes a shipment.

:class:`CarrierSelector` is the extension point the pipeline calls and :class:`CarrierDecision` its answer;
:class:`FirstEligibleCarrier` is the shipped baseline. :class:`RuleBasedCarrierSelector` decides from a
:class:`CarrierSettings`: eligibility (coverage and remote areas, weight, volume, cash on delivery, SKU tags,
shop and SKU exceptions, hard quotas), then a choice by memo, SKU, shop and region preferences, shares between
carriers, a ranking by priority, cost or SLA, and a fallback chain. :func:`choose_carrier` is the same decision
as a pure function over :class:`ParcelFacts`, returning the full :class:`CarrierChoice`.
"""

from omscore.policies.carriers.baseline import FirstEligibleCarrier, parcel_weight_g
from omscore.policies.carriers.eligibility import Rejection, RejectReason, rejections
from omscore.policies.carriers.memo import MemoMention, fold_aliases, read_memo
from omscore.policies.carriers.parcel import ParcelFacts
from omscore.policies.carriers.port import CarrierDecision, CarrierSelector
from omscore.policies.carriers.quotas import quota_full, share_pick
from omscore.policies.carriers.selector import (
    CarrierChoice,
    MemoRequest,
    RuleBasedCarrierSelector,
    Stage,
    UsageSource,
    choose_carrier,
)
from omscore.policies.carriers.settings import (
    CarrierRules,
    CarrierSettings,
    Criterion,
    MemoRules,
    RegionCarrierRule,
    ShopCarrierRule,
    SkuCarrierRule,
)

__all__ = [
    "CarrierChoice",
    "CarrierDecision",
    "CarrierRules",
    "CarrierSelector",
    "CarrierSettings",
    "Criterion",
    "FirstEligibleCarrier",
    "MemoMention",
    "MemoRequest",
    "MemoRules",
    "ParcelFacts",
    "RegionCarrierRule",
    "RejectReason",
    "Rejection",
    "RuleBasedCarrierSelector",
    "ShopCarrierRule",
    "SkuCarrierRule",
    "Stage",
    "UsageSource",
    "choose_carrier",
    "fold_aliases",
    "parcel_weight_g",
    "quota_full",
    "read_memo",
    "rejections",
    "share_pick",
]
