"""What a run did, and what the store holds afterwards: the summary ``omscore demo`` and ``omscore run`` print.

Counters of what was sent and what intake answered are kept while the run goes (:class:`Tally`,
:class:`HoldLog`, in :mod:`omscore.demo.tally`); everything else is read back from storage at the end
(:func:`summarise`), and the invariant checks come from :meth:`~omscore.app.pipeline.OrderManagement.audit`,
which re-derives them from storage on its own. The JSON form holds no timings, so the same inputs give the same
JSON.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import attrs

from omscore.app.intake import IntakeStatus
from omscore.app.pipeline import OrderManagement
from omscore.demo.publishing import PublishingFigures
from omscore.demo.tally import HoldLog, MalformedLine, Tally
from omscore.domain.order_status import OrderStatus
from omscore.domain.shipment import ShipmentStatus


@attrs.frozen
class LocationStock:
    """The stock of one location at the end of a run, summed over its SKUs."""

    on_hand: int
    reserved: int
    safety: int
    available: int


@attrs.frozen
class Summary:
    """The summary of a run. :meth:`as_json` gives the machine form; the CLI renders the same as tables.

    Intake: ``deliveries`` payloads arrived; ``orders_received`` new platform orders were created;
    ``duplicates_ignored``, ``stale_ignored`` and ``revised`` count the other intake answers;
    ``cancelled_on_intake`` platform cancellations took effect and ``cancels_too_late`` / ``changes_too_late``
    arrived after the parcel was on its way. Orders: ``orders_held`` were held at least once (by reason in
    ``holds_by_reason``); ``orders_merged`` platform orders were absorbed by ``merged_orders`` merges;
    ``orders_by_status`` is the state at the end. Shipments: ``shipments`` is every shipment released or
    planned (withdrawn plans excluded), with breakdowns. Gifts: ``gift_units`` given to routed orders (in
    ``gift_orders`` orders), ``gift_quota_left`` per capped activity. Backorders (有货先发): ``backorders``
    parts split off orders short of stock, ``backorders_waiting`` still waiting at the end.
    Audit: the invariant checks, all zero when healthy.
    Publishing: what stock publishing did, when the run published (the demo does).
    """

    storage: str
    fresh_database: bool
    stock_ledger_checked: bool
    deliveries: int
    orders_received: int
    duplicates_ignored: int
    stale_ignored: int
    revised: int
    cancelled_on_intake: int
    cancels_too_late: int
    changes_too_late: int
    malformed: tuple[MalformedLine, ...]
    orders_held: int
    holds_by_reason: Mapping[str, int]
    held_at_end: Mapping[str, int]
    holds_released: int
    operator_cancels: int
    orders_merged: int
    merged_orders: int
    merges_undone: int
    allocations: int
    releases: int
    out_of_stock_routings: int
    holds_lifted: int
    failed_steps: int
    orders_by_status: Mapping[str, int]
    orders_cancelled: int
    shipments: int
    shipments_by_status: Mapping[str, int]
    orders_with_shipments: int
    split_orders: int
    shipments_by_location: Mapping[str, int]
    shipments_by_carrier: Mapping[str, int]
    units_shipped: int
    gift_units: int
    gift_orders: int
    gift_quota_left: Mapping[str, int]
    backorders: int
    backorders_waiting: int
    confirmed_shipments: int
    confirmed_deliveries: int
    tracking_write_backs: int
    stock: Mapping[str, LocationStock]
    units_received: int
    units_supplied: int | None
    oversold_units: int
    lost_orders: int
    duplicate_orders: int
    money_drift_minor: int
    quantity_drift_units: int
    gift_quota_drift_units: int
    leaked_units: int
    reservation_mismatch_units: int
    negative_available: int
    audit_ok: bool
    audit_problems: tuple[str, ...]
    scenario: Mapping[str, Any] = attrs.field(factory=dict)
    publishing: PublishingFigures | None = None

    @property
    def shipments_per_order(self) -> float:
        """Shipments per order that has any, to three decimals."""
        return round(self.shipments / self.orders_with_shipments, 3) if self.orders_with_shipments else 0.0

    @property
    def orders_shipped(self) -> int:
        """Orders whose parcels (all or some) left: shipped, partially shipped or completed."""
        statuses = (OrderStatus.SHIPPED, OrderStatus.PARTIALLY_SHIPPED, OrderStatus.COMPLETED)
        return sum(self.orders_by_status.get(s.value, 0) for s in statuses)

    @property
    def orders_delivered(self) -> int:
        """Orders completed: every parcel delivered."""
        return self.orders_by_status.get(OrderStatus.COMPLETED.value, 0)

    def as_json(self) -> dict[str, Any]:
        """Every figure as JSON-ready data, keys sorted; identical for identical runs."""
        data: dict[str, Any] = {}
        for field in attrs.fields(Summary):
            value = getattr(self, field.name)
            if field.name == "scenario":
                continue
            if field.name == "publishing":
                if value is not None:
                    data.update(_publishing_json(value))
                continue
            if field.name == "malformed":
                data["malformed_lines"] = len(value)
                data["malformed"] = [attrs.asdict(m) for m in value]
            elif field.name == "stock":
                data["stock"] = {loc: attrs.asdict(level) for loc, level in value.items()}
            elif isinstance(value, Mapping):
                data[field.name] = dict(value)
            elif isinstance(value, tuple):
                data[field.name] = list(value)
            else:
                data[field.name] = value
        data["shipments_per_order"] = self.shipments_per_order
        data["orders_shipped"] = self.orders_shipped
        data["orders_delivered"] = self.orders_delivered
        data.update(self.scenario)
        return dict(sorted(data.items()))


def _publishing_json(figures: PublishingFigures) -> dict[str, Any]:
    return {
        "published": {shop: dict(listings) for shop, listings in figures.published.items()},
        "stock_pushes": figures.pushes,
        "stock_push_calls": figures.push_calls,
        "stock_flushes": figures.flushes,
        "publishing_oversold_units": figures.oversold_units,
        "published_over_pool": figures.over_pool,
        "publishing_open_drift": figures.open_drift,
        "units_sold_beyond_shown": figures.sold_beyond_shown,
    }


def summarise(
    oms: OrderManagement,
    tally: Tally,
    holds: HoldLog,
    *,
    storage: str,
    fresh: bool,
    write_backs: int = 0,
    scenario: Mapping[str, Any] | None = None,
    publishing: PublishingFigures | None = None,
) -> Summary:
    """Read the store back and audit it.

    Args:
        oms: the application over the store.
        tally, holds: what the run counted.
        storage: the kind of store (``memory``, ``sqlite``, ``postgresql``).
        fresh: the run started from an empty store; only then is the stock ledger complete, and passed to the
            audit as ``supplied``.
        write_backs: tracking numbers written back to the platforms during the run.
        scenario: extra figures describing the run's input (seed, sizes), merged into the JSON.
        publishing: what stock publishing did, when the run published.
    """
    status_counts: dict[str, int] = {}
    merged_orders = merges_undone = orders_cancelled = 0
    shipment_status: Counter[str] = Counter()
    by_location: Counter[str] = Counter()
    by_carrier: Counter[str] = Counter()
    with_shipments = split = units_shipped = gift_units = gift_orders = backorders = waiting = 0
    for status in OrderStatus:
        ids = oms.orders_with_status(status)
        status_counts[status.value] = len(ids)
        for order_id in ids:
            order = oms.order(order_id)
            if order is None:
                continue
            if order.merged_from:
                if status is OrderStatus.CANCELLED:
                    merges_undone += 1
                else:
                    merged_orders += 1
            elif status is OrderStatus.CANCELLED:
                orders_cancelled += 1
            if order.backorder_of is not None:
                backorders += 1
                waiting += status is OrderStatus.HELD
            if order.given_gifts and status not in {OrderStatus.CANCELLED, OrderStatus.APPROVED}:
                gift_units += sum(line.quantity for line in order.given_gifts)
                gift_orders += 1
            if status in {OrderStatus.RECEIVED, OrderStatus.HELD, OrderStatus.APPROVED, OrderStatus.MERGED}:
                continue
            kept = [s for s in oms.shipments(order_id) if s.status is not ShipmentStatus.CANCELLED]
            for shipment in kept:
                shipment_status[shipment.status.value] += 1
                by_location[shipment.location] += 1
                by_carrier[shipment.carrier or "none"] += 1
                if shipment.status in {ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED}:
                    units_shipped += shipment.units
            if kept:
                with_shipments += 1
                split += len({s.location for s in kept}) > 1
    held_now: Counter[str] = Counter()
    for order_id in oms.orders_with_status(OrderStatus.HELD):
        order = oms.order(order_id)
        if order is not None:
            held_now.update(hold.kind.value for hold in order.holds)
    report = oms.audit(tally.acknowledged, tally.supplied if fresh else None)
    return Summary(
        storage=storage,
        fresh_database=fresh,
        stock_ledger_checked=fresh,
        deliveries=tally.deliveries,
        orders_received=tally.received,
        duplicates_ignored=tally.intake[IntakeStatus.DUPLICATE],
        stale_ignored=tally.intake[IntakeStatus.STALE],
        revised=tally.intake[IntakeStatus.REVISED],
        cancelled_on_intake=tally.intake[IntakeStatus.CANCELLED],
        cancels_too_late=tally.cancels_too_late,
        changes_too_late=tally.changes_too_late,
        malformed=tuple(tally.malformed),
        orders_held=len(holds.reasons),
        holds_by_reason=holds.by_reason(),
        held_at_end=dict(sorted(held_now.items())),
        holds_released=tally.holds_released,
        operator_cancels=tally.operator_cancels,
        orders_merged=status_counts[OrderStatus.MERGED.value],
        merged_orders=merged_orders,
        merges_undone=merges_undone,
        allocations=tally.allocations,
        releases=tally.releases,
        out_of_stock_routings=tally.out_of_stock_routings,
        holds_lifted=tally.holds_lifted,
        failed_steps=tally.failed_steps,
        orders_by_status=status_counts,
        orders_cancelled=orders_cancelled,
        shipments=sum(shipment_status.values()),
        shipments_by_status=dict(sorted(shipment_status.items())),
        orders_with_shipments=with_shipments,
        split_orders=split,
        shipments_by_location=dict(sorted(by_location.items())),
        shipments_by_carrier=dict(sorted(by_carrier.items())),
        units_shipped=units_shipped,
        gift_units=gift_units,
        gift_orders=gift_orders,
        gift_quota_left=_gift_quota_left(oms),
        backorders=backorders,
        backorders_waiting=waiting,
        confirmed_shipments=tally.confirmed_shipments,
        confirmed_deliveries=tally.confirmed_deliveries,
        tracking_write_backs=write_backs,
        stock=_stock_by_location(oms),
        units_received=tally.units_received,
        units_supplied=sum(tally.supplied.values()) if fresh else None,
        oversold_units=report.oversold_units,
        lost_orders=report.lost_orders,
        duplicate_orders=report.duplicate_orders,
        money_drift_minor=report.money_drift_minor,
        quantity_drift_units=report.quantity_drift_units,
        gift_quota_drift_units=report.gift_quota_drift_units,
        leaked_units=report.leaked_units,
        reservation_mismatch_units=report.reservation_mismatch_units,
        negative_available=report.negative_available,
        audit_ok=report.ok,
        audit_problems=report.problems,
        scenario=dict(scenario or {}),
        publishing=publishing,
    )


def _gift_quota_left(oms: OrderManagement) -> dict[str, int]:
    """Units each gift activity with a quota may still give."""
    quotas = {rule.activity: rule.quota for rule in oms.ctx.settings.gifts.rules if rule.quota is not None}
    for rules in oms.ctx.settings.gifts.shop_rules.values():
        quotas.update({rule.activity: rule.quota for rule in rules if rule.quota is not None})
    return {activity: quota - oms.gift_units_given(activity) for activity, quota in sorted(quotas.items())}


def _stock_by_location(oms: OrderManagement) -> dict[str, LocationStock]:
    totals: dict[str, list[int]] = {}
    with oms.ctx.uow() as uow:
        levels = uow.inventory.all_levels()
    for level in levels:
        row = totals.setdefault(level.location, [0, 0, 0, 0])
        row[0] += level.on_hand
        row[1] += level.reserved
        row[2] += level.safety
        row[3] += level.available
    return {loc: LocationStock(*row) for loc, row in sorted(totals.items())}
