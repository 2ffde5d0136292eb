"""The rules section of the configuration file: the merchant-wide review, merge, routing, split, carrier,
promise, fill-order and gift rules, and their conversion, with each shop's overrides, into the settings of the
pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import attrs
from pydantic import BaseModel, Field

from omscore.boundary._fields import STRICT
from omscore.boundary.config.carriers import CarriersConfig, to_carrier_settings
from omscore.boundary.config.conversion import built_at
from omscore.boundary.config.fill import FillOrderConfig, to_fill_order
from omscore.boundary.config.gifts import GiftsConfig, to_gift_settings
from omscore.boundary.config.merge import MergeRules
from omscore.boundary.config.promise import PromiseConfig, to_promise_settings, to_transit_table
from omscore.boundary.config.review import ReviewRules, to_review_checks
from omscore.boundary.config.routing import RoutingRules
from omscore.boundary.config.shops import ShopConfig
from omscore.boundary.config.split import SplitConfig
from omscore.domain.identity import Channel
from omscore.policies.merge import MergeSettings
from omscore.policies.review import ReviewSettings
from omscore.policies.routing import RoutingSettings
from omscore.policies.settings import PipelineSettings


class RulesConfig(BaseModel):
    """The merchant-wide rules of the pipeline."""

    model_config = STRICT

    review: ReviewRules = Field(default_factory=ReviewRules)
    merge: MergeRules = Field(default_factory=MergeRules)
    routing: RoutingRules = Field(default_factory=RoutingRules)
    split: SplitConfig = Field(default_factory=SplitConfig)
    carriers: CarriersConfig = Field(default_factory=CarriersConfig)
    promise: PromiseConfig = Field(default_factory=PromiseConfig)
    fill_order: FillOrderConfig = Field(default_factory=FillOrderConfig)
    gifts: GiftsConfig = Field(default_factory=GiftsConfig)


def to_pipeline_settings(
    rules: RulesConfig, shops: Sequence[ShopConfig], channels: tuple[Channel, ...]
) -> PipelineSettings:
    """The settings of the pipeline's decisions: the merchant-wide ``rules`` with the overrides of ``shops``
    (whose channels are ``channels``, in the same order)."""
    review = _apply(ReviewSettings(), rules.review, checks=to_review_checks("rules.review", rules.review))
    merge = _apply(MergeSettings(), rules.merge)
    routing = _apply(RoutingSettings(), rules.routing)
    by_shop = list(zip(channels, shops, strict=True))
    transit = built_at("rules.promise", lambda: to_transit_table(rules.promise))
    return PipelineSettings(
        review=review,
        merge=merge,
        routing=routing,
        shop_review={
            ch: _apply(review, s.review, checks=to_review_checks(f"shops.{i}.review", s.review))
            for i, (ch, s) in enumerate(by_shop)
            if s.review is not None
        },
        shop_merge={ch: _apply(merge, s.merge) for ch, s in by_shop if s.merge is not None},
        shop_routing={ch: _apply(routing, s.routing) for ch, s in by_shop if s.routing is not None},
        carriers=to_carrier_settings(rules.carriers, [s.carriers for s in shops], channels, transit),
        promise=to_promise_settings(rules.promise, transit),
        fill=to_fill_order(rules.fill_order, [s.fill_priority for s in shops], channels),
        gifts=to_gift_settings(rules.gifts),
    )


_Settings = TypeVar("_Settings", ReviewSettings, MergeSettings, RoutingSettings)


def _apply(base: _Settings, rules: BaseModel, **built: Any) -> _Settings:
    """``base`` with the fields of ``base`` the document gives in ``rules``, taken from ``built`` where it has
    them (fields whose document value is not the domain value); the others are inherited from ``base`` (fields
    of the document that ``base`` does not have are converted elsewhere)."""
    fields = attrs.fields_dict(type(base))
    given = [name for name in rules.model_fields_set if name in fields]
    return attrs.evolve(base, **{name: built[name] if name in built else getattr(rules, name) for name in given})
