"""The ``omscore`` command: the demo day, a merchant's own orders file, and a look at what is stored and what
each shop may show of it.

A composition root: it opens the storage named by ``--db`` (SQLite file, ``:memory:``, or a PostgreSQL URL)
through :mod:`omscore.bootstrap`, hands it to :mod:`omscore.demo`, and renders the summary with rich (tables
for people, ``--json`` for machines). Progress goes to stderr so that ``--json`` output stays clean. Every
omscore error is printed as one message and exits with status 1, and so does an audit that is not clean after
``demo`` or ``run``; a missing ``cli`` extra (typer, rich) exits with status 2.

One module per command (``demo_day``, ``orders_file`` for ``run``, ``stored_orders`` for ``orders`` and
``order``, ``explain``, ``stock``); ``application`` registers them, ``storage`` opens the database, ``console``
and ``summary`` hold what the commands print alike.
"""

from __future__ import annotations

import sys

from omscore.cli.console import MISSING_EXTRA
from omscore.cli.storage import DEMO_DB, RUN_DB, TENANT, open_store

if MISSING_EXTRA is None:  # the commands need typer and rich; without them ``main`` only says what is missing
    from omscore.cli.application import build_app
    from omscore.cli.demo_day import demo
    from omscore.cli.explain import explain_command
    from omscore.cli.orders_file import run
    from omscore.cli.stock import stock_command
    from omscore.cli.stored_orders import order_command, orders_command

__all__ = [
    "DEMO_DB",
    "MISSING_EXTRA",
    "RUN_DB",
    "TENANT",
    "build_app",
    "demo",
    "explain_command",
    "main",
    "open_store",
    "order_command",
    "orders_command",
    "run",
    "stock_command",
]


def main() -> None:
    """Run the ``omscore`` console script; exit 2 with a hint when the ``cli`` extra is missing."""
    if MISSING_EXTRA is not None:
        print(
            f"omscore: the command line needs the cli extra ({MISSING_EXTRA} is missing): pip install 'omscore[cli]'",
            file=sys.stderr,
        )
        raise SystemExit(2)
    build_app()(prog_name="omscore")
