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

Ranks are shifted to start at 0, which changes no comparison between plans of equal size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import ceil
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


class SetCover(CoverSearch):
    """Fewest locations such that every line is covered by one of them (indivisible lines).

    Args:
        n: number of lines.
        cover: per location, the mask of lines it can serve whole.
        ranks: per location, its rank.
        budget: the search effort bound.
        groups_ok: for orders with several lines of one SKU, whether a mask of locations can serve all of them
            at once (their stock is shared); ``None`` when every line has its own SKU.
        group_candidates: when ``groups_ok`` fails, the locations that may repair it (a mask).
        group_useful: the locations that can serve some line of such a group.
    """

    def __init__(
        self,
        n: int,
        cover: Sequence[int],
        ranks: Sequence[int],
        budget: Budget,
        groups_ok: Callable[[int], bool] | None = None,
        group_candidates: Callable[[int], int] | None = None,
        group_useful: int = 0,
    ) -> None:
        self._setup(ranks, budget)
        self.n = n
        self.full = (1 << n) - 1
        self.cover = list(cover)
        self.cand = [0] * n
        for i, mask in enumerate(self.cover):
            low = 1 << i
            while mask:
                bit = mask & -mask
                mask ^= bit
                self.cand[bit.bit_length() - 1] |= low
        self.groups_ok = groups_ok
        self.group_candidates = group_candidates
        self.group_useful = group_useful

    def _initial(self) -> int:
        return 0

    def _advance(self, state: int, i: int) -> int:
        return state | self.cover[i]

    def _done(self, state: int, chosen: int) -> bool:
        return state == self.full and (self.groups_ok is None or self.groups_ok(chosen))

    def _helps(self, state: int, i: int) -> bool:
        return bool(self.cover[i] & ~state) or bool(self.group_useful >> i & 1)

    def _complete(self, chosen: int) -> bool:
        covered = 0
        for i in bits(chosen):
            covered |= self.cover[i]
        return self._done(covered, chosen)

    def greedy(self, allowed: int) -> int:
        """Repeatedly take the allowed location covering most uncovered lines (ties: earliest), then drop
        redundant locations, latest first."""
        uncovered = self.full
        mask = 0
        candidates = bits(allowed)
        while uncovered:
            best_i, best_c = -1, 0
            for i in candidates:
                cnt = (self.cover[i] & uncovered).bit_count()
                if cnt > best_c:
                    best_i, best_c = i, cnt
            mask |= 1 << best_i
            uncovered &= ~self.cover[best_i]
        if self.groups_ok is not None and self.group_candidates is not None:
            while not self.groups_ok(mask):
                extra = self.group_candidates(mask) & ~mask
                if not extra:
                    break
                mask |= extra & -extra
        for i in reversed(bits(mask)):
            if self._complete(mask & ~(1 << i)):
                mask &= ~(1 << i)
        return mask

    def _last(self, covered: int, allowed: int) -> int:
        """The allowed locations that cover every uncovered line by themselves."""
        uncovered = self.full & ~covered
        result = allowed
        cand = self.cand
        while uncovered and result:
            low = uncovered & -uncovered
            uncovered ^= low
            result &= cand[low.bit_length() - 1]
        return result

    def root_bound(self, allowed: int) -> int:
        """A lower bound on the locations any plan needs (``INFINITE`` when the lines cannot be covered)."""
        result = self._node(0, allowed)
        return result[0] if result is not None else INFINITE

    def _node(
        self, covered: int, allowed: int, enough: int = INFINITE
    ) -> tuple[int, int, int, list[tuple[int, int, int]], int] | None:
        """At a node: the bound, the branching line, the useful locations, each useful location's coverage (most
        first) and a lower bound on the ranks of the locations still needed; ``None`` if infeasible, or if the
        bound reaches ``enough`` (the value at which the caller prunes anyway).

        Two count bounds, the larger wins: the number of uncovered lines whose candidate sets are pairwise
        disjoint (each needs its own location, of at least the lowest rank among its candidates), and the
        fractional cover bound Σ 1/max-coverage over uncovered lines (a feasible dual of the covering LP).
        """
        uncovered = self.full & ~covered
        cand = self.cand
        lines: list[tuple[int, int, int]] = []
        useful = 0
        rest = uncovered
        while rest:
            low = rest & -rest
            rest ^= low
            j = low.bit_length() - 1
            cj = cand[j] & allowed
            if not cj:
                return None
            lines.append((cj.bit_count(), j, cj))
            useful |= cj
        useful |= self.group_useful & allowed
        lines.sort()
        used = 0
        disjoint = 0
        disjoint_ranks = 0
        ranks = self.ranks
        for _, _, cj in lines:
            if not cj & used:
                disjoint += 1
                disjoint_ranks += ranks[(cj & -cj).bit_length() - 1]
                used |= cj
        if disjoint >= enough:
            return None
        cover = self.cover
        stats: list[tuple[int, int, int]] = []
        rest = useful
        while rest:
            low = rest & -rest
            rest ^= low
            i = low.bit_length() - 1
            c = cover[i] & uncovered
            stats.append((-c.bit_count(), i, c))
        stats.sort()
        seen = 0
        frac = 0.0
        for negcnt, _, c in stats:
            new = c & ~seen
            if new:
                frac -= new.bit_count() / negcnt
                seen |= new
        bound = ceil(frac - _EPS)
        if disjoint > bound:
            bound = disjoint
        if bound >= enough:
            return None
        return bound, (lines[0][1] if lines else -1), useful, stats, disjoint_ranks

    def _fewest(self, allowed: int) -> None:
        self._fewest_from(0, 0, 0, allowed)

    def _fewest_from(self, chosen: int, count: int, covered: int, allowed: int) -> None:
        self.budget.tick()
        best = self.best
        if covered == self.full:
            if self.groups_ok is None or self.groups_ok(chosen):
                self.offer(chosen)
                return
            assert self.group_candidates is not None
            options = self.group_candidates(chosen) & allowed
            if not options or count + 1 >= best.count:
                return
            order = bits(options)
        else:
            if count + 2 == best.count and self.groups_ok is None:
                last = self._last(covered, allowed)
                if last:
                    self.offer(chosen | (last & -last))
                return
            node = self._node(covered, allowed, best.count - count)
            if node is None:
                return
            branch = self.cand[node[1]] & allowed
            order = [i for _, i, _ in node[3] if branch >> i & 1]
        cover = self.cover
        for i in order:
            low = 1 << i
            self._fewest_from(chosen | low, count + 1, covered | cover[i], allowed & ~low)
            allowed &= ~low

    def _find(
        self, chosen: int, state: int, max_count: int, max_rank: int | None, allowed: int, improve: bool
    ) -> int | None:
        """A plan containing ``chosen`` (which covers ``state``), adding only ``allowed`` locations, of at most
        ``max_count`` locations and (unless ``None``) at most ``max_rank`` rank sum; ``None`` if there is none.
        With ``improve`` the rank limit is lowered after each plan found, and the last (best) one is returned."""
        self._limit = max_rank
        self._found = None
        self._find_from(chosen, chosen.bit_count(), self.rank_sum(chosen), state, allowed, max_count, improve)
        return self._found

    def _find_from(
        self, chosen: int, count: int, rank: int, covered: int, allowed: int, max_count: int, improve: bool
    ) -> bool:
        self.budget.tick()
        if covered == self.full:
            if self._limit is not None and rank > self._limit:
                return False
            if self.groups_ok is None or self.groups_ok(chosen):
                self._found = chosen
                if improve:
                    self._limit = rank - 1
                return not improve
            assert self.group_candidates is not None
            options = self.group_candidates(chosen) & allowed
            if not options or count + 1 > max_count:
                return False
            if self._limit is not None and rank + self._rank_floor(1, options, 0) > self._limit:
                return False
            order = bits(options)
        else:
            if count + 1 == max_count and self.groups_ok is None:
                return self._close(chosen, rank, self._last(covered, allowed), improve)
            node = self._node(covered, allowed, max_count - count + 1)
            if node is None:
                return False
            if self._limit is not None and rank + self._rank_floor(node[0], node[2], node[4]) > self._limit:
                return False
            branch = self.cand[node[1]] & allowed
            order = [i for _, i, _ in node[3] if branch >> i & 1]
        cover, ranks = self.cover, self.ranks
        for i in order:
            low = 1 << i
            child = (chosen | low, count + 1, rank + ranks[i], covered | cover[i], allowed & ~low, max_count, improve)
            if self._find_from(*child):
                return True
            allowed &= ~low
        return False


