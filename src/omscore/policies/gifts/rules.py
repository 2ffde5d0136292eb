"""赠品 rules: what a rule gives, where and when it applies, how it ranks against others, and its activity's caps.

A :class:`GiftRule` joins a trigger (:mod:`~omscore.policies.gifts.triggers`) to the :class:`Gift` s it gives
each time it applies. It applies only to its shops and platforms (every shop when none are named) and to orders
placed inside its activity window. Rules are taken by ``(priority, id)``; rules of one exclusive ``group`` give
one at most, and rules without a group stack. ``quota`` and ``per_buyer`` cap the gift units of the rule's
activity, which several rules (the bands of one promotion) may share.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import Channel, SkuCode
from omscore.policies.gifts._checks import (
    aware_or_none,
    entries,
    moment,
    non_blank,
    not_negative_or_none,
    positive,
    positive_or_none,
    whole,
)
from omscore.policies.gifts.port import GiftTrigger


def _sku(instance: object, attribute: attrs.Attribute[SkuCode], value: SkuCode) -> None:
    non_blank(attribute.name, value)


def _fallbacks(values: Iterable[Gift]) -> tuple[Gift, ...]:
    return entries("fallbacks", values)


@attrs.frozen
class Gift:
    """``quantity`` units of ``sku`` given each time a rule applies — or, when its stock is short, the first of
    ``fallbacks`` that is in stock.

    Attributes:
        sku: the gift's SKU.
        quantity: units per application, at least 1.
        fallbacks: the gifts that stand in for this one when it is short, tried in order; each a different SKU,
            with no fallbacks of its own.

    Raises:
        InvalidConfiguration: a blank SKU, a quantity below 1, or a fallback that is not a :class:`Gift`, has
            fallbacks itself, or repeats the gift's SKU or another fallback's (field ``fallbacks.<index>…``).
    """

    sku: SkuCode = attrs.field(validator=_sku)
    quantity: int = attrs.field(default=1, validator=positive)
    fallbacks: tuple[Gift, ...] = attrs.field(default=(), converter=_fallbacks)

    def __attrs_post_init__(self) -> None:
        seen = {self.sku}
        for index, fallback in enumerate(self.fallbacks):
            field = f"fallbacks.{index}"
            if not isinstance(fallback, Gift):
                raise InvalidConfiguration(field, fallback, "a fallback is a Gift")
            if fallback.fallbacks:
                raise InvalidConfiguration(f"{field}.fallbacks", fallback.fallbacks, "list every fallback on the gift")
            if fallback.sku == self.sku:
                raise InvalidConfiguration(f"{field}.sku", fallback.sku, "a fallback must differ from the gift")
            if fallback.sku in seen:
                raise InvalidConfiguration(f"{field}.sku", fallback.sku, "the SKU is already a fallback")
            seen.add(fallback.sku)

    @property
    def options(self) -> tuple[tuple[SkuCode, int], ...]:
        """``(sku, quantity)`` of the gift, then of each fallback, in the order they are tried."""
        return ((self.sku, self.quantity), *((fallback.sku, fallback.quantity) for fallback in self.fallbacks))


def _trigger(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not callable(getattr(value, "check", None)):
        raise InvalidConfiguration(attribute.name, value, "must be a gift trigger (AmountBand, QuantityTier …)")


def _gifts(values: Iterable[Gift]) -> tuple[Gift, ...]:
    gifts = entries("gifts", values)
    if not gifts:
        raise InvalidConfiguration("gifts", gifts, "a rule gives at least one gift")
    seen: set[SkuCode] = set()
    for index, gift in enumerate(gifts):
        if not isinstance(gift, Gift):
            raise InvalidConfiguration(f"gifts.{index}", gift, "a gift is a Gift(sku, quantity)")
        if gift.sku in seen:
            raise InvalidConfiguration(f"gifts.{index}.sku", gift.sku, "the SKU is already a gift of the rule")
        seen.add(gift.sku)
    return gifts


def _channels(values: Iterable[Channel]) -> frozenset[Channel]:
    channels = entries("channels", values)
    for index, channel in enumerate(channels):
        if not isinstance(channel, Channel):
            raise InvalidConfiguration(f"channels.{index}", channel, "a shop is a Channel(platform, shop)")
    return frozenset(channels)


def _platforms(values: Iterable[str]) -> frozenset[str]:
    platforms = entries("platforms", values)
    for index, platform in enumerate(platforms):
        non_blank(f"platforms.{index}", platform)
    return frozenset(platforms)


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    non_blank(attribute.name, value)


def _text_or_none(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        non_blank(attribute.name, value)


@attrs.frozen
class GiftRule:
    """One gift rule (赠品规则) of the merchant.

    Attributes:
        id: the rule's stable id, unique among the merchant's rules: explanations and grants name it, and it is
            the quota activity unless ``activity`` names another.
        trigger: what makes the rule apply, and how many times (:mod:`~omscore.policies.gifts.triggers`).
        gifts: what each application gives; at least one, each SKU once.
        channels: the shops the rule applies to; with ``platforms``, every shop when both are empty.
        platforms: the platforms (``tmall``, ``jd`` …) whose every shop the rule applies to.
        starts_at: the activity starts at this moment (inclusive); ``None``: it has always run. Timezone-aware.
        ends_at: the activity ends at this moment (exclusive); ``None``: it does not end. Timezone-aware.
        priority: lower is taken first; ties by ``id``.
        group: the exclusive group: of the rules of one group, only the first by ``(priority, id)`` that gives
            anything gives; ``None``: the rule stacks with every other rule.
        per_order_limit: the most times the rule applies to one order; ``None``: as often as its trigger says.
        quota: the gift units the activity may give in all (赠送总量); ``None``: no cap.
        per_buyer: the gift units the activity may give one buyer; ``None``: no cap.
        activity: the quota activity the rule's gifts count against; defaults to ``id``. Rules of one activity
            share its caps and must state the same ``quota`` and ``per_buyer``.

    Raises:
        InvalidConfiguration: naming the field, for a blank id, group or activity, a trigger that is not one,
            no gifts or a SKU given twice, a naive datetime or ``ends_at`` not after ``starts_at``, a limit below
            1, or a negative quota.
    """

    id: str = attrs.field(validator=_text)
    trigger: GiftTrigger = attrs.field(validator=_trigger)
    gifts: tuple[Gift, ...] = attrs.field(converter=_gifts)
    channels: frozenset[Channel] = attrs.field(default=frozenset(), converter=_channels)
    platforms: frozenset[str] = attrs.field(default=frozenset(), converter=_platforms)
    starts_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
    ends_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
    priority: int = attrs.field(default=0, validator=whole)
    group: str | None = attrs.field(default=None, validator=_text_or_none)
    per_order_limit: int | None = attrs.field(default=None, validator=positive_or_none)
    quota: int | None = attrs.field(default=None, validator=not_negative_or_none)
    per_buyer: int | None = attrs.field(default=None, validator=not_negative_or_none)
    activity: str = attrs.field(default=attrs.Factory(lambda rule: rule.id, takes_self=True), validator=_text)

    def __attrs_post_init__(self) -> None:
        if self.starts_at is not None and self.ends_at is not None and self.ends_at <= self.starts_at:
            raise InvalidConfiguration("ends_at", self.ends_at, f"must be after starts_at ({moment(self.starts_at)})")

    @property
    def rank(self) -> tuple[int, str]:
        """Where the rule stands among the others: ``(priority, id)``, lower first."""
        return (self.priority, self.id)

    def serves(self, channel: Channel) -> bool:
        """Whether the rule applies to orders of ``channel``."""
        if not self.channels and not self.platforms:
            return True
        return channel in self.channels or channel.platform in self.platforms

    def outside_window(self, placed_at: datetime) -> str | None:
        """Why an order placed at ``placed_at`` is outside the activity window, or ``None`` when it is inside."""
        if self.starts_at is not None and placed_at < self.starts_at:
            return f"placed {moment(placed_at)}, before its start {moment(self.starts_at)}"
        if self.ends_at is not None and placed_at >= self.ends_at:
            return f"placed {moment(placed_at)}, at or after its end {moment(self.ends_at)}"
        return None


def _check_rule_set(rules: Iterable[tuple[str, GiftRule]]) -> None:
    """Check rules that run together, each given with the field that names it (``rules.0``): ids are unique
    and the rules of one activity state the same caps.

    Raises:
        InvalidConfiguration: naming the field of the second rule with an id already taken, of a rule that is
            not a :class:`GiftRule`, or of a rule whose ``quota`` or ``per_buyer`` differs from its activity's.
    """
    ids: dict[str, str] = {}
    activities: dict[str, GiftRule] = {}
    for field, rule in rules:
        if not isinstance(rule, GiftRule):
            raise InvalidConfiguration(field, rule, "a rule is a GiftRule")
        if rule.id in ids:
            raise InvalidConfiguration(f"{field}.id", rule.id, f"duplicate rule id (also {ids[rule.id]})")
        ids[rule.id] = field
        first = activities.setdefault(rule.activity, rule)
        for cap in ("quota", "per_buyer"):
            if getattr(rule, cap) != getattr(first, cap):
                raise InvalidConfiguration(
                    f"{field}.{cap}",
                    getattr(rule, cap),
                    f"rule {first.id} of activity {rule.activity} states {getattr(first, cap)}",
                )
