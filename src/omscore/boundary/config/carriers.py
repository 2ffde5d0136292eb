"""The carrier rules of the configuration file (快递策略): ranking, per-carrier limits and quotas, region, SKU and
shop preferences (carriers named in memos are in :mod:`.memo`), with their cross-checks and their conversion
into carrier selection settings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from omscore.boundary._fields import STRICT, Code, Minor, Region, Tag
from omscore.boundary.config.checks import Known, region_parts
from omscore.boundary.config.conversion import built_at, converted
from omscore.boundary.config.fields import MAX_NETWORK_ENTRIES, MAX_RULE_ENTRIES, TagList, domain_default
from omscore.boundary.config.memo import MemoConfig, check_memo, to_memo_rules
from omscore.boundary.errors import FieldProblem
from omscore.domain.identity import CarrierId, Channel, SkuCode
from omscore.policies.carriers.settings import (
    CarrierRules,
    CarrierSettings,
    RegionCarrierRule,
    ShopCarrierRule,
    SkuCarrierRule,
)
from omscore.policies.promise import TransitTable

CriterionName = Literal["priority", "cost", "sla"]
"""The values of :class:`~omscore.policies.carriers.settings.Criterion` (a test keeps them equal)."""
_CarrierList = Annotated[list[Code], Field(max_length=1_000)]
_RankBy = Annotated[list[CriterionName], Field(max_length=3)]


class CarrierRulesConfig(BaseModel):
    """What the merchant adds to one carrier: limits, quota and share."""

    model_config = STRICT

    carrier: Code = Field(description="A carrier id declared in carriers.")
    max_volume_cm3: int | None = Field(
        default=domain_default(CarrierRules, "max_volume_cm3"),
        ge=0,
        le=10**9,
        description="Largest parcel; null: no limit.",
    )
    max_cod_minor: Minor | None = Field(
        default=domain_default(CarrierRules, "max_cod_minor"),
        description="Most cash it collects on delivery for one parcel; null: no limit.",
    )
    required_tags: TagList = Field(
        default_factory=list, max_length=32, description="It takes only parcels carrying every one of these tags."
    )
    excluded_tags: TagList = Field(
        default_factory=list, max_length=32, description="It refuses parcels carrying any of these tags."
    )
    volumetric_divisor: int | None = Field(
        default=domain_default(CarrierRules, "volumetric_divisor"),
        ge=1,
        le=10**6,
        description="Charge by volume weight (volume_cm3 × 1000 / divisor grams) when heavier; null: actual weight.",
    )
    daily_quota: int | None = Field(
        default=domain_default(CarrierRules, "daily_quota"),
        ge=0,
        le=10**9,
        description="Parcels a day it should get at one location; null: no limit.",
    )
    hard_quota: bool = Field(
        default=domain_default(CarrierRules, "hard_quota"),
        description="A full carrier is not eligible at all (otherwise used only when no other carrier is).",
    )
    share: int = Field(
        default=domain_default(CarrierRules, "share"),
        ge=0,
        le=10**6,
        description="Its weight in the daily split between carriers; 0: not shared.",
    )


class RegionCarriersConfig(BaseModel):
    """地区匹配: carriers preferred for a region and its sub-regions."""

    model_config = STRICT

    region: Region = Field(description="A region code, e.g. CN/Zhejiang.")
    carriers: Annotated[list[Code], Field(min_length=1, max_length=1_000)] = Field(
        description="Carrier ids preferred, in order."
    )


class SkuCarriersConfig(BaseModel):
    """例外商品: carriers a SKU, or every SKU with a tag, needs or must not use."""

    model_config = STRICT

    sku: Code | None = Field(default=None, description="A SKU code declared in skus (give sku or tag).")
    tag: Tag | None = Field(default=None, description="A SKU tag (give sku or tag).")
    carriers: _CarrierList = Field(default_factory=list, description="Carrier ids preferred, in order.")
    only: bool = Field(default=False, description="Parcels with it go with no carrier outside carriers.")
    forbidden: _CarrierList = Field(default_factory=list, description="Carrier ids never used for it.")


class CarriersConfig(BaseModel):
    """快递策略: how carriers are chosen."""

    model_config = STRICT

    rank_by: _RankBy = Field(
        default_factory=lambda: [c.value for c in domain_default(CarrierSettings, "rank_by")],
        description="Criteria compared in order when no preference decides: priority, cost, sla; then the id.",
    )
    candidates: _CarrierList | None = Field(
        default=None, description="The carriers the ranking chooses among; null: every carrier."
    )
    fallback: _CarrierList = Field(
        default_factory=list, description="补充策略: carriers tried in order when nothing else found one."
    )
    rules: list[CarrierRulesConfig] = Field(
        default_factory=list, max_length=MAX_NETWORK_ENTRIES, description="Per-carrier limits, quotas and shares."
    )
    regions: list[RegionCarriersConfig] = Field(
        default_factory=list, max_length=MAX_RULE_ENTRIES, description="Region preferences, each region once."
    )
    skus: list[SkuCarriersConfig] = Field(
        default_factory=list, max_length=MAX_RULE_ENTRIES, description="SKU and tag rules, in precedence order."
    )
    memo: MemoConfig = Field(default_factory=MemoConfig, description="Reading carriers from memos.")


class ShopCarriersConfig(BaseModel):
    """例外店铺: how one shop's parcels choose carriers."""

    model_config = STRICT

    carriers: _CarrierList = Field(default_factory=list, description="Carrier ids the shop prefers, in order.")
    only: bool = Field(
        default=domain_default(ShopCarrierRule, "only"),
        description="The shop's parcels go with no carrier outside carriers.",
    )
    forbidden: _CarrierList = Field(default_factory=list, description="Carrier ids never used for the shop.")
    rank_by: _RankBy | None = Field(default=None, description="The shop's ranking; null: the merchant's.")
    candidates: _CarrierList | None = Field(
        default=None, description="The carriers the shop's ranking chooses among; null: the merchant's."
    )
    fallback: _CarrierList | None = Field(default=None, description="The shop's fallback chain; null: the merchant's.")


