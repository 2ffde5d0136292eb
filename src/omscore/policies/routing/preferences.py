"""Rules that prefer some plans to others without saying where lines may come from: ship complete, fewest
shipments, distance, cost and the minimum value of a shipment."""

from __future__ import annotations

import types
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, ClassVar

import attrs

from omscore.domain.address import GeoPoint
from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import LineId, LocationId, SkuCode
from omscore.domain.network import Location
from omscore.policies.routing.facts import RoutingFacts
from omscore.policies.routing.geo import BUILT_IN_CENTROIDS, Centroids, haversine_km
from omscore.policies.routing.problem import CandidatePlan, SourcingProblem
from omscore.policies.routing.rules import Ranking
from omscore.policies.routing.search import SearchContext, SearchResult, cheapest, fewest, greedy

_EMPTY: Mapping[Any, Any] = types.MappingProxyType({})


def _frozen(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return types.MappingProxyType(dict(value))


def _costs(instance: object, attribute: attrs.Attribute[Any], value: Mapping[Any, int]) -> None:
    for key, amount in value.items():
        if type(amount) is not int or amount < 0:
            raise InvalidConfiguration(f"{attribute.name}.{key}", amount, "must be a non-negative integer")


def _non_negative(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value < 0:
        raise InvalidConfiguration(attribute.name, value, "must be a non-negative integer")


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value <= 0:
        raise InvalidConfiguration(attribute.name, value, "must be a positive integer")


def _gap(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value < 1.0:
        raise InvalidConfiguration(attribute.name, value, "must be at least 0 and below 1")


@attrs.frozen
class ShipComplete:
    """整单发货: a plan that ships everything from one location beats any split; split plans tie."""

    name: ClassVar[str] = "ship_complete"

    def describe(self) -> str:
        return ""

    def rank(self, plans: Sequence[CandidatePlan], facts: RoutingFacts) -> Ranking:
        return Ranking.of((0 if p.shipments == 1 else 1 for p in plans), "0 when one location ships everything")


@attrs.frozen
class FewestShipments:
    """最少包裹: the fewest locations (shipments), found exactly by the fewest-shipments optimiser."""

    name: ClassVar[str] = "fewest_shipments"

    def describe(self) -> str:
        return ""

    def rank(self, plans: Sequence[CandidatePlan], facts: RoutingFacts) -> Ranking:
        return Ranking.of((p.shipments for p in plans), "shipments")


@attrs.frozen
class Distance:
    """就近发货: the shortest total distance from the shipping locations to the recipient.

    A plan's distance is the sum, over its locations, of the great-circle distance from the location to the
    recipient's point, in whole kilometres, divided by ``granularity_km`` so that distances closer than that
    tie and fall through to the next rule. The recipient's point is the address's geo point, else the point
    of its most specific region in ``centroids`` (the built-in table of Chinese provinces and major cities,
    plus the merchant's own points). A location without a geo point counts ``unknown_km``, more than any
    distance on Earth by default, so it ranks after every location with one. The rule abstains when the
    recipient has no point.
    """

    name: ClassVar[str] = "distance"
    granularity_km: int = attrs.field(default=1, validator=_positive)
    unknown_km: int = attrs.field(default=25_000, validator=_non_negative)
    centroids: Centroids = BUILT_IN_CENTROIDS

    def describe(self) -> str:
        return f"in steps of {self.granularity_km} km"

    def destination(self, facts: RoutingFacts) -> tuple[GeoPoint, str] | None:
        """The recipient's point and where it came from, or ``None``."""
        address = facts.order.recipient.address
        if address.geo is not None:
            return address.geo, "the address's geo point"
        return self.centroids.locate(address.region_path())

    def kilometres(self, facts: RoutingFacts) -> tuple[dict[LocationId, int], str] | None:
        """Whole kilometres from each candidate to the recipient, and where the recipient's point came from; or
        ``None`` when the recipient has no point."""
        found = self.destination(facts)
        if found is None:
            return None
        point, source = found
        return {loc.id: self._km(loc, point) for loc in facts.candidates}, source

    def _km(self, location: Location, point: GeoPoint) -> int:
        if location.geo is None:
            return self.unknown_km
        return round(haversine_km(location.geo, point))

    def rank(self, plans: Sequence[CandidatePlan], facts: RoutingFacts) -> Ranking:
        found = self.kilometres(facts)
        if found is None:
            return Ranking.abstain("no point for the recipient's address")
        km, source = found
        ranks = (sum(km.get(loc, self.unknown_km) for loc in p.locations) // self.granularity_km for p in plans)
        unit = "km" if self.granularity_km == 1 else f"× {self.granularity_km} km"
        return Ranking.of(ranks, f"total distance to {source}, {unit}")

    def search(self, problem: SourcingProblem, facts: RoutingFacts, context: SearchContext) -> list[SearchResult]:
        found = self.kilometres(facts)
        if found is None:
            return []
        km = found[0]
        return [fewest(problem, context, km, "fewest by distance"), greedy(problem, context, km, "nearest first")]


@attrs.frozen
class Cost:
    """最小成本: the lowest handling cost, found within ``gap`` by the cost optimiser.

    A plan costs, per location used, the fixed cost of a shipment, plus per unit the location's unit cost
    and the unit's weight times the location's cost per kilogram. Fixed and unit costs default to the
    location's ``cost_per_shipment_minor`` and ``cost_per_unit_minor``; the per-kilogram cost to
    ``default_per_kg_minor``. Ranks are in thousandths of a minor unit, so weights price exactly. The
    optimiser ships each line whole from one location; when the strategy splits lines, the other searches
    may still find a cheaper split plan, and the rank compares them all.
    """

    name: ClassVar[str] = "cost"
    shipment_minor: Mapping[LocationId, int] = attrs.field(default=_EMPTY, converter=_frozen, validator=_costs)
    unit_minor: Mapping[LocationId, int] = attrs.field(default=_EMPTY, converter=_frozen, validator=_costs)
    per_kg_minor: Mapping[LocationId, int] = attrs.field(default=_EMPTY, converter=_frozen, validator=_costs)
    default_per_kg_minor: int = attrs.field(default=0, validator=_non_negative)
    gap: float = attrs.field(default=0.0, validator=_gap)

    def describe(self) -> str:
        return f"within {self.gap:.1%} of the optimum" if self.gap else "optimal"

    def fixed(self, location: Location) -> int:
        return self.shipment_minor.get(location.id, location.cost_per_shipment_minor)

    def per_unit_milli(self, location: Location, sku: SkuCode, facts: RoutingFacts) -> int:
        """Cost of one unit of ``sku`` from ``location``, in thousandths of a minor unit."""
        unit = self.unit_minor.get(location.id, location.cost_per_unit_minor)
        per_kg = self.per_kg_minor.get(location.id, self.default_per_kg_minor)
        catalog = facts.inputs.catalog
        found = catalog.sku(sku) if catalog is not None and per_kg else None
        weight = found.weight_g if found is not None else 0
        return 1000 * unit + weight * per_kg

    def cost_milli(self, plan: CandidatePlan, facts: RoutingFacts) -> int:
        """The plan's cost in thousandths of a minor unit."""
        total = 0
        for loc_id in plan.locations:
            location = facts.location(loc_id)
            total += 1000 * self.fixed(location) if location is not None else 0
        for a in plan.allocations:
            location = facts.location(a.location)
            if location is not None:
                total += a.quantity * self.per_unit_milli(location, a.sku, facts)
        return total

    def rank(self, plans: Sequence[CandidatePlan], facts: RoutingFacts) -> Ranking:
        return Ranking.of((self.cost_milli(p, facts) for p in plans), "cost in thousandths of a minor unit")

    def search(self, problem: SourcingProblem, facts: RoutingFacts, context: SearchContext) -> list[SearchResult]:
        skus = sorted({line.sku for line in facts.lines})
        shipment = {loc.id: 1000 * self.fixed(loc) for loc in facts.candidates}
        unit = {(loc.id, sku): self.per_unit_milli(loc, sku, facts) for loc in facts.candidates for sku in skus}
        rank = {loc.id: loc.priority for loc in facts.candidates}
        return [cheapest(problem, context, shipment, unit, rank, self.gap)]


@attrs.frozen
class MinShipmentValue:
    """起发金额: every shipment of a split carries at least ``minor`` of the order's value.

    A shipment's value is its share of the line amounts, by quantity. The rule ranks a plan by its shipments
    below the minimum; an order worth less than the minimum in total has one such shipment whatever happens.
    """

    name: ClassVar[str] = "min_shipment_value"
    minor: int = attrs.field(default=0, validator=_non_negative)

    def describe(self) -> str:
        return f"at least {self.minor} minor units per shipment"

    def rank(self, plans: Sequence[CandidatePlan], facts: RoutingFacts) -> Ranking:
        if not self.minor:
            return Ranking.abstain("no minimum set")
        amounts = {line.id: (line.amount.minor, line.quantity) for line in facts.lines}
        ranks = []
        for plan in plans:
            value: dict[LocationId, Fraction] = {}
            for a in plan.allocations:
                amount, quantity = amounts[LineId(a.line_id)]
                value[a.location] = value.get(a.location, Fraction(0)) + Fraction(amount * a.quantity, quantity)
            ranks.append(sum(1 for v in value.values() if v < self.minor))
        return Ranking.of(ranks, f"shipments worth less than {self.minor}")
