"""The ``omscore`` command: the demo day, a merchant's own orders file, and a look at what is stored and what
each shop may show of it.

A composition root: it opens the storage named by ``--db`` (SQLite file, ``:memory:``, or a PostgreSQL URL)
through :mod:`omscore.bootstrap`, hands it to :mod:`omscore.demo`, and renders the summary with rich (tables
for people, ``--json`` for machines). Progress goes to stderr so that ``--json`` output stays clean. Every
omscore error is printed as one message and exits with status 1, and so does an audit that is not clean after
``demo`` or ``run``; a missing ``cli`` extra (typer, rich) exits with status 2.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from omscore.adapters.memory import RecordingChannelGateway, RecordingFulfilmentGateway
from omscore.adapters.system import ManualClock, SequentialIds, SystemClock
from omscore.app.pipeline import OrderManagement
from omscore.app.publishing import StockReport
from omscore.bootstrap import Store, bootstrap, open_system
from omscore.bootstrap import open_store as open_library_store
from omscore.boundary.config import load_config, parse_config
from omscore.boundary.errors import InvalidDocument
from omscore.demo import Summary, generate_day, run_demo, run_orders
from omscore.demo.merchant import merchant_document
from omscore.demo.publishing import PublishingFigures, stock_engine
from omscore.domain.catalog import Catalog
from omscore.domain.errors import InvalidInput, OmsError
from omscore.domain.identity import Channel, ExternalOrderRef, LocationId, OrderId, SkuCode
from omscore.domain.inventory import StockLevel
from omscore.domain.order import Order, OrderStatus
from omscore.domain.shipment import Shipment
from omscore.policies.sharing import SharingConfig, StockLock
from omscore.ports.clock import Clock

try:
    import typer
    from rich.box import SIMPLE_HEAD
    from rich.console import Console, Group, RenderableType
    from rich.markup import escape
    from rich.measure import Measurement
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table
except ModuleNotFoundError as _missing:  # the ``cli`` extra is not installed; ``main`` says so
    MISSING_EXTRA: str | None = _missing.name or "typer"
else:
    MISSING_EXTRA = None

#: Where ``omscore demo`` keeps its day, and where ``omscore orders``/``order`` look by default.
DEMO_DB = "omscore-demo.db"
#: Where ``omscore run`` keeps a merchant's orders by default.
RUN_DB = "omscore.db"
#: The tenant every command works in.
TENANT = "default"

_DB_HELP = (
    "Storage: a SQLite file (created when missing), ':memory:' for a throw-away in-memory store, "
    "or a postgresql:// URL (needs the postgres extra)."
)


# --- storage ---------------------------------------------------------------------------------------------------


def open_store(db: str, *, must_exist: bool = False) -> Store:
    """Open the storage ``db`` names for the length of a command (use it as a context manager).

    Args:
        db: a SQLite file path, ``:memory:``, or a ``postgresql://`` URL.
        must_exist: refuse a SQLite file that does not exist yet (the reading commands).

    Raises:
        InvalidInput: (field ``--db``) the file is missing, or the PostgreSQL adapter cannot be loaded.
        OmsError: the storage cannot be opened.
    """
    return open_library_store(db, tenant=TENANT, must_exist=must_exist, field="--db")


def _reader(store: Store) -> OrderManagement:
    """The application over ``store`` for reading (gateways are fakes: nothing is sent anywhere)."""
    return bootstrap(
        store.uow,
        clock=SystemClock(),
        ids=store.ids or SequentialIds(),
        channels=RecordingChannelGateway(),
        fulfilment=RecordingFulfilmentGateway(),
    )


# --- errors and progress -------------------------------------------------------------------------------------


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


@contextmanager
def _reported() -> Iterator[None]:
    """Turn omscore errors and unreadable files into one message on stderr and exit status 1."""
    try:
        yield
    except InvalidDocument as error:
        err = _stderr()
        err.print(f"[bold red]error:[/] {escape(str(error))}")
        for problem in error.errors[1:10]:
            err.print(f"  also {escape(problem.field)}: {escape(problem.reason)} (got {escape(repr(problem.value))})")
        raise typer.Exit(1) from None
    except OmsError as error:
        _stderr().print(f"[bold red]error:[/] {escape(str(error))}")
        raise typer.Exit(1) from None
    except OSError as error:
        _stderr().print(f"[bold red]error:[/] {escape(str(error))}")
        raise typer.Exit(1) from None


def _fail_unless_clean(summary: Summary, command: str) -> None:
    """Exit with status 1, naming the audit's findings on stderr, when the audit of the store is not clean."""
    if summary.audit_ok:
        return
    err = _stderr()
    err.print(f"[bold red]error:[/] omscore {command}: the audit of the store is not clean")
    for problem in summary.audit_problems or ("(the audit gave no details)",):
        err.print(f"  {escape(problem)}")
    raise typer.Exit(1)


