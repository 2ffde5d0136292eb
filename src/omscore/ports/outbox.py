"""The transactional outbox of domain events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import attrs

from omscore.domain.events import DomainEvent


@attrs.frozen
class OutboxRecord:
    """A stored event: ``id`` increases with commit order, ``name`` is the event type, ``payload`` its data."""

    id: int
    name: str
    payload: dict[str, Any]


class Outbox(Protocol):
    """Events stored in the same transaction as the change that recorded them."""

    def append(self, events: Sequence[DomainEvent]) -> None:
        """Store events; they become visible when the unit of work commits."""
        ...

    def undelivered(self, limit: int = 100) -> list[OutboxRecord]:
        """Up to ``limit`` committed, undelivered records, ascending by id. A record committed late with a
        lower id than one already delivered is still returned (no gaps)."""
        ...

    def mark_delivered(self, ids: Sequence[int]) -> None:
        """Mark records delivered. Idempotent: marking twice or an unknown id changes nothing."""
        ...
