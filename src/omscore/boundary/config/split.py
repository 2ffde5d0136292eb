"""The split rules of the configuration file (拆单): how a routed order splits into parcels, merchant-wide and for
one shop, with their check and their conversion into split rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from omscore.boundary._fields import STRICT, Minor, Tag
from omscore.boundary.config.conversion import converted
from omscore.boundary.config.fields import TagList, domain_default
from omscore.boundary.errors import FieldProblem
from omscore.domain.identity import Channel
from omscore.policies.optimise import ParcelLimits
from omscore.policies.split import DEFAULT_PARCEL_LIMITS, PresaleMode, SplitRules, SplitSettings


class SplitConfig(BaseModel):
    """拆单: how a routed order splits into parcels."""

    model_config = STRICT

    presale: Literal["ship_available", "ship_complete"] = Field(
        default=domain_default(SplitRules, "presale").value,
        description="ship_available: in-stock units ship now (有货先发); ship_complete: wait for the presale date.",
    )
    min_shipment_value_minor: Minor | None = Field(
        default=domain_default(SplitRules, "min_shipment_value_minor"),
        description="Split presale from in-stock only when each part is worth at least this; null: no minimum.",
    )
    max_packages: int | None = Field(
        default=domain_default(SplitRules, "max_packages"),
        ge=1,
        le=1_000,
        description="Most parcels one order may ship in; null: no limit.",
    )
    max_parcel_weight_g: int | None = Field(
        default=DEFAULT_PARCEL_LIMITS.max_weight_g, ge=1, le=10**7, description="Heaviest parcel; null: no limit."
    )
    max_parcel_volume_cm3: int | None = Field(
        default=DEFAULT_PARCEL_LIMITS.max_volume_cm3, ge=1, le=10**9, description="Largest parcel; null: no limit."
    )
    segregate_tags: TagList = Field(
        default_factory=lambda: sorted(DEFAULT_PARCEL_LIMITS.segregate),
        max_length=32,
        description="Items share a parcel only if they carry the same of these tags (cold_chain apart from ambient).",
    )
    alone_tags: TagList = Field(
        default_factory=lambda: sorted(DEFAULT_PARCEL_LIMITS.alone),
        max_length=32,
        description="Items with any of these tags ship in a parcel of their own.",
    )
    incompatible_tags: list[Annotated[list[Tag], Field(min_length=2, max_length=2)]] = Field(
        default_factory=list, max_length=1_000, description="Pairs of tags that never share a parcel."
    )


def check_split(path: str, split: SplitConfig) -> list[FieldProblem]:
    return [
        FieldProblem(f"{path}.incompatible_tags.{j}", pair, "name two different tags", "same_tag")
        for j, pair in enumerate(split.incompatible_tags)
        if pair[0] == pair[1]
    ]


def to_split_settings(
    merchant: SplitConfig, shop_splits: Sequence[SplitConfig | None], channels: tuple[Channel, ...]
) -> SplitSettings:
    """The split rules: the merchant's, and a shop's own where its ``split`` gives one (the fields it omits
    taken from the merchant's); ``shop_splits`` holds each shop's section, in the order of ``channels``."""
    shops = {
        channel: _split_rules(merchant.model_copy(update={n: getattr(split, n) for n in split.model_fields_set}))
        for channel, split in zip(channels, shop_splits, strict=True)
        if split is not None
    }
    return SplitSettings(rules=_split_rules(merchant), shops=shops)


def _split_rules(config: SplitConfig) -> SplitRules:
    return SplitRules(
        presale=PresaleMode(config.presale),
        min_shipment_value_minor=config.min_shipment_value_minor,
        max_packages=config.max_packages,
        parcels=ParcelLimits(
            max_weight_g=config.max_parcel_weight_g,
            max_volume_cm3=config.max_parcel_volume_cm3,
            segregate=converted(config.segregate_tags),
            incompatible=converted(config.incompatible_tags),
            alone=converted(config.alone_tags),
        ),
    )
