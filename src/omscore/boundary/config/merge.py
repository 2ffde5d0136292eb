"""The merge rules (合单) of the configuration file: which orders of one buyer and recipient are fulfilled
together, merchant-wide or for one shop."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from omscore.boundary._fields import STRICT
from omscore.boundary.config.fields import domain_default
from omscore.policies.merge import MergeSettings


class MergeRules(BaseModel):
    """合单: which orders of the same buyer and recipient are fulfilled together."""

    model_config = STRICT

    enabled: bool = Field(default=domain_default(MergeSettings, "enabled"), description="Merge at all.")
    window_minutes: int = Field(
        default=domain_default(MergeSettings, "window_minutes"),
        ge=0,
        le=60 * 24 * 30,
        description="Orders placed at most this many minutes apart may merge.",
    )
    across_shops: bool = Field(
        default=domain_default(MergeSettings, "across_shops"),
        description="Merge orders of different shops of the same platform.",
    )
    include_presale: bool = Field(
        default=domain_default(MergeSettings, "include_presale"), description="Let orders with presale lines merge."
    )
    when_short: Literal["keep_apart", "merge_anyway"] = Field(
        default=domain_default(MergeSettings, "when_short").value,
        description=(
            "When the merged order could not be served in full from the stock available: keep_apart (an "
            "allocated order keeps its reservation, an order that can ship is not held back) or merge_anyway."
        ),
    )
