"""The summary of a demo day or of a merchant's run as rich tables: orders, holds, shipments, stock at the end,
stock publishing and the invariant checks re-derived from storage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table

from omscore.demo import Summary
from omscore.demo.publishing import PublishingFigures
from omscore.domain.order_status import OrderStatus


def _render(out: Console, s: Summary, *, simulated: bool = True) -> None:
    """The summary as tables: orders, holds, shipments, stock, invariant checks. ``simulated``: show what the
    demo's customer service, warehouses and carriers did."""
    by_status = s.orders_by_status
    if not s.fresh_database:
        out.print(
            "[yellow]The database already held data: master data and stock were not booked again, and only what "
            "the platforms send was replayed.[/]"
        )
    rows: list[tuple[str, Any]] = [
        ("deliveries from the platforms", s.deliveries),
        ("new platform orders", s.orders_received),
        ("duplicates ignored", s.duplicates_ignored),
        ("stale revisions ignored", s.stale_ignored),
        ("revisions applied", s.revised),
        ("cancelled by the platform", s.cancelled_on_intake),
        ("cancellations too late (parcel on its way)", s.cancels_too_late),
        ("changes too late (parcel on its way)", s.changes_too_late),
        ("held at least once", s.orders_held),
    ]
    if simulated:
        rows += [
            ("holds released by customer service", s.holds_released),
            ("cancelled by customer service", s.operator_cancels),
        ]
    rows += [
        ("merged (platform orders absorbed)", s.orders_merged),
        ("merged orders made / undone", f"{s.merged_orders:,} / {s.merges_undone:,}"),
        ("allocations / releases", f"{s.allocations:,} / {s.releases:,}"),
        ("routings short of stock", s.out_of_stock_routings),
        ("holds that ended by themselves", s.holds_lifted),
        ("steps that failed (order held)", s.failed_steps),
        ("gifts given (units / orders)", f"{s.gift_units:,} / {s.gift_orders:,}"),
        *((f"  gift quota left: {escape(activity)}", left) for activity, left in s.gift_quota_left.items()),
        ("backorders split / still waiting", f"{s.backorders:,} / {s.backorders_waiting:,}"),
        ("released, not yet shipped", by_status.get(OrderStatus.RELEASED.value, 0)),
    ]
    if simulated:
        rows += [("shipped (all or part)", s.orders_shipped), ("delivered", s.orders_delivered)]
    rows += [("cancelled", s.orders_cancelled), ("still held", by_status.get(OrderStatus.HELD.value, 0))]
    orders = _figures("Orders", rows)
    holds = Table(title="Holds", title_justify="left")
    holds.add_column("reason")
    holds.add_column("orders held", justify="right")
    holds.add_column("still held", justify="right")
    for reason in sorted(set(s.holds_by_reason) | set(s.held_at_end)):
        holds.add_row(reason, f"{s.holds_by_reason.get(reason, 0):,}", f"{s.held_at_end.get(reason, 0):,}")
    shipment_rows: list[tuple[str, Any]] = [
        ("shipments", s.shipments),
        ("orders with shipments", s.orders_with_shipments),
        ("shipments per order", f"{s.shipments_per_order:.3f}"),
        ("split orders (several locations)", s.split_orders),
        *((f"  {status}", count) for status, count in s.shipments_by_status.items()),
    ]
    if simulated:
        shipment_rows += [("units shipped", s.units_shipped), ("tracking numbers written back", s.tracking_write_backs)]
    shipments = _figures("Shipments", shipment_rows)
    _side_by_side(out, [orders, Group(holds, shipments)])
    stock = Table(title="Stock at the end", title_justify="left")
    for column in ("location", "on hand", "reserved", "safety", "available"):
        stock.add_column(column, justify="left" if column == "location" else "right")
    for location, level in s.stock.items():
        stock.add_row(
            escape(location), f"{level.on_hand:,}", f"{level.reserved:,}", f"{level.safety:,}", f"{level.available:,}"
        )
    _side_by_side(
        out,
        [
            _breakdown("Shipments per location", "location", s.shipments_by_location),
            _breakdown("Shipments per carrier", "carrier", s.shipments_by_carrier),
            stock,
        ],
    )
    ledger = (
        f"units supplied (initial + {s.units_received:,} received): {s.units_supplied:,}"
        if s.units_supplied is not None
        else "the database was not empty: this run's stock ledger is partial and not checked"
    )
    out.print(f"[dim]{ledger}[/]")
    if s.publishing is not None:
        _render_publishing(out, s.publishing)
    checks = Table(title="Invariant checks (re-derived from storage)", title_justify="left")
    checks.add_column("check")
    checks.add_column("value", justify="right")
    checks.add_column("")
    for label, value in (
        ("oversold units", s.oversold_units),
        ("lost orders", s.lost_orders),
        ("duplicated orders", s.duplicate_orders),
        ("quantity drift (units)", s.quantity_drift_units),
        ("money drift (minor units)", s.money_drift_minor),
        ("gift quota ≠ gifts carried (units)", s.gift_quota_drift_units),
        ("leaked reservations (units)", s.leaked_units),
        ("reservations ≠ open shipments (units)", s.reservation_mismatch_units),
        ("stock keys below zero", s.negative_available),
        *(
            (
                ("shops showing more than the pool (SKU × flush)", s.publishing.over_pool),
                ("engine's unreserved orders ≠ store's (SKU × flush)", s.publishing.open_drift),
            )
            if s.publishing
            else ()
        ),
    ):
        checks.add_row(label, f"{value:,}", "[green]ok[/]" if value == 0 else "[bold red]FAIL[/]")
    out.print(checks)
    for problem in s.audit_problems:
        out.print(f"[red]  {escape(problem)}[/]")


def _render_publishing(out: Console, p: PublishingFigures) -> None:
    """Stock publishing: what each shop shows at the end, and what the engine did."""
    shops = Table(title="Stock published, at the end", title_justify="left")
    for column in ("shop", "listings", "at zero", "units shown"):
        shops.add_column(column, justify="left" if column == "shop" else "right")
    for shop, listings in p.published.items():
        shown = listings.values()
        shops.add_row(escape(shop), f"{len(listings):,}", f"{sum(1 for q in shown if q == 0):,}", f"{sum(shown):,}")
    figures = _figures(
        "Stock publishing",
        [
            ("listings pushed / calls", f"{p.pushes:,} / {p.push_calls:,}"),
            ("flushes, each checked against the pool", p.flushes),
            ("units ordered for stock not there", p.oversold_units),
            ("units sold beyond what a shop showed", p.sold_beyond_shown),
        ],
    )
    _side_by_side(out, [shops, figures])


def _figures(title: str, rows: list[tuple[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in rows:
        table.add_row(label, f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value))
    return table


def _breakdown(title: str, heading: str, counts: Mapping[str, int]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(heading)
    table.add_column("shipments", justify="right")
    for key, count in counts.items():
        table.add_row(escape(key), f"{count:,}")
    return table


def _side_by_side(out: Console, parts: list[RenderableType], gap: int = 3) -> None:
    """Print ``parts`` next to each other when the console is wide enough, else one under the other."""
    widths = [Measurement.get(out, out.options, part).maximum for part in parts]
    if sum(widths) + gap * (len(parts) - 1) > out.width:
        for part in parts:
            out.print(part)
        return
    grid = Table.grid(padding=(0, gap))
    for width in widths:
        grid.add_column(width=width)
    grid.add_row(*parts)
    out.print(grid)
