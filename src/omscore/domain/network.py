"""The fulfilment network: stock locations and carriers."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

import attrs

from omscore.domain.address import GeoPoint, region_matches
from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import CarrierId, LocationId


def _strs(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _str_set(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


class LocationKind(enum.StrEnum):
    WAREHOUSE = "warehouse"
    THIRD_PARTY = "3pl"
    STORE = "store"
    SUPPLIER = "supplier"
    """A factory or vendor that drop-ships (工厂代发)."""


@attrs.frozen
class Location:
    """A place that ships stock.

    Attributes:
        id: location id.
        kind: warehouse, 3PL, store or drop-ship supplier.
        regions: region codes it serves (``'CN'``, ``'CN/Zhejiang'`` …); empty means everywhere.
        capabilities: what it can do, e.g. ``cold_chain``, ``cod``, ``pickup``, ``oversize``.
        priority: lower ships first when nothing else decides.
        daily_capacity: shipments per day it can release, or ``None`` for unlimited.
        cost_per_shipment_minor, cost_per_unit_minor: handling cost used by cost-aware routing.
    """

    id: LocationId
    name: str = ""
    kind: LocationKind = LocationKind.WAREHOUSE
    geo: GeoPoint | None = None
    regions: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    capabilities: frozenset[str] = attrs.field(default=frozenset(), converter=_str_set)
    priority: int = 100
    daily_capacity: int | None = None
    cost_per_shipment_minor: int = 0
    cost_per_unit_minor: int = 0

    def serves(self, path: tuple[str, ...]) -> bool:
        """Whether the location ships to an address with region ``path``."""
        return not self.regions or any(region_matches(r, path) for r in self.regions)


@attrs.frozen
class Carrier:
    """A parcel carrier (快递).

    Attributes:
        regions: region codes it delivers to; empty means everywhere.
        excluded_regions: remote areas it does not reach, even inside ``regions``.
        max_weight_g: heaviest parcel it takes, or ``None``.
        supports_cod: whether it collects cash on delivery.
        base_cost_minor, per_kg_minor: price of a parcel: base plus each started kilogram after the first.
        sla_days: usual transit days.
        priority: lower is preferred when nothing else decides.
        locations: the locations it collects from; empty means all.
    """

    id: CarrierId
    name: str = ""
    regions: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    excluded_regions: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    max_weight_g: int | None = None
    supports_cod: bool = False
    base_cost_minor: int = 0
    per_kg_minor: int = 0
    sla_days: int = 3
    priority: int = 100
    locations: tuple[str, ...] = attrs.field(default=(), converter=_strs)

    def reaches(self, path: tuple[str, ...]) -> bool:
        if any(region_matches(r, path) for r in self.excluded_regions):
            return False
        return not self.regions or any(region_matches(r, path) for r in self.regions)

    def cost_minor(self, weight_g: int) -> int:
        extra_kg = max(0, -(-weight_g // 1000) - 1)
        return self.base_cost_minor + extra_kg * self.per_kg_minor


@attrs.frozen
class Network:
    """Locations and carriers, indexed by id."""

    locations: Mapping[LocationId, Location]
    carriers: Mapping[CarrierId, Carrier]

    @classmethod
    def build(cls, locations: Iterable[Location], carriers: Iterable[Carrier] = ()) -> Network:
        """Index locations and carriers.

        Raises:
            InvalidConfiguration: on a duplicate id or a carrier collecting from an unknown location.
        """
        loc_map: dict[LocationId, Location] = {}
        for location in locations:
            if location.id in loc_map:
                raise InvalidConfiguration("locations.id", location.id, "duplicate location id")
            loc_map[location.id] = location
        car_map: dict[CarrierId, Carrier] = {}
        for carrier in carriers:
            if carrier.id in car_map:
                raise InvalidConfiguration("carriers.id", carrier.id, "duplicate carrier id")
            for loc in carrier.locations:
                if loc not in loc_map:
                    raise InvalidConfiguration(f"carriers.{carrier.id}.locations", loc, "unknown location")
            car_map[carrier.id] = carrier
        return cls(locations=loc_map, carriers=car_map)

    def location(self, id: LocationId) -> Location | None:
        return self.locations.get(id)
