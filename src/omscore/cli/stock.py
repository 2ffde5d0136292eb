"""``omscore stock``: how a SKU's stock is shared among the shops — the pool per location, each listing's share
and the reasons, by the sharing settings of a configuration, the demo merchant or the library defaults."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.box import SIMPLE_HEAD
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from omscore.adapters.system import ManualClock, SystemClock
from omscore.app.publishing import StockReport
from omscore.boundary.config import load_config, parse_config
from omscore.cli.console import _reported
from omscore.cli.storage import _DB_HELP, DEMO_DB, _reader, open_store
from omscore.demo.merchant import merchant_document
from omscore.demo.publishing import stock_engine
from omscore.domain.catalog import Catalog
from omscore.domain.errors import InvalidInput
from omscore.domain.identity import Channel, LocationId, SkuCode
from omscore.domain.inventory import StockLevel
from omscore.policies.sharing import SharingConfig, StockLock
from omscore.ports.clock import Clock


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
