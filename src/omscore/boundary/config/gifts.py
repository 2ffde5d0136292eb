"""The gift rules (赠品) of the configuration file: what each rule gives, when and where, how it ranks against
the others and its activity's caps; checked against the shops and SKUs the file declares, and built into the
gift settings of the pipeline."""

from __future__ import annotations

from functools import partial
from typing import Any

from pydantic import BaseModel, Field

from omscore.boundary._fields import MAX_QUANTITY, STRICT, Code, IsoDatetime, Quantity
from omscore.boundary.config.checks import Known
from omscore.boundary.config.conversion import built_at
from omscore.boundary.config.fields import MAX_NETWORK_ENTRIES, MAX_RULE_ENTRIES, domain_default
from omscore.boundary.config.gift_triggers import TriggerConfig, to_gift_trigger, trigger_skus
from omscore.boundary.errors import FieldProblem
from omscore.domain.identity import Channel, SkuCode
from omscore.policies.gifts import Gift, GiftRule, GiftSettings

#: Where the section sits in the file.
SECTION = "rules.gifts"
#: Bounds of a rule's priority.
_MAX_PRIORITY = 1_000_000
#: Most gift units an activity may give in all or to one buyer.
_MAX_CAP = 10**12


class GiftShop(BaseModel):
    """A shop a gift rule applies to."""

    model_config = STRICT

    platform: Code = Field(description="Platform of a shop declared in shops.")
    shop: Code = Field(description="Shop declared in shops.")


class GiftFallbackEntry(BaseModel):
    """A gift that stands in for another when that one is short of stock."""

    model_config = STRICT

    sku: Code = Field(description="A SKU code declared in skus; not the gift's own nor another fallback's.")
    quantity: Quantity = Field(default=domain_default(Gift, "quantity"), description="Units given instead.")


class GiftEntry(BaseModel):
    """Units of a SKU a rule gives each time it applies, with the fallbacks tried when the SKU is short."""

    model_config = STRICT

    sku: Code = Field(description="A SKU code declared in skus; each SKU once per rule.")
    quantity: Quantity = Field(default=domain_default(Gift, "quantity"), description="Units per application.")
    fallbacks: list[GiftFallbackEntry] = Field(
        default_factory=list, max_length=100, description="Gifts tried in order when this one is short of stock."
    )


class GiftRuleEntry(BaseModel):
    """One gift rule (赠品规则): a trigger, the gifts it gives, where and when it applies, and its caps."""

    model_config = STRICT

    id: Code = Field(description="The rule's id, unique among the gift rules; explanations and grants name it.")
    trigger: TriggerConfig = Field(description="What makes the rule apply, and how many times; chosen by its kind.")
    gifts: list[GiftEntry] = Field(
        min_length=1, max_length=100, description="What each application gives; at least one, each SKU once."
    )
    shops: list[GiftShop] = Field(
        default_factory=list,
        max_length=MAX_NETWORK_ENTRIES,
        description="The shops the rule applies to; with platforms, every shop when both are empty.",
    )
    platforms: list[Code] = Field(
        default_factory=list,
        max_length=MAX_NETWORK_ENTRIES,
        description="Platforms (tmall, jd …) of the file's shops whose every shop the rule applies to.",
    )
    starts_at: IsoDatetime | None = Field(
        default=domain_default(GiftRule, "starts_at"),
        description="The activity starts at this moment, inclusive (ISO 8601 with offset); null: it always ran.",
    )
    ends_at: IsoDatetime | None = Field(
        default=domain_default(GiftRule, "ends_at"),
        description="The activity ends at this moment, exclusive (ISO 8601 with offset), after starts_at; "
        "null: it does not end.",
    )
    priority: int = Field(
        default=domain_default(GiftRule, "priority"),
        ge=-_MAX_PRIORITY,
        le=_MAX_PRIORITY,
        description="Rules are taken by priority, lower first, then by id.",
    )
    group: Code | None = Field(
        default=domain_default(GiftRule, "group"),
        description="Exclusive group: of its rules, only the first by (priority, id) that gives anything gives; "
        "null: the rule stacks with every other.",
    )
    per_order_limit: int | None = Field(
        default=domain_default(GiftRule, "per_order_limit"),
        ge=1,
        le=MAX_QUANTITY,
        description="The most times the rule applies to one order; null: as often as its trigger says.",
    )
    quota: int | None = Field(
        default=domain_default(GiftRule, "quota"),
        ge=0,
        le=_MAX_CAP,
        description="赠送总量: gift units the activity may give in all; null: no cap.",
    )
    per_buyer: int | None = Field(
        default=domain_default(GiftRule, "per_buyer"),
        ge=0,
        le=_MAX_CAP,
        description="Gift units the activity may give one buyer; null: no cap.",
    )
    activity: Code | None = Field(
        default=None,
        description="The activity whose caps the rule's gifts count against; null: the rule's id. The rules of "
        "one activity state the same quota and per_buyer.",
    )

    @property
    def activity_name(self) -> str:
        """The activity the rule counts against: ``activity``, else the rule's id."""
        return self.id if self.activity is None else self.activity


