"""The merchant's carrier rules (快递策略): per-carrier limits, quotas and shares, shop and SKU exceptions,
region preferences, the ranking, the fallback chain and the memo alias table.

Every list keeps the order it is given in, and that order is part of the decision wherever it matters
(preferred carriers are tried in list order; SKU rules in list order).
"""

from __future__ import annotations

import enum
import types
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from omscore.domain.address import normalise_text
from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import CarrierId, Channel, SkuCode
from omscore.domain.network import Network
from omscore.policies.carriers.memo import DEFAULT_ALIASES, DEFAULT_NEGATIONS, fold_aliases
from omscore.policies.promise import TransitTable


class Criterion(enum.StrEnum):
    """What the ranking compares, in the order given; the carrier id breaks any remaining tie."""

    PRIORITY = "priority"
    """The carrier's ``priority``: lower first."""
    COST = "cost"
    """The parcel's price with the carrier (chargeable weight, see :attr:`CarrierRules.volumetric_divisor`)."""
    SLA = "sla"
    """Transit days to the recipient's region (the :class:`~omscore.policies.promise.TransitTable`)."""


def _ids(values: Iterable[str]) -> tuple[CarrierId, ...]:
    ids = tuple(CarrierId(v) for v in values)
    if len(set(ids)) != len(ids):
        raise InvalidConfiguration("carriers", list(ids), "a carrier is listed twice")
    return ids


def _optional_ids(values: Iterable[str] | None) -> tuple[CarrierId, ...] | None:
    return None if values is None else _ids(values)


def _id_set(values: Iterable[str]) -> frozenset[CarrierId]:
    return frozenset(CarrierId(v) for v in values)


