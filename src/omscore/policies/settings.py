"""Merchant-configurable settings of the pipeline's policies, with the defaults omscore ships."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import attrs

from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import Channel
from omscore.policies.carriers.settings import CarrierSettings
from omscore.policies.promise import PromiseSettings


def _non_negative(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 0:
        raise InvalidConfiguration(attribute.name, value, "must not be negative")


@attrs.frozen
class ReviewSettings:
    """审单: which orders wait for a person.

    Attributes:
        cod_limit_minor: hold cash-on-delivery orders whose total exceeds this (minor units); ``None`` = never.
        hold_on_buyer_memo: hold orders whose buyer left a memo.
        hold_on_seller_memo: hold orders with a seller memo.
    """

    cod_limit_minor: int | None = attrs.field(default=50_000, validator=_non_negative)
    hold_on_buyer_memo: bool = True
    hold_on_seller_memo: bool = True


class WhenShort(enum.StrEnum):
    """What a merge does when the merged order could not be served in full from the stock available."""

    KEEP_APART = "keep_apart"
    """Do not merge when a part would lose its reservation or could be served on its own (the default)."""
    MERGE_ANYWAY = "merge_anyway"
    """Merge regardless of stock: the merged order waits until everything in it can ship."""


@attrs.frozen
class MergeSettings:
    """合单: which orders are fulfilled together.

    Attributes:
        enabled: merge at all.
        window_minutes: orders placed at most this far apart may merge.
        across_shops: merge orders of different shops of the merchant (same platform).
        include_presale: let orders with presale lines merge.
        when_short: what to do when the merged order could not be served in full (see
            :func:`omscore.policies.merge.check_serving`); a string value is converted.
    """

    enabled: bool = True
    window_minutes: int = attrs.field(default=120, validator=_non_negative)
    across_shops: bool = False
    include_presale: bool = False
    when_short: WhenShort = attrs.field(default=WhenShort.KEEP_APART, converter=WhenShort)


@attrs.frozen
class RoutingSettings:
    """分仓: how lines are sourced.

    Attributes:
        allow_split: let one order ship from several locations when no single one has everything.
        max_shipments: most shipments one order may be split into; ``None`` = no limit.
    """

    allow_split: bool = True
    max_shipments: int | None = attrs.field(default=None, validator=_non_negative)


@attrs.frozen
class PipelineSettings:
    """All policy settings, with per-shop overrides of the review, merge and routing parts (carrier settings
    carry their own shop rules).

    Attributes:
        carriers: how carriers are chosen (快递策略); see ``docs/carriers.md``.
        promise: processing times, cut-offs, transit days and holidays for delivery promises.
    """

    review: ReviewSettings = ReviewSettings()
    merge: MergeSettings = MergeSettings()
    routing: RoutingSettings = RoutingSettings()
    carriers: CarrierSettings = attrs.field(factory=CarrierSettings)
    promise: PromiseSettings = attrs.field(factory=PromiseSettings)
    shop_review: Mapping[Channel, ReviewSettings] = attrs.field(factory=dict)
    shop_merge: Mapping[Channel, MergeSettings] = attrs.field(factory=dict)
    shop_routing: Mapping[Channel, RoutingSettings] = attrs.field(factory=dict)

    def review_for(self, channel: Channel) -> ReviewSettings:
        return self.shop_review.get(channel, self.review)

    def merge_for(self, channel: Channel) -> MergeSettings:
        return self.shop_merge.get(channel, self.merge)

    def routing_for(self, channel: Channel) -> RoutingSettings:
        return self.shop_routing.get(channel, self.routing)