class GiftsConfig(BaseModel):
    """赠品: the gift rules an approved order runs before it is routed."""

    model_config = STRICT

    rules: list[GiftRuleEntry] = Field(
        default_factory=list,
        max_length=MAX_RULE_ENTRIES,
        description="The gift rules of every shop (each may name its shops and platforms), ids unique.",
    )


def check_gifts(section: GiftsConfig, known: Known) -> list[FieldProblem]:
    """Rule ids once each; every SKU, shop and platform a rule names declared, each once in its list; a rule's
    gifts and fallbacks each a different SKU; windows that end after they start; one quota and one per-buyer
    cap per activity."""
    problems: list[FieldProblem] = []
    ids: dict[str, str] = {}
    activities: dict[str, GiftRuleEntry] = {}
    for i, rule in enumerate(section.rules):
        at = f"{SECTION}.rules.{i}"
        if rule.id in ids:
            problems.append(FieldProblem(f"{at}.id", rule.id, f"duplicate rule id (also {ids[rule.id]})", "duplicate"))
        ids.setdefault(rule.id, at)
        problems += _check_rule(at, rule, known)
        first = activities.setdefault(rule.activity_name, rule)
        for cap in ("quota", "per_buyer"):
            if getattr(rule, cap) != getattr(first, cap):
                reason = f"rule {first.id} of activity {rule.activity_name} states {getattr(first, cap)}"
                problems.append(FieldProblem(f"{at}.{cap}", getattr(rule, cap), reason, "activity_caps_differ"))
    return problems


def _check_rule(at: str, rule: GiftRuleEntry, known: Known) -> list[FieldProblem]:
    problems: list[FieldProblem] = []

    def once(seen: set[Any], key: Any, field: str, value: Any, reason: str) -> None:
        if key in seen:
            problems.append(FieldProblem(field, value, reason, "duplicate"))
        seen.add(key)

    def sku(field: str, code: str) -> None:
        if code not in known.skus:
            problems.append(FieldProblem(field, code, "unknown SKU", "unknown_reference"))

    seen: set[Any] = set()
    for j, code in enumerate(trigger_skus(rule.trigger)):
        sku(f"{at}.trigger.skus.{j}", code)
        once(seen, code, f"{at}.trigger.skus.{j}", code, "duplicate SKU in the trigger")
    gifts: set[str] = set()
    for j, gift in enumerate(rule.gifts):
        sku(f"{at}.gifts.{j}.sku", gift.sku)
        once(gifts, gift.sku, f"{at}.gifts.{j}.sku", gift.sku, "the SKU is already a gift of the rule")
        options = {gift.sku}
        for k, fallback in enumerate(gift.fallbacks):
            field = f"{at}.gifts.{j}.fallbacks.{k}.sku"
            sku(field, fallback.sku)
            once(options, fallback.sku, field, fallback.sku, "the SKU is already the gift or one of its fallbacks")
    seen = set()
    for j, shop in enumerate(rule.shops):
        pair, named = (shop.platform, shop.shop), f"{shop.platform}:{shop.shop}"
        if pair not in known.shops:
            problems.append(FieldProblem(f"{at}.shops.{j}.shop", named, "shop not declared", "unknown_reference"))
        once(seen, pair, f"{at}.shops.{j}.shop", named, "duplicate shop in the rule")
    platforms = {platform for platform, _ in known.shops}
    seen = set()
    for j, platform in enumerate(rule.platforms):
        if platform not in platforms:
            reason = "no shop declared in shops is on this platform"
            problems.append(FieldProblem(f"{at}.platforms.{j}", platform, reason, "unknown_reference"))
        once(seen, platform, f"{at}.platforms.{j}", platform, "duplicate platform in the rule")
    if rule.starts_at is not None and rule.ends_at is not None and rule.ends_at <= rule.starts_at:
        reason = f"an activity must end after it starts ({rule.starts_at.isoformat()})"
        problems.append(FieldProblem(f"{at}.ends_at", rule.ends_at.isoformat(), reason, "ends_before_starts"))
    return problems


def to_gift_settings(section: GiftsConfig) -> GiftSettings:
    """The gift settings: the rules of ``section``, in file order.

    Raises:
        InvalidConfiguration: a rule, trigger or gift refuses its values; the field is its path in the document.
    """
    rules = tuple(built_at(f"{SECTION}.rules.{i}", partial(_to_rule, e)) for i, e in enumerate(section.rules))
    return built_at(SECTION, lambda: GiftSettings(rules=rules))


def _to_rule(entry: GiftRuleEntry) -> GiftRule:
    return GiftRule(
        id=entry.id,
        trigger=built_at("trigger", partial(to_gift_trigger, entry.trigger)),
        gifts=tuple(built_at(f"gifts.{j}", partial(_to_gift, gift)) for j, gift in enumerate(entry.gifts)),
        channels=frozenset(Channel(shop.platform, shop.shop) for shop in entry.shops),
        platforms=entry.platforms,
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
        priority=entry.priority,
        group=entry.group,
        per_order_limit=entry.per_order_limit,
        quota=entry.quota,
        per_buyer=entry.per_buyer,
        activity=entry.activity_name,
    )


def _to_gift(entry: GiftEntry) -> Gift:
    fallbacks = tuple(Gift(SkuCode(fallback.sku), fallback.quantity) for fallback in entry.fallbacks)
    return Gift(SkuCode(entry.sku), entry.quantity, fallbacks)