@contextmanager
def _progress_bar(total: int, what: str) -> Iterator[Callable[[int, str], None]]:
    """A progress bar on stderr; yields ``tell(done, description)``."""
    with Progress(
        TextColumn("[bold]{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(what),
        TimeElapsedColumn(),
        console=_stderr(),
        transient=True,
    ) as progress:
        task = progress.add_task("starting", total=total)

        def tell(done: int, description: str) -> None:
            progress.update(task, completed=done, description=description)

        yield tell


# --- commands --------------------------------------------------------------------------------------------------


def demo(
    orders: Annotated[
        int, typer.Option("--orders", "-n", min=0, max=2_000_000, help="Platform orders placed during the day.")
    ] = 5000,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the day: the same seed gives the same day and JSON.")] = 7,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as one JSON object (the last line of stdout).")
    ] = False,
    db: Annotated[str, typer.Option(help=_DB_HELP)] = DEMO_DB,
) -> None:
    """Run a reproducible Double 11 of a multi-channel merchant through omscore and audit the result.

    Five shops (Tmall ×2, JD, a Douyin live-stream room, Shopify) send orders in twelve two-hour waves to a
    tea brand with two regional warehouses, a 3PL, a pickup store and a drop-ship workshop: re-sent
    duplicates, out-of-order revisions, same-buyer orders to merge (spelled differently), splits, COD orders
    over the limit, memos, unmapped listings, cancellations at every stage, a live-stream spike and goods
    receipts. Customer service, warehouses and carriers are simulated. The summary ends with the invariant
    checks (oversold units, lost orders, money drift …), all zero in a healthy run; when any is not, the
    findings go to stderr and the command exits with status 1 (after the JSON line with `--json`).

    On a database an earlier run filled, only what the platforms send is replayed (every delivery is
    recognised again); the stock ledger check then needs the first run's receipts and is skipped.
    """
    with _reported():
        started = time.perf_counter()
        day = generate_day(orders, seed)
        with open_store(db) as store, _progress_bar(day.deliveries, "deliveries") as tell:
            summary = run_demo(day, store, progress=lambda done, total, what: tell(done, what))
        elapsed = time.perf_counter() - started
        timing = f"{orders} orders ({day.deliveries} deliveries) in {elapsed:.1f} s — {orders / elapsed:,.0f} orders/s"
        if as_json:
            _stderr().print(f"omscore demo: {timing}")
            print(json.dumps(summary.as_json(), ensure_ascii=False, sort_keys=True))
        else:
            out = Console(highlight=False)
            out.print(
                f"[bold]omscore demo[/] — seed {seed}, {orders} orders in {len(day.waves)} waves, "
                f"{summary.storage} storage ({escape(store.location)})"
            )
            _render(out, summary)
            out.print(f"\n[dim]{timing}[/]")
    _fail_unless_clean(summary, "demo")


