"""Every decision's settings in one value, with per-shop overrides: what the pipeline runs with.

Each decision keeps its own settings in its package (:mod:`omscore.policies.review`, :mod:`~omscore.policies.merge`,
:mod:`~omscore.policies.routing`, :mod:`~omscore.policies.carriers`, :mod:`~omscore.policies.promise`);
:class:`PipelineSettings` gathers them. ``ReviewSettings``, ``MergeSettings``, ``WhenShort`` and
``RoutingSettings`` stay importable from here, where earlier releases defined them.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from omscore.domain.identity import Channel
from omscore.policies.carriers.settings import CarrierSettings
from omscore.policies.fill.settings import FillOrder
from omscore.policies.gifts.settings import GiftSettings
from omscore.policies.merge.settings import MergeSettings, WhenShort
from omscore.policies.promise import PromiseSettings
from omscore.policies.review.settings import ReviewSettings
from omscore.policies.routing.settings import RoutingSettings

__all__ = ["MergeSettings", "PipelineSettings", "ReviewSettings", "RoutingSettings", "WhenShort"]


@attrs.frozen
class PipelineSettings:
    """All policy settings, with per-shop overrides of the review, merge and routing parts (carrier settings
    carry their own shop rules).

    Attributes:
        carriers: how carriers are chosen (快递策略); see ``docs/carriers.md``.
        promise: processing times, cut-offs, transit days and holidays for delivery promises.
        fill: the order in which waiting orders are advanced and get scarce stock; see ``docs/pipeline.md``.
        gifts: the gift rules (赠品) an order runs when it is routed; see ``docs/rules.md``.
    """

    review: ReviewSettings = attrs.field(factory=ReviewSettings)
    merge: MergeSettings = attrs.field(factory=MergeSettings)
    routing: RoutingSettings = attrs.field(factory=RoutingSettings)
    carriers: CarrierSettings = attrs.field(factory=CarrierSettings)
    promise: PromiseSettings = attrs.field(factory=PromiseSettings)
    fill: FillOrder = attrs.field(factory=FillOrder)
    gifts: GiftSettings = attrs.field(factory=GiftSettings)
    shop_review: Mapping[Channel, ReviewSettings] = attrs.field(factory=dict)
    shop_merge: Mapping[Channel, MergeSettings] = attrs.field(factory=dict)
    shop_routing: Mapping[Channel, RoutingSettings] = attrs.field(factory=dict)

    def review_for(self, channel: Channel) -> ReviewSettings:
        return self.shop_review.get(channel, self.review)

    def merge_for(self, channel: Channel) -> MergeSettings:
        return self.shop_merge.get(channel, self.merge)

    def routing_for(self, channel: Channel) -> RoutingSettings:
        return self.shop_routing.get(channel, self.routing)
