"""Expected stock in PostgreSQL.

A promise, a release and an arrival are one call each of a server-side function (``omscore.promise_inbound``,
``omscore.release_inbound``, ``omscore.arrive_inbound`` in the schema), so a receipt's row is locked for one
round trip. Each locks the receipt row before it touches the promises on it (a release locks the order's
receipts in id order), and counts by guarded relative updates (``promised = promised + n WHERE promised + n <=
quantity``). An expect is one guarded upsert; only when it changes nothing is the stored row read, to name
what refused it. At READ COMMITTED PostgreSQL re-checks a guard against the newest version of a row it waited
for; at REPEATABLE READ and SERIALIZABLE a concurrent change fails the statement with 40001 and the transaction
is re-run (:mod:`.transaction`), as are deadlocks.
"""

from __future__ import annotations

from omscore.adapters.postgres.session import Session
from omscore.adapters.postgres.transaction import Row
from omscore.domain.identity import LocationId, SkuCode, check_id
from omscore.domain.inbound import ExpectedReceipt, check_units, check_update

_EXPECT = (
    "INSERT INTO omscore.inbound_receipts AS r (tenant, id, location, sku, kind, quantity, expected_on)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (tenant, id) DO UPDATE SET"
    " kind = excluded.kind, quantity = excluded.quantity, expected_on = excluded.expected_on"
    " WHERE r.location = excluded.location AND r.sku = excluded.sku AND NOT r.arrived"
    " AND r.promised <= excluded.quantity"
    " RETURNING true"
)
_STORED = "SELECT location, sku, promised FROM omscore.inbound_receipts WHERE tenant = %s AND id = %s"
_GET = (
    "SELECT id, location, sku, quantity, expected_on, kind FROM omscore.inbound_receipts WHERE tenant = %s AND id = %s"
)
_OPEN_FOR = (
    "SELECT id, location, sku, quantity, expected_on, kind FROM omscore.inbound_receipts"
    " WHERE tenant = %s AND location = %s AND sku = %s AND NOT arrived ORDER BY expected_on, id"
)
_PROMISED = "SELECT promised FROM omscore.inbound_receipts WHERE tenant = %s AND id = %s"
_PROMISE = "SELECT omscore.promise_inbound(%s, %s, %s, %s)"
_RELEASE = "SELECT omscore.release_inbound(%s, %s)"
_PROMISES_OF = (
    "SELECT receipt_id, units FROM omscore.inbound_promises WHERE tenant = %s AND order_key = %s ORDER BY receipt_id"
)
_ARRIVE = "SELECT omscore.arrive_inbound(%s, %s)"


def _receipt(row: Row) -> ExpectedReceipt:
    receipt_id, location, sku, quantity, expected_on, kind = row
    return ExpectedReceipt(receipt_id, LocationId(location), SkuCode(sku), int(quantity), expected_on, kind)


class PostgresInboundStock:
    """The :class:`~omscore.ports.inbound.InboundStock` of a PostgreSQL unit of work."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def expect(self, receipt: ExpectedReceipt) -> None:
        """Record ``receipt``, or update the open receipt of its id; an arrived receipt stays as it was.

        Raises:
            InvalidInput: the id is expected at another location or for another SKU (the field is named).
            InvalidQuantity: the new quantity is below the units already promised.
            LockTimeout: the receipt stayed locked past the lock timeout.
        """
        session = self._session
        tenant = session.tenant
        params = (
            tenant,
            receipt.id,
            receipt.location,
            receipt.sku,
            str(receipt.kind),
            receipt.quantity,
            receipt.expected_on,
        )
        if session.one(_EXPECT, params, lock_first=session.inbound_lock_keys(receipt.id)) is not None:
            return
        stored = session.one(_STORED, (tenant, receipt.id))
        assert stored is not None  # the upsert found the row (and locked it)
        check_update(receipt, stored[0], stored[1], int(stored[2]))  # otherwise it arrived: nothing changes

    def get(self, receipt_id: str) -> ExpectedReceipt | None:
        """The receipt as last expected; ``None`` when never expected.

        Raises:
            InvalidInput: a blank ``receipt_id``.
        """
        row = self._session.one(_GET, (self._session.tenant, check_id("receipt_id", receipt_id)))
        return None if row is None else _receipt(row)

    def open_for(self, location: LocationId, sku: SkuCode) -> list[ExpectedReceipt]:
        """The receipts of ``sku`` at ``location`` not arrived yet, by (``expected_on``, id).

        Raises:
            InvalidInput: a blank ``location`` or ``sku``.
        """
        params = (self._session.tenant, check_id("location", location), check_id("sku", sku))
        return [_receipt(row) for row in self._session.execute(_OPEN_FOR, params)]

    def promised(self, receipt_id: str) -> int:
        """Units of the receipt promised now; 0 when unknown or arrived.

        Raises:
            InvalidInput: a blank ``receipt_id``.
        """
        row = self._session.one(_PROMISED, (self._session.tenant, check_id("receipt_id", receipt_id)))
        return int(row[0]) if row is not None else 0

    def promise(self, order_key: str, receipt_id: str, units: int) -> bool:
        """Promise ``units`` of an open receipt to ``order_key`` if they fit; a repeat changes nothing.

        Returns:
            ``True`` when the order holds a promise on the receipt now, ``False`` when it is unknown, arrived or
            too short.

        Raises:
            InvalidInput: a blank ``order_key`` or ``receipt_id``.
            InvalidQuantity: ``units`` is not a positive integer.
            LockTimeout: the receipt stayed locked past the lock timeout.
            TransientError: retries ran out, or a re-run saw different data; retry the unit of work.
        """
        check_id("order_key", order_key)
        check_id("receipt_id", receipt_id)
        check_units("units", units)
        session = self._session
        row = session.one(
            _PROMISE,
            (session.tenant, order_key, receipt_id, units),
            lock_first=session.inbound_lock_keys(receipt_id),
        )
        return row is not None and row[0] != "refused"

    def release(self, order_key: str) -> int:
        """Give back every promise ``order_key`` holds.

        Returns:
            The units given back; 0 when it held nothing (a repeat).

        Raises:
            InvalidInput: a blank ``order_key``.
        """
        row = self._session.one(_RELEASE, (self._session.tenant, check_id("order_key", order_key)))
        return int(row[0]) if row is not None else 0

    def promises_of(self, order_key: str) -> dict[str, int]:
        """Units ``order_key`` holds per receipt, by receipt id.

        Raises:
            InvalidInput: a blank ``order_key``.
        """
        rows = self._session.execute(_PROMISES_OF, (self._session.tenant, check_id("order_key", order_key)))
        return {row[0]: int(row[1]) for row in rows}

    def arrive(self, receipt_id: str) -> tuple[str, ...]:
        """Mark the receipt arrived and end the promises made from it.

        Returns:
            The order keys that held them, ascending; ``()`` for a repeat or an unknown id.

        Raises:
            InvalidInput: a blank ``receipt_id``.
            LockTimeout: the receipt stayed locked past the lock timeout.
        """
        session = self._session
        check_id("receipt_id", receipt_id)
        row = session.one(_ARRIVE, (session.tenant, receipt_id), lock_first=session.inbound_lock_keys(receipt_id))
        return tuple(sorted(row[0])) if row is not None else ()
