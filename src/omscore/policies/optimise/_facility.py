"""Per-order facility location: open locations (fixed cost each) and assign every line to an open one.

Costs are integers; callers fold their tie-break into them so that no two plans cost the same. The engine is
the classic trio for small uncapacitated facility location problems:

* a greedy start (cheapest cost per newly served line) improved by local search (add, drop, swap);
* dual ascent (Erlenkotter's DUALOC) for lower bounds: ``Σ v_j`` subject to
  ``Σ_j max(0, v_j − c_ij) ≤ f_i`` is the value of a feasible dual of the LP relaxation;
* branch and bound on "location open / closed", each node bounded by dual ascent and giving a primal plan
  from the locations whose dual slack is zero.

Lines of one SKU share stock; the bound ignores that, and every plan is costed exactly by ``exact``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from omscore.policies.optimise._budget import Budget, OutOfBudget
from omscore.policies.optimise._cover import bits

#: Stands for "cannot serve": larger than any real cost.
NEVER = 1 << 512


class FacilityLocation:
    """Cheapest set of locations for one order.

    Args:
        fixed: per location, the cost of using it.
        cost: per location, per line, the cost of shipping the line from it, :data:`NEVER` when it cannot.
        budget: the search effort bound.
        exact: the exact cost of a set of locations when lines share stock (``None`` when they never do).
        gap: stop proving once the best plan is within this fraction of the bound.
    """

    def __init__(
        self,
        fixed: Sequence[int],
        cost: Sequence[Sequence[int]],
        budget: Budget,
        exact: Callable[[int], int] | None = None,
        gap: float = 0.0,
    ) -> None:
        self.fixed = list(fixed)
        self.cost = [list(row) for row in cost]
        self.k = len(fixed)
        self.n = len(cost[0]) if cost else 0
        self.budget = budget
        self.exact = exact
        self.gap = gap
        self.by_cost = [sorted((row[t], p) for p, row in enumerate(self.cost) if row[t] < NEVER) for t in range(self.n)]
        self.best = NEVER
        self.best_mask = 0
        self.seen: list[tuple[int, int]] = []
        """Every distinct plan offered, as (cost, mask)."""
        self.gap_floor = NEVER
        """The lowest bound of a subtree left unexplored because of ``gap``."""
        self.root = 0
        """The dual-ascent bound at the root."""
        self.heuristic = NEVER
        """The best cost before branching (greedy and local search)."""

    # --- costing ---------------------------------------------------------------------------------------------

    def relaxed(self, mask: int) -> int:
        """Cost of ``mask`` ignoring shared stock (:data:`NEVER` if a line cannot be served)."""
        chosen = bits(mask)
        if not chosen:
            return NEVER if self.n else 0
        rows = [self.cost[p] for p in chosen]
        total = sum(self.fixed[p] for p in chosen) + sum(map(min, zip(*rows, strict=True)))
        return total if total < NEVER else NEVER

    def evaluate(self, mask: int) -> int:
        return self.exact(mask) if self.exact is not None else self.relaxed(mask)

    def offer(self, mask: int) -> int:
        """Cost ``mask`` exactly and keep it if best; returns its cost."""
        value = self.evaluate(mask)
        if value < NEVER and all(m != mask for _, m in self.seen):
            self.seen.append((value, mask))
        if value < self.best:
            self.best, self.best_mask = value, mask
        return value

    # --- heuristics ------------------------------------------------------------------------------------------

    def greedy(self) -> int:
        """Open the location with the lowest cost per newly served line until all are served (ties: earliest)."""
        mask = 0
        uncovered = set(range(self.n))
        while uncovered:
            best_p, best_ratio = -1, 0.0
            for p in range(self.k):
                if mask >> p & 1:
                    continue
                row = self.cost[p]
                served = [t for t in uncovered if row[t] < NEVER]
                if served:
                    ratio = (self.fixed[p] + sum(row[t] for t in served)) / len(served)
                    if best_p < 0 or ratio < best_ratio:
                        best_p, best_ratio = p, ratio
            mask |= 1 << best_p
            uncovered = {t for t in uncovered if self.cost[best_p][t] >= NEVER}
        return mask

    def local_search(self, mask: int) -> int:
        """Best-improvement local search over add, drop and swap moves on the relaxed cost (ties: the first
        move found, adds before drops before swaps, in location order)."""
        fixed, cost, n = self.fixed, self.cost, self.n
        while True:
            self.budget.check_time()
            chosen = bits(mask)
            first = [NEVER] * n
            owner = [-1] * n
            second = [NEVER] * n
            for p in chosen:
                row = cost[p]
                for t in range(n):
                    c = row[t]
                    if c < first[t]:
                        second[t], first[t], owner[t] = first[t], c, p
                    elif c < second[t]:
                        second[t] = c
            owned: dict[int, list[int]] = {p: [] for p in chosen}
            for t in range(n):
                owned[owner[t]].append(t)
            best_delta, move = 0, (0, 0)
            closed = [p for p in range(self.k) if not mask >> p & 1]
            gain: dict[int, int] = {}
            for q in closed:
                row = cost[q]
                g = 0
                for t in range(n):
                    if row[t] < first[t]:
                        g += row[t] - first[t]
                gain[q] = g
                if fixed[q] + g < best_delta:
                    best_delta, move = fixed[q] + g, (1 << q, 0)
            for p in chosen:
                own = owned[p]
                delta = -fixed[p]
                for t in own:
                    delta += second[t] - first[t]
                if delta < best_delta:
                    best_delta, move = delta, (0, 1 << p)
                # Swapping p for q: q's gains elsewhere, plus what p's lines cost once p is gone.
                for q in closed:
                    row = cost[q]
                    delta = fixed[q] - fixed[p] + gain[q]
                    for t in own:
                        c = row[t]
                        f = first[t]
                        if c >= f:
                            delta += (c if c < second[t] else second[t]) - f
                    if delta < best_delta:
                        best_delta, move = delta, (1 << q, 1 << p)
            if best_delta >= 0:
                return mask
            mask = (mask | move[0]) & ~move[1]

    # --- bounds ----------------------------------------------------------------------------------------------

    def dual_ascent(self, opened: int, closed: int) -> tuple[int, list[int]] | None:
        """Lower bound for plans that open every location of ``opened`` and none of ``closed``, and the final
        slack of each location; ``None`` when some line has no location left.

        Each pass raises every line's dual value by at most one cost level (so the increases spread over the
        lines), until no value can rise without overdrawing some location's fixed cost.
        """
        fixed = self.fixed
        slack = [0 if opened >> p & 1 else fixed[p] for p in range(self.k)]
        levels: list[list[int]] = []
        owners: list[list[int]] = []
        value: list[int] = []
        reach: list[int] = []
        for t in range(self.n):
            options = [e for e in self.by_cost[t] if not closed >> e[1] & 1] if closed else self.by_cost[t]
            if not options:
                return None
            costs = [c for c, _ in options]
            levels.append(costs)
            owners.append([p for _, p in options])
            v = costs[0]
            value.append(v)
            r = 1
            while r < len(costs) and costs[r] <= v:
                r += 1
            reach.append(r)
        active = list(range(self.n))
        get = slack.__getitem__
        while active:
            still: list[int] = []
            for t in active:
                r = reach[t]
                near = owners[t][:r] if r > 1 else owners[t][:1]
                room = min(map(get, near))
                if room <= 0:
                    continue
                costs = levels[t]
                if r < len(costs):
                    step = costs[r] - value[t]
                    if room < step:
                        step = room
                else:
                    step = room
                v = value[t] + step
                value[t] = v
                for p in near:
                    slack[p] -= step
                while r < len(costs) and costs[r] <= v:
                    r += 1
                reach[t] = r
                still.append(t)
            active = still
        bound = sum(value) + sum(fixed[p] for p in bits(opened))
        return bound, slack

    def primal(self, opened: int, closed: int, slack: list[int]) -> int:
        """A plan from a dual solution: the open locations and those with no slack left, less any that end up
        serving no line."""
        pool = opened | sum(1 << p for p in range(self.k) if slack[p] == 0 and not closed >> p & 1)
        used = opened
        for t in range(self.n):
            best_p = -1
            for _, p in self.by_cost[t]:
                if pool >> p & 1:
                    best_p = p
                    break
            if best_p >= 0:
                used |= 1 << best_p
        return used

    # --- search ------------------------------------------------------------------------------------------------

    def _pruned(self, bound: int) -> bool:
        if bound >= self.best:
            return True
        if self.gap and self.best - bound <= self.gap * self.best:
            self.gap_floor = min(self.gap_floor, bound)
            return True
        return False

    def heuristics(self) -> tuple[int, list[int]]:
        """Greedy and the root dual ascent, each plan improved by local search; returns the root node.

        Raises:
            OutOfBudget: the time limit ran out (the best plan so far stands).
        """
        start = self.greedy()
        self.offer(start)
        root = self.dual_ascent(0, 0)
        assert root is not None
        self.root = root[0]
        self.heuristic = self.best
        self.offer(self.local_search(start))
        self.heuristic = self.best
        from_dual = self.primal(0, 0, root[1])
        if from_dual != start:
            self.offer(self.local_search(from_dual))
        self.heuristic = self.best
        return root

    def solve(self) -> None:
        """Heuristics, then branch and bound; raises :class:`OutOfBudget` when the budget runs out (the best plan
        so far stands)."""
        root = self.heuristics()
        if not self.budget.allows_search():
            self.budget.hit = "nodes"
            raise OutOfBudget
        self._branch(0, 0, root)

    def _branch(self, opened: int, closed: int, node: tuple[int, list[int]] | None = None) -> None:
        self.budget.tick()
        if node is None:
            node = self.dual_ascent(opened, closed)
            if node is None:
                return
        bound, slack = node
        if self._pruned(bound):
            return
        plan = self.primal(opened, closed, slack)
        value = self.offer(plan)
        if self._pruned(bound):
            return
        if value == bound:  # the plan meets the bound: this subtree is solved
            return
        free = ((1 << self.k) - 1) & ~opened & ~closed
        if not free:
            return
        candidates = plan & free
        if candidates:
            counts = [0] * self.k
            for t in range(self.n):
                for _, p in self.by_cost[t]:
                    if plan >> p & 1:
                        counts[p] += 1
                        break
            pick = max(bits(candidates), key=lambda p: (counts[p], -p))
            self._branch(opened | 1 << pick, closed)
            self._branch(opened, closed | 1 << pick)
        else:
            pick = min(bits(free), key=lambda p: (slack[p], p))
            self._branch(opened, closed | 1 << pick)
            self._branch(opened | 1 << pick, closed)
