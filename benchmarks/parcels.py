"""B5 PARCEL: fewest parcels per order under weight and volume limits and tag rules, omscore against the exact
optimum (HiGHS) on the same instances.

Orders of 1–30 items (lognormal weights and volumes; cold-chain and hazmat items segregated, ship-alone items
alone, battery and liquid items never together; see ``_optimise.py``). For each order: omscore's
``pack_parcels`` with its defaults, its first-fit-decreasing start alone (``node_limit=0``), and HiGHS's optimum
of the same rules as an assignment model. Times are the fastest of ``--repeats`` runs of each call.

Usage: ``python benchmarks/parcels.py [--quick] [--json] [--seed N] [--instances N] [--repeats N]``.
With ``--json`` the last line printed is one JSON object with the summary figures.
"""

from __future__ import annotations

import argparse
import random
from functools import partial
from typing import Any

from _optimise import LIMITS, emit, highs_parcels, machine, mean, parcel_instance, quantile, table, timed

from omscore.policies.optimise import pack_parcels

SIZES = ((1, 10), (11, 20), (21, 30))


def _figures(rows: list[dict[str, Any]]) -> dict[str, float]:
    ours = [r["ms"] for r in rows]
    return {
        "opt_rate": sum(1 for r in rows if r["parcels"] == r["opt"]) / len(rows),
        "mean_excess": mean([r["parcels"] - r["opt"] for r in rows]),
        "ffd_opt_rate": sum(1 for r in rows if r["ffd"] == r["opt"]) / len(rows),
        "proven_rate": sum(1 for r in rows if r["proven"]) / len(rows),
        "p50_ms": quantile(ours, 0.5),
        "p99_ms": quantile(ours, 0.99),
        "max_ms": max(ours),
        "solver_p50_ms": quantile([r["solver_ms"] for r in rows], 0.5),
        "solver_p99_ms": quantile([r["solver_ms"] for r in rows], 0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 orders instead of 1,000")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON on the last line")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--instances", type=int, default=None, help="orders")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per call; the fastest counts")
    args = parser.parse_args()
    count = args.instances or (200 if args.quick else 1000)

    rng = random.Random(f"{args.seed}-parcels")
    rows: list[dict[str, Any]] = []
    for _ in range(count):
        items = parcel_instance(rng)
        plan, ms = timed(partial(pack_parcels, items, LIMITS), args.repeats)
        ffd = pack_parcels(items, LIMITS, node_limit=0)
        opt, solver_ms = timed(partial(highs_parcels, items, LIMITS), args.repeats)
        assert len(plan.parcels) >= opt
        rows.append(
            {
                "items": len(items),
                "parcels": len(plan.parcels),
                "proven": plan.optimal,
                "ffd": len(ffd.parcels),
                "opt": opt,
                "ms": ms,
                "solver_ms": solver_ms,
            }
        )

    print(f"\nFewest parcels (10 kg, 30 l, tag rules); times are the fastest of {args.repeats} runs, ms")
    headers = [
        "items",
        "orders",
        "opt_rate",
        "ffd_opt",
        "excess",
        "proven",
        "p50_ms",
        "p99_ms",
        "max_ms",
        "highs_p50",
        "highs_p99",
    ]
    body = []
    groups = [(f"{lo}-{hi}", [r for r in rows if lo <= r["items"] <= hi]) for lo, hi in SIZES] + [("all", rows)]
    for label, subset in groups:
        f = _figures(subset)
        body.append(
            [
                label,
                len(subset),
                f["opt_rate"],
                f["ffd_opt_rate"],
                f["mean_excess"],
                f["proven_rate"],
                f["p50_ms"],
                f["p99_ms"],
                f["max_ms"],
                f["solver_p50_ms"],
                f["solver_p99_ms"],
            ]
        )
    print(table(headers, body))
    summary: dict[str, Any] = {
        "benchmark": "parcels",
        "orders": len(rows),
        "seed": args.seed,
        "repeats": args.repeats,
        "machine": machine(),
    }
    summary.update(_figures(rows))
    summary["by_items"] = {label: _figures(subset) for label, subset in groups[:-1]}
    print("\ntargets: opt_rate ≥ 0.99, p99_ms ≤ 2")
    emit(summary, args.json)


if __name__ == "__main__":
    main()
