"""``omscore explain``: every decision omscore recorded about a stored order, with the order it was merged into."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from omscore.cli.console import _reported
from omscore.cli.storage import _DB_HELP, DEMO_DB, _reader, open_store
from omscore.cli.stored_orders import OrderIdArgument, _explained, _find


def explain_command(
    order_id: OrderIdArgument,
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
