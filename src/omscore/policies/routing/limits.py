"""Restricting rules about how much a location may give: the routing safety stock it keeps back and the
shipments it can still release today.

Like the rules in :mod:`~omscore.policies.routing.origins`, each ranks a plan by how far it strays from the rule
(0: honoured), narrows the search problem to plans that honour it, and abstains when it has nothing to say.
"""

from __future__ import annotations

import types
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs

from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.inventory import StockKey
from omscore.policies.routing.facts import RoutingFacts
from omscore.policies.routing.origins import _EMPTY, _all_lines
from omscore.policies.routing.problem import CandidatePlan, SourcingProblem
from omscore.policies.routing.rules import Ranking


def _non_negative_values(instance: object, attribute: attrs.Attribute[Any], value: Mapping[Any, int]) -> None:
    for key, units in value.items():
        if type(units) is not int or units < 0:
            raise InvalidConfiguration(f"{attribute.name}.{key}", units, "must be a non-negative integer")


def _non_negative(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value < 0:
        raise InvalidConfiguration(attribute.name, value, "must be a non-negative integer")


def _frozen(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return types.MappingProxyType(dict(value))


def _safety_levels(value: Mapping[tuple[str, str], int]) -> Mapping[StockKey, int]:
    return types.MappingProxyType({(LocationId(loc), SkuCode(sku)): units for (loc, sku), units in value.items()})


@attrs.frozen
class SafetyStock:
    """Routing safety stock: units a location keeps back from routing (for its store counter, or as a
    buffer against count errors) are taken only when no plan can do without them.

    Attributes:
        levels: units kept back per (location, SKU).
        by_location: units kept back of every SKU at a location (when ``levels`` has no entry).
        default: units kept back of every SKU everywhere else.
    """

    name: ClassVar[str] = "safety_stock"
    levels: Mapping[StockKey, int] = attrs.field(
        default=_EMPTY, converter=_safety_levels, validator=_non_negative_values
    )
    by_location: Mapping[LocationId, int] = attrs.field(
        default=_EMPTY, converter=_frozen, validator=_non_negative_values
    )
    default: int = attrs.field(default=0, validator=_non_negative)
    required: bool = False

    def describe(self) -> str:
        parts = [f"{loc}/{sku}: {units}" for (loc, sku), units in sorted(self.levels.items())]
        parts += [f"{loc}: {units}" for loc, units in sorted(self.by_location.items())]
        parts.append(f"otherwise {self.default}")
        return f"{', '.join(parts)}{' (required)' if self.required else ''}"

    def kept_back(self, location: LocationId, sku: SkuCode) -> int:
        """Units of ``sku`` that ``location`` keeps back from routing."""
        found = self.levels.get((location, sku))
        if found is not None:
            return found
        return self.by_location.get(location, self.default)

    def _active(self, facts: RoutingFacts) -> bool:
        return any(self.kept_back(loc.id, line.sku) for loc in facts.candidates for line in facts.lines)

    def rank(self, plans: Sequence[CandidatePlan], facts: RoutingFacts) -> Ranking:
        if not self._active(facts):
            return Ranking.abstain("no safety stock at the candidates")
        ranks = []
        for plan in plans:
            over = 0
            for (loc, sku), units in plan.taken().items():
                free = max(0, facts.units_available(loc, sku) - self.kept_back(loc, sku))
                over += max(0, units - free)
            ranks.append(over)
        return Ranking.of(ranks, "units taken from routing safety stock")

    def restrict(self, problem: SourcingProblem, facts: RoutingFacts) -> SourcingProblem | None:
        if not self._active(facts):
            return None
        stock = {
            loc: {sku: max(0, units - self.kept_back(loc, sku)) for sku, units in skus.items()}
            for loc, skus in problem.stock.items()
        }
        return problem.with_stock(self.name, stock)


@attrs.frozen
class DailyCapacity:
    """Remaining daily capacity: a location that has planned as many shipments today as it can release is
    used only when no plan can do without it.

    A location's capacity is ``capacity[location]`` when given, else its ``daily_capacity``; what it has
    planned today comes in :attr:`~omscore.policies.routing.facts.RoutingInputs.shipments_today`.
    """

    name: ClassVar[str] = "capacity"
    capacity: Mapping[LocationId, int] = attrs.field(default=_EMPTY, converter=_frozen, validator=_non_negative_values)
    required: bool = False

    def describe(self) -> str:
        given = ", ".join(f"{loc}: {n}" for loc, n in sorted(self.capacity.items()))
        text = f"{given}; others their daily capacity" if given else "the locations' daily capacity"
        return f"{text}{' (required)' if self.required else ''}"

    def remaining(self, facts: RoutingFacts) -> dict[LocationId, int]:
        """Shipments each capacity-limited candidate may still plan today (may be negative)."""
        left: dict[LocationId, int] = {}
        for loc in facts.candidates:
            limit = self.capacity.get(loc.id, loc.daily_capacity)
            if limit is not None:
                left[loc.id] = limit - facts.inputs.shipments_today.get(loc.id, 0)
        return left

    def rank(self, plans: Sequence[CandidatePlan], facts: RoutingFacts) -> Ranking:
        left = self.remaining(facts)
        if not left:
            return Ranking.abstain("no candidate has a daily capacity")
        full = {loc for loc, n in left.items() if n <= 0}
        return Ranking.of((sum(1 for loc in p.locations if loc in full) for p in plans), "shipments at full locations")

    def restrict(self, problem: SourcingProblem, facts: RoutingFacts) -> SourcingProblem | None:
        left = self.remaining(facts)
        full = {loc for loc, n in left.items() if n <= 0}
        if not full:
            return None
        room = [loc.id for loc in facts.candidates if loc.id not in full]
        return problem.narrowed(self.name, _all_lines(facts, room))
