"""The sourcing problem the candidate plans are searched in, and the plans themselves.

A :class:`SourcingProblem` says, for one order, how many units each candidate location may give of each SKU,
which locations each line may come from, and which lines must travel together (a kit). The strategy's
restricting rules narrow it step by step; plans are searched in each narrowed problem. A
:class:`CandidatePlan` is a complete plan: every unit of the order has a location.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

from omscore.domain.identity import LineId, LocationId, SkuCode
from omscore.domain.inventory import StockKey
from omscore.domain.order_line import OrderLine
from omscore.policies.optimise import Allocation, DemandLine
from omscore.policies.routing.facts import RoutingFacts

#: Separates a SKU from the suffix that tells apart lines of one SKU with different eligible locations, and
#: marks the synthetic line of a group that must ship together. Never part of a real SKU or line id.
_MARK = "\x1f"


@attrs.frozen
class CandidatePlan:
    """A complete plan: every unit of the order ships from one location.

    Attributes:
        allocations: sorted by (location, line id, SKU, quantity); quantities per line sum to the line's.
        found_by: the searches that produced it, e.g. ``("single", "fewest@base")`` (not part of equality).
    """

    allocations: tuple[Allocation, ...]
    found_by: tuple[str, ...] = attrs.field(default=(), eq=False)

    @property
    def locations(self) -> tuple[LocationId, ...]:
        """The locations used, sorted by id."""
        return tuple(sorted({a.location for a in self.allocations}))

    @property
    def shipments(self) -> int:
        """Number of locations used (one shipment each before the split)."""
        return len({a.location for a in self.allocations})

    def units_at(self) -> dict[LocationId, int]:
        """Units shipped from each location."""
        units: dict[LocationId, int] = {}
        for a in self.allocations:
            units[a.location] = units.get(a.location, 0) + a.quantity
        return units

    def taken(self) -> dict[StockKey, int]:
        """Units taken per (location, SKU)."""
        taken: dict[StockKey, int] = {}
        for a in self.allocations:
            key = (a.location, a.sku)
            taken[key] = taken.get(key, 0) + a.quantity
        return taken

    def locations_of(self, line_id: LineId) -> frozenset[LocationId]:
        return frozenset(a.location for a in self.allocations if a.line_id == line_id)

    def describe(self) -> str:
        """``WH-EAST[L1×2, L2×1] + WH-NORTH[L3×1]``."""
        parts: dict[LocationId, list[str]] = {}
        for a in self.allocations:
            parts.setdefault(a.location, []).append(f"{a.line_id}×{a.quantity}")
        return " + ".join(f"{loc}[{', '.join(items)}]" for loc, items in parts.items())


def plan_of(allocations: Iterable[Allocation], found_by: str) -> CandidatePlan:
    """A plan from allocations in any order; parts of one line at one location are added up."""
    merged: dict[tuple[LocationId, LineId, SkuCode], int] = {}
    for a in allocations:
        key = (a.location, a.line_id, a.sku)
        merged[key] = merged.get(key, 0) + a.quantity
    parts = tuple(Allocation(loc, line, sku, qty) for (loc, line, sku), qty in sorted(merged.items()))
    return CandidatePlan(parts, (found_by,))


@attrs.frozen
class SourcingProblem:
    """Where each line of an order may come from, and how much each location may give.

    Attributes:
        label: how the problem was reached, e.g. ``"base"`` or ``"base+shop_exception"``.
        stock: units each candidate location may give per SKU (never negative); every candidate is listed.
        allowed: the locations each line may come from.
        together: groups of lines that must ship from one location (the lines of one kit).
    """

    label: str
    stock: Mapping[LocationId, Mapping[SkuCode, int]]
    allowed: Mapping[LineId, frozenset[LocationId]]
    together: tuple[tuple[LineId, ...], ...] = ()

    @classmethod
    def base(cls, facts: RoutingFacts) -> SourcingProblem:
        """Every candidate location for every line, with the stock available there."""
        skus = sorted({line.sku for line in facts.lines})
        stock = {loc.id: {sku: facts.units_available(loc.id, sku) for sku in skus} for loc in facts.candidates}
        everywhere = frozenset(loc.id for loc in facts.candidates)
        return cls("base", stock, {line.id: everywhere for line in facts.lines})

    def key(self) -> tuple[object, ...]:
        """What the problem is, without its label (two problems with equal keys have the same plans)."""
        stock = tuple(sorted((loc, tuple(sorted(units.items()))) for loc, units in self.stock.items()))
        allowed = tuple(sorted((line, tuple(sorted(locs))) for line, locs in self.allowed.items()))
        return stock, allowed, self.together

    def narrowed(self, by: str, allowed: Mapping[LineId, frozenset[LocationId]]) -> SourcingProblem:
        """This problem with each line of ``allowed`` kept to the locations given for it (intersected with what
        it had)."""
        narrowed = dict(self.allowed)
        for line, locations in allowed.items():
            narrowed[line] = narrowed[line] & locations
        return attrs.evolve(self, label=f"{self.label}+{by}", allowed=narrowed)

    def with_stock(self, by: str, stock: Mapping[LocationId, Mapping[SkuCode, int]]) -> SourcingProblem:
        return attrs.evolve(self, label=f"{self.label}+{by}", stock=stock)

    def with_groups(self, by: str, groups: Sequence[tuple[LineId, ...]]) -> SourcingProblem:
        return attrs.evolve(self, label=f"{self.label}+{by}", together=tuple(sorted(groups)))

    def admits(self, plan: CandidatePlan) -> bool:
        """Whether ``plan`` honours this problem: every line from an allowed location, no location giving more
        than its stock here, every group of lines from one location."""
        if any(a.location not in self.allowed.get(a.line_id, frozenset()) for a in plan.allocations):
            return False
        if any(units > self.stock.get(loc, {}).get(sku, 0) for (loc, sku), units in plan.taken().items()):
            return False
        return all(len({a.location for a in plan.allocations if a.line_id in group}) <= 1 for group in self.together)

    def single_location_plans(self, lines: Sequence[OrderLine]) -> list[CandidatePlan]:
        """Every plan that ships the whole order from one location, in location id order."""
        demand: dict[SkuCode, int] = {}
        for line in lines:
            demand[line.sku] = demand.get(line.sku, 0) + line.quantity
        plans: list[CandidatePlan] = []
        for loc in sorted(self.stock):
            units = self.stock[loc]
            if all(loc in self.allowed[line.id] for line in lines) and all(
                units.get(sku, 0) >= qty for sku, qty in demand.items()
            ):
                plans.append(plan_of((Allocation(loc, line.id, line.sku, line.quantity) for line in lines), "single"))
        return plans

    def encode(self, lines: Sequence[OrderLine]) -> EncodedProblem:
        """The problem in the optimisers' terms (see :class:`EncodedProblem`)."""
        return EncodedProblem.of(self, lines)


