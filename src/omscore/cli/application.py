"""The ``omscore`` typer application: its help and every command, registered in the order ``--help`` lists them."""

from __future__ import annotations

import typer

from omscore.cli.demo_day import demo
from omscore.cli.explain import explain_command
from omscore.cli.orders_file import run
from omscore.cli.stock import stock_command
from omscore.cli.stored_orders import order_command, orders_command


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
