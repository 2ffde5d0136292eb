"""The outbox relay: hands committed events to a sink, at least once, in commit order.

The relay works over any :data:`~omscore.ports.unit_of_work.UnitOfWorkFactory`, so every storage adapter
shares it. One round reads up to ``batch_size`` undelivered records in one unit of work (and leaves it at
once, so no lock is held while the sink works), hands them to the sink one by one in id order, then marks the
ones the sink accepted as delivered in a second unit of work.

At least once: a record is marked only after the sink returned for it, so a crash (or a failed mark) between
the two makes the record come back in a later round. Give the sink idempotent effects (e.g. a processed-ids
table in the consumer). Once a record is marked it never comes back. If the sink raises, the records before
the failing one are still marked and the error propagates; the failing one is tried again next round.

Run one relay per tenant and store. Two relays over the same outbox stay correct (at least once) but deliver
some records twice.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from omscore.domain.errors import InvalidInput, PersistenceError, TransientError
from omscore.ports.outbox import OutboxRecord
from omscore.ports.unit_of_work import UnitOfWorkFactory

__all__ = ["OutboxRelay", "Sink"]

_T = TypeVar("_T")

Sink = Callable[[OutboxRecord], None]
"""Takes one record; returns when it has been handed on (published, applied). Raises to refuse it."""


class OutboxRelay:
    """Delivers a tenant's outbox records to ``sink`` and marks them delivered.

    Args:
        uow_factory: makes units of work of the tenant whose outbox is relayed.
        sink: called with each record, in id order.
        batch_size: the most records read per round.
        attempts: how often reading or marking is tried when storage reports a transient fault.

    Raises:
        InvalidInput: ``batch_size`` or ``attempts`` is not a positive integer.
    """

    def __init__(
        self, uow_factory: UnitOfWorkFactory, sink: Sink, *, batch_size: int = 100, attempts: int = 10
    ) -> None:
        if type(batch_size) is not int or batch_size < 1:
            raise InvalidInput("batch_size", batch_size, "must be a positive integer")
        if type(attempts) is not int or attempts < 1:
            raise InvalidInput("attempts", attempts, "must be a positive integer")
        self._uow_factory = uow_factory
        self._sink = sink
        self.batch_size = batch_size
        self.attempts = attempts

    def deliver_once(self) -> int:
        """One round: read a batch, deliver it in id order, mark what was delivered.

        Returns:
            How many records were delivered and marked (0 when nothing was waiting).

        Raises:
            Exception: whatever the sink raised (after marking the records delivered before it).
            PersistenceError: reading or marking failed; records delivered but not marked come back later.
        """
        records = self._retrying(self._read)
        delivered: list[int] = []
        try:
            for record in records:
                self._sink(record)
                delivered.append(record.id)
        except BaseException:
            if delivered:
                # The sink's error is the one to report; unmarked records simply come back next round.
                with contextlib.suppress(PersistenceError):
                    self._mark(delivered)
            raise
        if delivered:
            self._mark(delivered)
        return len(delivered)

    def drain(self) -> int:
        """Deliver rounds until nothing is waiting.

        Returns:
            How many records were delivered.

        Raises:
            Exception: as :meth:`deliver_once`.
        """
        total = 0
        while count := self.deliver_once():
            total += count
        return total

    def run(self, stop: threading.Event, *, idle_seconds: float = 0.05) -> int:
        """Tail the outbox until ``stop`` is set, then deliver what is left.

        Args:
            stop: set it (from another thread) to end the loop.
            idle_seconds: pause after a round that found nothing.

        Returns:
            How many records were delivered.

        Raises:
            Exception: as :meth:`deliver_once`.
        """
        total = 0
        while not stop.is_set():
            count = self.deliver_once()
            total += count
            if count == 0:
                stop.wait(idle_seconds)
        return total + self.drain()

    def _read(self) -> list[OutboxRecord]:
        with self._uow_factory() as uow:
            return uow.outbox.undelivered(self.batch_size)

    def _mark(self, ids: Sequence[int]) -> None:
        def mark() -> None:
            with self._uow_factory() as uow:
                uow.outbox.mark_delivered(ids)
                uow.commit()

        self._retrying(mark)

    def _retrying(self, action: Callable[[], _T]) -> _T:
        for attempt in range(self.attempts):
            try:
                return action()
            except TransientError:
                if attempt + 1 == self.attempts:
                    raise
                time.sleep(min(0.001 * 2**attempt, 0.1))
        raise AssertionError("unreachable")  # pragma: no cover
