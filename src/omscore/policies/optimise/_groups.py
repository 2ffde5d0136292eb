"""Lines that share a SKU share its stock at a location: whole-line assignment of such lines to locations.

Orders rarely hold two lines of one SKU (a gift line of a product also bought, two origins after a merge), so
these searches are small depth-first searches without elaborate bounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from omscore.policies.optimise._budget import Budget, OutOfBudget

#: Groups of up to this many lines get an exact choice of the lines to serve when not all of them can be.
EXACT_SERVABLE_LINES = 10


def assign_whole(
    qtys: Sequence[int], caps: Sequence[int], prices: Sequence[int] | None, budget: Budget
) -> tuple[int, tuple[int, ...]] | None:
    """Put each quantity whole into one bin without exceeding any bin's capacity.

    With ``prices`` the assignment minimises ``Σ qty × price[bin]`` (ties: the first found, trying bins in
    (price, index) order); without, it is the first assignment found trying bins in index order.

    Returns:
        ``(cost, bin of each quantity)``, or ``None`` when the quantities do not fit.

    Raises:
        OutOfBudget: ``budget`` ran out.
    """
    k = len(qtys)
    order = sorted(range(k), key=lambda j: (-qtys[j], j))
    bins = sorted(range(len(caps)), key=lambda b: (prices[b], b)) if prices is not None else list(range(len(caps)))
    price = list(prices) if prices is not None else [0] * len(caps)
    cheapest: list[int] = []
    for j in order:
        fitting = [price[b] for b in bins if caps[b] >= qtys[j]]
        if not fitting:
            return None
        cheapest.append(min(fitting) * qtys[j])
    suffix = [0] * (k + 1)
    for t in range(k - 1, -1, -1):
        suffix[t] = suffix[t + 1] + cheapest[t]
    left = list(caps)
    current = [0] * k
    best: list[tuple[int, tuple[int, ...]]] = []
    first_only = prices is None

    def dfs(t: int, cost: int) -> bool:
        budget.tick()
        if t == k:
            if not best or cost < best[0][0]:
                best[:] = [(cost, tuple(current))]
            return first_only
        if best and cost + suffix[t] >= best[0][0]:
            return False
        j = order[t]
        q = qtys[j]
        tried: set[tuple[int, int]] = set()
        for b in bins:
            room = left[b]
            if room >= q and (room, price[b]) not in tried:
                tried.add((room, price[b]))
                left[b] = room - q
                current[j] = b
                done = dfs(t + 1, cost + q * price[b])
                left[b] = room
                if done:
                    return True
        return False

    dfs(0, 0)
    return best[0] if best else None


def servable(qtys: Sequence[int], caps: Sequence[int]) -> tuple[bool, ...]:
    """Which lines of one SKU to serve whole when not all can be: the most units, then the earliest lines.

    Exact for groups of up to :data:`EXACT_SERVABLE_LINES` lines; larger groups take lines in order while they
    still fit. The search has its own fixed node budget, so the answer never depends on the clock.
    """
    k = len(qtys)
    budget = Budget(None, 200_000)
    try:
        if assign_whole(qtys, caps, None, budget) is not None:
            return (True,) * k
        if k <= EXACT_SERVABLE_LINES:
            subsets = [c for size in range(k - 1, 0, -1) for c in combinations(range(k), size)]
            subsets.sort(key=lambda c: (-sum(qtys[j] for j in c), [j not in c for j in range(k)]))
            for chosen in subsets:
                if assign_whole([qtys[j] for j in chosen], caps, None, budget) is not None:
                    return tuple(j in chosen for j in range(k))
            return (False,) * k
    except OutOfBudget:
        pass
    taken: list[int] = []
    for j in range(k):
        try:
            if assign_whole([qtys[t] for t in [*taken, j]], caps, None, Budget(None, 20_000)) is not None:
                taken.append(j)
        except OutOfBudget:
            continue
    return tuple(j in taken for j in range(k))
