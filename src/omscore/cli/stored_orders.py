"""``omscore orders`` and ``omscore order``: the stored orders listed, and one order shown whole; also how a
command finds an order by its id or platform order, and an order's decisions and shipments as JSON."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

import typer
from rich.box import SIMPLE_HEAD
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from omscore.app.pipeline import OrderManagement
from omscore.cli.console import _reported
from omscore.cli.storage import _DB_HELP, DEMO_DB, _reader, open_store
from omscore.domain.errors import InvalidInput
from omscore.domain.identity import Channel, ExternalOrderRef, OrderId
from omscore.domain.order import Order
from omscore.domain.order_status import OrderStatus
from omscore.domain.shipment import Shipment


def orders_command(
    status: Annotated[
        OrderStatus | None, typer.Option(case_sensitive=False, help="Only orders in this status.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many orders (lowest ids first).")] = 50,
    db: Annotated[str, typer.Option(help=_DB_HELP)] = DEMO_DB,
) -> None:
    """List stored orders: status, shop, platform orders, units, total, holds and shipments."""
    with _reported(), open_store(db, must_exist=True) as store:
        oms = _reader(store)
        statuses = [status] if status is not None else list(OrderStatus)
        ids = sorted(order_id for s in statuses for order_id in oms.orders_with_status(s))
        title = f"Orders{f' ({status.value})' if status else ''}"
        table = Table(title=title, title_justify="left", box=SIMPLE_HEAD, pad_edge=False)
        table.add_column("order", no_wrap=True)
        table.add_column("status", no_wrap=True)
        table.add_column("platform order", overflow="ellipsis", no_wrap=True, max_width=30)
        table.add_column("units", justify="right", min_width=5)
        table.add_column("total", justify="right", no_wrap=True)
        table.add_column("holds", min_width=12)
        for order_id in ids[:limit]:
            order = oms.order(order_id)
            if order is None:
                continue
            more = f" +{len(order.refs) - 1}" if len(order.refs) > 1 else ""
            table.add_row(
                order.id,
                _status(order.status),
                escape(f"{order.ref}{more}"),
                str(order.units),
                str(order.total),
                escape(", ".join(hold.kind.value for hold in order.holds)),
            )
        out = Console(highlight=False)
        out.print(table)
        out.print(f"[dim]{min(limit, len(ids))} of {len(ids)} orders shown; details: omscore order ORDER_ID[/]")


#: The ORDER_ID argument of the commands that look at one stored order.
OrderIdArgument = Annotated[
    str,
    typer.Argument(
        metavar="ORDER_ID", help="An order id (O00000042) or a platform order as platform:shop:external_id."
    ),
]


def order_command(
    order_id: OrderIdArgument,
    db: Annotated[str, typer.Option(help=_DB_HELP)] = DEMO_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Print the order as one JSON object.")] = False,
) -> None:
    """Show one stored order: recipient, lines, holds, merges, shipments with carriers, tracking numbers and
    promised dates."""
    with _reported(), open_store(db, must_exist=True) as store:
        oms = _reader(store)
        order = _find(oms, order_id)
        if as_json:
            print(json.dumps(_explained(order, oms.shipments(order.id)), ensure_ascii=False))
            return
        _render_order(Console(highlight=False), order, oms.shipments(order.id))


def _explained(order: Order, shipments: list[Shipment]) -> dict[str, Any]:
    return {
        "order_id": order.id,
        "status": order.status.value,
        "refs": [str(ref) for ref in order.refs],
        "decisions": [{"policy": d.policy, "summary": d.summary, "steps": list(d.steps)} for d in order.decisions],
        "shipments": [
            {
                "id": s.id,
                "location": s.location,
                "carrier": s.carrier,
                "carrier_reason": s.carrier_reason,
                "status": s.status.value,
                "ship_after": _iso(s.ship_after),
                "ship_by": _iso(s.ship_by),
                "deliver_by": _iso(s.deliver_by),
            }
            for s in shipments
        ],
    }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _find(oms: OrderManagement, key: str) -> Order:
    order = oms.order(OrderId(key))
    if order is None and key.count(":") >= 2:
        platform, shop, external_id = key.split(":", 2)
        if platform and shop and external_id:
            order = oms.order_by_ref(ExternalOrderRef(Channel(platform, shop), external_id))
    if order is None:
        raise InvalidInput("ORDER_ID", key, "no such order (give an order id or platform:shop:external_id)")
    return order


_STATUS_STYLE = {
    OrderStatus.HELD: "yellow",
    OrderStatus.CANCELLED: "red",
    OrderStatus.MERGED: "dim",
    OrderStatus.COMPLETED: "green",
    OrderStatus.SHIPPED: "green",
}


def _status(status: OrderStatus) -> str:
    style = _STATUS_STYLE.get(status)
    return f"[{style}]{status.value}[/]" if style else status.value


def _render_order(out: Console, order: Order, shipments: list[Shipment]) -> None:
    r = order.recipient
    a = r.address
    head = Table(title=f"Order {order.id}", title_justify="left", show_header=False, box=SIMPLE_HEAD)
    head.add_column("field", style="bold")
    head.add_column("value")
    rows: list[tuple[str, str]] = [
        ("status", _status(order.status)),
        ("shop", escape(str(order.channel))),
        ("platform orders", escape(", ".join(str(ref) for ref in order.refs))),
        ("revision", str(order.revision)),
        ("placed at", order.placed_at.isoformat()),
        ("buyer", escape(order.buyer_id)),
        ("recipient", escape(f"{r.name}, {r.phone}")),
        (
            "address",
            escape(" ".join(p for p in (a.country, a.province, a.city, a.district, a.street, a.postcode) if p)),
        ),
        ("payment", order.payment.value),
        ("total", f"{order.total} (shipping fee {order.shipping_fee})"),
    ]
    if order.pickup_location:
        rows.append(("pickup at", escape(order.pickup_location)))
    if order.buyer_memo:
        rows.append(("buyer memo", escape(order.buyer_memo)))
    if order.seller_memo:
        rows.append(("seller memo", escape(order.seller_memo)))
    if order.merged_from:
        rows.append(("merged from", ", ".join(order.merged_from)))
    if order.merged_into:
        rows.append(("merged into", order.merged_into))
    for hold in order.holds:
        rows.append(("hold", escape(f"{hold.kind.value}: {hold.detail}")))
    for label, value in rows:
        head.add_row(label, value)
    out.print(head)
    lines = Table(title="Lines", title_justify="left", box=SIMPLE_HEAD, pad_edge=False)
    for column in ("line", "sku", "qty", "amount", "platform order", "listing", "note"):
        lines.add_column(column, justify="right" if column in {"qty", "amount"} else "left")
    for line in order.lines:
        note = ", ".join(
            part
            for part in (
                f"kit {line.kit}" if line.kit else "",
                "gift" if line.is_gift else "",
                f"presale {line.presale_ship_date}" if line.presale_ship_date else "",
            )
            if part
        )
        lines.add_row(
            escape(line.id),
            escape(line.sku or "(unmapped)"),
            str(line.quantity),
            str(line.amount),
            escape(line.origin.external_id),
            escape(line.listing_id),
            escape(note),
        )
    out.print(lines)
    if not shipments:
        out.print("[dim]no shipments[/]")
        return
    table = Table(title="Shipments", title_justify="left", box=SIMPLE_HEAD, pad_edge=False)
    table.add_column("shipment", no_wrap=True)
    table.add_column("from", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("carrier, tracking", overflow="fold")
    table.add_column("units", justify="right", min_width=5)
    table.add_column("amount", justify="right", no_wrap=True)
    table.add_column("written back", justify="right", min_width=7)
    for shipment in shipments:
        carrier = " ".join(part for part in (shipment.carrier, shipment.tracking_number) if part) or "—"
        table.add_row(
            shipment.id,
            escape(shipment.location),
            shipment.status.value,
            escape(carrier),
            str(shipment.units),
            str(shipment.amount),
            f"{len(shipment.written_back)}/{len(shipment.origins)}" if shipment.tracking_number else "—",
        )
    out.print(table)
    dated = [s for s in shipments if s.ship_by or s.deliver_by or s.ship_after]
    if dated:
        dates = Table(title="Promised dates", title_justify="left", box=SIMPLE_HEAD, pad_edge=False)
        for column in ("shipment", "ship after", "ship by", "deliver by"):
            dates.add_column(column, no_wrap=True)
        for shipment in dated:
            dates.add_row(
                shipment.id,
                _iso(shipment.ship_after) or "—",
                _iso(shipment.ship_by) or "—",
                _iso(shipment.deliver_by) or "—",
            )
        out.print(dates)
