"""What the whole-order optimisers take and give: demand lines, stock per location, plans.

Every optimiser first puts its input in a canonical order — lines by line id, locations by (rank, id) — and
works only on that order, so the same input listed in any order gives the same decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from omscore.domain.errors import InvalidInput, InvalidQuantity
from omscore.domain.identity import LineId, LocationId, SkuCode
from omscore.domain.inventory import StockKey, StockLevel
from omscore.domain.network import Location
from omscore.domain.order_line import OrderLine

if TYPE_CHECKING:
    from omscore.policies.optimise.trace import SourcingTrace

#: Units that may be taken per location and SKU: ``{location: {sku: units}}``. Missing entries mean none;
#: negative figures (stock counted below what is promised) count as none.
StockByLocation = Mapping[LocationId, Mapping[SkuCode, int]]


def _non_blank(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(attribute.name, value, "must be a non-blank string")


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value <= 0:
        raise InvalidQuantity(attribute.name, value, "quantity must be a positive integer")


@attrs.frozen(order=True)
class DemandLine:
    """``quantity`` units of ``sku`` wanted by order line ``line``."""

    line: LineId = attrs.field(validator=_non_blank)
    sku: SkuCode = attrs.field(validator=_non_blank)
    quantity: int = attrs.field(validator=_positive)


@attrs.frozen(order=True)
class Allocation:
    """``quantity`` units of order line ``line_id`` (SKU ``sku``) ship from ``location``."""

    location: LocationId
    line_id: LineId
    sku: SkuCode
    quantity: int


@attrs.frozen(order=True)
class Shortfall:
    """``quantity`` units of line ``line_id`` that the plan cannot serve from the stock given."""

    line_id: LineId
    sku: SkuCode
    quantity: int


@attrs.frozen
class SourcingPlan:
    """Which location ships which units of an order, with the explanation.

    Attributes:
        allocations: sorted by (location, line id).
        shortfalls: units no plan could serve (empty when the order is covered), sorted by line id.
        locations: the locations used, in the tie-break order (rank, then id).
        optimal: whether the plan is proven best for its objective (and tie-break) over the units served.
        cost: the plan's cost under the cost model, for the cost objective; ``None`` otherwise.
        trace: how the decision was reached.
    """

    allocations: tuple[Allocation, ...]
    shortfalls: tuple[Shortfall, ...]
    locations: tuple[LocationId, ...]
    optimal: bool
    cost: int | None
    trace: SourcingTrace

    @property
    def complete(self) -> bool:
        """Whether every ordered unit is served."""
        return not self.shortfalls

    @property
    def shipments(self) -> int:
        """Number of locations (shipments) the plan uses."""
        return len(self.locations)

    @property
    def units(self) -> int:
        """Units served."""
        return sum(a.quantity for a in self.allocations)


def demand_of(lines: Iterable[OrderLine]) -> tuple[DemandLine, ...]:
    """The demand of order lines, sorted by line id."""
    return tuple(sorted(DemandLine(line.id, line.sku, line.quantity) for line in lines))


def stock_by_location(
    available: Mapping[StockKey, int] | Iterable[StockLevel], locations: Iterable[LocationId] = ()
) -> dict[LocationId, dict[SkuCode, int]]:
    """Regroup available units per (location, SKU) — a mapping or stock levels — into ``{location: {sku: units}}``.

    Args:
        available: units per ``(location, sku)``, or :class:`StockLevel` s (their ``available`` is used).
        locations: candidate locations to list even when they hold none of the stock given.
    """
    result: dict[LocationId, dict[SkuCode, int]] = {loc: {} for loc in locations}
    if isinstance(available, Mapping):
        for (loc, sku), units in available.items():
            result.setdefault(loc, {})[sku] = units
    else:
        for level in available:
            result.setdefault(level.location, {})[level.sku] = level.available
    return result


def ranks_of(locations: Iterable[Location]) -> dict[LocationId, int]:
    """Tie-break ranks from the locations' configured priority (lower ships first)."""
    return {location.id: location.priority for location in locations}


@attrs.frozen
class Canonical:
    """An order and its candidates in canonical order.

    Attributes:
        lines: sorted by line id.
        locations: sorted by (rank, id): index ``i`` in every optimiser refers to ``locations[i]``.
        ranks: rank of each location, aligned with ``locations``.
        stock: each location's stock mapping as given, aligned with ``locations`` (read through :meth:`rows`).
    """

    lines: tuple[DemandLine, ...]
    locations: tuple[LocationId, ...]
    ranks: tuple[int, ...]
    stock: tuple[Mapping[SkuCode, int], ...]

    def rows(self, skus: Mapping[SkuCode, int]) -> list[list[tuple[int, int]]]:
        """Per location, ``(index, units)`` for each SKU of ``skus`` (SKU → index) it holds a positive number of,
        in no particular order.

        Raises:
            InvalidInput: a stock figure of one of those SKUs is not an integer.
        """
        rows: list[list[tuple[int, int]]] = []
        wanted = len(skus)
        for loc, given in zip(self.locations, self.stock, strict=True):
            row: list[tuple[int, int]] = []
            if len(given) <= wanted:
                for sku, value in given.items():
                    g = skus.get(sku)
                    if g is not None:
                        if type(value) is not int:
                            raise bad_stock(loc, sku, value)
                        if value > 0:
                            row.append((g, value))
            else:
                for sku, g in skus.items():
                    held = given.get(sku)
                    if held is not None:
                        if type(held) is not int:
                            raise bad_stock(loc, sku, held)
                        if held > 0:
                            row.append((g, held))
            rows.append(row)
        return rows


def bad_stock(location: LocationId, sku: SkuCode, value: object) -> InvalidInput:
    """The error for a stock figure that is not a whole number of units."""
    return InvalidInput(f"stock.{location}.{sku}", value, "stock must be an integer number of units")


def canonical(lines: Iterable[DemandLine], stock: StockByLocation, rank: Mapping[LocationId, int] | None) -> Canonical:
    """Validate and order the input.

    Raises:
        InvalidInput: a line id appears twice, a line is not a :class:`DemandLine`, or a rank is not an integer.
    """
    ordered = sorted(lines, key=_line_key)
    for k in range(1, len(ordered)):
        if ordered[k - 1].line == ordered[k].line:
            raise InvalidInput("lines.line", ordered[k].line, "duplicate line id")
    ranks = rank or {}
    for loc, value in ranks.items():
        if type(value) is not int:
            raise InvalidInput(f"rank.{loc}", value, "a rank must be an integer")
    locs = sorted(stock, key=lambda loc: (ranks.get(loc, 0), loc)) if ranks else sorted(stock)
    return Canonical(
        lines=tuple(ordered),
        locations=tuple(locs),
        ranks=tuple(ranks.get(loc, 0) for loc in locs) if ranks else (0,) * len(locs),
        stock=tuple(stock[loc] for loc in locs),
    )


def _line_key(line: DemandLine) -> str:
    if not isinstance(line, DemandLine):
        raise InvalidInput("lines", line, "expected a DemandLine")
    return line.line
