"""The fill order of the configuration file: which waiting orders get scarce stock first (VIP buyers, priority,
shop, placement time, in the order the merchant lists them), with each shop's fill priority, their cross-checks
and their conversion into the fill-order settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Final, Literal

from pydantic import BaseModel, Field

from omscore.boundary._fields import STRICT, ExternalId
from omscore.boundary.config.checks import first_seen
from omscore.boundary.config.conversion import built_at, converted
from omscore.boundary.config.fields import MAX_RULE_ENTRIES, domain_default
from omscore.boundary.errors import FieldProblem, summarise
from omscore.domain.identity import Channel
from omscore.policies.fill import FillKey, FillOrder

FillKeyName = Literal["vip", "priority", "shop", "placed_at"]
"""The values of :class:`~omscore.policies.fill.FillKey` (a test keeps them equal)."""

#: Bounds of a shop's ``fill_priority`` (those of an order's ``priority``).
MIN_FILL_PRIORITY: Final = -1_000
MAX_FILL_PRIORITY: Final = 1_000


class FillOrderConfig(BaseModel):
    """Who gets scarce stock first: the comparisons in order, the order id breaking the last tie."""

    model_config = STRICT

    keys: Annotated[list[FillKeyName], Field(max_length=len(FillKey))] = Field(
        default_factory=lambda: [key.value for key in domain_default(FillOrder, "keys")],
        description="Compared in order: vip, priority, shop, placed_at; then the order id. Each key once.",
    )
    vip_buyers: Annotated[list[ExternalId], Field(max_length=MAX_RULE_ENTRIES)] = Field(
        default_factory=list, description="Buyer ids whose orders come first under the vip key."
    )


def check_fill(section: FillOrderConfig, fill_priorities: Sequence[int]) -> list[FieldProblem]:
    """Each key and VIP buyer once, and nothing given that the keys do not use: VIP buyers need the ``vip`` key,
    a shop's non-zero ``fill_priority`` the ``shop`` key. ``fill_priorities`` holds each shop's, in file order."""
    at = "rules.fill_order"
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for j, key in enumerate(section.keys):
        if key in seen:
            problems.append(FieldProblem(f"{at}.keys.{j}", key, "the key is listed twice", "duplicate"))
        seen.add(key)
    seen = set()
    for j, buyer in enumerate(section.vip_buyers):
        first_seen(problems, seen, buyer, f"{at}.vip_buyers.{j}", buyer, "VIP buyer")
    if section.vip_buyers and FillKey.VIP not in section.keys:
        problems.append(
            FieldProblem(
                f"{at}.vip_buyers",
                summarise(section.vip_buyers),
                f"VIP buyers count only when {at}.keys has vip",
                "vip_buyers_without_vip_key",
            )
        )
    if FillKey.SHOP not in section.keys:
        problems.extend(
            FieldProblem(
                f"shops.{i}.fill_priority",
                priority,
                f"a shop's fill priority counts only when {at}.keys has shop",
                "fill_priority_without_shop_key",
            )
            for i, priority in enumerate(fill_priorities)
            if priority != 0
        )
    return problems


def to_fill_order(section: FillOrderConfig, fill_priorities: Sequence[int], channels: tuple[Channel, ...]) -> FillOrder:
    """The fill order: the keys and VIP buyers of ``section``, and the non-zero fill priority of each shop
    (``fill_priorities``, in the order of ``channels``)."""
    return built_at(
        "rules.fill_order",
        lambda: FillOrder(
            keys=converted(section.keys),
            vip_buyers=converted(section.vip_buyers),
            shop_priority={
                channel: priority for channel, priority in zip(channels, fill_priorities, strict=True) if priority != 0
            },
        ),
    )