def _check_carrier_list(path: str, ids: Iterable[str] | None) -> list[FieldProblem]:
    seen: set[str] = set()
    problems: list[FieldProblem] = []
    for j, carrier in enumerate(ids or ()):
        if carrier in seen:
            problems.append(FieldProblem(f"{path}.{j}", carrier, "the carrier is listed twice", "duplicate"))
        seen.add(carrier)
    return problems


def _check_rank_by(path: str, rank_by: Iterable[str] | None) -> list[FieldProblem]:
    seen: set[str] = set()
    problems: list[FieldProblem] = []
    for j, criterion in enumerate(rank_by or ()):
        if criterion in seen:
            problems.append(FieldProblem(f"{path}.{j}", criterion, "the criterion is listed twice", "duplicate"))
        seen.add(criterion)
    return problems


def check_carriers(
    section: CarriersConfig, shop_carriers: Sequence[ShopCarriersConfig | None], known: Known, carriers: set[str]
) -> list[FieldProblem]:
    """The carrier rules: no duplicates, an ``only`` with carriers, declared SKUs and memo carriers. Unknown
    carrier ids in the selection lists are reported by :meth:`CarrierSettings.check` during conversion.
    ``shop_carriers`` holds the ``carriers`` section of each shop, in the order of the shops."""
    at = "rules.carriers"
    problems = _check_rank_by(f"{at}.rank_by", section.rank_by)
    problems += _check_carrier_list(f"{at}.candidates", section.candidates)
    problems += _check_carrier_list(f"{at}.fallback", section.fallback)
    seen: set[Any] = set()
    for i, rules in enumerate(section.rules):
        if rules.carrier in seen:
            problems.append(FieldProblem(f"{at}.rules.{i}.carrier", rules.carrier, "duplicate carrier", "duplicate"))
        seen.add(rules.carrier)
    seen = set()
    for i, region in enumerate(section.regions):
        parts = region_parts(region.region)
        if parts in seen:
            problems.append(FieldProblem(f"{at}.regions.{i}.region", region.region, "duplicate region", "duplicate"))
        seen.add(parts)
        problems += _check_carrier_list(f"{at}.regions.{i}.carriers", region.carriers)
    for i, sku in enumerate(section.skus):
        if (sku.sku is None) == (sku.tag is None):
            problems.append(
                FieldProblem(f"{at}.skus.{i}", sku.sku or sku.tag, "give exactly one of sku or tag", "sku_or_tag")
            )
        elif sku.sku is not None and sku.sku not in known.skus:
            problems.append(FieldProblem(f"{at}.skus.{i}.sku", sku.sku, "unknown SKU", "unknown_reference"))
        if sku.only and not sku.carriers:
            problems.append(
                FieldProblem(f"{at}.skus.{i}.only", True, "only needs carriers to list", "only_without_carriers")
            )
        problems += _check_carrier_list(f"{at}.skus.{i}.carriers", sku.carriers)
    problems += check_memo(f"{at}.memo", section.memo, carriers)
    for i, own in enumerate(shop_carriers):
        if own is None:
            continue
        here = f"shops.{i}.carriers"
        if own.only and not own.carriers:
            problems.append(FieldProblem(f"{here}.only", True, "only needs carriers to list", "only_without_carriers"))
        problems += _check_rank_by(f"{here}.rank_by", own.rank_by)
        for name in ("carriers", "candidates", "fallback"):
            problems += _check_carrier_list(f"{here}.{name}", getattr(own, name))
    return problems


