"""拆单: split a routed order into parcels by its shop's rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from omscore.domain.catalog import Catalog
from omscore.domain.order import Order
from omscore.policies.optimise import Allocation
from omscore.policies.split.drafts import ShipmentDraft
from omscore.policies.split.planner import _apportion, _count, _Planner, _units_by_location
from omscore.policies.split.settings import (
    SplitSettings,
)
from omscore.policies.split.trace import SplitDecision, SplitTrace


def split_shipments(
    order: Order,
    allocations: Sequence[Allocation],
    catalog: Catalog,
    settings: SplitSettings | None = None,
    *,
    today: date | None = None,
) -> tuple[ShipmentDraft, ...]:
    """The parcel-level drafts of :func:`decide_split` — :func:`~omscore.policies.split.draft_shipments`
    with the split rules applied.

    Raises:
        InvalidInput: as :func:`decide_split`.
        NotFound: as :func:`decide_split`.
    """
    return decide_split(order, allocations, catalog, settings, today=today).drafts


def decide_split(
    order: Order,
    allocations: Sequence[Allocation],
    catalog: Catalog,
    settings: SplitSettings | None = None,
    *,
    today: date | None = None,
) -> SplitDecision:
    """Split a routed order into parcels by its shop's :class:`SplitRules`.

    Args:
        order: the order.
        allocations: the routing plan (units of each line per location), in any order.
        catalog: SKU weights, volumes and tags, and kits.
        settings: the split settings; omscore's defaults when ``None``.
        today: the current date in the merchant's time zone; a line is presale while its presale date is after
            it (every line with a presale date is, without it).

    Returns:
        The parcels, what could not be honoured, and the trace.

    Raises:
        InvalidInput: an allocation names a line the order does not have, or allocates more than the line.
        InvalidQuantity: an allocation of no units.
        NotFound: a line's SKU is not in the catalog.
    """
    chosen = settings or SplitSettings()
    rules = chosen.rules_for(order.channel)
    units = _units_by_location(order, allocations)
    presale = {line.id: line.presale_ship_date for line in order.lines if line.waits_for_presale(today)}
    planner = _Planner(order, catalog, rules, chosen)
    split = {loc: planner.plan(loc, units[loc], presale, split_presale=True) for loc in sorted(units)}
    problems: list[str] = []
    if rules.max_packages is not None and _count(split) > rules.max_packages:
        for loc in sorted(split):
            if split[loc].presale == "split":
                split[loc] = planner.plan(loc, units[loc], presale, split_presale=False, undone=True)
        if _count(split) > rules.max_packages:
            problems.append(f"the order needs {_count(split)} parcels, at most {rules.max_packages} allowed")
    shipments = _apportion(order, [p for loc in sorted(split) for p in split[loc].parcels])
    trace = SplitTrace(rules.presale, tuple(split[loc].trace for loc in sorted(split)), tuple(problems))
    return SplitDecision(shipments, tuple(problems), trace)
