"""A single stored value with undo: the storage shared by the catalog and the network repositories."""

from __future__ import annotations

from typing import Generic, TypeVar

_V = TypeVar("_V")


class Cell(Generic[_V]):
    """Holds one immutable value (or nothing yet)."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value: _V | None = None


class UndoableCell(Generic[_V]):
    """A unit of work's view of a :class:`Cell`: writes remember the value they replaced until commit."""

    __slots__ = ("_before", "_cell", "_touched")

    def __init__(self, cell: Cell[_V]) -> None:
        self._cell = cell
        self._touched = False
        self._before: _V | None = None

    def get(self) -> _V | None:
        return self._cell.value

    def set(self, value: _V) -> None:
        if not self._touched:
            self._before, self._touched = self._cell.value, True
        self._cell.value = value

    def forget_undo(self) -> None:
        self._touched, self._before = False, None

    def undo(self) -> None:
        if self._touched:
            self._cell.value = self._before
        self.forget_undo()
