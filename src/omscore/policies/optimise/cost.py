"""Cost-optimal sourcing (分仓 by cost): each line ships whole from one location, minimising
``Σ fixed cost of the locations used + Σ quantity × unit cost``.

This is a small uncapacitated facility location problem per order, solved by
:class:`~omscore.policies.optimise._facility.FacilityLocation`: greedy plus local search, a dual-ascent lower
bound, and branch and bound within a time and node budget, stopping early once the plan is within ``gap`` of
the bound. Plans of equal cost are ordered by :data:`TIE_BREAK`, folded exactly into the integer costs the
engine sees, so the tie-break needs no search of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from omscore.domain.errors import InvalidInput
from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.network import Location
from omscore.policies.optimise._budget import Budget, OutOfBudget
from omscore.policies.optimise._cover import bits
from omscore.policies.optimise._facility import NEVER, FacilityLocation
from omscore.policies.optimise._groups import assign_whole
from omscore.policies.optimise._whole import whole_lines
from omscore.policies.optimise.problem import Allocation, DemandLine, SourcingPlan, StockByLocation, canonical
from omscore.policies.optimise.trace import DroppedLocation, DropReason, Limit, SourcingTrace, TieBreak

#: The order between plans of equal cost.
TIE_BREAK = "fewest shipments, then lowest sum of location ranks, then the earliest locations in (rank, id) order"

#: Node budget of each costing of lines that share a SKU's stock.
GROUP_NODES = 100_000

#: Default wall-time limit of the search, in milliseconds.
DEFAULT_TIME_LIMIT_MS = 8.0


def _cost_mapping(instance: object, attribute: attrs.Attribute[Any], value: Mapping[Any, int]) -> None:
    for key, amount in value.items():
        if type(amount) is not int or amount < 0:
            raise InvalidInput(f"{attribute.name}.{key}", amount, "a cost must be a non-negative integer")


def _cost(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value < 0:
        raise InvalidInput(attribute.name, value, "a cost must be a non-negative integer")


@attrs.frozen
class CostModel:
    """What a plan costs, in integer units (e.g. minor units of money).

    Attributes:
        shipment: fixed cost of shipping from a location (per shipment).
        unit: cost per unit shipped from a location.
        unit_by_sku: cost per unit of one SKU from one location, overriding ``unit``.
        default_shipment: fixed cost of a location missing from ``shipment``.
        default_unit: unit cost of a location missing from ``unit``.
    """

    shipment: Mapping[LocationId, int] = attrs.field(factory=dict, validator=_cost_mapping)
    unit: Mapping[LocationId, int] = attrs.field(factory=dict, validator=_cost_mapping)
    unit_by_sku: Mapping[tuple[LocationId, SkuCode], int] = attrs.field(factory=dict, validator=_cost_mapping)
    default_shipment: int = attrs.field(default=0, validator=_cost)
    default_unit: int = attrs.field(default=0, validator=_cost)

    @classmethod
    def from_locations(cls, locations: Iterable[Location]) -> CostModel:
        """The handling costs configured on the locations (``cost_per_shipment_minor``, ``cost_per_unit_minor``)."""
        listed = list(locations)
        return cls(
            shipment={loc.id: loc.cost_per_shipment_minor for loc in listed},
            unit={loc.id: loc.cost_per_unit_minor for loc in listed},
        )

    def shipment_cost(self, location: LocationId) -> int:
        return self.shipment.get(location, self.default_shipment)

    def unit_cost(self, location: LocationId, sku: SkuCode) -> int:
        if self.unit_by_sku:
            override = self.unit_by_sku.get((location, sku))
            if override is not None:
                return override
        return self.unit.get(location, self.default_unit)


def min_cost(
    lines: Iterable[DemandLine],
    stock: StockByLocation,
    costs: CostModel,
    *,
    rank: Mapping[LocationId, int] | None = None,
    gap: float = 0.0,
    time_limit_ms: float | None = DEFAULT_TIME_LIMIT_MS,
    node_limit: int | None = None,
) -> SourcingPlan:
    """Serve the order at the lowest cost, each line whole from one location.

    Plans of equal cost are ordered by fewest shipments, then lowest rank sum, then the earliest locations in
    (rank, id) order. Lines that no location can ship whole are left short (see :func:`min_shipments`).

    Args:
        lines: the order's demand; line ids must be unique.
        stock: units that may be taken per location and SKU; every location listed is a candidate.
        costs: fixed and unit costs per location.
        rank: tie-break rank per location (lower is preferred; missing locations rank 0).
        gap: accept a plan once it is proven within this fraction of the optimum (``0`` proves optimality).
        time_limit_ms: wall-time bound of the search; ``None`` for none.
        node_limit: bound on search nodes; ``None`` for none, ``0`` for greedy plus local search only.

    Returns:
        The plan with its cost and trace. ``optimal`` tells whether the search proved it cheapest;
        ``trace.lower_bound`` is a proven lower bound on the cost of serving the servable lines.

    Raises:
        InvalidInput: duplicate line ids, a non-integer stock figure or rank, a bad gap or a negative limit.
    """
    if not 0.0 <= gap < 1.0:
        raise InvalidInput("gap", gap, "must be at least 0 and below 1")
    budget = Budget(time_limit_ms, node_limit)
    problem = canonical(lines, stock, rank)
    whole = whole_lines(problem)
    locs = problem.locations
    m, n = len(locs), len(whole.live)
    live_lines = [problem.lines[j] for j in whole.live]

    # Fold the tie-break into the costs: composite = real cost × scale + Σ tie weight of the locations used.
    low_rank = min(problem.ranks, default=0)
    ranks = [r - low_rank for r in problem.ranks]
    lex_weight = 1 << m
    rank_weight = m * lex_weight
    count_weight = (sum(ranks) + 1) * rank_weight
    scale = (m + 1) * count_weight
    tie = [count_weight + ranks[i] * rank_weight + lex_weight - (1 << (m - 1 - i)) for i in range(m)]
    fixed_real = [costs.shipment_cost(loc) for loc in locs]
    unit_real = [[costs.unit_cost(loc, line.sku) for line in live_lines] for loc in locs]
    fixed = [fixed_real[i] * scale + tie[i] for i in range(m)]

    dropped: list[DroppedLocation] = []
    kept: list[int] = []
    per_location_units = not costs.unit_by_sku
    for i in range(m):
        use = whole.useful[i]
        if not use:
            dropped.append(DroppedLocation(locs[i], DropReason.SERVES_NOTHING))
            continue
        dom = -1 & ~(1 << i)
        rest = use
        while rest and dom:
            low = rest & -rest
            rest ^= low
            dom &= whole.saturators[low.bit_length() - 1]
        by = next(
            (k for k in bits(dom) if _dominates(k, i, fixed, unit_real, whole.cover[i], per_location_units)), None
        )
        if by is None:
            kept.append(i)
        else:
            dropped.append(DroppedLocation(locs[i], DropReason.DOMINATED, locs[by]))

    cover = [whole.cover[i] for i in kept]
    cost = [
        [unit_real[i][t] * whole.qty[whole.live[t]] * scale if cover[p] >> t & 1 else NEVER for t in range(n)]
        for p, i in enumerate(kept)
    ]
    exact = None
    if whole.groups:
        grouped = {t for _, ts in whole.groups for t in ts}

        def exact_cost(mask: int) -> int:
            chosen = bits(mask)
            total = sum(fixed[kept[p]] for p in chosen)
            for t in range(n):
                if t not in grouped:
                    total += min((cost[p][t] for p in chosen), default=NEVER)
            for g, ts in whole.groups:
                qtys = [whole.qty[whole.live[t]] for t in ts]
                caps = [whole.group_caps[g][kept[p]] for p in chosen]
                prices = [unit_real[kept[p]][ts[0]] for p in chosen]
                try:
                    placed = assign_whole(qtys, caps, prices, Budget(None, GROUP_NODES))
                except OutOfBudget:  # too hard to settle: treated as not fitting, which costs only optimality
                    placed = None
                total += NEVER if placed is None else placed[0] * scale
            return total if total < NEVER else NEVER

        exact = exact_cost

    engine = FacilityLocation([fixed[i] for i in kept], cost, budget, exact, gap)
    finished = True
    if n:
        try:
            engine.solve()
        except OutOfBudget:
            finished = False
        if engine.best >= NEVER:
            # Cut short before any plan fitted lines that share stock: every kept location together does.
            engine.offer((1 << len(kept)) - 1)
    chosen = [kept[p] for p in bits(engine.best_mask)] if n else []

    allocations: list[Allocation] = []
    real = 0
    grouped_positions = {t for _, ts in whole.groups for t in ts}
    for t, j in enumerate(whole.live):
        if t in grouped_positions:
            continue
        line = problem.lines[j]
        i = min((i for i in chosen if whole.cover[i] >> t & 1), key=lambda i: (unit_real[i][t], i))
        allocations.append(Allocation(locs[i], line.line, line.sku, line.quantity))
        real += unit_real[i][t] * line.quantity
    for g, ts in whole.groups:
        qtys = [whole.qty[whole.live[t]] for t in ts]
        prices = [unit_real[i][ts[0]] for i in chosen]
        placed = assign_whole(qtys, [whole.group_caps[g][i] for i in chosen], prices, Budget(None, None))
        assert placed is not None
        real += placed[0]
        for t, b in zip(ts, placed[1], strict=True):
            line = problem.lines[whole.live[t]]
            allocations.append(Allocation(locs[chosen[b]], line.line, line.sku, line.quantity))
    allocations.sort(key=lambda a: (a.location, a.line_id))
    used = {a.location for a in allocations}
    chosen = [i for i in chosen if locs[i] in used]
    real += sum(fixed_real[i] for i in chosen)

    if not n:
        optimal, bound, heuristic = True, 0, 0
    elif finished:
        optimal = engine.gap_floor >= engine.best
        bound = min(engine.best, engine.gap_floor) // scale
        heuristic = engine.heuristic // scale
    else:
        optimal = False
        bound = min(real, engine.root // scale)
        heuristic = engine.heuristic // scale
    trace = SourcingTrace(
        objective="cost",
        divisible=False,
        considered=locs,
        dropped=tuple(dropped),
        chosen=tuple(locs[i] for i in chosen),
        value=real,
        lower_bound=bound,
        heuristic_value=heuristic,
        optimal=optimal,
        limit_hit=None if finished or budget.hit is None else Limit(budget.hit),
        nodes=budget.nodes,
        elapsed_ms=budget.elapsed_ms(),
        tie_break=_tie_break(engine, kept, locs, ranks, scale),
        short_units=sum(s.quantity for s in whole.shortfalls),
    )
    return SourcingPlan(
        allocations=tuple(allocations),
        shortfalls=tuple(whole.shortfalls),
        locations=tuple(locs[i] for i in chosen),
        optimal=optimal,
        cost=real,
        trace=trace,
    )


def _dominates(k: int, i: int, fixed: list[int], unit: list[list[int]], cover: int, per_location: bool) -> bool:
    """Whether location ``k`` can replace ``i`` in any plan for less: it costs less to use (tie-break included)
    and no more per line for every line ``i`` can ship (stock coverage is checked by the caller)."""
    if fixed[k] >= fixed[i]:
        return False
    if per_location:
        return unit[k][0] <= unit[i][0] if unit[k] else True
    return all(unit[k][t] <= unit[i][t] for t in bits(cover))


def _tie_break(
    engine: FacilityLocation, kept: list[int], locs: tuple[LocationId, ...], ranks: list[int], scale: int
) -> TieBreak:
    best = engine.best // scale if engine.best < NEVER else None
    rivals = sorted((value, mask) for value, mask in engine.seen if value // scale == best and mask != engine.best_mask)
    if not rivals:
        return TieBreak(TIE_BREAK)
    other = [kept[p] for p in bits(rivals[0][1])]
    mine = [kept[p] for p in bits(engine.best_mask)]
    if len(other) != len(mine):
        decided = "shipments"
    elif sum(ranks[i] for i in other) != sum(ranks[i] for i in mine):
        decided = "rank sum"
    else:
        decided = "location order"
    return TieBreak(TIE_BREAK, decided, tuple(locs[i] for i in other))
