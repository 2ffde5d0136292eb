"""The routing rules of a strategy that prefer some plans to others (ship complete, fewest shipments, minimum
shipment value, distance, cost), as the configuration file gives them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from omscore.boundary._fields import STRICT, Code, Minor, Region
from omscore.boundary.config.fields import MAX_NETWORK_ENTRIES, MAX_RULE_ENTRIES, domain_default
from omscore.policies.routing import Cost, Distance


class ShipCompleteRule(BaseModel):
    """整单发货: one location shipping everything beats any split."""

    model_config = STRICT

    rule: Literal["ship_complete"]


class FewestShipmentsRule(BaseModel):
    """最少包裹: the fewest locations."""

    model_config = STRICT

    rule: Literal["fewest_shipments"]


class MinShipmentValueRule(BaseModel):
    """起发金额: prefer plans whose shipments are each worth at least a minimum."""

    model_config = STRICT

    rule: Literal["min_shipment_value"]
    minor: Minor = Field(description="Least value of one shipment, in minor units.")


class CentroidConfig(BaseModel):
    """The point distance-based routing uses for a region."""

    model_config = STRICT

    region: Region = Field(description="A region code, e.g. CN/Zhejiang/Yiwu.")
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False, description="Latitude, −90 to 90.")
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False, description="Longitude, −180 to 180.")


class DistanceRule(BaseModel):
    """就近发货: the shortest total distance to the recipient."""

    model_config = STRICT

    rule: Literal["distance"]
    granularity_km: int = Field(
        default=domain_default(Distance, "granularity_km"),
        ge=1,
        le=20_000,
        description="Distances closer than this tie and fall through to the next rule.",
    )
    unknown_km: int = Field(
        default=domain_default(Distance, "unknown_km"),
        ge=0,
        le=100_000,
        description="Distance counted for a location without a geo point.",
    )
    centroids: list[CentroidConfig] = Field(
        default_factory=list,
        max_length=MAX_RULE_ENTRIES,
        description="Points of regions, added to or replacing the built-in ones (for addresses without geo).",
    )


class LocationCost(BaseModel):
    """Costs of one location, overriding its own."""

    model_config = STRICT

    location: Code = Field(description="A location id declared in locations.")
    shipment_minor: Minor | None = Field(default=None, description="Fixed cost of a shipment; null: the location's.")
    unit_minor: Minor | None = Field(default=None, description="Cost of a unit; null: the location's.")
    per_kg_minor: Minor | None = Field(default=None, description="Cost per kilogram; null: default_per_kg_minor.")


class CostRule(BaseModel):
    """最小成本: the lowest handling cost."""

    model_config = STRICT

    rule: Literal["cost"]
    locations: list[LocationCost] = Field(
        default_factory=list, max_length=MAX_NETWORK_ENTRIES, description="Per-location cost overrides."
    )
    default_per_kg_minor: Minor = Field(
        default=domain_default(Cost, "default_per_kg_minor"),
        description="Cost per kilogram of a location without its own.",
    )
    gap: float = Field(
        default=domain_default(Cost, "gap"),
        ge=0,
        lt=1,
        allow_inf_nan=False,
        description="Accept a plan proven within this fraction of the cheapest (0: prove it cheapest).",
    )
