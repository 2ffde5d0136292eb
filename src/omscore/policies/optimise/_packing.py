"""The packing search behind :func:`~omscore.policies.optimise.parcels.pack_parcels` for one class of compatible
items: first fit decreasing, the lower bounds (Martello and Toth's L2, a clique of conflicts) and bin completion.
"""

from __future__ import annotations

from collections.abc import Iterator
from math import ceil

from omscore.policies.optimise._budget import Budget, OutOfBudget
from omscore.policies.optimise._cover import bits
from omscore.policies.optimise.parcel_items import ParcelItem, ParcelLimits


class _Packer:
    """Packing of one class of items: two capacities and pairwise conflicts.

    Items are numbered largest first, by their larger share of a parcel's weight or volume (ties: heavier, then
    item id); every search below works in that order.
    """

    def __init__(self, group: list[ParcelItem], limits: ParcelLimits, budget: Budget) -> None:
        self.group = group
        self.budget = budget
        big = sum(item.weight_g for item in group) + sum(item.volume_cm3 for item in group) + 1
        self.cap_w = limits.max_weight_g if limits.max_weight_g is not None else big
        self.cap_v = limits.max_volume_cm3 if limits.max_volume_cm3 is not None else big
        tag_bits: dict[str, int] = {}
        for pair in limits.incompatible:
            for tag in sorted(pair):
                tag_bits.setdefault(tag, 1 << len(tag_bits))
        self.item_tags = [sum(tag_bits.get(tag, 0) for tag in item.tags) for item in group]
        self.item_bans = []
        for mask in self.item_tags:
            ban = 0
            for pair in limits.incompatible:
                a, b = sorted(pair)
                if mask & tag_bits[a]:
                    ban |= tag_bits[b]
                if mask & tag_bits[b]:
                    ban |= tag_bits[a]
            self.item_bans.append(ban)
        cap_w, cap_v = self.cap_w, self.cap_v
        order = sorted(
            range(len(group)),
            key=lambda x: (
                -max(group[x].weight_g * cap_v, group[x].volume_cm3 * cap_w),
                -group[x].weight_g,
                group[x].id,
            ),
        )
        self.index = order
        self.w = [group[x].weight_g for x in order]
        self.v = [group[x].volume_cm3 for x in order]
        self.tags = [self.item_tags[x] for x in order]
        self.bans = [self.item_bans[x] for x in order]
        self.same = [
            k > 0 and (self.w[k], self.v[k], self.tags[k]) == (self.w[k - 1], self.v[k - 1], self.tags[k - 1])
            for k in range(len(order))
        ]
        """Whether item ``k`` is interchangeable with item ``k - 1`` (same weight, volume and tag rules)."""
        self.lower = self._lower_bound()
        self.best: list[list[int]] = []
        self.first_fit = 0
        self._failed: set[tuple[int, int]] = set()

    # --- bounds ----------------------------------------------------------------------------------------------

    def _lower_bound(self) -> int:
        n = len(self.w)
        if not n:
            return 0
        bound = max(_l2(self.w, self.cap_w), _l2(self.v, self.cap_v))
        clique: list[int] = []
        for k in range(n):
            if all(self._conflict(k, c) for c in clique):
                clique.append(k)
        return max(bound, len(clique))

    def _conflict(self, a: int, b: int) -> bool:
        return (
            self.w[a] + self.w[b] > self.cap_w
            or self.v[a] + self.v[b] > self.cap_v
            or bool(self.tags[a] & self.bans[b])
        )

    # --- heuristics ------------------------------------------------------------------------------------------

    def _first_fit(self, order: list[int]) -> list[list[int]]:
        bins: list[list[int]] = []
        free: list[list[int]] = []
        for k in order:
            for b, room in enumerate(free):
                if (
                    self.w[k] <= room[0]
                    and self.v[k] <= room[1]
                    and not (self.tags[k] & room[3])
                    and not (self.bans[k] & room[2])
                ):
                    bins[b].append(k)
                    room[0] -= self.w[k]
                    room[1] -= self.v[k]
                    room[2] |= self.tags[k]
                    room[3] |= self.bans[k]
                    break
            else:
                bins.append([k])
                free.append([self.cap_w - self.w[k], self.cap_v - self.v[k], self.tags[k], self.bans[k]])
        return bins

    def solve(self, search: bool) -> None:
        """Pack: first fit decreasing under three orders (by size, weight, volume), then, when ``search`` is set
        and the best of them misses the lower bound, bin completion for ``lower``, ``lower + 1`` … parcels until
        a packing is found or the first-fit count is proven optimal. Each count the search rules out raises the
        lower bound."""
        n = len(self.w)
        if not n:
            return
        candidates = [
            list(range(n)),
            sorted(range(n), key=lambda k: (-self.w[k], k)),
            sorted(range(n), key=lambda k: (-self.v[k], k)),
        ]
        packs = [self._first_fit(order) for order in candidates]
        self.first_fit = len(packs[0])
        self._keep(min(packs, key=len))
        if len(self.best) == self.lower or not search:
            return
        if not self.budget.allows_search():
            self.budget.hit = "nodes"
            return
        try:
            while self.lower < len(self.best):
                found = self._fill((1 << n) - 1, self.lower)
                if found is not None:
                    self._keep(found)
                    return
                self.lower += 1
        except OutOfBudget:
            return

    def _keep(self, bins: list[list[int]]) -> None:
        self.best = [sorted(self.index[k] for k in content) for content in bins]

    def _fill(self, remaining: int, parcels: int) -> list[list[int]] | None:
        """Pack the ``remaining`` items (a mask) into ``parcels`` parcels, or ``None`` if impossible.

        The largest remaining item opens the next parcel, which is completed with each maximal set of other
        items that fits, fullest first; any packing can be rearranged so that every parcel is such a set.
        Weight and volume left unused in completed parcels can never be used, so their totals may not exceed
        ``parcels × capacity − remaining size``; a failed (items, parcels) state is remembered.
        """
        self.budget.tick()
        if not remaining:
            return []
        if parcels <= 0 or (remaining, parcels) in self._failed:
            return None
        items = bits(remaining)
        total_w = sum(self.w[k] for k in items)
        total_v = sum(self.v[k] for k in items)
        slack_w = parcels * self.cap_w - total_w
        slack_v = parcels * self.cap_v - total_v
        if slack_w < 0 or slack_v < 0:
            self._failed.add((remaining, parcels))
            return None
        first = items[0]
        if parcels == 1:
            if self._fits_together(items):
                return [items]
            self._failed.add((remaining, parcels))
            return None
        for content in self._completions(first, items[1:], slack_w, slack_v):
            rest = remaining
            for k in content:
                rest &= ~(1 << k)
            found = self._fill(rest, parcels - 1)
            if found is not None:
                return [content, *found]
        self._failed.add((remaining, parcels))
        return None

    def _fits_together(self, items: list[int]) -> bool:
        held = banned = 0
        for k in items:
            if self.tags[k] & banned or self.bans[k] & held:
                return False
            held |= self.tags[k]
            banned |= self.bans[k]
        return sum(self.w[k] for k in items) <= self.cap_w and sum(self.v[k] for k in items) <= self.cap_v

    def _completions(self, first: int, others: list[int], slack_w: int, slack_v: int) -> Iterator[list[int]]:
        """Each undominated maximal set of ``others`` that fits into a parcel with ``first`` leaving at most
        ``slack_w`` and ``slack_v`` unused, adding items largest first (so fuller parcels tend to come first).

        A set is dominated when an item left out is at least as large in both dimensions as one taken, no more
        restricted by tags, and fits in its place: swapping the two between parcels never hurts. Of identical
        items the earlier ones are taken first, so no set comes twice.
        """
        w, v, tags, bans = self.w, self.v, self.tags, self.bans
        cap_w, cap_v = self.cap_w, self.cap_v
        tick = self.budget.tick
        size = len(others)
        reach_w = [0] * (size + 1)
        reach_v = [0] * (size + 1)
        for at in range(size - 1, -1, -1):
            reach_w[at] = reach_w[at + 1] + w[others[at]]
            reach_v[at] = reach_v[at + 1] + v[others[at]]
        chosen: list[int] = [first]
        taken = [False] * size

        def fits(k: int, used_w: int, used_v: int, held: int, banned: int) -> bool:
            return used_w + w[k] <= cap_w and used_v + v[k] <= cap_v and not (tags[k] & banned or bans[k] & held)

        def dominated(used_w: int, used_v: int, held: int, banned: int) -> bool:
            for at in range(size):
                if taken[at]:
                    continue
                b = others[at]
                if fits(b, used_w, used_v, held, banned):
                    return True  # not maximal
                wb, vb, tb, nb = w[b], v[b], tags[b], bans[b]
                for a in chosen[1:]:
                    if (
                        wb >= w[a]
                        and vb >= v[a]
                        and (wb, vb, tb, nb) != (w[a], v[a], tags[a], bans[a])
                        and tags[a] & ~tb == 0
                        and bans[a] & ~nb == 0
                        and used_w - w[a] + wb <= cap_w
                        and used_v - v[a] + vb <= cap_v
                        and self._compatible([k for k in chosen if k != a], b)
                    ):
                        return True
            return False

        def grow(start: int, used_w: int, used_v: int, held: int, banned: int) -> Iterator[list[int]]:
            tick()
            if min(cap_w, used_w + reach_w[start]) < cap_w - slack_w or min(cap_v, used_v + reach_v[start]) < (
                cap_v - slack_v
            ):
                return
            for at in range(start, size):
                k = others[at]
                if not fits(k, used_w, used_v, held, banned):
                    continue
                if at and self.same[k] and others[at - 1] == k - 1 and not taken[at - 1]:
                    continue
                taken[at] = True
                chosen.append(k)
                yield from grow(at + 1, used_w + w[k], used_v + v[k], held | tags[k], banned | bans[k])
                chosen.pop()
                taken[at] = False
            if cap_w - used_w <= slack_w and cap_v - used_v <= slack_v and not dominated(used_w, used_v, held, banned):
                yield list(chosen)

        return grow(0, w[first], v[first], tags[first], bans[first])

    def _compatible(self, items: list[int], extra: int) -> bool:
        held = banned = 0
        for k in items:
            held |= self.tags[k]
            banned |= self.bans[k]
        return not (self.tags[extra] & banned or self.bans[extra] & held)


def _l2(sizes: list[int], capacity: int) -> int:
    """Martello and Toth's L2 lower bound for one-dimensional bin packing.

    For each threshold ``q ≤ C/2``: items larger than ``C − q`` each need a bin of their own; items in
    ``(C/2, C − q]`` need one each too, and items in ``[q, C/2]`` must fill what those leave free before
    needing more bins.
    """
    total = ceil(sum(sizes) / capacity) if sizes else 0
    half = capacity / 2
    thresholds = sorted({s for s in sizes if s <= half} | {0})
    best = total
    for q in thresholds:
        big = [s for s in sizes if s > capacity - q]
        middle = [s for s in sizes if capacity - q >= s > half]
        small = sum(s for s in sizes if half >= s >= q)
        spare = len(middle) * capacity - sum(middle)
        bound = len(big) + len(middle) + max(0, ceil((small - spare) / capacity))
        best = max(best, bound)
    return best
