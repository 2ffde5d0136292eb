"""Parcels (拆单 by weight and volume): pack an order's items into the fewest parcels a carrier accepts.

Items tagged to ship alone get a parcel each, and so does an item that alone exceeds a parcel limit. Items
that differ in a segregated tag (``cold_chain`` by default: cold-chain items never travel with ambient ones)
are packed separately, and pairs of tags declared incompatible never share a parcel. Each remaining group is
a two-dimensional (weight, volume) bin-packing problem with conflicts: first fit decreasing gives a start,
Martello and Toth's L2 bound and a clique of conflicting items a lower bound, and for small orders bin
completion closes the gap within a time and node budget.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from math import ceil
from typing import Any

import attrs

from omscore.domain.catalog import Catalog, Sku
from omscore.domain.errors import InvalidInput, InvalidQuantity, NotFound
from omscore.domain.identity import LineId, SkuCode
from omscore.policies.optimise._budget import Budget, OutOfBudget
from omscore.policies.optimise._cover import bits
from omscore.policies.optimise.problem import DemandLine
from omscore.policies.optimise.trace import Limit, PackingTrace

#: Default wall-time limit of the search, in milliseconds.
DEFAULT_TIME_LIMIT_MS = 2.0
#: Orders of up to this many items (after ship-alone and over-limit items) are packed exactly.
EXACT_ITEMS = 30
#: The name of the class of items that carry none of the segregated tags.
AMBIENT = "ambient"


def _non_blank(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(attribute.name, value, "must be a non-blank string")


def _non_negative(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value < 0:
        raise InvalidQuantity(attribute.name, value, "must be a non-negative integer")


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value <= 0:
        raise InvalidQuantity(attribute.name, value, "must be a positive integer")


def _positive_or_none(instance: object, attribute: attrs.Attribute[int | None], value: int | None) -> None:
    if value is not None and (type(value) is not int or value <= 0):
        raise InvalidQuantity(attribute.name, value, "must be a positive integer or None")


def _tag_set(tags: Iterable[str]) -> frozenset[str]:
    return frozenset(tags)


def _tag_pairs(pairs: Iterable[Iterable[str]]) -> frozenset[frozenset[str]]:
    return frozenset(frozenset(pair) for pair in pairs)


@attrs.frozen
class ParcelItem:
    """Something that goes into one parcel whole: ``units`` units of order line ``line``.

    Attributes:
        id: unique within the order, e.g. ``"L1#2"`` for the second unit of line ``L1``.
        line: the order line the units belong to.
        weight_g: weight of the whole item, in grams.
        volume_cm3: volume of the whole item, in cubic centimetres.
        units: units of the line in the item.
        tags: handling tags (``ship_alone``, ``cold_chain`` …).
    """

    id: str = attrs.field(validator=_non_blank)
    line: LineId = attrs.field(validator=_non_blank)
    weight_g: int = attrs.field(validator=_non_negative)
    volume_cm3: int = attrs.field(validator=_non_negative)
    units: int = attrs.field(default=1, validator=_positive)
    tags: frozenset[str] = attrs.field(default=frozenset(), converter=_tag_set)


@attrs.frozen
class ParcelLimits:
    """What one parcel may hold.

    Attributes:
        max_weight_g: heaviest parcel allowed, or ``None`` for no limit.
        max_volume_cm3: largest parcel volume allowed, or ``None`` for no limit.
        segregate: tags that split items into classes: two items share a parcel only if they carry the same
            subset of these tags. The default keeps cold-chain items away from ambient ones.
        incompatible: pairs of tags that never share a parcel (e.g. ``{"battery", "liquid"}``).
        alone: tags whose items each ship in a parcel of their own.
    """

    max_weight_g: int | None = attrs.field(default=None, validator=_positive_or_none)
    max_volume_cm3: int | None = attrs.field(default=None, validator=_positive_or_none)
    segregate: frozenset[str] = attrs.field(default=frozenset({"cold_chain"}), converter=_tag_set)
    incompatible: frozenset[frozenset[str]] = attrs.field(default=frozenset(), converter=_tag_pairs)
    alone: frozenset[str] = attrs.field(default=frozenset({"ship_alone"}), converter=_tag_set)

    def __attrs_post_init__(self) -> None:
        for pair in self.incompatible:
            if len(pair) != 2:
                raise InvalidInput("incompatible", sorted(pair), "each entry must name two different tags")


@attrs.frozen
class Parcel:
    """One parcel: its items (sorted by id) and, for a parcel forced to hold one item, why.

    Attributes:
        items: the items packed.
        reason: ``"ship_alone"`` or ``"over_limit"`` when the item had to travel alone, else ``None``.
    """

    items: tuple[ParcelItem, ...]
    reason: str | None = None

    @property
    def weight_g(self) -> int:
        return sum(item.weight_g for item in self.items)

    @property
    def volume_cm3(self) -> int:
        return sum(item.volume_cm3 for item in self.items)

    def units_by_line(self) -> dict[LineId, int]:
        """Units of each order line in the parcel, by line id."""
        units: dict[LineId, int] = {}
        for item in self.items:
            units[item.line] = units.get(item.line, 0) + item.units
        return dict(sorted(units.items()))


@attrs.frozen
class PackingPlan:
    """The parcels of an order (sorted by their first item's id) and the explanation.

    Attributes:
        parcels: every item in exactly one parcel.
        optimal: whether the number of parcels is proven the fewest possible.
        trace: how the packing was found.
    """

    parcels: tuple[Parcel, ...]
    optimal: bool
    trace: PackingTrace


def unit_items(lines: Iterable[DemandLine], catalog: Catalog | Mapping[SkuCode, Sku]) -> tuple[ParcelItem, ...]:
    """One item per unit ordered, with the SKU's weight, volume and tags; ids are ``"<line>#<n>"``.

    Raises:
        NotFound: a line's SKU is not in the catalog.
    """
    skus = catalog.skus if isinstance(catalog, Catalog) else catalog
    items: list[ParcelItem] = []
    for line in sorted(lines, key=lambda d: d.line):
        sku = skus.get(line.sku)
        if sku is None:
            raise NotFound("sku", line.sku)
        for k in range(1, line.quantity + 1):
            items.append(ParcelItem(f"{line.line}#{k}", line.line, sku.weight_g, sku.volume_cm3, 1, sku.tags))
    return tuple(items)


def pack_parcels(
    items: Iterable[ParcelItem],
    limits: ParcelLimits,
    *,
    time_limit_ms: float | None = DEFAULT_TIME_LIMIT_MS,
    node_limit: int | None = None,
    exact_items: int = EXACT_ITEMS,
) -> PackingPlan:
    """Pack items into the fewest parcels within the limits.

    Args:
        items: the order's items; ids must be unique.
        limits: parcel limits and tag rules.
        time_limit_ms: wall-time bound of the search; ``None`` for none.
        node_limit: bound on search nodes; ``None`` for none, ``0`` for first-fit decreasing only.
        exact_items: search exactly only when at most this many items remain after the ship-alone and
            over-limit items; larger orders get first-fit decreasing (still ``optimal`` when it meets the bound).

    Returns:
        The parcels and the trace; ``optimal`` tells whether the count is proven minimal.

    Raises:
        InvalidInput: duplicate item ids or a negative limit.
    """
    budget = Budget(time_limit_ms, node_limit)
    ordered = sorted(items, key=_item_id)
    for k in range(1, len(ordered)):
        if ordered[k - 1].id == ordered[k].id:
            raise InvalidInput("items.id", ordered[k].id, "duplicate item id")
    max_w = limits.max_weight_g
    max_v = limits.max_volume_cm3
    parcels: list[Parcel] = []
    alone: list[str] = []
    over: list[str] = []
    classes: dict[frozenset[str], list[ParcelItem]] = {}
    for item in ordered:
        if item.tags & limits.alone:
            parcels.append(Parcel((item,), "ship_alone"))
            alone.append(item.id)
        elif (max_w is not None and item.weight_g > max_w) or (max_v is not None and item.volume_cm3 > max_v):
            parcels.append(Parcel((item,), "over_limit"))
            over.append(item.id)
        else:
            classes.setdefault(frozenset(item.tags & limits.segregate), []).append(item)
    searchable = sum(len(group) for group in classes.values()) <= exact_items
    bound = heuristic = len(parcels)
    labels = []
    for key in sorted(classes, key=lambda c: sorted(c)):
        group = classes[key]
        labels.append(f"{'+'.join(sorted(key)) or AMBIENT}:{len(group)}")
        packer = _Packer(group, limits, budget)
        packer.solve(searchable)
        bound += packer.lower
        heuristic += packer.first_fit
        parcels.extend(Parcel(tuple(sorted((group[x] for x in content), key=_item_id))) for content in packer.best)
    parcels.sort(key=lambda parcel: parcel.items[0].id)
    optimal = bound == len(parcels)
    trace = PackingTrace(
        items=len(ordered),
        classes=tuple(labels),
        alone=tuple(alone),
        over_limit=tuple(over),
        parcels=len(parcels),
        lower_bound=bound,
        heuristic_parcels=heuristic,
        optimal=optimal,
        limit_hit=None if budget.hit is None else Limit(budget.hit),
        nodes=budget.nodes,
        elapsed_ms=budget.elapsed_ms(),
    )
    return PackingPlan(tuple(parcels), optimal, trace)


def _item_id(item: ParcelItem) -> str:
    if not isinstance(item, ParcelItem):
        raise InvalidInput("items", item, "expected a ParcelItem")
    return item.id


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


class _Done(Exception):
    """A packing meeting the lower bound was found."""


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
