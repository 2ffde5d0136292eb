"""How one location's units become parcels: presale apart or together, kits kept whole, packing within limits,
and each line's amounts apportioned over its parcels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction

import attrs

from omscore.domain.catalog import Catalog
from omscore.domain.errors import InvalidInput, InvalidQuantity
from omscore.domain.identity import LineId, LocationId
from omscore.domain.order import Order
from omscore.domain.order_line import OrderLine
from omscore.domain.shipment import ShipmentLine
from omscore.policies.optimise import Allocation, DemandLine, ParcelItem, pack_parcels, unit_items
from omscore.policies.split.drafts import ShipmentDraft, line_parts
from omscore.policies.split.settings import (
    PresaleMode,
    SplitRules,
    SplitSettings,
)
from omscore.policies.split.trace import LocationSplit, PlannedShipment


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


def _apportion(order: Order, parcels: Sequence[_Parcel]) -> tuple[PlannedShipment, ...]:
    """Drafts of ``parcels`` (in the order given) with each line's amount and discount apportioned over its parts
    by quantity (:func:`~omscore.policies.split.line_parts`) and the shipping fee over the parcels by value,
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
