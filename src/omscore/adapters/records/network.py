"""Network records: the network's locations and carriers, as JSON-ready data and back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omscore.adapters.records.format import RECORD_FORMAT, Record, _read
from omscore.adapters.records.values import _enum, _geo, _geo_from, _optional
from omscore.domain.identity import CarrierId, LocationId
from omscore.domain.network import Carrier, Location, LocationKind, Network


def _location(value: Location) -> Record:
    return {
        "id": value.id,
        "name": value.name,
        "kind": value.kind.value,
        "geo": _optional(value.geo, _geo),
        "regions": list(value.regions),
        "capabilities": sorted(value.capabilities),
        "priority": value.priority,
        "daily_capacity": value.daily_capacity,
        "cost_per_shipment_minor": value.cost_per_shipment_minor,
        "cost_per_unit_minor": value.cost_per_unit_minor,
    }


def _location_from(data: Mapping[str, Any]) -> Location:
    return Location(
        id=LocationId(data["id"]),
        name=data["name"],
        kind=_enum(LocationKind, data["kind"]),
        geo=_optional(data["geo"], _geo_from),
        regions=tuple(data["regions"]),
        capabilities=frozenset(data["capabilities"]),
        priority=data["priority"],
        daily_capacity=data["daily_capacity"],
        cost_per_shipment_minor=data["cost_per_shipment_minor"],
        cost_per_unit_minor=data["cost_per_unit_minor"],
    )


def _carrier(value: Carrier) -> Record:
    return {
        "id": value.id,
        "name": value.name,
        "regions": list(value.regions),
        "excluded_regions": list(value.excluded_regions),
        "max_weight_g": value.max_weight_g,
        "supports_cod": value.supports_cod,
        "base_cost_minor": value.base_cost_minor,
        "per_kg_minor": value.per_kg_minor,
        "sla_days": value.sla_days,
        "priority": value.priority,
        "locations": list(value.locations),
    }


def _carrier_from(data: Mapping[str, Any]) -> Carrier:
    return Carrier(
        id=CarrierId(data["id"]),
        name=data["name"],
        regions=tuple(data["regions"]),
        excluded_regions=tuple(data["excluded_regions"]),
        max_weight_g=data["max_weight_g"],
        supports_cod=data["supports_cod"],
        base_cost_minor=data["base_cost_minor"],
        per_kg_minor=data["per_kg_minor"],
        sla_days=data["sla_days"],
        priority=data["priority"],
        locations=tuple(data["locations"]),
    )


def network_to_record(network: Network) -> Record:
    """The network as JSON-ready data: locations and carriers in the network's own order.

    Args:
        network: the network to convert.

    Returns:
        A dict that :func:`network_from_record` turns back into an equal network.
    """
    return {
        "format": RECORD_FORMAT,
        "locations": [_location(loc) for loc in network.locations.values()],
        "carriers": [_carrier(car) for car in network.carriers.values()],
    }


def network_from_record(data: Mapping[str, Any]) -> Network:
    """Rebuild a network from :func:`network_to_record` data.

    Args:
        data: the record.

    Returns:
        The network, keyed by location and carrier id.

    Raises:
        SchemaVersionError: the record was written in a newer format.
        PersistenceError: the record is damaged.
    """
    return _read("network", data, _network_from)


def _network_from(data: Mapping[str, Any]) -> Network:
    locations = [_location_from(loc) for loc in data["locations"]]
    carriers = [_carrier_from(car) for car in data["carriers"]]
    return Network(
        locations={loc.id: loc for loc in locations},
        carriers={car.id: car for car in carriers},
    )
