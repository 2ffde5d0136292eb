"""The contract of :class:`~omscore.ports.network.NetworkRepository`."""

from __future__ import annotations

from omscore.domain.identity import LocationId
from omscore.domain.network import Location, Network
from omscore.ports.unit_of_work import UnitOfWorkFactory
from omscore.testing.samples import rich_network


class NetworkRepositoryContract:
    """The network is stored and loaded as one value, and replaced as a whole.

    Needs the fixture ``uow_factory`` (see :mod:`omscore.testing.contracts`).
    """

    def test_an_empty_store_loads_an_empty_network(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            network = uow.network.load()

        assert (dict(network.locations), dict(network.carriers)) == ({}, {})

    def test_a_stored_network_loads_back_equal(self, uow_factory: UnitOfWorkFactory) -> None:
        network = rich_network()

        with uow_factory() as uow:
            uow.network.store(network)
            uow.commit()
        with uow_factory() as uow:
            loaded = uow.network.load()

        assert loaded == network
        store = LocationId("STORE-SH-1")
        assert loaded.locations[store].geo == network.locations[store].geo

    def test_storing_replaces_the_whole_network(self, uow_factory: UnitOfWorkFactory) -> None:
        smaller = Network.build([Location(LocationId("ONLY"))])

        with uow_factory() as uow:
            uow.network.store(rich_network())
            uow.commit()
        with uow_factory() as uow:
            uow.network.store(smaller)
            uow.commit()
        with uow_factory() as uow:
            loaded = uow.network.load()

        assert loaded == smaller

    def test_a_store_left_without_commit_is_undone(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.network.store(rich_network())

        with uow_factory() as uow:
            assert uow.network.load().locations == {}
