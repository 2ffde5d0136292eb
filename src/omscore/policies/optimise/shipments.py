"""Fewest shipments (分仓 / 寻源 with "fewest packages"): serve a whole order from as few locations as possible.

Two modes:

* indivisible lines — each line ships whole from one location (set cover);
* divisible lines — a line's units may come from several locations (a covering integer programme).

Both are solved exactly by branch and bound (see :mod:`omscore.policies.optimise._cover`) from a greedy start,
within a time and node budget; when the budget runs out the best plan so far is returned with
``optimal=False``. Ties between plans with as few locations are broken by :data:`TIE_BREAK`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import attrs

from omscore.domain.identity import LocationId, SkuCode
from omscore.policies.optimise._budget import Budget, OutOfBudget
from omscore.policies.optimise._cover import Incumbent, bits
from omscore.policies.optimise._divisible_cover import DivisibleCover
from omscore.policies.optimise._groups import assign_whole
from omscore.policies.optimise._set_cover import SetCover
from omscore.policies.optimise._whole import whole_lines
from omscore.policies.optimise.problem import (
    Allocation,
    Canonical,
    DemandLine,
    Shortfall,
    SourcingPlan,
    StockByLocation,
    bad_stock,
    canonical,
)
from omscore.policies.optimise.trace import DroppedLocation, DropReason, Limit, SourcingTrace, TieBreak

#: The order between plans with the same number of locations.
TIE_BREAK = "lowest sum of location ranks, then the earliest locations in (rank, id) order"

#: Node budget of each check that lines sharing a SKU fit into a set of locations together.
GROUP_NODES = 20_000

#: Default wall-time limit of the search, in milliseconds.
DEFAULT_TIME_LIMIT_MS = 5.0


def min_shipments(
    lines: Iterable[DemandLine],
    stock: StockByLocation,
    *,
    divisible: bool = False,
    rank: Mapping[LocationId, int] | None = None,
    time_limit_ms: float | None = DEFAULT_TIME_LIMIT_MS,
    node_limit: int | None = None,
) -> SourcingPlan:
    """Serve the order from the fewest locations.

    Among plans with the fewest locations the one with the lowest sum of ranks wins, then the one whose
    locations, sorted in (rank, id) order, come first lexicographically. Inside the chosen locations each line
    ships from the earliest location (in that order) that can ship it; divisible lines that no single chosen
    location can ship are split over the chosen locations in that order.

    When the stock cannot cover the order, the plan serves as many units as possible (indivisible lines are
    served whole or not at all) from the fewest locations and lists the shortfall per line.

    Args:
        lines: the order's demand; line ids must be unique.
        stock: units that may be taken per location and SKU; every location listed is a candidate.
        divisible: whether a line's units may come from several locations.
        rank: tie-break rank per location (lower is preferred; missing locations rank 0).
        time_limit_ms: wall-time bound of the search; ``None`` for none.
        node_limit: bound on search nodes; ``None`` for none, ``0`` for the greedy plan only.

    Returns:
        The plan with its trace; ``optimal`` tells whether the search proved it best.

    Raises:
        InvalidInput: duplicate line ids, a non-integer stock figure or rank, or a negative limit.
    """
    budget = Budget(time_limit_ms, node_limit)
    problem = canonical(lines, stock, rank)
    solved = _solve_divisible(problem, budget) if divisible else _solve_indivisible(problem, budget)
    return _plan(problem, solved, divisible, budget)


@attrs.define
class _Solved:
    chosen: list[int]
    allocations: list[Allocation]
    shortfalls: list[Shortfall]
    dropped: list[DroppedLocation]
    lower_bound: int
    heuristic: int
    finished: bool
    best: Incumbent
    kept: list[int]


def _plan(problem: Canonical, solved: _Solved, divisible: bool, budget: Budget) -> SourcingPlan:
    locs = problem.locations
    chosen = tuple(locs[i] for i in solved.chosen)
    alt = solved.best.alternative
    if alt is None:
        tie = TieBreak(TIE_BREAK)
    else:
        decided = "rank sum" if alt[0] != solved.best.rank_sum else "location order"
        tie = TieBreak(TIE_BREAK, decided, tuple(locs[solved.kept[i]] for i in bits(alt[2])))
    value = len(chosen)
    optimal = solved.finished
    trace = SourcingTrace(
        objective="shipments",
        divisible=divisible,
        considered=locs,
        dropped=tuple(solved.dropped),
        chosen=chosen,
        value=value,
        lower_bound=value if optimal else min(value, solved.lower_bound),
        heuristic_value=solved.heuristic,
        optimal=optimal,
        limit_hit=None if solved.finished or budget.hit is None else Limit(budget.hit),
        nodes=budget.nodes,
        elapsed_ms=budget.elapsed_ms(),
        tie_break=tie,
        short_units=sum(s.quantity for s in solved.shortfalls),
    )
    return SourcingPlan(
        allocations=tuple(sorted(solved.allocations, key=_allocation_key)),
        shortfalls=tuple(solved.shortfalls),
        locations=chosen,
        optimal=optimal,
        cost=None,
        trace=trace,
    )


def _allocation_key(allocation: Allocation) -> tuple[str, str]:
    return allocation.location, allocation.line_id


def _keep(
    useful: list[int], saturators: list[int], names: tuple[LocationId, ...]
) -> tuple[list[int], list[DroppedLocation], Callable[[], int]]:
    """Drop locations that serve nothing or are dominated by an earlier location.

    ``useful[i]`` is the mask of requirements location ``i`` can contribute to; ``saturators[r]`` the mask of
    locations that can satisfy requirement ``r`` entirely by themselves. Location ``i`` is dominated by ``k``
    when ``k`` satisfies by itself everything ``i`` contributes to: swapping ``i`` for ``k`` in any plan keeps it
    feasible and never adds a location; when ``k`` also comes first, the swap never worsens the tie-break
    either, so ``i`` is dropped.

    Returns:
        The kept locations (in order), the dropped ones with reasons, and a function giving the mask (over kept
        positions) of those not dominated by any other kept location at all: enough to find the fewest count.
    """
    kept: list[int] = []
    dropped: list[DroppedLocation] = []
    dominators: dict[int, int] = {}
    for i, use in enumerate(useful):
        if not use:
            dropped.append(DroppedLocation(names[i], DropReason.SERVES_NOTHING))
            continue
        every = dominators.get(use)
        if every is None:
            every = -1
            rest = use
            while rest and every:
                low = rest & -rest
                rest ^= low
                every &= saturators[low.bit_length() - 1]
            dominators[use] = every
        dom = every & ((1 << i) - 1)
        if dom:
            dropped.append(DroppedLocation(names[i], DropReason.DOMINATED, names[(dom & -dom).bit_length() - 1]))
        else:
            kept.append(i)

    def fewest() -> int:
        kept_mask = sum(1 << i for i in kept)
        others = {i: dominators[useful[i]] & kept_mask & ~(1 << i) for i in kept}
        mask = 0
        for pos, i in enumerate(kept):
            if not any(not others[k] >> i & 1 for k in bits(others[i])):
                mask |= 1 << pos
        return mask

    return kept, dropped, fewest


def _solve_indivisible(problem: Canonical, budget: Budget) -> _Solved:
    lines = problem.lines
    whole = whole_lines(problem)
    live, qty, cover, groups, group_caps = whole.live, whole.qty, whole.cover, whole.groups, whole.group_caps
    useful, shortfalls, n = whole.useful, whole.shortfalls, len(whole.live)
    kept, dropped, fewest = _keep(useful, whole.saturators, problem.locations)
    ranks = [problem.ranks[i] for i in kept]

    groups_ok = None
    group_candidates = None
    group_useful = 0
    if groups:
        kept_caps = [[group_caps[g][i] for i in kept] for g, _ in groups]
        group_qtys = [[qty[live[t]] for t in ts] for _, ts in groups]
        memo: dict[tuple[int, int], bool] = {}

        def fits(gi: int, mask: int) -> bool:
            # Each check has a fixed node budget of its own; one too hard to settle counts as "does not fit",
            # which can only cost optimality, never validity.
            key = (gi, mask)
            if key not in memo:
                caps = [kept_caps[gi][p] for p in bits(mask)]
                try:
                    memo[key] = assign_whole(group_qtys[gi], caps, None, Budget(None, GROUP_NODES)) is not None
                except OutOfBudget:
                    memo[key] = False
            return memo[key]

        def ok(mask: int) -> bool:
            return all(fits(gi, mask) for gi in range(len(groups)))

        def candidates(mask: int) -> int:
            for gi in range(len(groups)):
                if not fits(gi, mask):
                    least = min(group_qtys[gi])
                    return sum(1 << p for p, units in enumerate(kept_caps[gi]) if units >= least)
            return 0

        groups_ok, group_candidates = ok, candidates
        for gi in range(len(groups)):
            group_useful |= sum(1 << p for p, i in enumerate(kept) if useful[i] >> (n + gi) & 1)

    searcher = SetCover(n, [cover[i] for i in kept], ranks, budget, groups_ok, group_candidates, group_useful)
    if n == 0:
        return _Solved([], [], shortfalls, dropped, 0, 0, True, searcher.best, kept)
    finished = searcher.solve(fewest)
    chosen = [kept[p] for p in bits(searcher.best.mask)]

    allocations: list[Allocation] = []
    in_group = {t for _, ts in groups for t in ts}
    for t, j in enumerate(live):
        if t not in in_group:
            i = next(i for i in chosen if cover[i] >> t & 1)
            allocations.append(Allocation(problem.locations[i], lines[j].line, lines[j].sku, qty[j]))
    for g, ts in groups:
        placed = assign_whole([qty[live[t]] for t in ts], [group_caps[g][i] for i in chosen], None, Budget(None, None))
        assert placed is not None
        for t, b in zip(ts, placed[1], strict=True):
            line = lines[live[t]]
            allocations.append(Allocation(problem.locations[chosen[b]], line.line, line.sku, line.quantity))
    return _Solved(
        chosen, allocations, shortfalls, dropped, searcher.root, searcher.start, finished, searcher.best, kept
    )


def _read_capped(
    problem: Canonical, sku_index: dict[SkuCode, int], wanted: list[int]
) -> tuple[list[int], list[list[tuple[int, int]]], list[int], list[int]]:
    """Read the stock once: units per SKU in total, and per location ``(sku index, units)`` capped at the SKU's
    demand, the mask of SKUs it holds and, per SKU, the locations that hold all of its demand.

    Raises:
        InvalidInput: a stock figure of one of the order's SKUs is not an integer.
    """
    total = [0] * len(wanted)
    saturators = [0] * len(wanted)
    capped: list[list[tuple[int, int]]] = []
    useful: list[int] = []
    size = len(sku_index)
    for i, given in enumerate(problem.stock):
        mine: list[tuple[int, int]] = []
        use = 0
        low = 1 << i
        pairs = given.items() if len(given) <= size else [(sku, given.get(sku)) for sku in sku_index]
        for sku, held in pairs:
            g = sku_index.get(sku)
            if g is None or held is None:
                continue
            if type(held) is not int:
                raise bad_stock(problem.locations[i], sku, held)
            if held <= 0:
                continue
            total[g] += held
            need = wanted[g]
            if held >= need:
                mine.append((g, need))
                saturators[g] |= low
            else:
                mine.append((g, held))
            use |= 1 << g
        capped.append(mine)
        useful.append(use)
    return total, capped, useful, saturators


def _solve_divisible(problem: Canonical, budget: Budget) -> _Solved:
    lines = problem.lines
    sku_index: dict[SkuCode, int] = {}
    lines_of: list[list[int]] = []
    for j, line in enumerate(lines):
        g = sku_index.setdefault(line.sku, len(lines_of))
        if g == len(lines_of):
            lines_of.append([])
        lines_of[g].append(j)
    skus = list(sku_index)
    wanted = [sum(lines[j].quantity for j in js) for js in lines_of]
    total, capped, useful, saturators = _read_capped(problem, sku_index, wanted)
    served_qty = [line.quantity for line in lines]
    demand = wanted
    live = list(range(len(skus)))
    if any(have < need for have, need in zip(total, wanted, strict=True)):
        served_qty = [0] * len(lines)
        demand = [0] * len(skus)
        for g, js in enumerate(lines_of):
            left = total[g]
            for j in js:
                take = min(lines[j].quantity, left)
                served_qty[j] = take
                left -= take
                demand[g] += take
        live = [g for g in range(len(skus)) if demand[g] > 0]
        position = {g: p for p, g in enumerate(live)}
        capped, useful, saturators = [], [], [0] * len(live)
        for i, row in enumerate(problem.rows(sku_index)):
            mine = []
            use = 0
            for g, units in row:
                p = position.get(g)
                if p is not None:
                    d = demand[g]
                    mine.append((p, units if units < d else d))
                    use |= 1 << p
                    if units >= d:
                        saturators[p] |= 1 << i
            capped.append(mine)
            useful.append(use)
    shortfalls = [
        Shortfall(line.line, line.sku, line.quantity - served_qty[j])
        for j, line in enumerate(lines)
        if served_qty[j] < line.quantity
    ]
    kept, dropped, fewest = _keep(useful, saturators, problem.locations)
    searcher = DivisibleCover(
        [demand[g] for g in live], [capped[i] for i in kept], [problem.ranks[i] for i in kept], budget
    )
    if not live:
        return _Solved([], [], shortfalls, dropped, 0, 0, True, searcher.best, kept)
    finished = searcher.solve(fewest)
    chosen = [kept[p] for p in bits(searcher.best.mask)]

    allocations: list[Allocation] = []
    room_of = {i: dict(capped[i]) for i in chosen}
    for p, g in enumerate(live):
        room = {i: room_of[i].get(p, 0) for i in chosen}
        parts: dict[int, list[tuple[int, int]]] = {}
        for j in sorted((j for j in lines_of[g] if served_qty[j]), key=lambda j: (-served_qty[j], j)):
            whole = next((i for i in chosen if room[i] >= served_qty[j]), None)
            if whole is not None:
                room[whole] -= served_qty[j]
                parts[j] = [(whole, served_qty[j])]
        for j in lines_of[g]:
            if j in parts or not served_qty[j]:
                continue
            left = served_qty[j]
            parts[j] = []
            for i in chosen:
                take = min(left, room[i])
                if take:
                    parts[j].append((i, take))
                    room[i] -= take
                    left -= take
        for j, pieces in parts.items():
            for i, units in pieces:
                allocations.append(Allocation(problem.locations[i], lines[j].line, skus[g], units))
    return _Solved(
        chosen, allocations, shortfalls, dropped, searcher.root, searcher.start, finished, searcher.best, kept
    )
