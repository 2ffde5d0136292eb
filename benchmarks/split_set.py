"""B1 SPLIT-SET: fewest shipments per order, omscore against the HiGHS optimum on the same instances.

Orders of 1–20 lines over 5–50 locations at stock densities 0.1, 0.3 and 0.7 (perf.md §3.1, §6 B1). For each
order: omscore's exact plan with whole lines (``min_shipments``) and with divisible lines
(``divisible=True``), its greedy start alone (``node_limit=0``), and HiGHS's optimum of the same model. Times are
the fastest of ``--repeats`` runs of each call, taken in the same run for both.

``speedup`` is HiGHS's median time over omscore's (the key the targets name); ``speedup_mean`` is the ratio of
mean times, i.e. of total time over all orders. HiGHS's presolve settles many orders outright (most of the
sparse ones) in well under a millisecond, so its times are bimodal and the pooled median falls among the fast
ones; the per-density rows show the two regimes.

Usage: ``python benchmarks/split_set.py [--quick] [--json] [--seed N] [--instances N] [--repeats N]``.
With ``--json`` the last line printed is one JSON object with the summary figures.
"""

from __future__ import annotations

import argparse
import random
from functools import partial
from typing import Any

from _optimise import (
    DENSITIES,
    emit,
    highs_shipments,
    machine,
    mean,
    quantile,
    sourcing_instance,
    table,
    timed,
)

from omscore.policies.optimise import min_shipments

TARGETS = {"opt_rate": 1.0, "p99_ms": 1.5, "split_p99_ms": 5.0, "speedup": 20.0}


def _figures(rows: list[dict[str, Any]], prefix: str) -> dict[str, float]:
    ours = [r[f"{prefix}ms"] for r in rows]
    solver = [r[f"{prefix}solver_ms"] for r in rows]
    excess = [r[f"{prefix}value"] - r[f"{prefix}opt"] for r in rows]
    p50 = quantile(ours, 0.5)
    return {
        f"{prefix}opt_rate": sum(1 for e in excess if e == 0) / len(rows),
        f"{prefix}mean_excess": mean(excess),
        f"{prefix}worst_ratio": max(r[f"{prefix}value"] / r[f"{prefix}opt"] for r in rows),
        f"{prefix}greedy_opt_rate": sum(1 for r in rows if r[f"{prefix}greedy"] == r[f"{prefix}opt"]) / len(rows),
        f"{prefix}proven_rate": sum(1 for r in rows if r[f"{prefix}proven"]) / len(rows),
        f"{prefix}p50_ms": p50,
        f"{prefix}p99_ms": quantile(ours, 0.99),
        f"{prefix}max_ms": max(ours),
        f"{prefix}solver_p50_ms": quantile(solver, 0.5),
        f"{prefix}solver_p99_ms": quantile(solver, 0.99),
        f"{prefix}speedup": quantile(solver, 0.5) / p50,
        f"{prefix}speedup_mean": mean(solver) / mean(ours),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 orders per density instead of 1,000")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON on the last line")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--instances", type=int, default=None, help="orders per density")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per call; the fastest counts")
    args = parser.parse_args()
    per_density = args.instances or (60 if args.quick else 1000)

    rows: list[dict[str, Any]] = []
    for density in DENSITIES:
        rng = random.Random(f"{args.seed}-{density}")
        for _ in range(per_density):
            inst = sourcing_instance(rng, density)
            row: dict[str, Any] = {"density": density, "lines": len(inst.lines), "locations": len(inst.stock)}
            for prefix, divisible in (("", False), ("split_", True)):
                plan, ms = timed(partial(min_shipments, inst.lines, inst.stock, divisible=divisible), args.repeats)
                greedy = min_shipments(inst.lines, inst.stock, divisible=divisible, node_limit=0)
                opt, solver_ms = timed(partial(highs_shipments, inst, divisible), args.repeats)
                assert plan.complete
                row.update(
                    {
                        f"{prefix}value": plan.shipments,
                        f"{prefix}proven": plan.optimal,
                        f"{prefix}greedy": greedy.shipments,
                        f"{prefix}opt": opt,
                        f"{prefix}ms": ms,
                        f"{prefix}solver_ms": solver_ms,
                    }
                )
            rows.append(row)

    headers = [
        "lines",
        "density",
        "orders",
        "opt_rate",
        "greedy_opt",
        "excess",
        "p50_ms",
        "p99_ms",
        "max_ms",
        "highs_p50",
        "highs_p99",
        "speedup",
        "speedup_mean",
    ]
    for prefix, title in (("", "whole lines (set cover)"), ("split_", "divisible lines")):
        print(f"\nFewest shipments, {title}; times are the fastest of {args.repeats} runs, ms")
        body = []
        for label, subset in [(f"{d}", [r for r in rows if r["density"] == d]) for d in DENSITIES] + [("all", rows)]:
            f = _figures(subset, prefix)
            body.append(
                [
                    "1-20",
                    label,
                    len(subset),
                    f[f"{prefix}opt_rate"],
                    f[f"{prefix}greedy_opt_rate"],
                    f[f"{prefix}mean_excess"],
                    f[f"{prefix}p50_ms"],
                    f[f"{prefix}p99_ms"],
                    f[f"{prefix}max_ms"],
                    f[f"{prefix}solver_p50_ms"],
                    f[f"{prefix}solver_p99_ms"],
                    f[f"{prefix}speedup"],
                    f[f"{prefix}speedup_mean"],
                ]
            )
        print(table(headers, body))

    summary: dict[str, Any] = {
        "benchmark": "split_set",
        "orders": len(rows),
        "seed": args.seed,
        "repeats": args.repeats,
        "machine": machine(),
    }
    summary.update(_figures(rows, ""))
    summary.update(_figures(rows, "split_"))
    summary["by_density"] = {
        str(d): {
            **_figures([r for r in rows if r["density"] == d], ""),
            **_figures([r for r in rows if r["density"] == d], "split_"),
        }
        for d in DENSITIES
    }
    print(
        "\ntargets: " + ", ".join(f"{k} {'≥' if k in ('opt_rate', 'speedup') else '≤'} {v}" for k, v in TARGETS.items())
    )
    emit(summary, args.json)


if __name__ == "__main__":
    main()
