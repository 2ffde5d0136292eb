"""Stock levels and reservations in PostgreSQL.

Every change of a stock row is either one guarded relative UPDATE (``… SET reserved = reserved + n WHERE
on_hand - reserved - safety >= n``) or, for several rows, ``SELECT … ORDER BY location, sku FOR UPDATE``
followed by the change; never a value computed in Python and written back. Reserve, release and consume run
as one call of a server-side function each (``omscore.reserve``, ``omscore.reserve_one`` for a single line,
``omscore.settle`` in the schema), so the
hot row is locked for one round trip, not several. At READ COMMITTED PostgreSQL re-checks a guarded UPDATE
against the newest version of a row it waited for, which is what makes the guard safe; at REPEATABLE READ a
concurrent change fails the statement with 40001 and the transaction is re-run (:mod:`.transaction`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

import psycopg

from omscore.adapters.postgres.database import PostgresDatabase
from omscore.adapters.postgres.errors import DEADLOCK_DETECTED, SERIALIZATION_FAILURE, is_connection_lost, translate
from omscore.adapters.postgres.session import Session, check_tenant
from omscore.adapters.postgres.transaction import Query, Row
from omscore.domain.errors import InvalidInput, InvalidQuantity, TransientError
from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.inventory import (
    Reservation,
    ReservationLine,
    ReserveOutcome,
    Shortage,
    StockKey,
    StockLevel,
    check_key,
)


def _level(row: Row) -> StockLevel:
    return StockLevel(LocationId(row[0]), SkuCode(row[1]), int(row[2]), int(row[3]), int(row[4]))


_RESERVE = "SELECT outcome, location, sku, requested, available FROM omscore.reserve(%s, %s, %s, %s, %s, %s)"
_RESERVE_ONE = "SELECT outcome, available FROM omscore.reserve_one(%s, %s, %s, %s, %s, %s)"


def _one_outcome(key: str, line: ReservationLine, rows: list[Row]) -> ReserveOutcome:
    outcome, available = rows[0]
    if outcome == "short":
        shortage = Shortage(line.location, line.sku, line.quantity, int(available))
        return ReserveOutcome(key, ok=False, shortages=(shortage,))
    return ReserveOutcome(key, ok=True, repeated=outcome == "repeated")


def _outcome(key: str, rows: list[Row]) -> ReserveOutcome:
    if rows and rows[0][0] == "repeated":
        return ReserveOutcome(key, ok=True, repeated=True)
    if rows and rows[0][0] == "reserved":
        return ReserveOutcome(key, ok=True)
    shortages = tuple(
        Shortage(LocationId(row[1]), SkuCode(row[2]), int(row[3]), int(row[4])) for row in rows if row[0] == "short"
    )
    return ReserveOutcome(key, ok=False, shortages=shortages)


def _check_count(field: str, value: int, minimum: int) -> int:
    if type(value) is not int or value < minimum:
        kind = "positive" if minimum > 0 else "non-negative"
        raise InvalidQuantity(field, value, f"must be a {kind} integer")
    return value


class PostgresInventoryStore:
    """The :class:`~omscore.ports.inventory.InventoryStore` of a PostgreSQL unit of work."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def level(self, location: LocationId, sku: SkuCode) -> StockLevel:
        """The current level; an unknown key reads as all zeros."""
        row = self._session.one(
            "SELECT location, sku, on_hand, reserved, safety FROM omscore.stock"
            " WHERE tenant = %s AND location = %s AND sku = %s",
            (self._session.tenant, location, sku),
        )
        return _level(row) if row is not None else StockLevel(location, sku)

    def levels(self, keys: Iterable[StockKey]) -> dict[StockKey, StockLevel]:
        """Levels for many keys at once (unknown keys read as zeros)."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        rows = self._session.execute(
            "SELECT location, sku, on_hand, reserved, safety FROM omscore.stock"
            " WHERE tenant = %s AND (location, sku) IN (SELECT * FROM unnest(%s::text[], %s::text[]))",
            (self._session.tenant, [k[0] for k in wanted], [k[1] for k in wanted]),
        )
        found = {(level.location, level.sku): level for level in map(_level, rows)}
        return {key: found.get(key, StockLevel(key[0], key[1])) for key in wanted}

    def levels_of_sku(self, sku: SkuCode) -> list[StockLevel]:
        """Every stored level of ``sku``, sorted by location id."""
        rows = self._session.execute(
            "SELECT location, sku, on_hand, reserved, safety FROM omscore.stock"
            " WHERE tenant = %s AND sku = %s ORDER BY location",
            (self._session.tenant, sku),
        )
        return [_level(row) for row in rows]

    def all_levels(self) -> list[StockLevel]:
        """Every stored level, sorted by (location, SKU)."""
        rows = self._session.execute(
            "SELECT location, sku, on_hand, reserved, safety FROM omscore.stock"
            " WHERE tenant = %s ORDER BY location, sku",
            (self._session.tenant,),
        )
        return [_level(row) for row in rows]

    def receive(self, location: LocationId, sku: SkuCode, quantity: int) -> StockLevel:
        """Add ``quantity`` (> 0) units to on hand (a goods receipt).

        Raises:
            InvalidQuantity: ``quantity`` is not a positive integer.
        """
        _check_count("quantity", quantity, 1)
        row = self._session.one(
            "INSERT INTO omscore.stock AS s (tenant, location, sku, on_hand) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (tenant, location, sku) DO UPDATE SET on_hand = s.on_hand + excluded.on_hand"
            " RETURNING location, sku, on_hand, reserved, safety",
            (self._session.tenant, location, sku, quantity),
            lock_first=self._session.stock_lock_keys([(location, sku)]),
        )
        assert row is not None
        return _level(row)

    def adjust(self, location: LocationId, sku: SkuCode, delta: int) -> StockLevel:
        """Change on hand by ``delta`` (a stock count correction).

        Raises:
            InvalidQuantity: the result would be negative or below ``reserved + safety``.
        """
        if type(delta) is not int:
            raise InvalidQuantity("delta", delta, "must be an integer")
        if delta >= 0:
            row = self._session.one(
                "INSERT INTO omscore.stock AS s (tenant, location, sku, on_hand) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (tenant, location, sku) DO UPDATE SET on_hand = s.on_hand + excluded.on_hand"
                " RETURNING location, sku, on_hand, reserved, safety",
                (self._session.tenant, location, sku, delta),
                lock_first=self._session.stock_lock_keys([(location, sku)]),
            )
        else:
            row = self._session.one(
                "UPDATE omscore.stock SET on_hand = on_hand + %s"
                " WHERE tenant = %s AND location = %s AND sku = %s AND on_hand + %s - reserved - safety >= 0"
                " RETURNING location, sku, on_hand, reserved, safety",
                (delta, self._session.tenant, location, sku, delta),
                lock_first=self._session.stock_lock_keys([(location, sku)]),
            )
        if row is None:
            current = self.level(location, sku)
            raise InvalidQuantity(
                "delta",
                delta,
                f"on hand {current.on_hand} would fall below reserved {current.reserved} + safety {current.safety}",
            )
        return _level(row)

    def set_safety(self, location: LocationId, sku: SkuCode, safety: int) -> StockLevel:
        """Set the safety stock (≥ 0).

        Raises:
            InvalidQuantity: negative, or it would push available below zero.
        """
        _check_count("safety", safety, 0)
        row = self._session.one(
            "UPDATE omscore.stock SET safety = %s"
            " WHERE tenant = %s AND location = %s AND sku = %s AND on_hand - reserved - %s >= 0"
            " RETURNING location, sku, on_hand, reserved, safety",
            (safety, self._session.tenant, location, sku, safety),
            lock_first=self._session.stock_lock_keys([(location, sku)]),
        )
        if row is not None:
            return _level(row)
        current = self.level(location, sku)
        if safety == 0:
            return current
        raise InvalidQuantity(
            "safety",
            safety,
            f"available would fall below zero (on hand {current.on_hand}, reserved {current.reserved})",
        )

    def reserve(self, key: str, lines: Sequence[ReservationLine]) -> ReserveOutcome:
        """Reserve every line under ``key``, or nothing (one call of ``omscore.reserve``).

        Returns:
            ``ok`` with no shortages (``repeated`` when the key already held a reservation), or not ``ok``
            with every (location, SKU) that fell short, sorted.

        Raises:
            InvalidInput: empty ``key`` or no lines.
        """
        check_key(key)
        if not lines:
            raise InvalidInput("lines", list(lines), "a reservation needs at least one line")
        if len(lines) == 1:
            line = lines[0]
            rows = self._session.execute(
                _RESERVE_ONE,
                (self._session.tenant, key, line.location, line.sku, line.quantity, line.ref),
                lock_first=self._session.stock_lock_keys([(line.location, line.sku)]),
            )
            return _one_outcome(key, line, rows)
        rows = self._session.execute(
            _RESERVE,
            (
                self._session.tenant,
                key,
                [line.location for line in lines],
                [line.sku for line in lines],
                [line.quantity for line in lines],
                [line.ref for line in lines],
            ),
            lock_first=self._session.stock_lock_keys((line.location, line.sku) for line in lines),
        )
        return _outcome(key, rows)

    def release(self, key: str, ref: str | None = None) -> int:
        """Release what ``key`` holds (only the lines of ``ref`` when given). Idempotent; returns the units
        released (0 on a repeat)."""
        return self._settle(key, ref, consume=False)

    def consume(self, key: str, ref: str) -> int:
        """Ship the lines of ``ref`` under ``key``: they leave on hand and reserved together. Idempotent;
        returns the units consumed (0 on a repeat)."""
        return self._settle(key, ref, consume=True)

    def _settle(self, key: str, ref: str | None, *, consume: bool) -> int:
        check_key(key)
        row = self._session.one("SELECT omscore.settle(%s, %s, %s, %s)", (self._session.tenant, key, ref, consume))
        return int(row[0]) if row is not None else 0

    def reservation(self, key: str) -> Reservation | None:
        """What ``key`` holds now, lines sorted, or ``None`` when nothing."""
        rows = self._session.execute(
            "SELECT location, sku, quantity, ref FROM omscore.reservation_lines"
            " WHERE tenant = %s AND key = %s ORDER BY location, sku, quantity, ref",
            (self._session.tenant, key),
        )
        if not rows:
            return None
        lines = tuple(sorted(ReservationLine(LocationId(r[0]), SkuCode(r[1]), int(r[2]), r[3]) for r in rows))
        return Reservation(key, lines)

    def reservation_keys(self) -> list[str]:
        """Keys that hold at least one line, sorted."""
        rows = self._session.execute(
            "SELECT DISTINCT key FROM omscore.reservation_lines WHERE tenant = %s ORDER BY key",
            (self._session.tenant,),
        )
        return [row[0] for row in rows]


def reserve_at_once(db: PostgresDatabase, tenant: str, key: str, lines: Sequence[ReservationLine]) -> ReserveOutcome:
    """Reserve in a transaction of its own: one statement, one round trip, committed when it returns.

    The same all-or-nothing, idempotent reserve as :meth:`PostgresInventoryStore.reserve` followed by a
    commit, for callers that reserve and change nothing else in the same transaction (a flash-sale or
    live-stream front, a batch router): it spares the ``BEGIN`` and ``COMMIT`` round trips, and the hot row is
    locked only while the server runs the statement. A serialization failure or deadlock rolls the statement
    back and it is run again (bounded, with back-off); a connection lost while it ran is not retried, because
    the statement may have committed. The statement runs at the connection's default isolation level (READ
    COMMITTED unless the host changed it): one statement needs no more.

    Args:
        db: the database.
        tenant: the tenant the reservation belongs to.
        key: the reservation's idempotency key.
        lines: the lines to reserve.

    Returns:
        the outcome, as :meth:`PostgresInventoryStore.reserve` returns it.

    Raises:
        InvalidInput: blank tenant or key, or no lines.
        LockTimeout: a lock was not granted in time.
        TransientError: retries ran out, or the connection was lost (the outcome is then unknown).
    """
    check_tenant(tenant)
    check_key(key)
    if not lines:
        raise InvalidInput("lines", list(lines), "a reservation needs at least one line")
    single = lines[0] if len(lines) == 1 else None
    if single is not None:
        query: Query = _RESERVE_ONE
        params: tuple[object, ...] = (tenant, key, single.location, single.sku, single.quantity, single.ref)
    else:
        query = _RESERVE
        params = (
            tenant,
            key,
            [ln.location for ln in lines],
            [ln.sku for ln in lines],
            [ln.quantity for ln in lines],
            [ln.ref for ln in lines],
        )
    pool, attempt = db.pool, 0
    while True:
        try:
            conn = pool.acquire()
        except psycopg.Error as exc:
            raise translate(exc) from exc
        try:
            rows = conn.execute(query, params).fetchall()
        except psycopg.Error as exc:
            if is_connection_lost(exc):
                pool.discard(conn)
                raise TransientError("the connection was lost during the reserve; the outcome is unknown") from exc
            pool.release(conn)
            if exc.sqlstate not in (SERIALIZATION_FAILURE, DEADLOCK_DETECTED) or attempt >= db.retry.max_retries:
                raise translate(exc) from exc
            time.sleep(db.retry.delay(attempt))
            attempt += 1
            continue
        pool.release(conn)
        return _one_outcome(key, single, rows) if single is not None else _outcome(key, rows)
