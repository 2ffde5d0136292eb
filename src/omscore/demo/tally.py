"""The counters a run keeps while it goes: what was sent, what intake answered, what the pipeline and the
people did (:class:`Tally`), which orders were seen held and why (:class:`HoldLog`), and the payloads that
failed validation (:class:`MalformedLine`). :func:`omscore.demo.summary.summarise` turns them into the summary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import attrs

from omscore.app.intake import IntakeResult, IntakeStatus
from omscore.app.pipeline import OrderManagement, StageCounts
from omscore.boundary.payload import parse_platform_order
from omscore.domain.errors import InvalidInput
from omscore.domain.holds import HoldKind
from omscore.domain.identity import ExternalOrderRef, OrderId
from omscore.domain.inventory import StockKey
from omscore.domain.order_status import OrderStatus
from omscore.domain.platform_order import PlatformOrder, PlatformStatus


@attrs.frozen
class MalformedLine:
    """A payload that failed validation: where it was, and the typed error's field, value and reason."""

    number: int
    field: str
    value: Any
    reason: str

    @classmethod
    def of(cls, number: int, error: InvalidInput) -> MalformedLine:
        """The record of ``error`` at ``number``, its value made JSON-safe (bytes decoded, others as text)."""
        value = error.value
        if isinstance(value, bytes | bytearray):
            value = bytes(value).decode("utf-8", "replace")
        elif value is not None and not isinstance(value, str | int | float | bool):
            value = str(value)
        return cls(number, error.field, value, error.reason)


@attrs.define
class Tally:
    """Counters of a run: what arrived, what intake answered, what the pipeline and the people did.

    Attributes:
        acknowledged: every platform order intake took in (the ledger the audit checks for lost orders).
        supplied: units booked into each (location, SKU) by this run — initial stock and receipts.
    """

    deliveries: int = 0
    received: int = 0
    intake: Counter[IntakeStatus] = attrs.field(factory=Counter)
    cancels_too_late: int = 0
    changes_too_late: int = 0
    malformed: list[MalformedLine] = attrs.field(factory=list)
    allocations: int = 0
    releases: int = 0
    out_of_stock_routings: int = 0
    holds_lifted: int = 0
    failed_steps: int = 0
    holds_released: int = 0
    operator_cancels: int = 0
    confirmed_shipments: int = 0
    confirmed_deliveries: int = 0
    units_received: int = 0
    acknowledged: set[ExternalOrderRef] = attrs.field(factory=set)
    supplied: dict[StockKey, int] = attrs.field(factory=dict)

    def take_in(self, oms: OrderManagement, payload: Mapping[str, Any] | str | bytes) -> IntakeResult:
        """Validate and ingest one platform-order payload, count the answer, and note the platform order as
        acknowledged (the same as :meth:`~omscore.app.pipeline.OrderManagement.ingest_payload`, keeping the
        reference for the audit's ledger).

        Raises:
            InvalidInput: the payload is malformed or the order not acceptable; nothing of it was stored.
        """
        return self.take_in_order(oms, payload)[1]

    def take_in_order(
        self, oms: OrderManagement, payload: Mapping[str, Any] | str | bytes
    ) -> tuple[PlatformOrder, IntakeResult]:
        """:meth:`take_in`, returning the validated platform order too.

        Raises:
            InvalidInput: the payload is malformed or the order not acceptable; nothing of it was stored.
        """
        self.deliveries += 1
        po = parse_platform_order(payload)
        known = po.status is PlatformStatus.CANCELLED and oms.order_by_ref(po.ref) is not None
        result = oms.ingest(po)
        self.intake[result.status] += 1
        if result.status is IntakeStatus.CREATED or (result.status is IntakeStatus.CANCELLED and not known):
            self.received += 1
        self.acknowledged.add(po.ref)
        if result.status is IntakeStatus.TOO_LATE:
            if po.status is PlatformStatus.CANCELLED:
                self.cancels_too_late += 1
            else:
                self.changes_too_late += 1
        return po, result

    def record_stages(self, counts: StageCounts) -> None:
        """Add what one ``process()`` pass did."""
        self.allocations += counts.allocated
        self.releases += counts.released
        self.out_of_stock_routings += counts.out_of_stock
        self.holds_lifted += counts.lifted
        self.failed_steps += len(counts.failed)

    def supply(self, key: StockKey, units: int) -> None:
        """Note ``units`` put into stock at ``key``."""
        self.supplied[key] = self.supplied.get(key, 0) + units


@attrs.define
class HoldLog:
    """Every order seen held, with every reason it was held for, and the first time it was seen held."""

    reasons: dict[OrderId, set[HoldKind]] = attrs.field(factory=dict)
    first_seen: dict[OrderId, int] = attrs.field(factory=dict)

    def observe(self, oms: OrderManagement, moment: int) -> list[OrderId]:
        """Look at the orders held now (``moment`` is the caller's clock, e.g. the wave). Returns their ids."""
        held = oms.orders_with_status(OrderStatus.HELD)
        for order_id in held:
            order = oms.order(order_id)
            if order is None:
                continue
            self.first_seen.setdefault(order_id, moment)
            self.reasons.setdefault(order_id, set()).update(hold.kind for hold in order.holds)
        return held

    def by_reason(self) -> dict[str, int]:
        """Orders seen held, per hold reason (an order held for two reasons counts under both)."""
        counts: Counter[str] = Counter(kind.value for kinds in self.reasons.values() for kind in kinds)
        return dict(sorted(counts.items()))
