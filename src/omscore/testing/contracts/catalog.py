"""The contract of :class:`~omscore.ports.catalog.CatalogRepository`."""

from __future__ import annotations

from omscore.domain.catalog import Catalog, Sku
from omscore.domain.identity import Channel, SkuCode
from omscore.ports.unit_of_work import UnitOfWorkFactory
from omscore.testing.samples import rich_catalog


class CatalogRepositoryContract:
    """The catalog is stored and loaded as one value, and replaced as a whole.

    Needs the fixture ``uow_factory`` (see :mod:`omscore.testing.contracts`).
    """

    def test_an_empty_store_loads_an_empty_catalog(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            catalog = uow.catalog.load()

        assert (dict(catalog.skus), dict(catalog.kits), dict(catalog.listings)) == ({}, {}, {})

    def test_a_stored_catalog_loads_back_equal(self, uow_factory: UnitOfWorkFactory) -> None:
        catalog = rich_catalog()

        with uow_factory() as uow:
            uow.catalog.store(catalog)
            uow.commit()
        with uow_factory() as uow:
            loaded = uow.catalog.load()

        assert loaded == catalog
        assert loaded.listing(Channel("tmall", "flagship"), "item-778899:sku-2") == catalog.listing(
            Channel("tmall", "flagship"), "item-778899:sku-2"
        )

    def test_storing_replaces_the_whole_catalog(self, uow_factory: UnitOfWorkFactory) -> None:
        smaller = Catalog.build([Sku(SkuCode("ONLY"), "the only SKU")])

        with uow_factory() as uow:
            uow.catalog.store(rich_catalog())
            uow.commit()
        with uow_factory() as uow:
            uow.catalog.store(smaller)
            uow.commit()
        with uow_factory() as uow:
            loaded = uow.catalog.load()

        assert loaded == smaller

    def test_a_store_left_without_commit_is_undone(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.catalog.store(rich_catalog())

        with uow_factory() as uow:
            assert uow.catalog.load().skus == {}
