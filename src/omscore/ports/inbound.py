"""Expected stock (预计到货): receipts on their way, and the units of them promised to orders."""

from __future__ import annotations

from typing import Protocol

from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.inbound import ExpectedReceipt


class InboundStock(Protocol):
    """Expected receipts (purchase orders, ASNs) and the promises orders hold on them.

    A receipt is *open* from the first :meth:`expect` until :meth:`arrive`; only an open receipt takes
    promises. Each promise is a number of units of one receipt held by one order key, at most one promise per
    (order key, receipt).

    Invariant kept against every interleaving of workers and processes: the units promised from a receipt never
    exceed its quantity, and always equal the sum of the promises held on it. Implementations change the count
    only by a guarded relative update (``promised = promised + n WHERE promised + n <= quantity``) or under a
    row lock, never by a value read earlier and written back. Everything is scoped to the unit of work's tenant,
    and committed or rolled back with it.

    Ordering: every change locks the receipt before the promises on it, and :meth:`release` locks the receipts
    of an order in ascending id order, so changes in separate units of work do not deadlock one another; a unit
    of work that promises from several receipts should promise in ascending receipt id order.
    """

    def expect(self, receipt: ExpectedReceipt) -> None:
        """Record that ``receipt`` is on its way, or update its quantity, date and kind.

        Idempotent by id: expecting the same receipt again changes nothing; expecting an open receipt with a new
        quantity, ``expected_on`` or kind updates it. A receipt that has arrived stays arrived: expecting it
        again changes nothing (a replayed notice cannot reopen it).

        Args:
            receipt: the receipt.

        Raises:
            InvalidInput: a receipt of this id is expected at another location (field ``location``) or for
                another SKU (field ``sku``); nothing changed.
            InvalidQuantity: the new quantity is below the units already promised from the receipt (field
                ``quantity``); nothing changed.
            UnitOfWorkClosed: outside an open unit of work.
            TransientError: the storage could not decide now; the unit of work may be retried.
        """
        ...

    def get(self, receipt_id: str) -> ExpectedReceipt | None:
        """The receipt as last expected, open or arrived; ``None`` for an id never expected.

        Raises:
            InvalidInput: a blank ``receipt_id``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        ...

    def open_for(self, location: LocationId, sku: SkuCode) -> list[ExpectedReceipt]:
        """The receipts of ``sku`` at ``location`` that have not arrived, by (``expected_on``, id): the order in
        which they are due, ties broken by id.

        Raises:
            InvalidInput: a blank ``location`` or ``sku``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        ...

    def promised(self, receipt_id: str) -> int:
        """Units of the receipt promised to orders now; 0 for an unknown or arrived receipt.

        Raises:
            InvalidInput: a blank ``receipt_id``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        ...

    def promise(self, order_key: str, receipt_id: str, units: int) -> bool:
        """Promise ``units`` of an open receipt to order ``order_key``, all or nothing.

        The promise is made when the receipt is open and its units promised plus ``units`` are at most its
        quantity; otherwise nothing changes. Idempotent per (order key, receipt): when the order already holds a
        promise on the receipt, nothing changes and the result is ``True`` (the first promise stands, whatever
        the units of the repeat). An order whose promise was released may be promised again, so callers must not
        replay a promise after a release.

        Args:
            order_key: the order (or order line) the units go to.
            receipt_id: the receipt they come from.
            units: how many (≥ 1).

        Returns:
            ``True`` when the order holds a promise on the receipt now; ``False`` for an unknown or arrived
            receipt, or when the promise would exceed the receipt's quantity.

        Raises:
            InvalidInput: a blank ``order_key`` or ``receipt_id``.
            InvalidQuantity: ``units`` is not a positive integer.
            UnitOfWorkClosed: outside an open unit of work.
            TransientError: the storage could not decide now; the unit of work may be retried.
        """
        ...

    def release(self, order_key: str) -> int:
        """Give back every promise order ``order_key`` holds (its order was cancelled, or got stock on hand):
        the units are free to promise to other orders.

        Idempotent: a second release, or one for an order that holds nothing, returns 0.

        Returns:
            The units given back, over all receipts.

        Raises:
            InvalidInput: a blank ``order_key``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        ...

    def promises_of(self, order_key: str) -> dict[str, int]:
        """The units order ``order_key`` holds on each receipt, by receipt id in ascending order; empty when it
        holds none.

        Raises:
            InvalidInput: a blank ``order_key``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        ...

    def arrive(self, receipt_id: str) -> tuple[str, ...]:
        """Mark the receipt arrived: it is no longer open and takes no new promises, and the promises made from
        it end (the goods are stock on hand now; booking them in is the inventory's business).

        Idempotent: a second call, or one for an id never expected, changes nothing and returns ``()``.

        Returns:
            The order keys that held promises on the receipt, ascending, so the caller can serve them from stock.

        Raises:
            InvalidInput: a blank ``receipt_id``.
            UnitOfWorkClosed: outside an open unit of work.
            TransientError: the storage could not decide now; the unit of work may be retried.
        """
        ...
