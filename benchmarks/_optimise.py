"""Shared by the optimisation benchmarks: seeded instances, the HiGHS reference models, timing and tables.

Sourcing orders follow the protocol of the performance research (perf.md §3.1): an order has U[1,20] lines of
distinct SKUs and U[5,50] candidate locations; a location carries a SKU with probability ``density`` and then
holds U[1,10] units; a line wants 1 unit with probability 0.6, else U[2,5]; every line is made shippable whole
from at least one location. For the cost objective each location gets a fixed cost per shipment U[500,1000]
and a unit cost U[50,300] (minor units, i.e. the research's U[5,10] and U[0.5,3] in cents).

Parcel orders have U[1,30] items with lognormal weights (median 1.2 kg) and volumes (median 3 l) against a
10 kg / 30 l parcel; 10 % are cold-chain, 3 % ship alone, 2 % hazmat (segregated), 4 % carry a battery and
4 % a liquid (incompatible with each other).

Timing: each call is timed ``repeats`` times on the same instance and the fastest run is kept, for omscore and
the solver alike: the machine is shared, and the minimum is the least noisy estimate of what a call costs.
"""

from __future__ import annotations

import json
import math
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import highspy
import numpy as np

from omscore.domain.identity import LineId, LocationId, SkuCode
from omscore.policies.optimise import CostModel, DemandLine, ParcelItem, ParcelLimits

DENSITIES = (0.1, 0.3, 0.7)
T = TypeVar("T")


# --- instances ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourcingInstance:
    """One order, its candidate locations' stock and their costs."""

    lines: tuple[DemandLine, ...]
    stock: dict[LocationId, dict[SkuCode, int]]
    costs: CostModel
    density: float


def sourcing_instance(rng: random.Random, density: float) -> SourcingInstance:
    """An order of U[1,20] lines over U[5,50] locations at the given stock density."""
    n = rng.randint(1, 20)
    m = rng.randint(5, 50)
    skus = [SkuCode(f"S{j:02d}") for j in range(n)]
    order = tuple(
        DemandLine(LineId(f"L{j:02d}"), skus[j], 1 if rng.random() < 0.6 else rng.randint(2, 5)) for j in range(n)
    )
    locs = [LocationId(f"W{i:02d}") for i in range(m)]
    stock: dict[LocationId, dict[SkuCode, int]] = {loc: {} for loc in locs}
    for loc in locs:
        for sku in skus:
            if rng.random() < density:
                stock[loc][sku] = rng.randint(1, 10)
    for line in order:
        if not any(stock[loc].get(line.sku, 0) >= line.quantity for loc in locs):
            stock[rng.choice(locs)][line.sku] = rng.randint(line.quantity, 10)
    costs = CostModel(
        shipment={loc: rng.randint(500, 1000) for loc in locs},
        unit={loc: rng.randint(50, 300) for loc in locs},
    )
    return SourcingInstance(order, stock, costs, density)


LIMITS = ParcelLimits(
    max_weight_g=10_000,
    max_volume_cm3=30_000,
    segregate=frozenset({"cold_chain", "hazmat"}),
    incompatible=[("battery", "liquid")],
)


