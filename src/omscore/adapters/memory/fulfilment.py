"""A recording fake of :class:`~omscore.ports.fulfilment.FulfilmentGateway` for tests and demos."""

from __future__ import annotations

import threading
from typing import Literal

from omscore.adapters.memory._cloning import clone_shipment
from omscore.adapters.memory._failures import FailurePlan
from omscore.domain.identity import ShipmentId
from omscore.domain.shipment import Shipment
from omscore.ports.fulfilment import InterceptResult

FulfilmentOperation = Literal["send", "intercept"]


class RecordingFulfilmentGateway:
    """Accepts shipments and interceptions and records them; thread-safe.

    A shipment marked with :meth:`mark_left` answers ``TOO_LATE`` to an interception; any other answers
    ``INTERCEPTED``. Each shipment keeps the first answer it got, so asking again gives the same one.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures = FailurePlan(("send", "intercept"))
        self._left: set[ShipmentId] = set()
        self._answers: dict[ShipmentId, InterceptResult] = {}
        self.send_calls: list[ShipmentId] = []
        """Every accepted ``send`` call, in order (repeats included)."""
        self.sent: dict[ShipmentId, Shipment] = {}
        """Each shipment as it was first sent, in the order first sent."""
        self.intercept_calls: list[tuple[ShipmentId, InterceptResult]] = []
        """Every accepted ``intercept`` call and its answer, in order."""

    def mark_left(self, *shipment_ids: ShipmentId) -> None:
        """Pretend the parcels of some shipments already left their location.

        Args:
            shipment_ids: the shipments; an interception of one not yet asked about answers ``TOO_LATE``.
        """
        with self._lock:
            self._left.update(shipment_ids)

    def fail_next(self, count: int = 1, operation: FulfilmentOperation | None = None) -> None:
        """Make the next ``count`` calls (of ``operation``, or of any operation) raise ``TransientError``.

        Args:
            count: how many calls fail.
            operation: ``send`` or ``intercept``; ``None`` for whichever comes.

        Raises:
            InvalidInput: ``count`` is negative or ``operation`` unknown.
        """
        with self._lock:
            self._failures.add(count, operation)

    @property
    def failed_calls(self) -> list[str]:
        """The operation names of the calls that failed on purpose, in order."""
        with self._lock:
            return list(self._failures.failed)

    def send(self, shipment: Shipment) -> None:
        """Accept ``shipment``; a repeat is recorded as a call and changes nothing else.

        Raises:
            TransientError: a failure planned with :meth:`fail_next`.
        """
        with self._lock:
            self._failures.check("send")
            self.send_calls.append(shipment.id)
            if shipment.id not in self.sent:
                self.sent[shipment.id] = clone_shipment(shipment)

    def intercept(self, shipment: Shipment) -> InterceptResult:
        """``TOO_LATE`` for a shipment marked as left, else ``INTERCEPTED``; the first answer sticks.

        Raises:
            TransientError: a failure planned with :meth:`fail_next`.
        """
        with self._lock:
            self._failures.check("intercept")
            answer = self._answers.get(shipment.id)
            if answer is None:
                left = shipment.id in self._left
                answer = InterceptResult.TOO_LATE if left else InterceptResult.INTERCEPTED
                self._answers[shipment.id] = answer
            self.intercept_calls.append((shipment.id, answer))
            return answer
