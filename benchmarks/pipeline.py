"""End-to-end throughput of the in-memory pipeline, and of the inventory core beside a bare-dict floor.

    python benchmarks/pipeline.py [--quick] [--json] [--orders N] [--seed S]

Measures, in one process and one run:

* ``orders_per_s``: three-line platform orders taken from intake through review, merge, routing with
  reservation, split, carrier, promise, release and shipment confirmation with tracking write-back, with
  omscore's default policies; ``baseline_orders_per_s`` the same with the simple baseline policies;
* ``lines_per_s``: single-line reservations through the in-memory ``InventoryStore`` (one unit of work per
  1,000 reservations, the way a batch router calls it);
* ``floor_lines_per_s``: the same reservations on a bare ``dict`` (check and decrement), the pure-Python floor.

The machine is shared and noisy, so each figure is the best of several repetitions, and the ratio to the
floor measured in the same run is what to compare across machines. With ``--json`` the last line is one JSON
object.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from omscore.adapters.memory import MemoryDatabase, memory_unit_of_work_factory
from omscore.adapters.system import ManualClock
from omscore.app.context import Policies
from omscore.bootstrap import in_memory
from omscore.domain import (
    Address,
    Carrier,
    CarrierId,
    Catalog,
    Channel,
    ExternalOrderRef,
    Listing,
    Location,
    LocationId,
    Money,
    Network,
    OrderStatus,
    Recipient,
    ReservationLine,
    Sku,
    SkuCode,
)
from omscore.domain.platform_order import PlatformLine, PlatformOrder, PlatformStatus
from omscore.policies.carriers import FirstEligibleCarrier
from omscore.policies.routing import PriorityRouter
from omscore.policies.settings import PipelineSettings

CHANNEL = Channel("tmall", "flagship")
START = datetime(2026, 11, 11, tzinfo=UTC)
SKU_COUNT = 200
LOCATIONS = (LocationId("WH-A"), LocationId("WH-B"), LocationId("WH-C"))


def _world() -> tuple[Catalog, Network]:
    skus = [Sku(SkuCode(f"SKU{i:04d}"), weight_g=300, reference_price_minor=1000) for i in range(SKU_COUNT)]
    listings = [Listing(CHANNEL, f"L{i:04d}", sku=SkuCode(f"SKU{i:04d}")) for i in range(SKU_COUNT)]
    locations = [Location(loc, priority=i) for i, loc in enumerate(LOCATIONS)]
    return Catalog.build(skus, (), listings), Network.build(locations, [Carrier(CarrierId("YTO"), priority=1)])


def _orders(count: int, seed: int) -> list[PlatformOrder]:
    rng = random.Random(seed)
    orders = []
    for n in range(count):
        picks = rng.sample(range(SKU_COUNT), 3)
        recipient = Recipient(
            f"Buyer {n}", f"138{n:08d}", Address("CN", "Zhejiang", "Hangzhou", "Xihu", f"{n} Wensan Road")
        )
        orders.append(
            PlatformOrder(
                ref=ExternalOrderRef(CHANNEL, f"E{n}"),
                revision=1,
                status=PlatformStatus.OPEN,
                placed_at=START + timedelta(seconds=n),
                buyer_id=f"buyer-{n}",
                recipient=recipient,
                lines=tuple(
                    PlatformLine(str(i), f"L{sku:04d}", rng.randint(1, 3), Money(rng.randint(100, 50_000), "CNY"))
                    for i, sku in enumerate(picks, 1)
                ),
                currency="CNY",
                shipping_fee=Money(800, "CNY"),
            )
        )
    return orders


BASELINE = Policies(router=PriorityRouter(), carrier=FirstEligibleCarrier())


def pipeline_run(
    count: int, seed: int, policies: Policies | None = None, settings: PipelineSettings | None = None
) -> dict[str, float]:
    """Seconds spent per stage for ``count`` orders on a fresh in-memory system.

    ``policies`` ``None`` runs omscore's defaults (strategy routing over exact plans, split after routing,
    rule-based carriers, promises); :data:`BASELINE` runs the simple priority router and first eligible carrier.
    ``settings`` replaces omscore's default settings (the review rules, for instance).
    """
    catalog, network = _world()
    system = in_memory(clock=ManualClock(START), policies=policies, settings=settings)
    stock = [((loc, SkuCode(f"SKU{i:04d}")), 10 * count, 0) for loc in LOCATIONS[:1] for i in range(SKU_COUNT)]
    system.oms.load_master_data(catalog, network, stock)
    orders = _orders(count, seed)
    oms = system.oms
    timings: dict[str, float] = {}
    began = time.perf_counter()
    for order in orders:
        oms.ingest(order)
    timings["intake"] = time.perf_counter() - began
    began = time.perf_counter()
    counts = oms.process()
    timings["process"] = time.perf_counter() - began
    began = time.perf_counter()
    for order_id in oms.orders_with_status(OrderStatus.RELEASED):
        for shipment in oms.shipments(order_id):
            oms.confirm_shipment(shipment.id, CarrierId("YTO"), f"T{shipment.id}")
    timings["confirm"] = time.perf_counter() - began
    if counts.released != count:
        raise SystemExit(f"benchmark world is wrong: released {counts.released} of {count}")
    timings["total"] = sum(timings.values())
    return timings


def inventory_run(count: int, seed: int) -> float:
    """Seconds for ``count`` single-line reservations through the memory InventoryStore."""
    rng = random.Random(seed)
    ops = [(SkuCode(f"SKU{rng.randrange(SKU_COUNT):04d}"), rng.choice((1, 1, 1, 2, 3))) for _ in range(count)]
    factory = memory_unit_of_work_factory(MemoryDatabase())
    with factory() as uow:
        for i in range(SKU_COUNT):
            uow.inventory.receive(LOCATIONS[0], SkuCode(f"SKU{i:04d}"), 10 * count)
        uow.commit()
    began = time.perf_counter()
    batch = 1000
    for start in range(0, count, batch):
        with factory() as uow:
            for n in range(start, min(start + batch, count)):
                sku, qty = ops[n]
                uow.inventory.reserve(f"K{n}", (ReservationLine(LOCATIONS[0], sku, qty),))
            uow.commit()
    return time.perf_counter() - began


def floor_run(count: int, seed: int) -> float:
    """Seconds for the same reservations as a check-and-decrement on a plain dict."""
    rng = random.Random(seed)
    ops = [(f"SKU{rng.randrange(SKU_COUNT):04d}", rng.choice((1, 1, 1, 2, 3))) for _ in range(count)]
    stock = {f"SKU{i:04d}": 10 * count for i in range(SKU_COUNT)}

    def reserve(sku: str, qty: int) -> bool:
        available = stock[sku]
        if available >= qty:
            stock[sku] = available - qty
            return True
        return False

    began = time.perf_counter()
    for sku, qty in ops:
        reserve(sku, qty)
    return time.perf_counter() - began


def _best(repeats: int, run: Callable[[], float]) -> float:
    return min(run() for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer orders and repetitions (about 10 s)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument("--orders", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    orders = args.orders or (2_000 if args.quick else 10_000)
    lines = 100_000 if args.quick else 300_000
    repeats = 2 if args.quick else 3

    stage_runs = [pipeline_run(orders, args.seed) for _ in range(repeats)]
    best = min(stage_runs, key=lambda t: t["total"])
    baseline_runs = [pipeline_run(orders, args.seed, BASELINE) for _ in range(repeats)]
    baseline = min(baseline_runs, key=lambda t: t["total"])
    inventory_s = _best(repeats, lambda: inventory_run(lines, args.seed))
    floor_s = _best(repeats, lambda: floor_run(lines, args.seed))
    result = {
        "orders": orders,
        "orders_per_s": round(orders / best["total"]),
        "baseline_orders_per_s": round(orders / baseline["total"]),
        "baseline_process_per_s": round(orders / baseline["process"]),
        "intake_per_s": round(orders / best["intake"]),
        "process_per_s": round(orders / best["process"]),
        "confirm_per_s": round(orders / best["confirm"]),
        "lines_per_s": round(lines / inventory_s),
        "floor_lines_per_s": round(lines / floor_s),
        "lines_vs_floor": round(floor_s / inventory_s, 3),
    }
    print(f"pipeline   {orders} three-line orders end to end: {result['orders_per_s']:>10,} orders/s")
    print(f"  intake                                  {result['intake_per_s']:>10,} orders/s")
    print(f"  review + merge + routing + release      {result['process_per_s']:>10,} orders/s")
    print(f"  confirmation + tracking write-back      {result['confirm_per_s']:>10,} orders/s")
    print("same, baseline policies (priority router, first eligible carrier):")
    print(f"  end to end                              {result['baseline_orders_per_s']:>10,} orders/s")
    print(f"  review + merge + routing + release      {result['baseline_process_per_s']:>10,} orders/s")
    print(f"inventory  {lines} single-line reservations:   {result['lines_per_s']:>10,} lines/s")
    print(f"floor      bare dict check-and-decrement:     {result['floor_lines_per_s']:>10,} lines/s")
    print(f"inventory / floor: {result['lines_vs_floor']:.1%} (target >= 30 %); orders/s target >= 10,000")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
