"""拆单 settings: each shop's split rules (presale, kits, parcels, package limits)."""

from __future__ import annotations

import enum
import types
from collections.abc import Mapping
from typing import Any, Final

import attrs

from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import Channel
from omscore.policies.optimise import ParcelLimits

#: Parcel rules unless a merchant sets its own: no weight or volume limit, cold-chain items apart from ambient
#: ones, ship-alone and oversize items each in a parcel of their own.
DEFAULT_PARCEL_LIMITS: Final = ParcelLimits(alone=frozenset({"ship_alone", "oversize"}))


#: Default node limit of each packing search (a deterministic effort bound).
DEFAULT_NODE_LIMIT: Final = 20_000


class PresaleMode(enum.StrEnum):
    """What a location does with presale and in-stock units of one order."""

    SHIP_AVAILABLE = "ship_available"
    """有货先发: in-stock units ship now, presale units on their date, in shipments of their own."""
    SHIP_COMPLETE = "ship_complete"
    """等齐再发: everything waits for the latest presale date and ships together."""


def _optional_non_negative(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and (type(value) is not int or value < 0):
        raise InvalidConfiguration(attribute.name, value, "must be a non-negative integer or None")


def _optional_time(instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not (isinstance(value, int | float) and value >= 0):
        raise InvalidConfiguration(attribute.name, value, "must be a non-negative number or None")


def _optional_positive(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and (type(value) is not int or value <= 0):
        raise InvalidConfiguration(attribute.name, value, "must be a positive integer or None")


@attrs.frozen
class SplitRules:
    """How one shop's orders split into parcels.

    Attributes:
        presale: ship in-stock units now, or wait for the presale date and ship complete.
        min_shipment_value_minor: an optional split (presale from in-stock) happens only when every part is
            worth at least this; ``None``: no minimum.
        max_packages: most parcels one order may ship in; ``None``: no limit.
        parcels: weight and volume limits and tag rules of one parcel.
    """

    presale: PresaleMode = PresaleMode.SHIP_AVAILABLE
    min_shipment_value_minor: int | None = attrs.field(default=None, validator=_optional_non_negative)
    max_packages: int | None = attrs.field(default=None, validator=_optional_positive)
    parcels: ParcelLimits = DEFAULT_PARCEL_LIMITS


def _rules_by_shop(value: Mapping[Channel, SplitRules]) -> Mapping[Channel, SplitRules]:
    return types.MappingProxyType(dict(value))


@attrs.frozen
class SplitSettings:
    """The merchant's split rules, with per-shop replacements.

    Attributes:
        rules: the merchant-wide rules.
        shops: a shop's own rules, replacing the merchant-wide ones for its orders.
        node_limit: most nodes of each packing search; ``None``: no limit.
        time_limit_ms: wall-time bound of each packing search; ``None`` (the default) keeps decisions independent
            of machine speed.
    """

    rules: SplitRules = SplitRules()
    shops: Mapping[Channel, SplitRules] = attrs.field(factory=dict, converter=_rules_by_shop)
    node_limit: int | None = attrs.field(default=DEFAULT_NODE_LIMIT, validator=_optional_non_negative)
    time_limit_ms: float | None = attrs.field(default=None, validator=_optional_time)

    def rules_for(self, channel: Channel) -> SplitRules:
        """The rules that split the orders of ``channel``."""
        return self.shops.get(channel, self.rules)
