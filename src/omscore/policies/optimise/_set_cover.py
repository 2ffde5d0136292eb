"""The exact search for the fewest locations that serve every line whole (set cover), with its lower bounds.

The phases it runs and the plan bookkeeping are :class:`~omscore.policies.optimise._cover.CoverSearch`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import ceil

from omscore.policies.optimise._budget import Budget
from omscore.policies.optimise._cover import _EPS, INFINITE, CoverSearch, bits


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