@attrs.frozen
class EncodedProblem:
    """A :class:`SourcingProblem` as demand lines and stock per location for the whole-order optimisers.

    The optimisers know stock per (location, SKU) only. Lines of one SKU that may come from different
    locations get SKUs of their own (``sku␟n``) whose stock is the SKU's stock at their allowed locations; a
    group of lines that must travel together becomes one line of one unit, stocked wherever every line of the
    group fits. Two such aliases share the real stock, so a decoded plan may ask a location for more than it
    has: the caller checks every plan against the available stock and drops those that do.
    """

    demand: tuple[DemandLine, ...]
    stock: Mapping[LocationId, Mapping[SkuCode, int]]
    skus: Mapping[SkuCode, SkuCode]
    groups: Mapping[LineId, tuple[OrderLine, ...]]
    lines: Mapping[LineId, OrderLine]

    @classmethod
    def of(cls, problem: SourcingProblem, lines: Sequence[OrderLine]) -> EncodedProblem:
        by_id = {line.id: line for line in lines}
        grouped = {line_id for group in problem.together for line_id in group}
        single = [line for line in lines if line.id not in grouped]
        kinds: dict[SkuCode, list[tuple[str, ...]]] = {}
        for line in single:
            allowed = tuple(sorted(problem.allowed[line.id]))
            seen = kinds.setdefault(line.sku, [])
            if allowed not in seen:
                seen.append(allowed)
        alias_of: dict[tuple[SkuCode, tuple[str, ...]], SkuCode] = {}
        for sku, sets in kinds.items():
            for n, kind in enumerate(sorted(sets)):
                alias_of[(sku, kind)] = sku if len(sets) == 1 else SkuCode(f"{sku}{_MARK}{n}")
        stock: dict[LocationId, dict[SkuCode, int]] = {loc: {} for loc in sorted(problem.stock)}
        skus: dict[SkuCode, SkuCode] = {}
        demand: list[DemandLine] = []
        for line in single:
            alias = alias_of[(line.sku, tuple(sorted(problem.allowed[line.id])))]
            skus[alias] = line.sku
            demand.append(DemandLine(line.id, alias, line.quantity))
            for loc in problem.allowed[line.id]:
                if loc in stock:
                    stock[loc][alias] = problem.stock[loc].get(line.sku, 0)
        groups: dict[LineId, tuple[OrderLine, ...]] = {}
        for group in problem.together:
            members = tuple(by_id[line_id] for line_id in group)
            key = LineId(f"{_MARK}{'+'.join(group)}")
            groups[key] = members
            demand.append(DemandLine(key, SkuCode(key), 1))
            for loc, units in stock.items():
                need: dict[SkuCode, int] = {}
                for member in members:
                    need[member.sku] = need.get(member.sku, 0) + member.quantity
                fits = all(loc in problem.allowed[m.id] for m in members) and all(
                    problem.stock[loc].get(sku, 0) >= qty for sku, qty in need.items()
                )
                if fits:
                    units[SkuCode(key)] = 1
        return cls(tuple(demand), stock, skus, groups, by_id)

    def decode(self, allocations: Iterable[Allocation], found_by: str) -> CandidatePlan:
        """The plan of the optimisers' allocations, in real lines and SKUs."""
        real: list[Allocation] = []
        for a in allocations:
            members = self.groups.get(a.line_id)
            if members is None:
                real.append(Allocation(a.location, a.line_id, self.lines[a.line_id].sku, a.quantity))
            else:
                real.extend(Allocation(a.location, m.id, m.sku, m.quantity) for m in members)
        return plan_of(real, found_by)
