"""Strategies for the fulfilment network: stock locations, carriers and networks of both.

Locations of every kind lie near the cities of the region tree; carriers have coverage, limits and costs.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

from omscore.domain.errors import InvalidInput
from omscore.domain.identity import CarrierId, LocationId
from omscore.domain.network import Carrier, Location, LocationKind, Network
from omscore.testing.strategies.address import _CITY, _REGION_CODES, CITY_CENTRES, _draw_geo

_CARRIER_IDS = ("SF", "YTO", "ZTO", "STO", "JD", "EMS", "YUNDA", "DBL")
_CAPABILITIES = ("cod", "cold_chain", "oversize", "pickup")
_ID_PREFIX = {
    LocationKind.WAREHOUSE: "WH",
    LocationKind.THIRD_PARTY: "3PL",
    LocationKind.STORE: "STORE",
    LocationKind.SUPPLIER: "SUP",
}
_KINDS = st.sampled_from(list(LocationKind))


def _draw_location(draw: st.DrawFn, kind: LocationKind | None, number: int | None) -> Location:
    chosen = kind if kind is not None else draw(_KINDS)
    province, city = draw(_CITY)
    capabilities = set(draw(st.frozensets(st.sampled_from(_CAPABILITIES), max_size=2)))
    if chosen is LocationKind.STORE:
        regions: list[str] = [f"CN/{province}/{city}"]
        capabilities.add("pickup")
    else:
        capabilities.discard("pickup")
        regions = draw(st.lists(_REGION_CODES, max_size=2, unique=True))
    ident = number if number is not None else draw(st.integers(1, 99))
    return Location(
        id=LocationId(f"{_ID_PREFIX[chosen]}-{ident}"),
        name=f"{city} {chosen.value}",
        kind=chosen,
        geo=_draw_geo(draw, CITY_CENTRES[province, city], 0.05),
        regions=regions,
        capabilities=capabilities,
        priority=draw(st.integers(1, 200)),
        daily_capacity=draw(st.none() | st.integers(20, 5_000)),
        cost_per_shipment_minor=draw(st.integers(0, 1_000)),
        cost_per_unit_minor=draw(st.integers(0, 200)),
    )


@st.composite
def _locations(draw: st.DrawFn, kind: LocationKind | None, number: int | None) -> Location:
    return _draw_location(draw, kind, number)


def locations(kind: LocationKind | None = None, number: int | None = None) -> st.SearchStrategy[Location]:
    """Stock locations near a city of :data:`REGION_TREE`.

    Stores serve their own city and can do ``pickup``; suppliers (drop-ship factories) and warehouses may serve
    the whole country (no regions) or a few regions; every kind has costs, a priority and maybe a capacity.

    Args:
        kind: the kind, or any.
        number: the number in the id (``WH-3``); drawn when ``None``.

    Returns:
        A strategy of :class:`Location`.
    """
    return _locations(kind, number)


def _draw_carrier(draw: st.DrawFn, location_ids: tuple[LocationId, ...], carrier_id: str | None) -> Carrier:
    ident = carrier_id if carrier_id is not None else draw(st.sampled_from(_CARRIER_IDS))
    regions = draw(st.lists(_REGION_CODES, max_size=2, unique=True)) if draw(st.integers(0, 2)) == 0 else []
    excluded = ["CN/新疆维吾尔自治区"] if draw(st.booleans()) else []
    collects = draw(st.lists(st.sampled_from(location_ids), unique=True)) if location_ids else []
    return Carrier(
        id=CarrierId(ident),
        name=ident,
        regions=regions,
        excluded_regions=excluded,
        max_weight_g=draw(st.none() | st.integers(5_000, 60_000)),
        supports_cod=draw(st.booleans()),
        base_cost_minor=draw(st.integers(400, 2_500)),
        per_kg_minor=draw(st.integers(100, 800)),
        sla_days=draw(st.integers(1, 5)),
        priority=draw(st.integers(1, 100)),
        locations=collects,
    )


@st.composite
def _carriers(draw: st.DrawFn, location_ids: tuple[LocationId, ...], carrier_id: str | None) -> Carrier:
    return _draw_carrier(draw, location_ids, carrier_id)


def carriers(location_ids: Sequence[LocationId] = (), carrier_id: str | None = None) -> st.SearchStrategy[Carrier]:
    """Carriers with coverage (maybe excluding remote regions), weight limits, COD, a cost table and an SLA.

    Args:
        location_ids: the locations a carrier may be restricted to collecting from.
        carrier_id: the id; drawn from common Chinese carriers when ``None``.

    Returns:
        A strategy of :class:`Carrier`.
    """
    return _carriers(tuple(location_ids), carrier_id)


@st.composite
def _networks(draw: st.DrawFn, min_locations: int, max_locations: int, min_carriers: int, max_carriers: int) -> Network:
    count = draw(st.integers(min_locations, max_locations))
    kinds = list(LocationKind)[:count]
    kinds += [draw(_KINDS) for _ in range(count - len(kinds))]
    location_values = [_draw_location(draw, kind, number) for number, kind in enumerate(kinds, start=1)]
    ids = tuple(location.id for location in location_values)
    carrier_ids = draw(
        st.lists(st.sampled_from(_CARRIER_IDS), min_size=min_carriers, max_size=max_carriers, unique=True)
    )
    return Network.build(location_values, [_draw_carrier(draw, ids, ident) for ident in carrier_ids])


def networks(
    *, min_locations: int = 4, max_locations: int = 6, min_carriers: int = 1, max_carriers: int = 4
) -> st.SearchStrategy[Network]:
    """Networks with a location of every kind (warehouse, 3PL, store, supplier) when there are at least four, and
    carriers that may be restricted to some of those locations.

    Args:
        min_locations, max_locations: how many locations (ids ``WH-1``, ``3PL-2`` …, numbered in order).
        min_carriers, max_carriers: how many carriers (distinct ids).

    Returns:
        A strategy of :class:`Network`.

    Raises:
        InvalidInput: fewer than one location, or more carriers asked for than there are carrier ids.
    """
    if not 1 <= min_locations <= max_locations:
        raise InvalidInput("min_locations", min_locations, "need 1 ≤ min_locations ≤ max_locations")
    if not 0 <= min_carriers <= max_carriers <= len(_CARRIER_IDS):
        raise InvalidInput("max_carriers", max_carriers, f"need 0 ≤ min_carriers ≤ max_carriers ≤ {len(_CARRIER_IDS)}")
    return _networks(min_locations, max_locations, min_carriers, max_carriers)
