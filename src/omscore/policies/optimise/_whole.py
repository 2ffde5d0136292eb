"""Which locations can ship which lines whole: the shared first step of the indivisible optimisers.

A line that no location can ship whole is short. Lines of one SKU share that SKU's stock at a location; when
the stock cannot serve all of them at once, the most units (then the earliest lines) are served.
"""

from __future__ import annotations

import attrs

from omscore.domain.identity import SkuCode
from omscore.policies.optimise._groups import servable
from omscore.policies.optimise.problem import Canonical, Shortfall, bad_stock


@attrs.define
class WholeLines:
    """The servable lines of an order and what each location can ship of them.

    Attributes:
        live: indices (into the canonical lines) of the lines served, in order; "positions" index this list.
        qty: quantity of every canonical line.
        cover: per location, the mask of positions it can ship whole by itself.
        groups: ``(sku index, positions)`` for each SKU with several served lines (they share stock).
        group_caps: per SKU index of a group, the units each location holds.
        useful: per location, the mask of requirements it can contribute to: positions, then bit ``n + g`` for
            group ``g`` (``n = len(live)``) when it can ship some line of the group.
        saturators: per requirement, the locations that satisfy it entirely by themselves.
        shortfalls: the lines not served.
    """

    live: list[int]
    qty: list[int]
    cover: list[int]
    groups: list[tuple[int, list[int]]]
    group_caps: dict[int, list[int]]
    useful: list[int]
    saturators: list[int]
    shortfalls: list[Shortfall]


def whole_lines(problem: Canonical) -> WholeLines:
    """Work out the servable lines and each location's whole-line coverage.

    Raises:
        InvalidInput: a stock figure of one of the order's SKUs is not an integer.
    """
    lines = problem.lines
    qty = [line.quantity for line in lines]
    sku_index: dict[SkuCode, int] = {}
    lines_of: list[list[int]] = []
    for j, line in enumerate(lines):
        g = sku_index.setdefault(line.sku, len(lines_of))
        if g == len(lines_of):
            lines_of.append([])
        lines_of[g].append(j)
    m = len(problem.locations)
    cover = [0] * m
    shared = len(lines_of) < len(lines)
    saturators = [0] * len(lines)
    if not shared:  # one line per SKU: SKU index g is line index j; read the stock in one pass
        wanted = len(sku_index)
        for i, given in enumerate(problem.stock):
            mask = 0
            low = 1 << i
            if len(given) <= wanted:
                for sku, held in given.items():
                    index = sku_index.get(sku)
                    if index is not None:
                        if type(held) is not int:
                            raise bad_stock(problem.locations[i], sku, held)
                        if held >= qty[index]:
                            mask |= 1 << index
                            saturators[index] |= low
            else:
                for sku, index in sku_index.items():
                    maybe = given.get(sku)
                    if maybe is not None:
                        if type(maybe) is not int:
                            raise bad_stock(problem.locations[i], sku, maybe)
                        if maybe >= qty[index]:
                            mask |= 1 << index
                            saturators[index] |= low
            cover[i] = mask
        rows: list[list[tuple[int, int]]] = []
    else:
        rows = problem.rows(sku_index)
        for i, row in enumerate(rows):
            mask = 0
            for g, units in row:
                for j in lines_of[g]:
                    if units >= qty[j]:
                        mask |= 1 << j
            cover[i] = mask
    anywhere = 0
    for mask in cover:
        anywhere |= mask
    served = [bool(anywhere >> j & 1) for j in range(len(lines))]
    group_caps: dict[int, list[int]] = {}
    if shared:
        group_caps = {g: [0] * m for g, js in enumerate(lines_of) if len(js) > 1}
        for i, row in enumerate(rows):
            for g, units in row:
                if g in group_caps:
                    group_caps[g][i] = units
        for g, caps in group_caps.items():
            flags = servable([qty[j] for j in lines_of[g]], caps)
            for j, flag in zip(lines_of[g], flags, strict=True):
                served[j] = flag
    shortfalls = [Shortfall(line.line, line.sku, line.quantity) for j, line in enumerate(lines) if not served[j]]
    live = [j for j in range(len(lines)) if served[j]]
    if len(live) < len(lines):
        cover = [_compress(mask, live) for mask in cover]
    n = len(live)
    position = {j: t for t, j in enumerate(live)}
    groups = [(g, [position[j] for j in lines_of[g] if served[j]]) for g in group_caps]
    groups = [(g, ts) for g, ts in groups if len(ts) > 1]
    if shared or n < len(lines):
        saturators = [0] * (n + len(groups))
        for i, mask in enumerate(cover):
            low = 1 << i
            while mask:
                bit = mask & -mask
                mask ^= bit
                saturators[bit.bit_length() - 1] |= low
    useful = list(cover)
    for gi, (g, ts) in enumerate(groups):
        least, total = min(qty[live[t]] for t in ts), sum(qty[live[t]] for t in ts)
        for i, units in enumerate(group_caps[g]):
            if units >= least:
                useful[i] |= 1 << (n + gi)
            if units >= total:
                saturators[n + gi] |= 1 << i
    return WholeLines(live, qty, cover, groups, group_caps, useful, saturators, shortfalls)


def _compress(mask: int, live: list[int]) -> int:
    """Renumber the bits of ``mask`` from line indices to positions in ``live``."""
    return sum(1 << t for t, j in enumerate(live) if mask >> j & 1)