def run(
    config: Annotated[Path, typer.Option("--config", "-c", help="The merchant configuration file (.json or .toml).")],
    orders_file: Annotated[
        Path, typer.Option("--orders", "-o", help="Platform orders, one canonical JSON payload per line.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as one JSON object (the last line of stdout).")
    ] = False,
    db: Annotated[str, typer.Option(help=_DB_HELP)] = RUN_DB,
) -> None:
    """Take a merchant's orders file through omscore: intake, review, merge, routing, release; then audit.

    The configuration's catalog and network are stored (replacing older ones); its initial stock is booked
    only into an empty database. A malformed line is reported with its line number and the field at fault,
    and skipped — nothing of it is stored. A store whose audit is not clean exits with status 1, the findings
    on stderr.
    """
    with _reported():
        started = time.perf_counter()
        merchant = load_config(config)
        lines = orders_file.read_bytes().splitlines()
        with open_system(merchant, storage=db, tenant=TENANT) as system, _progress_bar(len(lines), "lines") as tell:
            summary = run_orders(system, lines, progress=lambda done: tell(done, orders_file.name))
        elapsed = time.perf_counter() - started
        timing = f"{len(lines)} lines in {elapsed:.1f} s"
        if as_json:
            _stderr().print(f"omscore run: {timing}")
            print(json.dumps(summary.as_json(), ensure_ascii=False, sort_keys=True))
        else:
            out = Console(highlight=False)
            out.print(
                f"[bold]omscore run[/] — {escape(str(orders_file))}, {summary.storage} storage "
                f"({escape(system.store.location)})"
            )
            if summary.malformed:
                table = Table(title="Malformed lines (skipped, nothing stored)", title_justify="left")
                for column in ("line", "field", "value", "reason"):
                    table.add_column(column, justify="right" if column == "line" else "left")
                for bad in summary.malformed:
                    table.add_row(str(bad.number), escape(bad.field), escape(repr(bad.value)), escape(bad.reason))
                out.print(table)
            _render(out, summary, simulated=False)
            out.print(f"\n[dim]{timing}[/]")
    _fail_unless_clean(summary, "run")


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


