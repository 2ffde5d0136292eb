"""Branch and bound for the fewest locations that cover an order (set cover and its divisible form).

Locations are numbered in tie-break order (rank, then id) and handled as bits of ``int`` masks. Plans compare
by the key ``(locations, rank sum, location order)``, where location order prefers the plan whose sorted
location list comes first lexicographically. The search runs in three phases:

1. *fewest locations*: branch on the most constrained open requirement, trying the location that covers most
   first and excluding a tried location from its later siblings, so that no plan is visited twice. Only the
   count matters here, so locations dominated by any other location are left out.
2. *lowest rank sum* (only when the kept locations differ in rank): the same search over every kept location,
   now with the count fixed and pruning on a lower bound of the rank sum.
3. *location order*: decide the locations one by one in tie-break order, taking each one if some plan with the
   fewest locations and the lowest rank sum still exists with it (a witness plan makes most checks free).

Ranks are shifted to start at 0, which changes no comparison between plans of equal size. This module holds the
phases, the incumbent and the mask arithmetic; :mod:`~omscore.policies.optimise._set_cover` and
:mod:`~omscore.policies.optimise._divisible_cover` hold the two searches (their nodes, bounds and children).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from omscore.policies.optimise._budget import Budget, OutOfBudget

INFINITE = 1 << 30
_EPS = 1e-9


def bits(mask: int) -> list[int]:
    """Indices of the set bits of ``mask``, lowest first."""
    out: list[int] = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


class Incumbent:
    """The best plan found so far and the best other plan of equal size seen (for the trace's tie-break)."""

    __slots__ = ("alternative", "count", "mask", "rank_sum", "rev")

    def __init__(self) -> None:
        self.count = INFINITE
        self.rank_sum = 0
        self.rev = 0
        self.mask = 0
        self.alternative: tuple[int, int, int] | None = None
        """``(rank_sum, rev, mask)`` of the runner-up with the incumbent's size, if one was seen."""

    def offer(self, mask: int, count: int, rank_sum: int, rev: int) -> None:
        """Consider a complete plan; ``rev`` has bit ``K-1-i`` for location ``i`` (larger is earlier)."""
        if count < self.count:
            self.count, self.rank_sum, self.rev, self.mask = count, rank_sum, rev, mask
            self.alternative = None
        elif count == self.count and mask != self.mask:
            if rank_sum < self.rank_sum or (rank_sum == self.rank_sum and rev > self.rev):
                self.alternative = (self.rank_sum, self.rev, self.mask)
                self.rank_sum, self.rev, self.mask = rank_sum, rev, mask
            else:
                alt = self.alternative
                if alt is None or rank_sum < alt[0] or (rank_sum == alt[0] and rev > alt[1]):
                    self.alternative = (rank_sum, rev, mask)


class CoverSearch:
    """The phases and plan bookkeeping both searches share; subclasses define a node and its children."""

    k: int
    ranks: list[int]
    budget: Budget
    best: Incumbent

    def _setup(self, ranks: Sequence[int], budget: Budget) -> None:
        self.k = len(ranks)
        low = min(ranks, default=0)
        self.ranks = [r - low for r in ranks]
        self.uniform = all(r == 0 for r in self.ranks)
        self.budget = budget
        self.best = Incumbent()
        self.root = 0
        """The root lower bound, once computed."""
        self.start = 0
        """The size of the greedy plan, once computed."""
        self._limit: int | None = None
        self._found: int | None = None

    def offer(self, mask: int) -> None:
        chosen = bits(mask)
        rev = sum(1 << (self.k - 1 - i) for i in chosen)
        self.best.offer(mask, len(chosen), sum(self.ranks[i] for i in chosen), rev)

    def rank_sum(self, mask: int) -> int:
        return sum(self.ranks[i] for i in bits(mask))

    def _rank_floor(self, bound: int, useful: int, disjoint_ranks: int) -> int:
        """A lower bound on the rank sum of ``bound`` more locations from ``useful``."""
        total = 0
        ranks = self.ranks
        while bound and useful:
            low = useful & -useful
            total += ranks[low.bit_length() - 1]
            useful ^= low
            bound -= 1
        return total if total > disjoint_ranks else disjoint_ranks

    def _close(self, chosen: int, rank: int, last: int, improve: bool) -> bool:
        """Finish a search node that may add exactly one more location, one of ``last``: the earliest has the
        lowest rank. Same return value as ``_find_from``."""
        if not last:
            return False
        low = last & -last
        rank += self.ranks[low.bit_length() - 1]
        if self._limit is not None and rank > self._limit:
            return False
        self._found = chosen | low
        if improve:
            self._limit = rank - 1
        return not improve

    # --- what a subclass provides -------------------------------------------------------------------------

    def greedy(self, allowed: int) -> int:
        raise NotImplementedError

    def root_bound(self, allowed: int) -> int:
        raise NotImplementedError

    def _fewest(self, allowed: int) -> None:
        raise NotImplementedError

    def _find(
        self, chosen: int, state: Any, max_count: int, max_rank: int | None, allowed: int, improve: bool
    ) -> int | None:
        raise NotImplementedError

    def _initial(self) -> Any:
        raise NotImplementedError

    def _advance(self, state: Any, i: int) -> Any:
        raise NotImplementedError

    def _done(self, state: Any, chosen: int) -> bool:
        raise NotImplementedError

    def _helps(self, state: Any, i: int) -> bool:
        raise NotImplementedError

    # --- the phases ---------------------------------------------------------------------------------------

    def solve(self, fewest: Callable[[], int]) -> bool:
        """Run all phases from a greedy plan; return whether the search finished.

        Args:
            fewest: gives the mask of locations not dominated by any other, enough for phase 1; called only
                when phase 1 is needed.
        """
        everything = (1 << self.k) - 1
        start = self.greedy(everything)
        self.offer(start)
        self.start = start.bit_count()
        self.root = self.root_bound(everything)
        allowed = everything
        if self.best.count > self.root:
            allowed = fewest()
            self.root = max(self.root, self.root_bound(allowed))
        if not self.budget.allows_search():
            self.budget.hit = "nodes"
            return False
        try:
            if self.best.count > self.root:
                self._fewest(allowed)
            count = self.best.count
            if not self.uniform:
                found = self._find(0, self._initial(), count, self.best.rank_sum - 1, everything, True)
                if found is not None:
                    self.offer(found)
            self._order(count, self.best.rank_sum)
        except OutOfBudget:
            return False
        return True

    def _order(self, count: int, rank: int) -> None:
        """Phase 3: the plan whose sorted locations come first, among those of ``count`` locations and rank sum
        ``rank``."""
        witness = self.best.mask
        chosen = 0
        state = self._initial()
        allowed = (1 << self.k) - 1
        max_rank = None if self.uniform else rank
        for i in range(self.k):
            if self._done(state, chosen):
                break
            low = 1 << i
            allowed &= ~low
            if not self._helps(state, i):
                continue
            after = self._advance(state, i)
            if not witness >> i & 1:
                if chosen.bit_count() + 1 == count:
                    # The last location: no search needed, the plan is complete with it or not at all.
                    if not self._done(after, chosen | low) or (
                        max_rank is not None and self.rank_sum(chosen | low) > max_rank
                    ):
                        continue
                    found: int | None = chosen | low
                else:
                    found = self._find(chosen | low, after, count, max_rank, allowed, False)
                if found is None:
                    continue
                self.offer(found)
                witness = found
            chosen |= low
            state = after
        self.offer(chosen)
