"""The searches that produce candidate plans, on top of the exact whole-order optimisers.

* :func:`fewest` — the fewest shipments (:func:`~omscore.policies.optimise.min_shipments`), lines divisible
  or not, ties broken by a rank per location (configured priority, or distance for the distance rule);
* :func:`cheapest` — the lowest cost within a stated gap (:func:`~omscore.policies.optimise.min_cost`);
* :func:`greedy` — each line from the first location in a given order that has it (e.g. the nearest).

Both run within the strategy's node limit (deterministic) and optional time limit. When a limit stops a
search, its best plan so far is used (the optimisers start from a greedy plan, so there always is one when the
order can be covered) and the record says it is not proven optimal; the baseline plan of
:class:`~omscore.policies.routing.PriorityRouter` is always a candidate as well, so no strategy does worse than
the baseline on the rules it ranks by.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from omscore.domain.identity import LineId, LocationId, SkuCode
from omscore.domain.order_line import OrderLine
from omscore.policies.optimise import Allocation, CostModel, SourcingPlan, min_cost, min_shipments
from omscore.policies.routing.problem import CandidatePlan, SourcingProblem, plan_of


@attrs.frozen
class SearchContext:
    """How plans are searched for one decision.

    Attributes:
        lines: the order's lines, sorted by id.
        divisible: whether a line's units may come from several locations.
        node_limit: most search nodes per optimiser call (``None``: no limit).
        time_limit_ms: wall-time bound per optimiser call (``None``: none, which keeps decisions deterministic).
    """

    lines: tuple[OrderLine, ...]
    divisible: bool
    node_limit: int | None
    time_limit_ms: float | None


@attrs.frozen
class SearchRecord:
    """One search and what it gave.

    Attributes:
        search: which search (``"fewest"``, ``"fewest by distance"``, ``"cheapest"``, ``"baseline"``).
        problem: the label of the problem it ran in.
        complete: whether its plan covers the whole order.
        optimal: whether the optimiser proved its plan best for its objective (``None`` for the baseline).
        value: the plan's objective value (shipments, or cost), if any.
        nodes: search nodes expanded.
        limit_hit: ``"nodes"`` or ``"time"`` when a limit cut the search short.
    """

    search: str
    problem: str
    complete: bool
    optimal: bool | None = None
    value: int | None = None
    nodes: int = 0
    limit_hit: str | None = None

    def text(self) -> str:
        if self.optimal is None:
            proof = ""
        else:
            proof = ", optimal" if self.optimal else f", not proven optimal ({self.limit_hit or 'gap'})"
        value = "" if self.value is None else f" value {self.value}"
        outcome = "complete" if self.complete else "incomplete"
        return f"{self.search} in {self.problem}: {outcome}{value}{proof}, {self.nodes} node(s)"

    def as_dict(self) -> dict[str, Any]:
        return {
            "search": self.search,
            "problem": self.problem,
            "complete": self.complete,
            "optimal": self.optimal,
            "value": self.value,
            "nodes": self.nodes,
            "limit_hit": self.limit_hit,
        }


@attrs.frozen
class SearchResult:
    """A search's plan (``None`` when it could not cover the order) and its record."""

    plan: CandidatePlan | None
    record: SearchRecord


def _result(search: str, problem: SourcingProblem, found: SourcingPlan, plan: CandidatePlan) -> SearchResult:
    record = SearchRecord(
        search=search,
        problem=problem.label,
        complete=found.complete,
        optimal=found.optimal,
        value=found.cost if found.cost is not None else found.shipments,
        nodes=found.trace.nodes,
        limit_hit=None if found.trace.limit_hit is None else found.trace.limit_hit.value,
    )
    return SearchResult(plan if found.complete else None, record)


def fewest(
    problem: SourcingProblem,
    context: SearchContext,
    rank: Mapping[LocationId, int],
    search: str = "fewest",
) -> SearchResult:
    """The plan with the fewest shipments in ``problem``; among those, the lowest sum of ``rank``, then the
    earliest locations in (rank, id) order."""
    encoded = problem.encode(context.lines)
    found = min_shipments(
        encoded.demand,
        encoded.stock,
        divisible=context.divisible,
        rank=dict(rank),
        time_limit_ms=context.time_limit_ms,
        node_limit=context.node_limit,
    )
    return _result(search, problem, found, encoded.decode(found.allocations, f"{search}@{problem.label}"))


