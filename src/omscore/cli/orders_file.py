"""``omscore run``: a merchant's own configuration and orders file taken through omscore, then audited."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from omscore.bootstrap import open_system
from omscore.boundary.config import load_config
from omscore.cli.console import _fail_unless_clean, _progress_bar, _reported, _stderr
from omscore.cli.storage import _DB_HELP, RUN_DB, TENANT
from omscore.cli.summary import _render
from omscore.demo import run_orders


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
