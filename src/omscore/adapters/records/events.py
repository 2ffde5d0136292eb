"""Event records: a domain event as the stored name and payload the outbox keeps, and back."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any

from omscore.adapters.records.format import Record
from omscore.domain.errors import PersistenceError
from omscore.domain.events import DomainEvent


def event_types() -> dict[str, type[DomainEvent]]:
    """Every concrete domain event class by its stored ``name``.

    Returns:
        A fresh mapping, found by walking the subclasses of :class:`DomainEvent` (so events added to the
        model are known without registration).
    """
    found: dict[str, type[DomainEvent]] = {}
    pending: list[type[DomainEvent]] = list(DomainEvent.__subclasses__())
    while pending:
        kind = pending.pop()
        found.setdefault(kind.name, kind)
        pending.extend(kind.__subclasses__())
    return found


def event_to_record(event: DomainEvent) -> Record:
    """An event as ``{"name": …, "payload": …}``, the form the outbox stores.

    Args:
        event: the domain event.

    Returns:
        Its stable type name and its fields as JSON-ready data.
    """
    return {"name": event.name, "payload": event.payload()}


def event_from_record(name: str, payload: Mapping[str, Any]) -> DomainEvent:
    """Rebuild a domain event from its stored name and payload (tuples come back as tuples).

    Args:
        name: the event's type name (``DomainEvent.name``).
        payload: its fields, as :meth:`DomainEvent.payload` gave them.

    Returns:
        An event equal to the one stored.

    Raises:
        PersistenceError: the name is unknown or the payload does not fit the event's fields.
    """
    kind = event_types().get(name)
    if kind is None:
        raise PersistenceError(f"unknown event type {name!r}")
    try:
        hints = typing.get_type_hints(kind)
        fields = {
            key: tuple(value) if typing.get_origin(hints.get(key)) is tuple else value for key, value in payload.items()
        }
        return kind(**fields)
    except (TypeError, ValueError, NameError) as error:
        raise PersistenceError(f"damaged {name!r} event payload: {error}") from error