def to_carrier_settings(
    section: CarriersConfig,
    shop_carriers: Sequence[ShopCarriersConfig | None],
    channels: tuple[Channel, ...],
    transit: TransitTable,
) -> CarrierSettings:
    """The carrier selection settings: the merchant's rules, each shop's own (``shop_carriers``, in the order of
    ``channels``) and the memo names, with the transit table the promise shares."""
    at = "rules.carriers"
    shop_rules = tuple(
        built_at(
            f"shops.{i}.carriers",
            lambda ch=ch, c=own: ShopCarrierRule(  # type: ignore[misc]
                ch,
                carriers=converted(c.carriers),
                only=c.only,
                forbidden=converted(c.forbidden),
                rank_by=c.rank_by,
                candidates=c.candidates,
                fallback=c.fallback,
            ),
        )
        for i, (ch, own) in enumerate(zip(channels, shop_carriers, strict=True))
        if own is not None
    )
    return built_at(
        at,
        lambda: CarrierSettings(
            rank_by=converted(section.rank_by),
            candidates=section.candidates,
            fallback=converted(section.fallback),
            rules=tuple(
                CarrierRules(
                    CarrierId(r.carrier),
                    max_volume_cm3=r.max_volume_cm3,
                    max_cod_minor=r.max_cod_minor,
                    required_tags=converted(r.required_tags),
                    excluded_tags=converted(r.excluded_tags),
                    volumetric_divisor=r.volumetric_divisor,
                    daily_quota=r.daily_quota,
                    hard_quota=r.hard_quota,
                    share=r.share,
                )
                for r in section.rules
            ),
            shops=shop_rules,
            skus=tuple(
                SkuCarrierRule(
                    sku=None if r.sku is None else SkuCode(r.sku),
                    tag=r.tag,
                    carriers=converted(r.carriers),
                    only=r.only,
                    forbidden=converted(r.forbidden),
                )
                for r in section.skus
            ),
            regions=tuple(RegionCarrierRule(r.region, converted(r.carriers)) for r in section.regions),
            memo=to_memo_rules(section.memo),
            transit=transit,
        ),
    )


def document_path(section: CarriersConfig, shop_carriers: Sequence[ShopCarriersConfig | None], field: str) -> str:
    """The document path of a field :meth:`CarrierSettings.check` names (``shops.0.carriers.1`` of the
    settings → ``shops.<index in the document>.carriers.carriers.<index in the document's list>``)."""
    parts = field.split(".")
    value_index = int(parts[-1]) if parts[-1].isdigit() else None
    if parts[0] == "rules" and value_index is not None:
        return f"rules.carriers.rules.{value_index}.carrier"
    if parts[0] == "transit" and value_index is not None:
        return f"rules.promise.transit.{value_index}.carrier"
    if parts[0] == "shops" and len(parts) == 4:
        shops = [i for i, own in enumerate(shop_carriers) if own is not None]
        index = shops[int(parts[1])]
        given = getattr(shop_carriers[index], parts[2])
        return f"shops.{index}.carriers.{parts[2]}.{_position(given, parts, field)}"
    if parts[0] in {"skus", "regions"} and len(parts) == 4:
        entry = getattr(section, parts[0])[int(parts[1])]
        return f"rules.carriers.{parts[0]}.{parts[1]}.{parts[2]}.{_position(getattr(entry, parts[2]), parts, field)}"
    return f"rules.carriers.{field}"


def _position(given: list[str], parts: list[str], field: str) -> str:
    """The index in the document's list of the carrier the settings list (in their own order) at ``parts[-1]``."""
    return parts[-1] if parts[2] != "forbidden" else str(given.index(sorted(set(given))[int(parts[-1])]))
