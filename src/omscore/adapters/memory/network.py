"""The fulfilment network in memory."""

from __future__ import annotations

from omscore.adapters.memory._cell import Cell, UndoableCell
from omscore.adapters.memory._transaction import Transaction
from omscore.domain.network import Network

_EMPTY = Network.build(())


class MemoryNetworkRepository:
    """:class:`~omscore.ports.network.NetworkRepository` keeping the network value itself (it is immutable)."""

    def __init__(self, cell: Cell[Network], transaction: Transaction) -> None:
        self._cell = UndoableCell(cell)
        self._tx = transaction

    def load(self) -> Network:
        """The stored network, or an empty one.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        stored = self._cell.get()
        return _EMPTY if stored is None else stored

    def store(self, network: Network) -> None:
        """Replace the stored network.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        self._cell.set(network)

    def _forget_undo(self) -> None:
        self._cell.forget_undo()

    def _undo(self) -> None:
        self._cell.undo()
