"""``omscore demo``: a reproducible Double 11 of a multi-channel merchant, run through omscore and audited."""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from omscore.cli.console import _fail_unless_clean, _progress_bar, _reported, _stderr
from omscore.cli.storage import _DB_HELP, DEMO_DB, open_store
from omscore.cli.summary import _render
from omscore.demo import generate_day, run_demo


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