def order_command(
    order_id: Annotated[
        str,
        typer.Argument(
            metavar="ORDER_ID", help="An order id (O00000042) or a platform order as platform:shop:external_id."
        ),
    ],
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


def explain_command(
    order_id: Annotated[
        str,
        typer.Argument(
            metavar="ORDER_ID", help="An order id (O00000042) or a platform order as platform:shop:external_id."
        ),
    ],
    db: Annotated[str, typer.Option(help=_DB_HELP)] = DEMO_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decisions as one JSON object.")] = False,
) -> None:
    """Explain every decision omscore made about a stored order: review, merge, routing, carriers — the rules
    applied, the candidates kept or dropped and why, and the tie-break that decided. A merged platform order
    is explained together with the order it was merged into."""
    with _reported(), open_store(db, must_exist=True) as store:
        oms = _reader(store)
        chain = [_find(oms, order_id)]
        while chain[-1].merged_into is not None and len(chain) < 10:
            parent = oms.order(chain[-1].merged_into)
            if parent is None:
                break
            chain.append(parent)
        shipments = {order.id: oms.shipments(order.id) for order in chain}
        if as_json:
            explained = [_explained(order, shipments[order.id]) for order in chain]
            print(json.dumps({"order": chain[0].id, "explained": explained}, ensure_ascii=False))
            return
        out = Console(highlight=False)
        for index, order in enumerate(chain):
            if index:
                out.print(f"[dim]merged into[/] [bold]{order.id}[/]")
            out.print(f"[bold]{order.id}[/] ({order.status.value}) from {', '.join(str(r) for r in order.refs)}")
            if not order.decisions:
                out.print("  [dim]no decision recorded yet[/]")
            for decision in order.decisions:
                out.print(f"  [cyan]{decision.policy}[/]: {escape(decision.summary)}")
                for step in decision.steps:
                    out.print(f"      - {step}", markup=False)
            for shipment in shipments[order.id]:
                out.print(
                    f"  shipment {shipment.id} from {shipment.location} by {shipment.carrier} "
                    f"({shipment.status.value}): {shipment.carrier_reason}",
                    markup=False,
                )


def stock_command(
    sku: Annotated[str, typer.Argument(metavar="SKU", help="A SKU code of the stored catalog.")],
    db: Annotated[str, typer.Option(help=_DB_HELP)] = DEMO_DB,
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="Share by this configuration file's sharing section (.json or .toml)."),
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="Decide as of this moment, ISO 8601 with an offset (default: now).")
    ] = None,
) -> None:
    """Show how a SKU's stock is shared among the shops: the pool per location, each listing's share and why.

    The pool is the stock each location counts, less the orders taken in but not yet reserved. The sharing
    settings are those of `--config`; without it, a database the demo filled is shared by the demo merchant's
    settings, any other by the library defaults.
    """
    with _reported(), open_store(db, must_exist=True) as store:
        oms = _reader(store)
        with store.uow() as uow:
            catalog = uow.catalog.load()
        sharing, locks, source = _sharing_for(catalog, config)
        if not catalog.skus and config is not None:
            catalog = load_config(config).catalog
        code = SkuCode(sku)
        if code not in catalog.skus:
            raise InvalidInput("SKU", sku, "no such SKU in the catalog")
        if not any(part == code for parts in _listing_skus(catalog).values() for part, _ in parts):
            raise InvalidInput("SKU", sku, "no listing sells it, so no shop shows it")
        clock: Clock = SystemClock() if at is None else ManualClock(_moment(at))
        engine = stock_engine(oms, store, catalog, sharing, locks, clock)
        with store.uow() as uow:
            levels = {level.location: level for level in uow.inventory.levels_of_sku(code)}
        moment = clock.now() if at is None else _moment(at)
        _render_stock(Console(highlight=False), engine.report(code), catalog, levels, source, moment)