def parcel_instance(rng: random.Random, max_items: int = 30) -> tuple[ParcelItem, ...]:
    """An order of U[1, max_items] items (see the module docstring)."""
    n = rng.randint(1, max_items)
    lines = max(1, n // rng.randint(1, 4))
    items = []
    for k in range(n):
        tags: set[str] = set()
        roll = rng.random()
        if roll < 0.10:
            tags.add("cold_chain")
        elif roll < 0.13:
            tags.add("ship_alone")
        elif roll < 0.15:
            tags.add("hazmat")
        roll = rng.random()
        if roll < 0.04:
            tags.add("battery")
        elif roll < 0.08:
            tags.add("liquid")
        weight = max(1, int(rng.lognormvariate(math.log(1200), 0.9)))
        volume = max(1, int(rng.lognormvariate(math.log(3000), 0.8)))
        items.append(ParcelItem(f"I{k:02d}", LineId(f"L{k % lines:02d}"), weight, volume, 1, frozenset(tags)))
    return tuple(items)


# --- HiGHS reference models --------------------------------------------------------------------------------------


_HIGHS_CLASS: Any = highspy.Highs


def _new_highs() -> Any:
    return _HIGHS_CLASS()


def _banner_to_stderr() -> None:
    """HiGHS prints a banner on stdout when the first model is made; send it to stderr instead."""
    import os
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        _new_highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


_banner_to_stderr()


def _highs() -> Any:
    h = _new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    return h


def _solve_mip(
    cost: Sequence[float],
    lower: Sequence[float],
    upper: Sequence[float],
    integer: Sequence[bool],
    rows: Sequence[tuple[float, float, Sequence[int], Sequence[float]]],
) -> float:
    """Build one MIP with a single call (the fastest way to hand HiGHS a model) and return its optimum."""
    lp = highspy.HighsLp()
    lp.num_col_ = len(cost)
    lp.num_row_ = len(rows)
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(upper, dtype=np.float64)
    lp.row_lower_ = np.asarray([r[0] for r in rows], dtype=np.float64)
    lp.row_upper_ = np.asarray([r[1] for r in rows], dtype=np.float64)
    starts = [0]
    index: list[int] = []
    value: list[float] = []
    for _, _, idx, val in rows:
        index.extend(idx)
        value.extend(val)
        starts.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.asarray(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(value, dtype=np.float64)
    lp.integrality_ = [highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous for flag in integer]
    h = _highs()
    h.passModel(lp)
    h.run()
    return float(h.getInfo().objective_function_value)


INF = highspy.kHighsInf


def highs_shipments(inst: SourcingInstance, divisible: bool) -> int:
    """Fewest locations, by HiGHS: a set cover (whole lines) or a covering knapsack per SKU (divisible)."""
    locs = sorted(inst.stock)
    m = len(locs)
    rows: list[tuple[float, float, list[int], list[float]]] = []
    for line in inst.lines:
        if divisible:
            caps = [min(inst.stock[loc].get(line.sku, 0), line.quantity) for loc in locs]
            idx = [i for i, c in enumerate(caps) if c > 0]
            rows.append((float(line.quantity), INF, idx, [float(caps[i]) for i in idx]))
        else:
            idx = [i for i, loc in enumerate(locs) if inst.stock[loc].get(line.sku, 0) >= line.quantity]
            rows.append((1.0, INF, idx, [1.0] * len(idx)))
    return round(_solve_mip([1.0] * m, [0.0] * m, [1.0] * m, [True] * m, rows))


def highs_cost(inst: SourcingInstance) -> int:
    """Cheapest sourcing with whole lines, by HiGHS: facility location with open (binary) and assign variables."""
    locs = sorted(inst.stock)
    m = len(locs)
    cost = [float(inst.costs.shipment_cost(loc)) for loc in locs]
    integer = [True] * m
    rows: list[tuple[float, float, list[int], list[float]]] = []
    for line in inst.lines:
        cols = []
        for i, loc in enumerate(locs):
            if inst.stock[loc].get(line.sku, 0) >= line.quantity:
                col = len(cost)
                cost.append(float(inst.costs.unit_cost(loc, line.sku) * line.quantity))
                integer.append(False)
                cols.append(col)
                rows.append((-INF, 0.0, [col, i], [1.0, -1.0]))
        rows.append((1.0, 1.0, cols, [1.0] * len(cols)))
    k = len(cost)
    return round(_solve_mip(cost, [0.0] * k, [1.0] * k, integer, rows))


def highs_parcels(items: Sequence[ParcelItem], limits: ParcelLimits) -> int:
    """Fewest parcels, by HiGHS: ship-alone and over-limit items alone, each class an assignment MIP."""
    total = 0
    classes: dict[frozenset[str], list[ParcelItem]] = {}
    for item in items:
        over = (limits.max_weight_g is not None and item.weight_g > limits.max_weight_g) or (
            limits.max_volume_cm3 is not None and item.volume_cm3 > limits.max_volume_cm3
        )
        if item.tags & limits.alone or over:
            total += 1
        else:
            classes.setdefault(frozenset(item.tags & limits.segregate), []).append(item)
    for group in classes.values():
        total += _highs_bins(group, limits)
    return total


def _highs_bins(group: list[ParcelItem], limits: ParcelLimits) -> int:
    group = sorted(group, key=lambda it: (-it.weight_g, it.id))
    n = len(group)
    cap_w = float(limits.max_weight_g or 10**12)
    cap_v = float(limits.max_volume_cm3 or 10**12)
    bins = n  # k ≤ b: item k may only go into the first k+1 bins (symmetry)
    y = list(range(bins))
    x = {(k, b): bins + k * bins + b for k in range(n) for b in range(bins) if b <= k}
    ncol = bins + n * bins
    cost = [1.0] * bins + [0.0] * (n * bins)
    upper = [1.0] * ncol
    for k in range(n):
        for b in range(bins):
            if b > k:
                upper[bins + k * bins + b] = 0.0
    rows: list[tuple[float, float, list[int], list[float]]] = []
    for k in range(n):
        cols = [x[k, b] for b in range(bins) if (k, b) in x]
        rows.append((1.0, 1.0, cols, [1.0] * len(cols)))
    for b in range(bins):
        members = [k for k in range(n) if (k, b) in x]
        rows.append(
            (-INF, 0.0, [x[k, b] for k in members] + [y[b]], [float(group[k].weight_g) for k in members] + [-cap_w])
        )
        rows.append(
            (-INF, 0.0, [x[k, b] for k in members] + [y[b]], [float(group[k].volume_cm3) for k in members] + [-cap_v])
        )
        if b + 1 < bins:
            rows.append((0.0, INF, [y[b], y[b + 1]], [1.0, -1.0]))
    for pair in limits.incompatible:
        a, c = sorted(pair)
        for k in range(n):
            for other in range(n):
                if k != other and a in group[k].tags and c in group[other].tags:
                    for b in range(bins):
                        if (k, b) in x and (other, b) in x:
                            rows.append((-INF, 1.0, [x[k, b], x[other, b]], [1.0, 1.0]))
    return round(_solve_mip(cost, [0.0] * ncol, upper, [True] * ncol, rows))


# --- timing and reporting -----------------------------------------------------------------------------------


def timed(call: Callable[[], T], repeats: int) -> tuple[T, float]:
    """The result and wall time (ms) of the fastest of ``repeats`` runs of ``call``: the run least disturbed by
    other work on the machine, which also matters for searches that stop at a time bound."""
    best = math.inf
    result: T | None = None
    for _ in range(repeats):
        start = time.perf_counter()
        outcome = call()
        elapsed = time.perf_counter() - start
        if elapsed < best:
            best, result = elapsed, outcome
    assert result is not None
    return result, best * 1000.0


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def mean(values: Sequence[float]) -> float:
    return statistics.fmean(values) if values else math.nan


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table with right-aligned columns."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[c]) for r in cells)) for c, h in enumerate(headers)]
    out = ["  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    out.append("  ".join("-" * w for w in widths))
    out.extend("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells)
    return "\n".join(out)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:.1f}"
    return str(value)


def machine() -> dict[str, Any]:
    import os
    import platform

    return {"python": platform.python_version(), "cpus": os.cpu_count(), "highs": _new_highs().version()}


def emit(summary: dict[str, Any], as_json: bool) -> None:
    """Print the summary object as the last line when ``--json`` was given."""
    if as_json:
        print(json.dumps(summary, sort_keys=True))
