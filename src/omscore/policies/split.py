"""拆单: split a routed order into parcels, and apportion its amounts over them exactly.

Routing says which location ships which units. Within each location the split then:

1. separates **presale from in-stock** units when the shop ships what is available now (有货先发): in-stock
   units ship now, presale units on their presale date (one shipment per date). Such a split is optional, so
   it happens only when every part is worth at least the **minimum shipment value**; otherwise — and always
   when the shop waits to ship complete (等齐再发) — the location's units ship together on the latest presale
   date;
2. keeps each ordered **kit** whole (one item of its components per kit) unless the catalog lets the kit split;
3. packs the units into the fewest **parcels** within the weight and volume limits, cold-chain items never with
   ambient ones, ship-alone and oversize items alone, incompatible tags apart — exactly for small orders, by
   :func:`~omscore.policies.optimise.pack_parcels`;
4. checks the **maximum number of packages** of the order: when it is exceeded, optional presale splits are
   undone first; if that is not enough the decision reports a problem (the caller holds the order).

Every line's amount and discount are apportioned over its parcels by quantity (each part's gross is the sum of
the two), and the order's shipping fee over the parcels by their share of the line amounts, all by largest
remainder: the drafts sum to the order's total, gross and discount, to the minor unit, whenever the
allocations cover the order (DESIGN.md §5, invariant 3).
"""

from __future__ import annotations

import enum
import types
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from typing import Any, Final

import attrs

from omscore.domain.catalog import Catalog
from omscore.domain.errors import InvalidConfiguration, InvalidInput, InvalidQuantity
from omscore.domain.identity import Channel, LineId, LocationId
from omscore.domain.order import Order, OrderLine
from omscore.domain.shipment import ShipmentLine
from omscore.policies.explain import Explanation
from omscore.policies.optimise import Allocation, DemandLine, ParcelItem, ParcelLimits, pack_parcels, unit_items
from omscore.policies.shipments import ShipmentDraft, line_parts
from omscore.policies.sourcing.facts import is_presale

__all__ = [
    "DEFAULT_NODE_LIMIT",
    "DEFAULT_PARCEL_LIMITS",
    "LocationSplit",
    "PlannedShipment",
    "PresaleMode",
    "SplitDecision",
    "SplitRules",
    "SplitSettings",
    "SplitTrace",
    "decide_split",
    "split_shipments",
]

#: Parcel rules unless a merchant sets its own: no weight or volume limit, cold-chain items apart from ambient
#: ones, ship-alone and oversize items each in a parcel of their own.
DEFAULT_PARCEL_LIMITS: Final = ParcelLimits(alone=frozenset({"ship_alone", "oversize"}))

#: Default node limit of each packing search (a deterministic effort bound).
DEFAULT_NODE_LIMIT: Final = 20_000


class PresaleMode(enum.StrEnum):
    """What a location does with presale and in-stock units of one order."""

    SHIP_AVAILABLE = "ship_available"
    """有货先发: in-stock units ship now, presale units on their date, in shipments of their own."""
    SHIP_COMPLETE = "ship_complete"
    """等齐再发: everything waits for the latest presale date and ships together."""


