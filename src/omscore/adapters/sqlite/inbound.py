"""Expected stock in SQLite, the units promised counted only by guarded relative statements.

A promise is, in one ``BEGIN IMMEDIATE`` transaction (no other writer in any process runs meanwhile):

    UPDATE inbound_receipts SET promised = promised + :n
     WHERE <the receipt> AND arrived = 0 AND promised + :n <= quantity AND <the order holds no promise on it>

then, when that changed the row, the promise row. A statement that changes nothing means "unknown, arrived or
too short", or a repeat, told apart by looking for the promise. A release deletes the order's promises
(``DELETE … RETURNING``) and takes their units off the receipts by relative UPDATEs, in receipt id order; an
arrival flags the receipt and takes off the sum of its promises in one UPDATE, then deletes them. No count is
read and written back, and every count equals the sum of the promises on its receipt.
"""

from __future__ import annotations

import datetime

from omscore.adapters.sqlite.session import Session
from omscore.domain.identity import LocationId, SkuCode, check_id
from omscore.domain.inbound import ExpectedReceipt, check_units, check_update

# ?1 tenant, ?2 id, ?3 location, ?4 sku, ?5 kind, ?6 quantity, ?7 expected on.
_EXPECT = (
    "INSERT INTO inbound_receipts (tenant, id, location, sku, kind, quantity, expected_on)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (tenant, id) DO UPDATE SET"
    " kind = excluded.kind, quantity = excluded.quantity, expected_on = excluded.expected_on"
    " WHERE location = excluded.location AND sku = excluded.sku AND arrived = 0 AND promised <= excluded.quantity"
)
_STORED = "SELECT location, sku, promised FROM inbound_receipts WHERE tenant = ? AND id = ?"
_GET = "SELECT id, location, sku, quantity, expected_on, kind FROM inbound_receipts WHERE tenant = ? AND id = ?"
_OPEN_FOR = (
    "SELECT id, location, sku, quantity, expected_on, kind FROM inbound_receipts INDEXED BY inbound_receipts_open"
    " WHERE tenant = ? AND location = ? AND sku = ? AND arrived = 0 ORDER BY expected_on, id"
)
_PROMISED = "SELECT promised FROM inbound_receipts WHERE tenant = ? AND id = ?"
# ?1 tenant, ?2 receipt, ?3 order key, ?4 units.
_COUNT_PROMISE = (
    "UPDATE inbound_receipts SET promised = promised + ?4"
    " WHERE tenant = ?1 AND id = ?2 AND arrived = 0 AND promised + ?4 <= quantity"
    " AND NOT EXISTS (SELECT 1 FROM inbound_promises WHERE tenant = ?1 AND order_key = ?3 AND receipt_id = ?2)"
)
_PROMISE = "INSERT INTO inbound_promises (tenant, receipt_id, order_key, units) VALUES (?, ?, ?, ?)"
_HELD = "SELECT 1 FROM inbound_promises WHERE tenant = ? AND order_key = ? AND receipt_id = ?"
_RELEASE = "DELETE FROM inbound_promises WHERE tenant = ? AND order_key = ? RETURNING receipt_id, units"
_UNCOUNT = "UPDATE inbound_receipts SET promised = promised - ? WHERE tenant = ? AND id = ?"
_PROMISES_OF = "SELECT receipt_id, units FROM inbound_promises WHERE tenant = ? AND order_key = ? ORDER BY receipt_id"
# ?1 tenant, ?2 receipt.
_ARRIVE = (
    "UPDATE inbound_receipts SET arrived = 1, promised = promised"
    " - (SELECT coalesce(sum(units), 0) FROM inbound_promises WHERE tenant = ?1 AND receipt_id = ?2)"
    " WHERE tenant = ?1 AND id = ?2 AND arrived = 0"
)
_END_PROMISES = "DELETE FROM inbound_promises WHERE tenant = ? AND receipt_id = ? RETURNING order_key"


def _receipt(row: tuple[str, str, str, int, str, str]) -> ExpectedReceipt:
    receipt_id, location, sku, quantity, expected_on, kind = row
    return ExpectedReceipt(
        receipt_id, LocationId(location), SkuCode(sku), int(quantity), datetime.date.fromisoformat(expected_on), kind
    )


