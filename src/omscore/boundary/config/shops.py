"""The shops section of the configuration file: the merchant's shops on each platform, each with optional
overrides of the merchant-wide rules, checked for duplicates and converted into channels."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from omscore.boundary._fields import STRICT, Code, Name
from omscore.boundary.config.carriers import ShopCarriersConfig
from omscore.boundary.config.checks import first_seen
from omscore.boundary.config.fill import MAX_FILL_PRIORITY, MIN_FILL_PRIORITY
from omscore.boundary.config.merge import MergeRules
from omscore.boundary.config.review import ReviewRules
from omscore.boundary.config.routing import RoutingRules
from omscore.boundary.config.split import SplitConfig
from omscore.boundary.errors import FieldProblem
from omscore.domain.identity import Channel


class ShopConfig(BaseModel):
    """A shop on a platform, with optional overrides of the merchant-wide rules."""

    model_config = STRICT

    platform: Code = Field(description="Platform code, e.g. tmall, jd, douyin, shopify.")
    shop: Code = Field(description="Shop code, unique within the platform.")
    name: Name = Field(default="", description="Display name.")
    review: ReviewRules | None = Field(default=None, description="Review rules of this shop; omitted fields inherit.")
    merge: MergeRules | None = Field(default=None, description="Merge rules of this shop; omitted fields inherit.")
    routing: RoutingRules | None = Field(
        default=None, description="Routing rules of this shop; omitted fields inherit."
    )
    split: SplitConfig | None = Field(default=None, description="Split rules of this shop; omitted fields inherit.")
    carriers: ShopCarriersConfig | None = Field(
        default=None, description="The shop's carrier rules (例外店铺); null: the merchant-wide ones."
    )
    fill_priority: int = Field(
        default=0,
        ge=MIN_FILL_PRIORITY,
        le=MAX_FILL_PRIORITY,
        description="Higher gets scarce stock first under the fill order's shop key; 0 is normal.",
    )


def check_shops(shops: Sequence[ShopConfig]) -> list[FieldProblem]:
    """Each shop once on its platform."""
    problems: list[FieldProblem] = []
    seen: set[tuple[str, str]] = set()
    for i, shop in enumerate(shops):
        first_seen(problems, seen, (shop.platform, shop.shop), f"shops.{i}.shop", shop.shop, f"shop on {shop.platform}")
    return problems


def to_channels(shops: Sequence[ShopConfig]) -> tuple[Channel, ...]:
    """The channel of each shop, in file order."""
    return tuple(Channel(s.platform, s.shop) for s in shops)