def _optional_non_negative(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and (type(value) is not int or value < 0):
        raise InvalidConfiguration(attribute.name, value, "must be a non-negative integer or None")


def _optional_time(instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not (isinstance(value, int | float) and value >= 0):
        raise InvalidConfiguration(attribute.name, value, "must be a non-negative number or None")


def _optional_positive(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and (type(value) is not int or value <= 0):
        raise InvalidConfiguration(attribute.name, value, "must be a positive integer or None")


@attrs.frozen
class SplitRules:
    """How one shop's orders split into parcels.

    Attributes:
        presale: ship in-stock units now, or wait for the presale date and ship complete.
        min_shipment_value_minor: an optional split (presale from in-stock) happens only when every part is
            worth at least this; ``None``: no minimum.
        max_packages: most parcels one order may ship in; ``None``: no limit.
        parcels: weight and volume limits and tag rules of one parcel.
    """

    presale: PresaleMode = PresaleMode.SHIP_AVAILABLE
    min_shipment_value_minor: int | None = attrs.field(default=None, validator=_optional_non_negative)
    max_packages: int | None = attrs.field(default=None, validator=_optional_positive)
    parcels: ParcelLimits = DEFAULT_PARCEL_LIMITS


def _rules_by_shop(value: Mapping[Channel, SplitRules]) -> Mapping[Channel, SplitRules]:
    return types.MappingProxyType(dict(value))


@attrs.frozen
class SplitSettings:
    """The merchant's split rules, with per-shop replacements.

    Attributes:
        rules: the merchant-wide rules.
        shops: a shop's own rules, replacing the merchant-wide ones for its orders.
        node_limit: most nodes of each packing search; ``None``: no limit.
        time_limit_ms: wall-time bound of each packing search; ``None`` (the default) keeps decisions independent
            of machine speed.
    """

    rules: SplitRules = SplitRules()
    shops: Mapping[Channel, SplitRules] = attrs.field(factory=dict, converter=_rules_by_shop)
    node_limit: int | None = attrs.field(default=DEFAULT_NODE_LIMIT, validator=_optional_non_negative)
    time_limit_ms: float | None = attrs.field(default=None, validator=_optional_time)

    def rules_for(self, channel: Channel) -> SplitRules:
        """The rules that split the orders of ``channel``."""
        return self.shops.get(channel, self.rules)


@attrs.frozen
class PlannedShipment:
    """One parcel of the split.

    Attributes:
        draft: the parcel as a shipment draft (location, lines with apportioned amounts, fee share).
        ship_after: the earliest date it may ship (its latest presale date), or ``None`` for now.
        reason: ``"ship_alone"`` or ``"over_limit"`` when a tag or a limit made one item travel alone.
    """

    draft: ShipmentDraft
    ship_after: date | None = None
    reason: str | None = None


@attrs.frozen
class LocationSplit:
    """How the units one location ships were split.

    Attributes:
        location: the location.
        presale: what happened to presale units (``"none"``, ``"split"``, ``"together"``), with why in ``notes``.
        parcels: parcels of the location.
        packing: one summary per packing search (``"7 item(s) in 2 parcel(s) (optimal)"``).
        notes: everything else worth knowing (kits, minimum values, undone splits).
    """

    location: LocationId
    presale: str
    parcels: int
    packing: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def text(self) -> str:
        parts = [f"{self.location}: {self.parcels} parcel(s), presale {self.presale}"]
        parts.extend(self.packing)
        parts.extend(self.notes)
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "presale": self.presale,
            "parcels": self.parcels,
            "packing": list(self.packing),
            "notes": list(self.notes),
        }


@attrs.frozen
class SplitTrace:
    """How an order was split: per location, and the problems found."""

    mode: PresaleMode
    locations: tuple[LocationSplit, ...]
    problems: tuple[str, ...]

    @property
    def parcels(self) -> int:
        return sum(location.parcels for location in self.locations)

    def summary(self) -> str:
        where = len(self.locations)
        text = f"{self.parcels} parcel(s) from {where} location(s)"
        return f"{text}; {'; '.join(self.problems)}" if self.problems else text

    def steps(self) -> tuple[str, ...]:
        return (f"presale mode {self.mode.value}", *(loc.text() for loc in self.locations), *self.problems)

    def text(self) -> str:
        """A readable, multi-line rendering."""
        return self.explanation().text()

    def explanation(self) -> Explanation:
        return Explanation("split", self.summary(), self.steps())

    def as_dict(self) -> dict[str, Any]:
        """The trace as plain data (JSON-ready)."""
        return {
            "mode": self.mode.value,
            "locations": [loc.as_dict() for loc in self.locations],
            "problems": list(self.problems),
            "parcels": self.parcels,
        }


@attrs.frozen
class SplitDecision:
    """The parcels of an order and the trace.

    Attributes:
        shipments: the parcels, sorted by location, then in-stock before presale (by date), then packing order.
        problems: what the split could not honour (the maximum number of packages); empty when all is well.
        trace: how the split was reached.
    """

    shipments: tuple[PlannedShipment, ...]
    problems: tuple[str, ...]
    trace: SplitTrace

    @property
    def drafts(self) -> tuple[ShipmentDraft, ...]:
        return tuple(s.draft for s in self.shipments)

    @property
    def ok(self) -> bool:
        """Whether every split rule was honoured."""
        return not self.problems


def split_shipments(
    order: Order,
    allocations: Sequence[Allocation],
    catalog: Catalog,
    settings: SplitSettings | None = None,
    *,
    today: date | None = None,
) -> tuple[ShipmentDraft, ...]:
    """The parcel-level drafts of :func:`decide_split` — :func:`~omscore.policies.shipments.draft_shipments`
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
    presale = {line.id: line.presale_ship_date for line in order.lines if is_presale(line, today)}
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


# --- planning ------------------------------------------------------------------------------------------------


def _units_by_location(order: Order, allocations: Iterable[Allocation]) -> dict[LocationId, dict[LineId, int]]:
    units: dict[LocationId, dict[LineId, int]] = {}
    per_line: dict[LineId, int] = {}
    for index, a in enumerate(sorted(allocations)):
        line = order.line(a.line_id)
        if type(a.quantity) is not int or a.quantity <= 0:
            raise InvalidQuantity(f"allocations.{index}.quantity", a.quantity, "must be a positive integer")
        per_line[line.id] = per_line.get(line.id, 0) + a.quantity
        if per_line[line.id] > line.quantity:
            raise InvalidInput(
                f"allocations.{line.id}", per_line[line.id], f"line {line.id} has only {line.quantity} unit(s)"
            )
        at = units.setdefault(a.location, {})
        at[line.id] = at.get(line.id, 0) + a.quantity
    return units


@attrs.frozen
class _Parcel:
    location: LocationId
    units: Mapping[LineId, int]
    ship_after: date | None
    reason: str | None


@attrs.frozen
class _LocationPlan:
    parcels: tuple[_Parcel, ...]
    presale: str
    trace: LocationSplit


def _count(split: Mapping[LocationId, _LocationPlan]) -> int:
    return sum(len(p.parcels) for p in split.values())


class _Planner:
    def __init__(self, order: Order, catalog: Catalog, rules: SplitRules, settings: SplitSettings) -> None:
        self.order = order
        self.catalog = catalog
        self.rules = rules
        self.settings = settings
        self.lines = {line.id: line for line in order.lines}

    def value(self, units: Mapping[LineId, int]) -> Fraction:
        """The part's share of the line amounts, by quantity (exact)."""
        return sum(
            (Fraction(self.lines[i].amount.minor * n, self.lines[i].quantity) for i, n in units.items()), Fraction(0)
        )

    def plan(
        self,
        location: LocationId,
        units: Mapping[LineId, int],
        presale: Mapping[LineId, date | None],
        *,
        split_presale: bool,
        undone: bool = False,
    ) -> _LocationPlan:
        notes: list[str] = []
        now = {i: n for i, n in sorted(units.items()) if i not in presale}
        dates = sorted({d for i, d in presale.items() if i in units and d is not None})
        by_date = [(d, {i: n for i, n in sorted(units.items()) if presale.get(i) == d}) for d in dates]
        groups: list[tuple[date | None, dict[LineId, int]]]
        if not by_date:
            groups, mode = [(None, dict(sorted(units.items())))], "none"
        elif not split_presale or self.rules.presale is PresaleMode.SHIP_COMPLETE:
            groups, mode = [(dates[-1], dict(sorted(units.items())))], "together"
            why = "to keep the parcel count within the limit" if undone else "the shop waits to ship complete"
            notes.append(f"presale kept together ({why}), ships after {dates[-1]}")
        else:
            parts: list[tuple[date | None, dict[LineId, int]]] = [(d, part) for d, part in by_date]
            if now:
                parts.insert(0, (None, now))
            low = self.rules.min_shipment_value_minor
            small = [part for part in parts if low is not None and self.value(part[1]) < low]
            if len(parts) > 1 and small:
                groups, mode = [(dates[-1], dict(sorted(units.items())))], "together"
                worth = float(min(self.value(part[1]) for part in small))
                notes.append(f"presale kept together: a part would be worth {worth:.2f}, below the minimum {low}")
            elif len(parts) > 1:
                groups, mode = parts, "split"
            else:
                groups, mode = [(dates[-1], parts[0][1])], "together"
                notes.append(f"every unit here is presale, ships after {dates[-1]}")
        parcels: list[_Parcel] = []
        packing: list[str] = []
        for ship_after, group in groups:
            packed, summary, kit_notes = self._pack(location, group, ship_after)
            parcels.extend(packed)
            packing.append(summary)
            notes.extend(kit_notes)
        low = self.rules.min_shipment_value_minor
        if low is not None and len(parcels) > 1:
            below = sum(1 for p in parcels if self.value(p.units) < low)
            if below:
                notes.append(f"{below} parcel(s) below the minimum value {low}, made by a required split")
        trace = LocationSplit(location, mode, len(parcels), tuple(packing), tuple(notes))
        return _LocationPlan(tuple(parcels), mode, trace)

    def _pack(
        self, location: LocationId, units: Mapping[LineId, int], ship_after: date | None
    ) -> tuple[list[_Parcel], str, list[str]]:
        items, content, notes = self._items(units)
        plan = pack_parcels(
            items, self.rules.parcels, node_limit=self.settings.node_limit, time_limit_ms=self.settings.time_limit_ms
        )
        parcels: list[_Parcel] = []
        for parcel in plan.parcels:
            total: dict[LineId, int] = {}
            for item in parcel.items:
                for line_id, n in content[item.id]:
                    total[line_id] = total.get(line_id, 0) + n
            parcels.append(_Parcel(location, dict(sorted(total.items())), ship_after, parcel.reason))
        when = "now" if ship_after is None else f"after {ship_after}"
        return parcels, f"{plan.trace.summary()}, ships {when}", notes

    def _items(
        self, units: Mapping[LineId, int]
    ) -> tuple[list[ParcelItem], dict[str, tuple[tuple[LineId, int], ...]], list[str]]:
        """The items to pack: one per kit kept whole, one per other unit; and what each item holds."""
        items: list[ParcelItem] = []
        content: dict[str, tuple[tuple[LineId, int], ...]] = {}
        notes: list[str] = []
        left = dict(units)
        instances: dict[str, list[OrderLine]] = {}
        for line_id in sorted(units):
            line = self.lines[line_id]
            if line.kit is not None and line.kit_instance is not None:
                instances.setdefault(line.kit_instance, []).append(line)
        for instance, members in sorted(instances.items()):
            kit = self.catalog.kits.get(members[0].kit or "")
            if kit is not None and kit.splittable:
                continue
            per_kit = {c.sku: c.quantity for c in kit.components} if kit is not None else {}
            if kit is not None and all(m.sku in per_kit for m in members):
                whole = min(units[m.id] // per_kit[m.sku] for m in members)
                pieces = [tuple((m.id, per_kit[m.sku]) for m in members)] * whole
            else:
                pieces = [tuple((m.id, units[m.id]) for m in members)]
            for n, piece in enumerate(pieces, 1):
                item = self._kit_item(f"{members[0].id}#kit{n}", members[0].id, piece)
                items.append(item)
                content[item.id] = piece
                for line_id, k in piece:
                    left[line_id] -= k
            if any(left[m.id] for m in members):
                notes.append(f"kit {instance}: units not forming a whole kit here are packed one by one")
        demand = [DemandLine(line_id, self.lines[line_id].sku, n) for line_id, n in sorted(left.items()) if n]
        for item in unit_items(demand, self.catalog):
            items.append(item)
            content[item.id] = ((item.line, 1),)
        return items, content, notes

    def _kit_item(self, item_id: str, line_id: LineId, piece: Sequence[tuple[LineId, int]]) -> ParcelItem:
        weight = volume = 0
        tags: set[str] = set()
        for member, n in piece:
            sku = self.catalog.sku(self.lines[member].sku)
            if sku is not None:
                weight += sku.weight_g * n
                volume += sku.volume_cm3 * n
                tags |= sku.tags
        return ParcelItem(item_id, line_id, weight, volume, sum(n for _, n in piece), frozenset(tags))


# --- apportioning --------------------------------------------------------------------------------------------


def _apportion(order: Order, parcels: Sequence[_Parcel]) -> tuple[PlannedShipment, ...]:
    """Drafts of ``parcels`` (in the order given) with each line's amount and discount apportioned over its parts
    by quantity (:func:`~omscore.policies.shipments.line_parts`) and the shipping fee over the parcels by value,
    all by largest remainder."""
    parts: dict[LineId, list[tuple[int, int]]] = {}
    for p, parcel in enumerate(parcels):
        for line_id, n in parcel.units.items():
            parts.setdefault(line_id, []).append((p, n))
    lines: list[list[ShipmentLine]] = [[] for _ in parcels]
    for line_id in sorted(parts):
        line = order.line(line_id)
        for (p, _), part in zip(parts[line_id], line_parts(line, [n for _, n in parts[line_id]]), strict=True):
            lines[p].append(part)
    values = [sum(sl.amount.minor for sl in parcel_lines) for parcel_lines in lines]
    fees = order.shipping_fee.allocate(values) if parcels else []
    return tuple(
        PlannedShipment(ShipmentDraft(parcel.location, tuple(parcel_lines), fee), parcel.ship_after, parcel.reason)
        for parcel, parcel_lines, fee in zip(parcels, lines, fees, strict=True)
    )
