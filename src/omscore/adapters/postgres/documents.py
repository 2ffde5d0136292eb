"""The catalog and the network in PostgreSQL: one JSON document each per tenant."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from omscore.adapters.postgres.session import Session
from omscore.adapters.records import catalog_from_record, catalog_to_record, network_from_record, network_to_record
from omscore.domain.catalog import Catalog
from omscore.domain.network import Network

_LOAD = "SELECT document FROM omscore.documents WHERE tenant = %s AND name = %s"
_STORE = (
    "INSERT INTO omscore.documents (tenant, name, document) VALUES (%s, %s, %s)"
    " ON CONFLICT (tenant, name) DO UPDATE SET document = excluded.document"
)


class PostgresCatalogRepository:
    """The :class:`~omscore.ports.catalog.CatalogRepository` of a PostgreSQL unit of work."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def load(self) -> Catalog:
        """The stored catalog; an empty one when none was stored."""
        row = self._session.one(_LOAD, (self._session.tenant, "catalog"))
        return catalog_from_record(row[0]) if row is not None else Catalog.build(())

    def store(self, catalog: Catalog) -> None:
        """Replace the stored catalog."""
        self._session.execute(_STORE, (self._session.tenant, "catalog", Jsonb(catalog_to_record(catalog))))


class PostgresNetworkRepository:
    """The :class:`~omscore.ports.network.NetworkRepository` of a PostgreSQL unit of work."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def load(self) -> Network:
        """The stored network; an empty one when none was stored."""
        row = self._session.one(_LOAD, (self._session.tenant, "network"))
        return network_from_record(row[0]) if row is not None else Network.build(())

    def store(self, network: Network) -> None:
        """Replace the stored network."""
        self._session.execute(_STORE, (self._session.tenant, "network", Jsonb(network_to_record(network))))