class DivisibleCover(CoverSearch):
    """Fewest locations whose stock adds up to every SKU's demand (a line may be split between locations).

    Args:
        demand: units needed per SKU (each at most the total stock of the SKU).
        rows: per location, ``(sku index, units)`` for the SKUs it holds, units capped at the SKU's demand.
        ranks: per location, its rank.
        budget: the search effort bound.
    """

    def __init__(
        self, demand: Sequence[int], rows: Sequence[Sequence[tuple[int, int]]], ranks: Sequence[int], budget: Budget
    ):
        self._setup(ranks, budget)
        self.demand = list(demand)
        self.g = len(demand)
        self.rows = [list(row) for row in rows]
        self.skus_of = []
        self.cand = [0] * self.g
        by_cap: list[list[tuple[int, int]]] = [[] for _ in range(self.g)]
        for i, row in enumerate(self.rows):
            held = 0
            for g, units in row:
                held |= 1 << g
                self.cand[g] |= 1 << i
                by_cap[g].append((-units, i))
            self.skus_of.append(held)
        for entries in by_cap:
            entries.sort()
        self.by_cap = [[(-negative, i) for negative, i in entries] for entries in by_cap]
        """Per SKU, ``(units, location)`` with most units first (ties: earliest location)."""

    def _initial(self) -> list[int]:
        return self.demand

    def _advance(self, state: list[int], i: int) -> list[int]:
        rest = state[:]
        for g, units in self.rows[i]:
            left = rest[g]
            if left:
                rest[g] = left - units if left > units else 0
        return rest

    def _done(self, state: list[int], chosen: int) -> bool:
        return not any(state)

    def _helps(self, state: list[int], i: int) -> bool:
        return any(state[g] for g, _ in self.rows[i])

    def _complete(self, chosen: int) -> bool:
        state = self.demand
        for i in bits(chosen):
            state = self._advance(state, i)
        return not any(state)

    def _gain(self, need: list[int], i: int) -> int:
        """Units of ``need`` location ``i`` can give."""
        total = 0
        for g, units in self.rows[i]:
            left = need[g]
            total += units if units < left else left
        return total

    def greedy(self, allowed: int) -> int:
        """Repeatedly take the allowed location giving most still-needed units (ties: earliest), then drop
        redundant locations, latest first."""
        need = list(self.demand)
        mask = 0
        candidates = bits(allowed)
        while any(need):
            best_i, best_u = -1, 0
            for i in candidates:
                if not mask >> i & 1:
                    units = self._gain(need, i)
                    if units > best_u:
                        best_i, best_u = i, units
            mask |= 1 << best_i
            need = self._advance(need, best_i)
        for i in reversed(bits(mask)):
            if self._complete(mask & ~(1 << i)):
                mask &= ~(1 << i)
        return mask

    def _last(self, need: Sequence[int], allowed: int) -> int:
        """The allowed locations that cover every remaining need by themselves."""
        result = allowed
        by_cap = self.by_cap
        for g, left in enumerate(need):
            if left > 0:
                able = 0
                for units, i in by_cap[g]:
                    if units < left:
                        break
                    able |= 1 << i
                result &= able
                if not result:
                    break
        return result

    def root_bound(self, allowed: int) -> int:
        """A lower bound on the locations any plan needs (``INFINITE`` when the demand cannot be covered)."""
        result = self._node(self.demand, allowed)
        return result[0] if result is not None else INFINITE

    def _node(self, need: Sequence[int], allowed: int) -> tuple[int, int, int, int] | None:
        """At a node: the bound, the branching SKU, the useful locations and a lower bound on the ranks of the
        locations still needed; ``None`` if infeasible.

        ``k_g``, the fewest allowed locations whose stock covers SKU g's remaining need, gives three bounds; the
        largest wins: max k_g; Σ k_g over SKUs with pairwise disjoint candidate sets; and Σ k_g / n_g rounded up,
        where n_g is the most open SKUs any candidate of g carries (a feasible dual of the LP with the valid
        cuts "at least k_g candidates of g").
        """
        cand, by_cap = self.cand, self.by_cap
        ks: list[tuple[int, int, int, int]] = []
        k_of: dict[int, int] = {}
        open_skus = 0
        useful = 0
        kmax = 0
        for g, left in enumerate(need):
            if left <= 0:
                continue
            open_skus |= 1 << g
            cnt = 0
            for units, i in by_cap[g]:
                if allowed >> i & 1:
                    left -= units
                    cnt += 1
                    if left <= 0:
                        break
            if left > 0:
                return None
            cg = cand[g] & allowed
            useful |= cg
            ks.append((-cnt, cg.bit_count(), g, cg))
            k_of[g] = cnt
            if cnt > kmax:
                kmax = cnt
        ks.sort()
        used = 0
        disjoint = 0
        disjoint_ranks = 0
        ranks = self.ranks
        for negk, _, _, cg in ks:
            if not cg & used:
                disjoint -= negk
                disjoint_ranks += ranks[(cg & -cg).bit_length() - 1]
                used |= cg
        skus_of = self.skus_of
        loads = []
        rest = useful
        while rest:
            low = rest & -rest
            rest ^= low
            skus = skus_of[low.bit_length() - 1] & open_skus
            loads.append((-skus.bit_count(), skus))
        loads.sort()
        seen = 0
        frac = 0.0
        for negcnt, skus in loads:
            new = skus & ~seen
            if new:
                frac -= sum(k_of[g] for g in bits(new)) / negcnt
                seen |= new
        bound = max(kmax, disjoint, ceil(frac - _EPS))
        branch = min(ks, key=_fewest_candidates)[2] if ks else -1
        return bound, branch, useful, disjoint_ranks

    def _children(self, sku: int, need: list[int], allowed: int) -> list[tuple[int, int]]:
        return sorted((-self._gain(need, i), i) for i in bits(self.cand[sku] & allowed))

    def _fewest(self, allowed: int) -> None:
        self._fewest_from(0, 0, self.demand, allowed)

    def _fewest_from(self, chosen: int, count: int, need: list[int], allowed: int) -> None:
        self.budget.tick()
        if not any(need):
            self.offer(chosen)
            return
        if count + 2 == self.best.count:
            last = self._last(need, allowed)
            if last:
                self.offer(chosen | (last & -last))
            return
        node = self._node(need, allowed)
        if node is None or count + node[0] >= self.best.count:
            return
        for _, i in self._children(node[1], need, allowed):
            low = 1 << i
            self._fewest_from(chosen | low, count + 1, self._advance(need, i), allowed & ~low)
            allowed &= ~low

    def _find(
        self, chosen: int, state: list[int], max_count: int, max_rank: int | None, allowed: int, improve: bool
    ) -> int | None:
        """See :meth:`SetCover._find`."""
        self._limit = max_rank
        self._found = None
        self._find_from(chosen, chosen.bit_count(), self.rank_sum(chosen), state, allowed, max_count, improve)
        return self._found

    def _find_from(
        self, chosen: int, count: int, rank: int, need: list[int], allowed: int, max_count: int, improve: bool
    ) -> bool:
        self.budget.tick()
        if not any(need):
            if self._limit is not None and rank > self._limit:
                return False
            self._found = chosen
            if improve:
                self._limit = rank - 1
            return not improve
        if count + 1 == max_count:
            return self._close(chosen, rank, self._last(need, allowed), improve)
        node = self._node(need, allowed)
        if node is None or count + node[0] > max_count:
            return False
        if self._limit is not None and rank + self._rank_floor(node[0], node[2], node[3]) > self._limit:
            return False
        ranks = self.ranks
        for _, i in self._children(node[1], need, allowed):
            low = 1 << i
            rest = self._advance(need, i)
            if self._find_from(chosen | low, count + 1, rank + ranks[i], rest, allowed & ~low, max_count, improve):
                return True
            allowed &= ~low
        return False


def _fewest_candidates(entry: tuple[int, int, int, int]) -> tuple[int, int, int]:
    negk, candidates, g, _ = entry
    return candidates, negk, g
