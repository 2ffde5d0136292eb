"""The one exception tree of omscore.

Expected business outcomes (out of stock, held for review, not mergeable) are values or events, never
exceptions. Exceptions are for bad input, broken invariants and infrastructure faults. Every error derives
from :class:`OmsError`, carries structured fields, and also subclasses the builtin that fits it, so callers
may catch either ``OmsError`` or e.g. ``ValueError``.
"""

from __future__ import annotations

from typing import Any


class OmsError(Exception):
    """Root of every error omscore raises."""


# --- bad input -------------------------------------------------------------------------------------------


class InvalidInput(OmsError, ValueError):
    """A value from outside (a payload, a configuration file, an argument) is not acceptable.

    Attributes:
        field: dotted path of the offending field, e.g. ``lines.0.quantity``.
        value: the offending value (shortened when long).
        reason: why it is not acceptable.
    """

    def __init__(self, field: str, value: Any, reason: str) -> None:
        self.field = field
        self.value = _shorten(value)
        self.reason = reason
        super().__init__(f"{field}: {reason} (got {self.value!r})")


class InvalidQuantity(InvalidInput):
    """A quantity is zero, negative or otherwise out of range."""


class InvalidMoney(InvalidInput):
    """An amount or currency is not acceptable (unknown currency, mixed currencies, fraction of a minor unit)."""


class InvalidAddress(InvalidInput):
    """An address is structurally unusable."""


class InvalidConfiguration(InvalidInput):
    """A merchant configuration is inconsistent (unknown SKU in a kit, listing to nothing, …)."""


def _shorten(value: Any, limit: int = 80) -> Any:
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]}…[{len(value)} chars]"
    if isinstance(value, bytes | bytearray) and len(value) > limit:
        return f"<{len(value)} bytes>"
    return value


# --- broken invariants and illegal commands -----------------------------------------------------------------


class InvariantViolation(OmsError, AssertionError):
    """Something that must never happen happened; the data is inconsistent."""


class IllegalTransition(OmsError, RuntimeError):
    """A command is not allowed in the aggregate's current state.

    Attributes:
        entity: what the command was addressed to (e.g. ``order``).
        entity_id: its id.
        current: the state it is in.
        attempted: the state or command that was refused.
    """

    def __init__(self, entity: str, entity_id: str, current: str, attempted: str) -> None:
        self.entity = entity
        self.entity_id = entity_id
        self.current = current
        self.attempted = attempted
        super().__init__(f"{entity} {entity_id}: cannot go from {current} to {attempted}")


class NotFound(OmsError, LookupError):
    """A referenced entity does not exist.

    Attributes:
        entity: the kind of entity (``order``, ``sku``, ``location`` …).
        key: the key that was looked up.
    """

    def __init__(self, entity: str, key: str) -> None:
        self.entity = entity
        self.key = key
        super().__init__(f"{entity} {key!r} not found")


# --- persistence ---------------------------------------------------------------------------------------------


class PersistenceError(OmsError, RuntimeError):
    """Root of storage faults. Adapters translate driver errors into this tree with ``raise … from``."""


class ConcurrencyConflict(PersistenceError):
    """An aggregate was changed by someone else since it was loaded (optimistic concurrency).

    Attributes:
        entity, entity_id: what was written.
        expected_version: the version the writer loaded.
        actual_version: the version found in storage (``None`` when it vanished).
    """

    def __init__(self, entity: str, entity_id: str, expected_version: int, actual_version: int | None) -> None:
        self.entity = entity
        self.entity_id = entity_id
        self.expected_version = expected_version
        self.actual_version = actual_version
        super().__init__(
            f"{entity} {entity_id}: stale write (loaded version {expected_version}, stored {actual_version})"
        )


class DuplicateKey(PersistenceError):
    """An entity with the same identity already exists.

    Attributes:
        entity: the kind of entity.
        key: the duplicated key.
    """

    def __init__(self, entity: str, key: str) -> None:
        self.entity = entity
        self.key = key
        super().__init__(f"{entity} {key!r} already exists")


class TransientError(PersistenceError):
    """A fault that may pass if the whole unit of work is tried again (serialization failure, busy database)."""


class LockTimeout(TransientError):
    """A lock could not be taken within the configured time."""


class SchemaVersionError(PersistenceError):
    """The stored schema is newer than this library understands, or is damaged.

    Attributes:
        found: schema version found in storage.
        supported: newest schema version this library knows.
    """

    def __init__(self, found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        super().__init__(
            f"stored schema version {found} is newer than the {supported} this omscore understands; upgrade omscore"
        )


class TenantViolation(PersistenceError):
    """An operation tried to reach data of another tenant."""


class UnitOfWorkClosed(PersistenceError):
    """A repository was used outside an open unit of work."""


class ChangeRefused(IllegalTransition):
    """A change (address, cancellation) asked of an order that has gone too far for it, e.g. an address change
    after the order shipped. ``current`` names the order's status."""
