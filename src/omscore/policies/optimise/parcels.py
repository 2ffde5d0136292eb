"""Parcels (拆单 by weight and volume): pack an order's items into the fewest parcels a carrier accepts.

Items tagged to ship alone get a parcel each, and so does an item that alone exceeds a parcel limit. Items
that differ in a segregated tag (``cold_chain`` by default: cold-chain items never travel with ambient ones)
are packed separately, and pairs of tags declared incompatible never share a parcel. Each remaining group is
a two-dimensional (weight, volume) bin-packing problem with conflicts: first fit decreasing gives a start,
Martello and Toth's L2 bound and a clique of conflicting items a lower bound, and for small orders bin
completion closes the gap within a time and node budget (see :mod:`~omscore.policies.optimise._packing`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from omscore.domain.catalog import Catalog, Sku
from omscore.domain.errors import InvalidInput, NotFound
from omscore.domain.identity import LineId, SkuCode
from omscore.policies.optimise._budget import Budget
from omscore.policies.optimise._packing import _Packer
from omscore.policies.optimise.parcel_items import (
    ParcelItem,
    ParcelLimits,
)
from omscore.policies.optimise.problem import DemandLine
from omscore.policies.optimise.trace import Limit, PackingTrace

#: Default wall-time limit of the search, in milliseconds.
DEFAULT_TIME_LIMIT_MS = 2.0


#: Orders of up to this many items (after ship-alone and over-limit items) are packed exactly.
EXACT_ITEMS = 30


#: The name of the class of items that carry none of the segregated tags.
AMBIENT = "ambient"


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
