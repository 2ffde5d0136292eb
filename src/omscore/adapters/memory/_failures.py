"""Injected transient failures for the recording gateways."""

from __future__ import annotations

from collections.abc import Collection

from omscore.domain.errors import InvalidInput, TransientError


class FailurePlan:
    """How many of the next calls (of some operations, or of any) must fail, and which calls did.

    Not locked by itself: the gateways call it under their own lock.
    """

    def __init__(self, operations: Collection[str]) -> None:
        self._operations = frozenset(operations)
        self._left: dict[str | None, int] = {}
        self.failed: list[str] = []

    def add(self, count: int, operation: str | None) -> None:
        if type(count) is not int or count < 0:
            raise InvalidInput("count", count, "must be a non-negative integer")
        if operation is not None and operation not in self._operations:
            raise InvalidInput("operation", operation, f"must be one of {sorted(self._operations)}")
        self._left[operation] = self._left.get(operation, 0) + count

    def check(self, operation: str) -> None:
        """Raise when a failure is planned for ``operation`` (failures named for it go before generic ones).

        Raises:
            TransientError: a planned failure.
        """
        for planned in (operation, None):
            if self._left.get(planned, 0) > 0:
                self._left[planned] -= 1
                self.failed.append(operation)
                raise TransientError(f"{operation} failed (injected by the recording gateway)")
