"""The state every repository of one memory unit of work shares: whether it is open, and its pending events."""

from __future__ import annotations

from typing import Protocol

from omscore.domain.errors import UnitOfWorkClosed
from omscore.domain.events import DomainEvent


class Transaction:
    """The open/closed flag of a unit of work and the events recorded since its last commit or rollback.

    Repositories call :meth:`check` before touching data, so that using one outside its unit of work fails
    loudly instead of writing around the lock.
    """

    __slots__ = ("events", "is_open")

    def __init__(self) -> None:
        self.is_open = False
        self.events: list[DomainEvent] = []

    def check(self) -> None:
        """Raise unless the unit of work is open.

        Raises:
            UnitOfWorkClosed: the unit of work was not entered yet, or was left already.
        """
        if not self.is_open:
            raise UnitOfWorkClosed("the repository was used outside an open unit of work")


class Undoable(Protocol):
    """A part of a unit of work that can keep or undo what it changed since the last commit."""

    def _forget_undo(self) -> None:
        """Keep the changes: drop the before-images (on commit)."""
        ...

    def _undo(self) -> None:
        """Put the before-images back and drop them (on rollback)."""
        ...
