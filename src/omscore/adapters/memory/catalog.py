"""The catalog in memory."""

from __future__ import annotations

from omscore.adapters.memory._cell import Cell, UndoableCell
from omscore.adapters.memory._transaction import Transaction
from omscore.domain.catalog import Catalog

_EMPTY = Catalog.build(())


class MemoryCatalogRepository:
    """:class:`~omscore.ports.catalog.CatalogRepository` keeping the catalog value itself (it is immutable)."""

    def __init__(self, cell: Cell[Catalog], transaction: Transaction) -> None:
        self._cell = UndoableCell(cell)
        self._tx = transaction

    def load(self) -> Catalog:
        """The stored catalog, or an empty one.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        stored = self._cell.get()
        return _EMPTY if stored is None else stored

    def store(self, catalog: Catalog) -> None:
        """Replace the stored catalog.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        self._cell.set(catalog)

    def _forget_undo(self) -> None:
        self._cell.forget_undo()

    def _undo(self) -> None:
        self._cell.undo()