def _tags(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


def _criteria(values: Iterable[str]) -> tuple[Criterion, ...]:
    raw = tuple(values)
    try:
        criteria = tuple(Criterion(v) for v in raw)
    except ValueError as e:
        raise InvalidConfiguration("rank_by", list(raw), f"criteria are {', '.join(Criterion)}") from e
    if len(set(criteria)) != len(criteria):
        raise InvalidConfiguration("rank_by", list(raw), "a criterion is listed twice")
    return criteria


def _optional_criteria(values: Iterable[str] | None) -> tuple[Criterion, ...] | None:
    return None if values is None else _criteria(values)


def _non_negative(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and (type(value) is not int or value < 0):
        raise InvalidConfiguration(attribute.name, value, "must be a whole number, not negative")


def _positive(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and (type(value) is not int or value <= 0):
        raise InvalidConfiguration(attribute.name, value, "must be a positive whole number")


@attrs.frozen
class CarrierRules:
    """What the merchant adds to a carrier beyond :class:`~omscore.domain.network.Carrier`.

    Attributes:
        carrier: the carrier these rules are for.
        max_volume_cm3: largest parcel volume it takes, or ``None``.
        max_cod_minor: most cash it collects on delivery for one parcel (minor units), or ``None``.
        required_tags: it takes only parcels carrying every one of these SKU tags (a cold-chain service).
        excluded_tags: it refuses parcels carrying any of these SKU tags (``battery``, ``liquid`` …).
        volumetric_divisor: charge by volume weight when heavier: ``volume_cm3 × 1000 / divisor`` grams
            (6000 is common); ``None`` = by actual weight only.
        daily_quota: parcels a day it should get (at one location, see :class:`UsageSource`); ``None`` = no limit.
        hard_quota: a full carrier is not eligible at all; by default it is used only when no other carrier is.
        share: its weight in the daily split between carriers (``ZTO 3, YTO 1`` = 75% / 25%); 0 = not shared.
    """

    carrier: CarrierId = attrs.field(converter=CarrierId)
    max_volume_cm3: int | None = attrs.field(default=None, validator=_non_negative)
    max_cod_minor: int | None = attrs.field(default=None, validator=_non_negative)
    required_tags: frozenset[str] = attrs.field(default=frozenset(), converter=_tags)
    excluded_tags: frozenset[str] = attrs.field(default=frozenset(), converter=_tags)
    volumetric_divisor: int | None = attrs.field(default=None, validator=_positive)
    daily_quota: int | None = attrs.field(default=None, validator=_non_negative)
    hard_quota: bool = False
    share: int = attrs.field(default=0, validator=_non_negative)

    def chargeable_weight_g(self, weight_g: int, volume_cm3: int) -> int:
        """The weight a parcel is priced by: its actual weight, or its volume weight when that is more."""
        if self.volumetric_divisor is None:
            return weight_g
        return max(weight_g, -(-volume_cm3 * 1000 // self.volumetric_divisor))


@attrs.frozen
class ShopCarrierRule:
    """例外店铺: how a shop's parcels choose carriers, overriding the merchant-wide settings.

    Attributes:
        channel: the shop.
        carriers: carriers it prefers, tried in this order before region preferences and ranking.
        only: the shop's parcels go with no carrier outside ``carriers``.
        forbidden: carriers never used for the shop.
        rank_by: the shop's ranking; ``None`` = the merchant's.
        candidates: the carriers the shop's ranking chooses among; ``None`` = the merchant's.
        fallback: the shop's fallback chain; ``None`` = the merchant's.
    """

    channel: Channel
    carriers: tuple[CarrierId, ...] = attrs.field(default=(), converter=_ids)
    only: bool = False
    forbidden: frozenset[CarrierId] = attrs.field(default=frozenset(), converter=_id_set)
    rank_by: tuple[Criterion, ...] | None = attrs.field(default=None, converter=_optional_criteria)
    candidates: tuple[CarrierId, ...] | None = attrs.field(default=None, converter=_optional_ids)
    fallback: tuple[CarrierId, ...] | None = attrs.field(default=None, converter=_optional_ids)

    def __attrs_post_init__(self) -> None:
        if self.only and not self.carriers:
            raise InvalidConfiguration("only", True, f"shop {self.channel} allows only listed carriers but lists none")


@attrs.frozen
class SkuCarrierRule:
    """例外商品: carriers a SKU, or every SKU with a tag, needs or must not use.

    Attributes:
        sku: the SKU the rule is for (give ``sku`` or ``tag``, not both).
        tag: the SKU tag the rule is for (``cold_chain``, ``fragile`` …).
        carriers: carriers preferred for parcels with it, in order (tried before the shop's).
        only: parcels with it go with no carrier outside ``carriers``.
        forbidden: carriers never used for parcels with it.
    """

    sku: SkuCode | None = attrs.field(default=None, converter=attrs.converters.optional(SkuCode))
    tag: str | None = None
    carriers: tuple[CarrierId, ...] = attrs.field(default=(), converter=_ids)
    only: bool = False
    forbidden: frozenset[CarrierId] = attrs.field(default=frozenset(), converter=_id_set)

    def __attrs_post_init__(self) -> None:
        if (self.sku is None) == (self.tag is None):
            raise InvalidConfiguration("sku", self.sku or self.tag, "a SKU rule names exactly one SKU or one tag")
        if self.only and not self.carriers:
            raise InvalidConfiguration("only", True, f"rule {self.label} allows only listed carriers but lists none")

    @property
    def label(self) -> str:
        return f"sku {self.sku}" if self.sku is not None else f"tag {self.tag}"

    def applies(self, skus: frozenset[SkuCode], tags: frozenset[str]) -> bool:
        return self.sku in skus if self.sku is not None else self.tag in tags


@attrs.frozen
class RegionCarrierRule:
    """地区匹配: carriers preferred for parcels to a region and its sub-regions, in order.

    A parcel tries the rule of its most specific region first, then those of the regions around it.
    """

    region: str
    carriers: tuple[CarrierId, ...] = attrs.field(converter=_ids)

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(normalise_text(p) for p in self.region.split("/") if p.strip())


def _aliases(values: Mapping[str, str]) -> Mapping[str, CarrierId]:
    return types.MappingProxyType({alias: CarrierId(carrier) for alias, carrier in values.items()})


def _words(values: Iterable[str]) -> tuple[str, ...]:
    words = tuple(values)
    if any(not normalise_text(w) for w in words):
        raise InvalidConfiguration("memo.negations", list(words), "a negation must not be blank")
    return words


@attrs.frozen
class MemoRules:
    """根据备注提取物流: carriers named in memos.

    Attributes:
        read_seller_memo: read the seller's memo (read first: the merchant's word wins over the buyer's).
        read_buyer_memo: read the buyer's memo.
        aliases: names and abbreviations of carriers in memos → carrier id (matched case- and
            width-insensitively; Latin aliases only as whole words). A carrier's own id always counts too.
        negations: words that, earlier in the same clause, turn a mention into a refusal ("不要中通").
    """

    read_seller_memo: bool = True
    read_buyer_memo: bool = True
    aliases: Mapping[str, CarrierId] = attrs.field(default=DEFAULT_ALIASES, converter=_aliases)
    negations: tuple[str, ...] = attrs.field(default=DEFAULT_NEGATIONS, converter=_words)
    _folded: Mapping[str, CarrierId] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_folded", types.MappingProxyType(fold_aliases(self.aliases)))

    @property
    def folded_aliases(self) -> Mapping[str, CarrierId]:
        """The aliases folded as memos are (see :func:`~omscore.policies.carriers.memo.fold_aliases`)."""
        return self._folded


def _carrier_rules(values: Iterable[CarrierRules]) -> tuple[CarrierRules, ...]:
    rules = tuple(values)
    seen: set[CarrierId] = set()
    for index, rule in enumerate(rules):
        if rule.carrier in seen:
            raise InvalidConfiguration(f"rules.{index}.carrier", rule.carrier, "a second rule set for the carrier")
        seen.add(rule.carrier)
    return rules


def _shop_rules(values: Iterable[ShopCarrierRule]) -> tuple[ShopCarrierRule, ...]:
    rules = tuple(values)
    seen: set[Channel] = set()
    for index, rule in enumerate(rules):
        if rule.channel in seen:
            raise InvalidConfiguration(f"shops.{index}.channel", str(rule.channel), "a second rule for the shop")
        seen.add(rule.channel)
    return rules


def _sku_rules(values: Iterable[SkuCarrierRule]) -> tuple[SkuCarrierRule, ...]:
    return tuple(values)


def _region_rules(values: Iterable[RegionCarrierRule]) -> tuple[RegionCarrierRule, ...]:
    rules = tuple(values)
    seen: dict[tuple[str, ...], str] = {}
    for index, rule in enumerate(rules):
        if not rule.parts:
            raise InvalidConfiguration(f"regions.{index}.region", rule.region, "a region code must not be blank")
        if rule.parts in seen:
            raise InvalidConfiguration(f"regions.{index}.region", rule.region, f"the same as {seen[rule.parts]!r}")
        seen[rule.parts] = rule.region
    return rules


@attrs.frozen
class CarrierSettings:
    """How the rule-based selector chooses carriers.

    Attributes:
        rank_by: the ranking used when no preference decides: criteria compared in order, then the carrier id.
        candidates: the carriers the ranking chooses among; ``None`` = every carrier of the network.
        fallback: 补充策略: carriers tried in order when nothing else found an eligible carrier.
        rules: per-carrier limits, quotas and shares.
        shops: per-shop exceptions.
        skus: per-SKU and per-tag exceptions, in precedence order.
        regions: region preferences.
        memo: reading carriers from memos.
        transit: transit days, for ranking by SLA (the same table as the promise's).
    """

    rank_by: tuple[Criterion, ...] = attrs.field(default=(Criterion.PRIORITY,), converter=_criteria)
    candidates: tuple[CarrierId, ...] | None = attrs.field(default=None, converter=_optional_ids)
    fallback: tuple[CarrierId, ...] = attrs.field(default=(), converter=_ids)
    rules: tuple[CarrierRules, ...] = attrs.field(default=(), converter=_carrier_rules)
    shops: tuple[ShopCarrierRule, ...] = attrs.field(default=(), converter=_shop_rules)
    skus: tuple[SkuCarrierRule, ...] = attrs.field(default=(), converter=_sku_rules)
    regions: tuple[RegionCarrierRule, ...] = attrs.field(default=(), converter=_region_rules)
    memo: MemoRules = attrs.field(factory=MemoRules)
    transit: TransitTable = attrs.field(factory=TransitTable)
    _rules: Mapping[CarrierId, CarrierRules] = attrs.field(init=False, repr=False, eq=False)
    _shops: Mapping[Channel, ShopCarrierRule] = attrs.field(init=False, repr=False, eq=False)
    _regions: tuple[RegionCarrierRule, ...] = attrs.field(init=False, repr=False, eq=False)
    _defaults: dict[CarrierId, CarrierRules] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_rules", {rule.carrier: rule for rule in self.rules})
        object.__setattr__(self, "_defaults", {})
        object.__setattr__(self, "_shops", {rule.channel: rule for rule in self.shops})
        deepest_first = sorted(self.regions, key=lambda r: (-len(r.parts), r.parts))
        object.__setattr__(self, "_regions", tuple(deepest_first))

    def rules_for(self, carrier: CarrierId) -> CarrierRules:
        """The carrier's rules; a carrier without any has no extra limits."""
        found = self._rules.get(carrier) or self._defaults.get(carrier)
        if found is None:
            found = self._defaults[carrier] = CarrierRules(carrier)
        return found

    def shop(self, channel: Channel) -> ShopCarrierRule | None:
        return self._shops.get(channel)

    def sku_rules(self, skus: frozenset[SkuCode], tags: frozenset[str]) -> tuple[SkuCarrierRule, ...]:
        """The SKU rules that apply to a parcel with ``skus`` and ``tags``, in settings order."""
        return tuple(rule for rule in self.skus if rule.applies(skus, tags))

    def region_rules(self, path: tuple[str, ...]) -> tuple[RegionCarrierRule, ...]:
        """The region rules covering ``path``, the most specific first."""
        return tuple(r for r in self._regions if len(r.parts) <= len(path) and path[: len(r.parts)] == r.parts)

    def check(self, network: Network) -> None:
        """Check that every carrier the settings name is a carrier of ``network``.

        Raises:
            InvalidConfiguration: naming the first field that refers to an unknown carrier.
        """
        known = set(network.carriers)

        def need(field: str, ids: Iterable[CarrierId]) -> None:
            for index, carrier in enumerate(ids):
                if carrier not in known:
                    raise InvalidConfiguration(f"{field}.{index}", carrier, "not a carrier of the network")

        need("candidates", self.candidates or ())
        need("fallback", self.fallback)
        need("rules", (r.carrier for r in self.rules))
        for i, shop in enumerate(self.shops):
            need(f"shops.{i}.carriers", shop.carriers)
            need(f"shops.{i}.forbidden", sorted(shop.forbidden))
            need(f"shops.{i}.candidates", shop.candidates or ())
            need(f"shops.{i}.fallback", shop.fallback or ())
        for i, sku in enumerate(self.skus):
            need(f"skus.{i}.carriers", sku.carriers)
            need(f"skus.{i}.forbidden", sorted(sku.forbidden))
        for i, region in enumerate(self.regions):
            need(f"regions.{i}.carriers", region.carriers)
        need("transit", (t.carrier for t in self.transit.carriers))