def _sharing_for(catalog: Catalog, config: Path | None) -> tuple[SharingConfig, tuple[StockLock, ...], str]:
    """The sharing settings to use, and where they come from."""
    if config is not None:
        merchant = load_config(config)
        return merchant.sharing, merchant.stock_locks, f"the sharing section of {config}"
    demo = parse_config(merchant_document(()))
    if catalog == demo.catalog:
        return demo.sharing, demo.stock_locks, "the demo merchant's sharing settings"
    return SharingConfig(), (), "the library defaults (pass --config for the merchant's sharing section)"


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput("--at", text, "not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise InvalidInput("--at", text, "give a UTC offset, e.g. 2026-11-11T21:00+08:00")
    return moment


def _listing_skus(catalog: Catalog) -> dict[tuple[Channel, str], tuple[tuple[SkuCode, int], ...]]:
    """What each listing sells: (SKU, units per listing unit) pairs."""
    sells: dict[tuple[Channel, str], tuple[tuple[SkuCode, int], ...]] = {}
    for key, listing in catalog.listings.items():
        if listing.sku is not None:
            sells[key] = ((listing.sku, 1),)
        elif listing.kit is not None and (kit := catalog.kits.get(listing.kit)) is not None:
            sells[key] = tuple((c.sku, c.quantity) for c in kit.components)
    return sells


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


# --- rendering -------------------------------------------------------------------------------------------------

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


def _render_stock(
    out: Console,
    report: StockReport,
    catalog: Catalog,
    levels: Mapping[LocationId, StockLevel],
    source: str,
    now: datetime,
) -> None:
    """``omscore stock``: the pool per location, then each group's shares with their reasons."""
    name = catalog.skus[report.sku].name
    out.print(f"[bold]SKU {escape(report.sku)}[/]{f' — {escape(name)}' if name else ''}")
    out.print(f"[dim]shared by {escape(source)}, as of {now.isoformat(timespec='minutes')}[/]")
    pool = Table(title="Pool", title_justify="left", box=SIMPLE_HEAD, pad_edge=False)
    for column in ("location", "counts", "on hand", "reserved", "safety", "in pool"):
        pool.add_column(column, justify="left" if column in {"location", "counts"} else "right", no_wrap=True)
    for location, basis, units in report.locations:
        level = levels.get(location)
        figures = (level.on_hand, level.reserved, level.safety) if level is not None else (0, 0, 0)
        pool.add_row(escape(location), basis, *(f"{n:,}" for n in figures), f"{units:,}")
    if report.open_units:
        pool.add_row("orders not yet reserved", "", "", "", "", f"-{report.open_units:,}")
    out.print(pool)
    states = {(state.channel, state.listing_id): state for state in report.listings}
    sells = _listing_skus(catalog)
    for decision in report.decisions:
        published = sum(decision.quantities)
        title = (
            f"Shares — {decision.method.value}, pool {decision.pool:,}: {published:,} published over "
            f"{len(decision.lines)} listings, {decision.unassigned:,} not published"
        )
        table = Table(title=title, title_justify="left", box=SIMPLE_HEAD, pad_edge=False)
        table.add_column("shop", no_wrap=True)
        table.add_column("listing", no_wrap=True)
        table.add_column("sells", overflow="fold")
        table.add_column("share", justify="right", no_wrap=True)
        table.add_column("shows", justify="right", no_wrap=True)
        for line in decision.lines:
            key = (line.channel, line.listing_id)
            listing = catalog.listings.get(key)
            what = "the SKU"
            if listing is not None and listing.kit is not None:
                what = f"kit {listing.kit} ({dict(sells.get(key, ())).get(report.sku, 1)} per kit)"
            state = states.get(key)
            table.add_row(
                escape(str(line.channel)),
                escape(line.listing_id),
                escape(what),
                f"{line.quantity:,}",
                f"{state.desired:,}" if state is not None else "—",
            )
        out.print(table)
        why = Table.grid(padding=(0, 1))
        why.add_column(no_wrap=True)
        why.add_column(overflow="fold")
        for note in decision.notes:
            why.add_row("", escape(note))
        for line in decision.lines:
            why.add_row(f"{escape(str(line.channel))}/{escape(line.listing_id)}", escape("; ".join(line.reasons)))
        out.print("[bold]Why[/]")
        out.print(why)
    out.print(
        "[dim]share: units of the SKU the listing gets; shows: what the listing may show (a kit is limited by "
        "its scarcest component).[/]"
    )


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


# --- the application -------------------------------------------------------------------------------------------


def build_app() -> typer.Typer:
    """The ``omscore`` typer application (needs the ``cli`` extra)."""
    app = typer.Typer(
        name="omscore",
        help="omscore, the embeddable order-management core, on the command line.",
        epilog=(
            "Examples: omscore demo --orders 500 --seed 3 · omscore orders --status held · "
            "omscore order O00000042 · omscore stock TEA-LJ-250"
        ),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode="markdown",
    )
    app.command("demo")(demo)
    app.command("run")(run)
    app.command("orders")(orders_command)
    app.command("order")(order_command)
    app.command("explain")(explain_command)
    app.command("stock")(stock_command)
    return app


def main() -> None:
    """Run the ``omscore`` console script; exit 2 with a hint when the ``cli`` extra is missing."""
    if MISSING_EXTRA is not None:
        print(
            f"omscore: the command line needs the cli extra ({MISSING_EXTRA} is missing): pip install 'omscore[cli]'",
            file=sys.stderr,
        )
        raise SystemExit(2)
    build_app()(prog_name="omscore")


if __name__ == "__main__":  # pragma: no cover
    main()
