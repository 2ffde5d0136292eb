"""B2 SPLIT-COST: cheapest sourcing per order, omscore against the HiGHS optimum on the same instances.

Orders as in B1 (perf.md §3.1) with a fixed cost per shipment U[500,1000] and a unit cost U[50,300] per
location. Each line ships whole. For each order: omscore's ``min_cost`` with its defaults (exact search within
a time bound), its greedy plus local search alone (``node_limit=0``), and HiGHS's optimum of the facility
location model. Times are the fastest of ``--repeats`` runs of each call, taken in the same run for both.

Usage: ``python benchmarks/split_cost.py [--quick] [--json] [--seed N] [--instances N] [--repeats N]``.
With ``--json`` the last line printed is one JSON object with the summary figures.
"""

from __future__ import annotations

import argparse
import random
from functools import partial
from typing import Any

from _optimise import DENSITIES, emit, highs_cost, machine, mean, quantile, sourcing_instance, table, timed

from omscore.policies.optimise import min_cost

TARGETS = {"mean_gap_pct": 0.3, "p99_gap_pct": 3.0, "p99_ms": 10.0}


def _figures(rows: list[dict[str, Any]]) -> dict[str, float]:
    gaps = [100.0 * (r["cost"] - r["opt"]) / r["opt"] for r in rows]
    heuristic = [100.0 * (r["heuristic"] - r["opt"]) / r["opt"] for r in rows]
    ours = [r["ms"] for r in rows]
    solver = [r["solver_ms"] for r in rows]
    return {
        "mean_gap_pct": mean(gaps),
        "p99_gap_pct": quantile(gaps, 0.99),
        "max_gap_pct": max(gaps),
        "above_opt_rate": sum(1 for g in gaps if g > 0) / len(rows),
        "proven_rate": sum(1 for r in rows if r["proven"]) / len(rows),
        "bound_gap_pct": mean([100.0 * (r["cost"] - r["bound"]) / r["cost"] for r in rows]),
        "heuristic_mean_gap_pct": mean(heuristic),
        "heuristic_p99_gap_pct": quantile(heuristic, 0.99),
        "p50_ms": quantile(ours, 0.5),
        "p99_ms": quantile(ours, 0.99),
        "max_ms": max(ours),
        "heuristic_p99_ms": quantile([r["heuristic_ms"] for r in rows], 0.99),
        "solver_p50_ms": quantile(solver, 0.5),
        "solver_p99_ms": quantile(solver, 0.99),
        "solver_max_ms": max(solver),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 orders per density instead of 300")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON on the last line")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--instances", type=int, default=None, help="orders per density")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per call; the fastest counts")
    args = parser.parse_args()
    per_density = args.instances or (60 if args.quick else 300)

    rows: list[dict[str, Any]] = []
    for density in DENSITIES:
        rng = random.Random(f"{args.seed}-{density}")
        for _ in range(per_density):
            inst = sourcing_instance(rng, density)
            plan, ms = timed(partial(min_cost, inst.lines, inst.stock, inst.costs), args.repeats)
            quick, quick_ms = timed(partial(min_cost, inst.lines, inst.stock, inst.costs, node_limit=0), args.repeats)
            opt, solver_ms = timed(partial(highs_cost, inst), args.repeats)
            assert plan.complete
            assert plan.cost is not None
            assert quick.cost is not None
            assert plan.cost >= opt, (plan.cost, opt)
            assert plan.trace.lower_bound <= opt, (plan.trace.lower_bound, opt)
            rows.append(
                {
                    "density": density,
                    "cost": plan.cost,
                    "bound": plan.trace.lower_bound,
                    "proven": plan.optimal,
                    "heuristic": quick.cost,
                    "heuristic_ms": quick_ms,
                    "opt": opt,
                    "ms": ms,
                    "solver_ms": solver_ms,
                }
            )

    print(
        f"\nCheapest sourcing, whole lines; gaps to the HiGHS optimum in %; times are the fastest of {args.repeats}"
        " runs, ms"
    )
    headers = [
        "density",
        "orders",
        "mean_gap",
        "p99_gap",
        "above_opt",
        "proven",
        "heur_gap",
        "heur_p99",
        "p50_ms",
        "p99_ms",
        "max_ms",
        "highs_p50",
        "highs_p99",
        "highs_max",
    ]
    body = []
    for label, subset in [(f"{d}", [r for r in rows if r["density"] == d]) for d in DENSITIES] + [("all", rows)]:
        f = _figures(subset)
        body.append(
            [
                label,
                len(subset),
                f["mean_gap_pct"],
                f["p99_gap_pct"],
                f["above_opt_rate"],
                f["proven_rate"],
                f["heuristic_mean_gap_pct"],
                f["heuristic_p99_gap_pct"],
                f["p50_ms"],
                f["p99_ms"],
                f["max_ms"],
                f["solver_p50_ms"],
                f["solver_p99_ms"],
                f["solver_max_ms"],
            ]
        )
    print(table(headers, body))
    summary: dict[str, Any] = {
        "benchmark": "split_cost",
        "orders": len(rows),
        "seed": args.seed,
        "repeats": args.repeats,
        "machine": machine(),
    }
    summary.update(_figures(rows))
    summary["by_density"] = {str(d): _figures([r for r in rows if r["density"] == d]) for d in DENSITIES}
    print("\ntargets: mean_gap_pct ≤ 0.3, p99_gap_pct ≤ 3, p99_ms ≤ 10")
    emit(summary, args.json)


if __name__ == "__main__":
    main()
