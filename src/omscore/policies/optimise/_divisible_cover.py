"""The exact search for the fewest locations whose stock adds up to every SKU's demand (divisible lines).

The phases it runs and the plan bookkeeping are :class:`~omscore.policies.optimise._cover.CoverSearch`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil

from omscore.policies.optimise._budget import Budget
from omscore.policies.optimise._cover import _EPS, INFINITE, CoverSearch, bits


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
        """See :meth:`~omscore.policies.optimise._set_cover.SetCover._find`."""
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