def greedy(
    problem: SourcingProblem, context: SearchContext, rank: Mapping[LocationId, int], search: str
) -> SearchResult:
    """Each line from the first location in (rank, id) order that has it — the myopic plan, e.g. every line
    from its nearest location. Kit groups go first, then lines with fewer eligible locations, then by id, so that
    the most constrained lines take shared stock first. A divisible line takes what the first location has and
    the rest from the next ones."""
    order = sorted(problem.stock, key=lambda loc: (rank.get(loc, 0), loc))
    left = {loc: dict(units) for loc, units in problem.stock.items()}
    by_id = {line.id: line for line in context.lines}
    grouped = {line_id for group in problem.together for line_id in group}
    allocations: list[Allocation] = []
    complete = True
    for group in problem.together:
        members = [by_id[line_id] for line_id in group]
        need: dict[SkuCode, int] = {}
        for m in members:
            need[m.sku] = need.get(m.sku, 0) + m.quantity
        where = next(
            (
                loc
                for loc in order
                if all(loc in problem.allowed[m.id] for m in members)
                and all(left[loc].get(sku, 0) >= qty for sku, qty in need.items())
            ),
            None,
        )
        if where is None:
            complete = False
            continue
        for m in members:
            left[where][m.sku] -= m.quantity
            allocations.append(Allocation(where, m.id, m.sku, m.quantity))
    for line in sorted(context.lines, key=lambda line: (len(problem.allowed[line.id]), line.id)):
        if line.id in grouped:
            continue
        wanted = line.quantity
        for loc in order:
            if loc not in problem.allowed[line.id]:
                continue
            have = left[loc].get(line.sku, 0)
            take = min(wanted, have) if context.divisible else (wanted if have >= wanted else 0)
            if take:
                left[loc][line.sku] = have - take
                allocations.append(Allocation(loc, line.id, line.sku, take))
                wanted -= take
            if not wanted:
                break
        complete = complete and not wanted
    record = SearchRecord(search, problem.label, complete)
    return SearchResult(plan_of(allocations, f"{search}@{problem.label}") if complete else None, record)


def shortfall(problem: SourcingProblem, context: SearchContext) -> dict[LineId, int]:
    """Units per line that no plan in ``problem`` can serve (lines divisible)."""
    encoded = problem.encode(context.lines)
    found = min_shipments(encoded.demand, encoded.stock, divisible=True, node_limit=0, time_limit_ms=None)
    short: dict[LineId, int] = {}
    for s in found.shortfalls:
        members = encoded.groups.get(s.line_id)
        if members is None:
            short[s.line_id] = s.quantity
        else:
            for member in members:
                short[member.id] = member.quantity
    return dict(sorted(short.items()))


def cheapest(
    problem: SourcingProblem,
    context: SearchContext,
    shipment_cost: Mapping[LocationId, int],
    unit_cost: Mapping[tuple[LocationId, SkuCode], int],
    rank: Mapping[LocationId, int],
    gap: float,
) -> SearchResult:
    """The cheapest plan in ``problem`` (each line whole from one location), proven within ``gap`` when the
    search finishes.

    Args:
        shipment_cost: fixed cost of a shipment from each location.
        unit_cost: cost of one unit of a (real) SKU from a location.
        rank: tie-break rank per location.
        gap: accepted relative distance from the optimum (``0`` proves optimality).
    """
    encoded = problem.encode(context.lines)
    by_sku: dict[tuple[LocationId, SkuCode], int] = {}
    for loc, units in encoded.stock.items():
        for alias in units:
            members: Sequence[OrderLine] | None = encoded.groups.get(LineId(alias))
            if members is None:
                by_sku[(loc, alias)] = unit_cost.get((loc, encoded.skus[alias]), 0)
            else:
                by_sku[(loc, alias)] = sum(m.quantity * unit_cost.get((loc, m.sku), 0) for m in members)
    costs = CostModel(shipment=dict(shipment_cost), unit_by_sku=by_sku)
    found = min_cost(
        encoded.demand,
        encoded.stock,
        costs,
        rank=dict(rank),
        gap=gap,
        time_limit_ms=context.time_limit_ms,
        node_limit=context.node_limit,
    )
    return _result("cheapest", problem, found, encoded.decode(found.allocations, f"cheapest@{problem.label}"))
