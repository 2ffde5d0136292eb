"""The network sections of the configuration file: the locations that ship stock and the parcel carriers, with
their cross-checks and their conversion into the network."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from omscore.boundary._fields import STRICT, Code, GeoPayload, Minor, Name, Region
from omscore.boundary.config.checks import Known, first_seen
from omscore.boundary.config.conversion import converted
from omscore.boundary.config.fields import MAX_NETWORK_ENTRIES, TagList, domain_default
from omscore.boundary.errors import FieldProblem
from omscore.domain.address import GeoPoint
from omscore.domain.identity import CarrierId, LocationId
from omscore.domain.network import Carrier, Location, LocationKind, Network

_RegionList = list[Region]


class LocationConfig(BaseModel):
    """A place that ships stock."""

    model_config = STRICT

    id: Code = Field(description="Location id.")
    name: Name = Field(default="", description="Display name.")
    kind: Literal["warehouse", "3pl", "store", "supplier"] = Field(
        default=domain_default(Location, "kind").value,
        description="warehouse, 3pl (third-party logistics), store, or supplier (drop-ships, 工厂代发).",
    )
    geo: GeoPayload | None = Field(default=None, description="Where it is; used by distance-based routing.")
    regions: _RegionList = Field(
        default_factory=list, max_length=1_000, description="Region codes it serves; empty: everywhere."
    )
    capabilities: TagList = Field(
        default_factory=list, max_length=32, description="What it can do, e.g. cold_chain, cod, pickup, oversize."
    )
    priority: int = Field(
        default=domain_default(Location, "priority"), ge=0, le=1_000_000, description="Lower ships first on a tie."
    )
    daily_capacity: int | None = Field(
        default=domain_default(Location, "daily_capacity"),
        ge=0,
        le=10**9,
        description="Shipments per day it can release; null: unlimited.",
    )
    cost_per_shipment_minor: Minor = Field(
        default=domain_default(Location, "cost_per_shipment_minor"), description="Handling cost of one shipment."
    )
    cost_per_unit_minor: Minor = Field(
        default=domain_default(Location, "cost_per_unit_minor"), description="Handling cost of one unit."
    )


class CarrierConfig(BaseModel):
    """A parcel carrier (快递)."""

    model_config = STRICT

    id: Code = Field(description="Carrier id.")
    name: Name = Field(default="", description="Display name.")
    regions: _RegionList = Field(
        default_factory=list, max_length=1_000, description="Region codes it delivers to; empty: everywhere."
    )
    excluded_regions: _RegionList = Field(
        default_factory=list, max_length=1_000, description="Remote areas it does not reach, even inside regions."
    )
    max_weight_g: int | None = Field(
        default=domain_default(Carrier, "max_weight_g"), ge=1, le=10**7, description="Heaviest parcel; null: no limit."
    )
    supports_cod: bool = Field(
        default=domain_default(Carrier, "supports_cod"), description="Whether it collects cash on delivery."
    )
    base_cost_minor: Minor = Field(
        default=domain_default(Carrier, "base_cost_minor"), description="Price of a parcel up to 1 kg."
    )
    per_kg_minor: Minor = Field(
        default=domain_default(Carrier, "per_kg_minor"), description="Price of each started kilogram after the first."
    )
    sla_days: int = Field(default=domain_default(Carrier, "sla_days"), ge=0, le=365, description="Usual transit days.")
    priority: int = Field(
        default=domain_default(Carrier, "priority"), ge=0, le=1_000_000, description="Lower is preferred on a tie."
    )
    locations: list[Code] = Field(
        default_factory=list, max_length=MAX_NETWORK_ENTRIES, description="Locations it collects from; empty: all."
    )


def check_network(
    locations: Sequence[LocationConfig], carriers: Sequence[CarrierConfig], known: Known
) -> list[FieldProblem]:
    """Location and carrier ids once each; a carrier collects only from declared locations."""
    problems: list[FieldProblem] = []
    location_ids: set[str] = set()
    for i, location in enumerate(locations):
        first_seen(problems, location_ids, location.id, f"locations.{i}.id", location.id, "location id")
    carrier_ids: set[str] = set()
    for i, carrier in enumerate(carriers):
        first_seen(problems, carrier_ids, carrier.id, f"carriers.{i}.id", carrier.id, "carrier id")
        for j, loc in enumerate(carrier.locations):
            if loc not in known.locations:
                problems.append(
                    FieldProblem(f"carriers.{i}.locations.{j}", loc, "unknown location", "unknown_reference")
                )
    return problems


def to_network(locations: Sequence[LocationConfig], carriers: Sequence[CarrierConfig]) -> Network:
    """The network of the locations and carriers."""
    return Network.build(
        locations=(
            Location(
                id=LocationId(loc.id),
                name=loc.name,
                kind=LocationKind(loc.kind),
                geo=None if loc.geo is None else GeoPoint(loc.geo.lat, loc.geo.lon),
                regions=converted(loc.regions),
                capabilities=converted(loc.capabilities),
                priority=loc.priority,
                daily_capacity=loc.daily_capacity,
                cost_per_shipment_minor=loc.cost_per_shipment_minor,
                cost_per_unit_minor=loc.cost_per_unit_minor,
            )
            for loc in locations
        ),
        carriers=(
            Carrier(
                id=CarrierId(c.id),
                name=c.name,
                regions=converted(c.regions),
                excluded_regions=converted(c.excluded_regions),
                max_weight_g=c.max_weight_g,
                supports_cod=c.supports_cod,
                base_cost_minor=c.base_cost_minor,
                per_kg_minor=c.per_kg_minor,
                sla_days=c.sla_days,
                priority=c.priority,
                locations=converted(c.locations),
            )
            for c in carriers
        ),
    )