class SqliteInboundStock:
    """:class:`~omscore.ports.inbound.InboundStock` over one unit of work's session.

    Args:
        session: the unit of work's session.
    """

    __slots__ = ("_session",)

    def __init__(self, session: Session) -> None:
        self._session = session

    def expect(self, receipt: ExpectedReceipt) -> None:
        """Record ``receipt``, or update the open receipt of its id; an arrived receipt stays as it was.

        Raises:
            InvalidInput: the id is expected at another location or for another SKU (the field is named).
            InvalidQuantity: the new quantity is below the units already promised.
        """
        session = self._session
        tenant = session.tenant
        values = (receipt.location, receipt.sku, str(receipt.kind), receipt.quantity, receipt.expected_on.isoformat())
        if session.execute(_EXPECT, (tenant, receipt.id, *values)).rowcount == 1:
            return
        location, sku, promised = session.query(_STORED, (tenant, receipt.id)).fetchone()
        check_update(receipt, location, sku, int(promised))  # otherwise it arrived: nothing changes

    def get(self, receipt_id: str) -> ExpectedReceipt | None:
        """The receipt as last expected; ``None`` when never expected.

        Raises:
            InvalidInput: a blank ``receipt_id``.
        """
        row = self._session.query(_GET, (self._session.tenant, check_id("receipt_id", receipt_id))).fetchone()
        return None if row is None else _receipt(row)

    def open_for(self, location: LocationId, sku: SkuCode) -> list[ExpectedReceipt]:
        """The receipts of ``sku`` at ``location`` not arrived yet, by (``expected_on``, id).

        Raises:
            InvalidInput: a blank ``location`` or ``sku``.
        """
        params = (self._session.tenant, check_id("location", location), check_id("sku", sku))
        return [_receipt(row) for row in self._session.query(_OPEN_FOR, params)]

    def promised(self, receipt_id: str) -> int:
        """Units of the receipt promised now; 0 when unknown or arrived.

        Raises:
            InvalidInput: a blank ``receipt_id``.
        """
        row = self._session.query(_PROMISED, (self._session.tenant, check_id("receipt_id", receipt_id))).fetchone()
        return 0 if row is None else int(row[0])

    def promise(self, order_key: str, receipt_id: str, units: int) -> bool:
        """Promise ``units`` of an open receipt to ``order_key`` if they fit; a repeat changes nothing.

        Returns:
            ``True`` when the order holds a promise on the receipt now, ``False`` when it is unknown, arrived or
            too short.

        Raises:
            InvalidInput: a blank ``order_key`` or ``receipt_id``.
            InvalidQuantity: ``units`` is not a positive integer.
        """
        check_id("order_key", order_key)
        check_id("receipt_id", receipt_id)
        check_units("units", units)
        session = self._session
        tenant = session.tenant
        if session.execute(_COUNT_PROMISE, (tenant, receipt_id, order_key, units)).rowcount != 1:
            return session.query(_HELD, (tenant, order_key, receipt_id)).fetchone() is not None
        session.execute(_PROMISE, (tenant, receipt_id, order_key, units))
        return True

    def release(self, order_key: str) -> int:
        """Give back every promise ``order_key`` holds.

        Returns:
            The units given back; 0 when it held nothing (a repeat).

        Raises:
            InvalidInput: a blank ``order_key``.
        """
        session = self._session
        tenant = session.tenant
        gone = sorted(session.execute(_RELEASE, (tenant, check_id("order_key", order_key))).fetchall())
        if gone:
            session.executemany(_UNCOUNT, [(units, tenant, receipt_id) for receipt_id, units in gone])
        return sum(int(units) for _, units in gone)

    def promises_of(self, order_key: str) -> dict[str, int]:
        """Units ``order_key`` holds per receipt, by receipt id.

        Raises:
            InvalidInput: a blank ``order_key``.
        """
        rows = self._session.query(_PROMISES_OF, (self._session.tenant, check_id("order_key", order_key)))
        return {receipt_id: int(units) for receipt_id, units in rows}

    def arrive(self, receipt_id: str) -> tuple[str, ...]:
        """Mark the receipt arrived and end the promises made from it.

        Returns:
            The order keys that held them, ascending; ``()`` for a repeat or an unknown id.

        Raises:
            InvalidInput: a blank ``receipt_id``.
        """
        session = self._session
        key = (session.tenant, check_id("receipt_id", receipt_id))
        if session.execute(_ARRIVE, key).rowcount != 1:
            return ()
        return tuple(sorted(order_key for (order_key,) in session.execute(_END_PROMISES, key).fetchall()))
