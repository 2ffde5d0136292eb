"""Worker functions of the multi-process PostgreSQL reliability tests.

They live at module level in an importable module because the tests start processes with the ``spawn``
method, which pickles a function by its qualified name. Each worker opens its own database handle, does its
share of the work, and returns plain data describing what it was told (acknowledged outcomes, errors).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from typing import Any

from omscore.adapters.postgres import Isolation, PostgresDatabase, PostgresUnitOfWork, reserve_at_once
from omscore.domain.errors import ConcurrencyConflict, OmsError, TransientError
from omscore.domain.events import OrderApproved
from omscore.domain.holds import Hold, HoldKind
from omscore.domain.identity import LocationId, OrderId, SkuCode
from omscore.domain.inventory import ReservationLine

HOT = (LocationId("L1"), SkuCode("HOT"))


def hot_sku_worker(
    dsn: str, tenant: str, isolation: Isolation, worker: int, attempts: int, max_qty: int, at_once: bool = False
) -> dict[str, Any]:
    """Reserve the hot SKU ``attempts`` times (1..``max_qty`` units each, one unit of work each, or one
    :func:`reserve_at_once` call each when ``at_once``).

    Returns:
        ``ok``: [(key, quantity)] acknowledged as reserved; ``short``: count of acknowledged shortages;
        ``undetermined``: [error text] for attempts that got neither; ``retries``: re-runs inside.
    """
    rng = random.Random(worker)
    ok: list[tuple[str, int]] = []
    short = 0
    undetermined: list[str] = []
    retries = 0
    with PostgresDatabase(dsn, isolation=isolation, pool_size=1) as db:
        for attempt in range(attempts):
            key, quantity = f"w{worker}-a{attempt}", rng.randint(1, max_qty)
            if at_once:
                try:
                    outcome = reserve_at_once(db, tenant, key, [ReservationLine(*HOT, quantity, "s")])
                except OmsError as exc:
                    undetermined.append(f"{type(exc).__name__}: {exc}")
                    continue
                if outcome.ok:
                    ok.append((key, quantity))
                else:
                    short += 1
                continue
            uow = PostgresUnitOfWork(db, tenant)
            try:
                with uow:
                    outcome = uow.inventory.reserve(key, [ReservationLine(*HOT, quantity, "s")])
                    uow.commit()
            except OmsError as exc:
                undetermined.append(f"{type(exc).__name__}: {exc}")
                continue
            finally:
                retries += uow.retries
            if outcome.ok:
                ok.append((key, quantity))
            else:
                short += 1
    return {"ok": ok, "short": short, "undetermined": undetermined, "retries": retries}


def multiline_worker(
    dsn: str,
    tenant: str,
    isolation: Isolation,
    worker: int,
    operations: int,
    keys: list[tuple[str, str]],
) -> dict[str, Any]:
    """Mixed work on many stock rows: multi-line reserves in random line order, cancels and receipts.

    Returns:
        ``reserved``: {key: [(location, sku, qty, ref)]} acknowledged and not cancelled; ``short``: keys
        acknowledged short; ``received``: [(location, sku, qty)]; ``errors``: Counter of caller-visible
        error types; ``retries``: list of re-runs per unit of work.
    """
    rng = random.Random(1000 + worker)
    reserved: dict[str, list[tuple[str, str, int, str]]] = {}
    short: list[str] = []
    received: list[tuple[str, str, int]] = []
    errors: Counter[str] = Counter()
    retries: list[int] = []
    with PostgresDatabase(dsn, isolation=isolation, pool_size=1) as db:
        for number in range(operations):
            roll = rng.random()
            uow = PostgresUnitOfWork(db, tenant)
            try:
                with uow:
                    if roll < 0.15 and reserved:
                        key = rng.choice(sorted(reserved))
                        uow.inventory.release(key)
                        uow.commit()
                        del reserved[key]
                    elif roll < 0.25:
                        location, sku = rng.choice(keys)
                        quantity = rng.randint(1, 4)
                        uow.inventory.receive(LocationId(location), SkuCode(sku), quantity)
                        uow.commit()
                        received.append((location, sku, quantity))
                    else:
                        key = f"w{worker}-o{number}"
                        picked = rng.sample(keys, rng.randint(1, 5))
                        lines = [
                            ReservationLine(LocationId(loc), SkuCode(sku), rng.randint(1, 3), f"s{i % 2}")
                            for i, (loc, sku) in enumerate(picked)
                        ]
                        rng.shuffle(lines)
                        outcome = uow.inventory.reserve(key, lines)
                        uow.commit()
                        if outcome.ok:
                            reserved[key] = [(ln.location, ln.sku, ln.quantity, ln.ref) for ln in lines]
                        else:
                            short.append(key)
            except OmsError as exc:
                state = _sqlstate(exc)
                errors[type(exc).__name__ + (f" ({state})" if state else "")] += 1
            finally:
                retries.append(uow.retries)
    return {"reserved": reserved, "short": short, "received": received, "errors": errors, "retries": retries}


def _sqlstate(exc: BaseException) -> str | None:
    state: str | None = getattr(exc.__cause__, "sqlstate", None)
    return state


def occ_worker(dsn: str, tenant: str, isolation: Isolation, worker: int, seconds: float) -> dict[str, Any]:
    """Load–mutate–save the order ``O1`` in a loop for ``seconds``; each mutation holds it with a unique token.

    Returns:
        ``acknowledged``: tokens whose unit of work committed; ``conflicts``: ConcurrencyConflicts seen;
        ``transient``: TransientErrors seen (both are retried by loading again); ``other``: other errors.
    """
    acknowledged: list[str] = []
    conflicts = transient = 0
    other: list[str] = []
    deadline = time.monotonic() + seconds
    number = 0
    with PostgresDatabase(dsn, isolation=isolation, pool_size=1) as db:
        while time.monotonic() < deadline:
            token = f"w{worker}-m{number}"
            number += 1
            try:
                with PostgresUnitOfWork(db, tenant) as uow:
                    order = uow.orders.get(OrderId("O1"))
                    assert order is not None
                    order.hold(Hold(HoldKind.MANUAL, token))
                    order.release_hold(HoldKind.MANUAL)
                    uow.orders.save(order)
                    uow.commit()
            except ConcurrencyConflict:
                conflicts += 1
                continue
            except TransientError:
                transient += 1
                continue
            except OmsError as exc:
                other.append(f"{type(exc).__name__}: {exc}")
                continue
            acknowledged.append(token)
    return {"acknowledged": acknowledged, "conflicts": conflicts, "transient": transient, "other": other}


def outbox_writer(dsn: str, tenant: str, worker: int, events: int) -> dict[str, Any]:
    """Append ``events`` events in transactions of 1–5, pausing inside some transactions before commit.

    Returns:
        ``committed``: the order ids of the events whose unit of work committed; ``errors``: error texts.
    """
    rng = random.Random(5000 + worker)
    committed: list[str] = []
    errors: list[str] = []
    made = 0
    with PostgresDatabase(dsn, pool_size=1) as db:
        while made < events:
            batch = [f"w{worker}-e{made + i}" for i in range(min(rng.randint(1, 5), events - made))]
            made += len(batch)
            try:
                with PostgresUnitOfWork(db, tenant) as uow:
                    uow.outbox.append([OrderApproved(OrderId(name), "gap-test") for name in batch])
                    if rng.random() < 0.2:
                        time.sleep(rng.uniform(0.001, 0.01))
                    uow.commit()
            except OmsError as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            committed.extend(batch)
    return {"committed": committed, "errors": errors}
