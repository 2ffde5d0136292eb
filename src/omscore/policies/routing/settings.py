"""分仓 settings: whether an order may split, and the routing strategies (分仓策略) each shop uses."""

from __future__ import annotations

import types
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import Channel
from omscore.policies.routing.limits import DailyCapacity, SafetyStock
from omscore.policies.routing.origins import (
    DropShip,
    HomeRegion,
    KeepKits,
    Presale,
    ShopException,
    SkuLocation,
    StorePickup,
)
from omscore.policies.routing.preferences import Cost, Distance, FewestShipments, MinShipmentValue, ShipComplete
from omscore.policies.routing.rules import Rule
from omscore.policies.validation import not_negative


@attrs.frozen
class RoutingSettings:
    """分仓: how lines are sourced.

    Attributes:
        allow_split: let one order ship from several locations when no single one has everything.
        max_shipments: most shipments one order may be split into; ``None`` = no limit.
        backorder: 有货先发 — an order that cannot ship complete ships what is in stock now, and the missing
            units wait in a backorder part; ``False``: the whole order waits.
    """

    allow_split: bool = True
    max_shipments: int | None = attrs.field(default=None, validator=not_negative)
    backorder: bool = False


#: Every built-in rule by its name in the configuration file.
BUILT_IN_RULES: Final[Mapping[str, type[Rule]]] = types.MappingProxyType(
    {
        rule.name: rule
        for rule in (
            StorePickup,
            ShopException,
            SkuLocation,
            HomeRegion,
            Presale,
            DropShip,
            SafetyStock,
            DailyCapacity,
            KeepKits,
            ShipComplete,
            FewestShipments,
            MinShipmentValue,
            Distance,
            Cost,
        )
    }
)

#: The strategy omscore uses when a merchant configures none: ship complete when one location can (the
#: first by priority), else from the fewest locations — the baseline router's behaviour, solved exactly —
#: keeping each kit at one location when that costs no extra shipment.
DEFAULT_RULES: Final[tuple[Rule, ...]] = (StorePickup(), ShipComplete(), FewestShipments(), KeepKits())

#: Default node limit of each optimiser search (a deterministic effort bound).
DEFAULT_NODE_LIMIT: Final = 20_000


def _rules(values: Iterable[Rule]) -> tuple[Rule, ...]:
    rules = tuple(values)
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        if not isinstance(rule, Rule):
            raise InvalidConfiguration(f"rules.{index}", rule, "not a routing rule")
        if rule.name in seen:
            raise InvalidConfiguration(f"rules.{index}", rule.name, "the rule is listed twice")
        seen.add(rule.name)
    return rules


def _node_limit(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and (type(value) is not int or value < 0):
        raise InvalidConfiguration(attribute.name, value, "must be a non-negative integer or None")


def _time_limit(instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not (isinstance(value, int | float) and value >= 0):
        raise InvalidConfiguration(attribute.name, value, "must be a non-negative number or None")


@attrs.frozen
class RoutingStrategy:
    """An ordered list of rules. Each ranks the candidate plans or abstains; the best-ranked plans survive and
    ties fall through to the next rule; after the last rule the configured priority, then the location id of
    the plans' locations decide.

    Attributes:
        rules: the rules in order. Store pickup is put first, required, unless the list names it.
        split_lines: whether one line's units may come from several locations.
        name: shown in traces.
        node_limit: most search nodes per optimiser call; ``None`` for no limit.
        time_limit_ms: wall-time bound per optimiser call; ``None`` (the default) keeps every decision
            independent of machine speed.
    """

    rules: tuple[Rule, ...] = attrs.field(default=DEFAULT_RULES, converter=_rules)
    split_lines: bool = True
    name: str = "default"
    node_limit: int | None = attrs.field(default=DEFAULT_NODE_LIMIT, validator=_node_limit)
    time_limit_ms: float | None = attrs.field(default=None, validator=_time_limit)

    def effective_rules(self) -> tuple[Rule, ...]:
        """The rules as applied: with the required store-pickup rule in front when the list lacks it."""
        if any(rule.name == StorePickup.name for rule in self.rules):
            return self.rules
        return (StorePickup(), *self.rules)


def _strategies(value: Mapping[Channel, RoutingStrategy]) -> Mapping[Channel, RoutingStrategy]:
    return types.MappingProxyType(dict(value))


@attrs.frozen
class SourcingSettings:
    """The merchant's routing strategies.

    Attributes:
        strategy: the merchant-wide strategy.
        shops: a shop's own strategy, replacing the merchant-wide one for its orders.
    """

    strategy: RoutingStrategy = RoutingStrategy()
    shops: Mapping[Channel, RoutingStrategy] = attrs.field(factory=dict, converter=_strategies)

    def strategy_for(self, channel: Channel) -> RoutingStrategy:
        """The strategy that routes the orders of ``channel``."""
        return self.shops.get(channel, self.strategy)
