"""赠品 settings: the merchant's gift rules, those every shop runs and those of one shop only."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import attrs

from omscore.domain.catalog import Catalog
from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import Channel
from omscore.domain.order import Order
from omscore.policies.gifts._checks import entries
from omscore.policies.gifts.decision import GiftDecision, _decide_ranked
from omscore.policies.gifts.rules import GiftRule, _check_rule_set


def _rules(values: Iterable[GiftRule]) -> tuple[GiftRule, ...]:
    return entries("rules", values)


def _shop_rules(values: Mapping[Channel, Iterable[GiftRule]]) -> dict[Channel, tuple[GiftRule, ...]]:
    if not isinstance(values, Mapping):
        raise InvalidConfiguration("shop_rules", values, "give a mapping of shop to its rules")
    shops: dict[Channel, tuple[GiftRule, ...]] = {}
    for channel, rules in values.items():
        if not isinstance(channel, Channel):
            raise InvalidConfiguration("shop_rules", channel, "keys are shops: Channel(platform, shop)")
        shops[channel] = entries(f"shop_rules.{channel}", rules)
    return shops


@attrs.frozen
class GiftSettings:
    """The merchant's gift rules (赠品规则).

    Attributes:
        rules: the rules of every shop (each may still name its own shops and platforms).
        shop_rules: rules of one shop only, run besides :attr:`rules` for that shop's orders.

    Raises:
        InvalidConfiguration: naming the field (``rules.<index>…`` or ``shop_rules.<shop>.<index>…``), for an
            entry that is not a :class:`~omscore.policies.gifts.GiftRule`, a rule id used twice anywhere in the
            settings, rules of one activity that state different caps, or a shop's rule whose own shops and
            platforms leave that shop out.
    """

    rules: tuple[GiftRule, ...] = attrs.field(default=(), converter=_rules)
    shop_rules: Mapping[Channel, tuple[GiftRule, ...]] = attrs.field(factory=dict, converter=_shop_rules)
    _ranked: dict[Channel, tuple[GiftRule, ...]] = attrs.field(init=False, factory=dict, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        _check_rule_set(self._named())
        for channel, rules in self.shop_rules.items():
            for index, rule in enumerate(rules):
                if not rule.serves(channel):
                    shops = sorted([*map(str, rule.channels), *rule.platforms])
                    raise InvalidConfiguration(f"shop_rules.{channel}.{index}.channels", shops, f"leaves {channel} out")

    def _named(self) -> Iterator[tuple[str, GiftRule]]:
        yield from ((f"rules.{index}", rule) for index, rule in enumerate(self.rules))
        for channel in sorted(self.shop_rules):
            yield from ((f"shop_rules.{channel}.{index}", rule) for index, rule in enumerate(self.shop_rules[channel]))

    def ranked_for(self, channel: Channel) -> tuple[GiftRule, ...]:
        """The rules that serve orders of ``channel``, by ``(priority, id)``; computed once per shop."""
        ranked = self._ranked.get(channel)
        if ranked is None:
            serving = (rule for rule in self.rules_for(channel) if rule.serves(channel))
            ranked = self._ranked[channel] = tuple(sorted(serving, key=lambda rule: rule.rank))
        return ranked

    def decide(
        self,
        order: Order,
        *,
        catalog: Catalog,
        available: Mapping[str, int],
        quota_left: Mapping[str, int] | None = None,
        buyer_quota_left: Mapping[tuple[str, str], int] | None = None,
    ) -> GiftDecision:
        """The gifts ``order`` gets from the rules of its shop: :func:`~omscore.policies.gifts.decide_gifts`
        over :meth:`ranked_for` its channel (the rules were checked together when the settings were built)."""
        return _decide_ranked(
            order,
            self.ranked_for(order.channel),
            catalog=catalog,
            available=available,
            quota_left=quota_left or {},
            buyer_quota_left=buyer_quota_left or {},
        )

    def rules_for(self, channel: Channel) -> tuple[GiftRule, ...]:
        """The rules an order of ``channel`` runs: those of every shop, then the shop's own (the decision takes
        them by ``(priority, id)`` in any case)."""
        return (*self.rules, *self.shop_rules.get(channel, ()))
