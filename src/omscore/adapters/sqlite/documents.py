"""The catalog and the network in SQLite: one JSON document per tenant each, decoded once per change.

Both values are read far more often than they change (every intake needs the catalog). Each stored
document carries a random token that changes on every store; a process keeps the decoded value with its
token and decodes again only when the stored token differs. A rolled-back store leaves the old token in
place, and a new store never reuses a token, so a kept value is never mistaken for another.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar

from omscore.adapters.records import catalog_from_record, catalog_to_record, network_from_record, network_to_record
from omscore.adapters.sqlite.session import Session
from omscore.domain.catalog import Catalog
from omscore.domain.network import Network

_V = TypeVar("_V")


class _DocumentRepository(Generic[_V]):
    """A value stored as one JSON document per tenant; subclasses say which kind and how to convert it."""

    __slots__ = ("_session",)

    _kind: ClassVar[str]
    _type: type[_V]

    def __init__(self, session: Session) -> None:
        self._session = session

    def _empty(self) -> _V:
        raise NotImplementedError

    def _encode(self, value: _V) -> dict[str, Any]:
        raise NotImplementedError

    def _decode(self, record: Mapping[str, Any]) -> _V:
        raise NotImplementedError

    def load(self) -> _V:
        """The stored value; the empty one when none was stored.

        Returns:
            The value (shared with other units of work of this process while the stored one is unchanged).

        Raises:
            PersistenceError: the stored document is damaged or newer than this omscore.
        """
        session = self._session
        key = (session.tenant, self._kind)
        row = session.query("SELECT token FROM documents WHERE tenant = ? AND kind = ?", key).fetchone()
        if row is None:
            return self._empty()
        kept = session.db.cached_document(session.tenant, self._kind, row[0])
        if isinstance(kept, self._type):
            return kept
        row = session.query("SELECT token, document FROM documents WHERE tenant = ? AND kind = ?", key).fetchone()
        value = self._decode(json.loads(row[1]))
        session.db.keep_document(session.tenant, self._kind, row[0], value)
        return value

    def store(self, value: _V) -> None:
        """Replace the stored value.

        Args:
            value: the new value.
        """
        session = self._session
        document = json.dumps(self._encode(value), separators=(",", ":"))
        session.execute(
            "INSERT INTO documents (tenant, kind, token, document) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (tenant, kind) DO UPDATE SET token = excluded.token, document = excluded.document",
            (session.tenant, self._kind, secrets.token_hex(16), document),
        )


class SqliteCatalogRepository(_DocumentRepository[Catalog]):
    """:class:`~omscore.ports.catalog.CatalogRepository` over one unit of work's session.

    ``load()`` returns the empty catalog when none was stored; ``store()`` replaces it.

    Args:
        session: the unit of work's session.
    """

    __slots__ = ()

    _kind = "catalog"
    _type = Catalog

    def _empty(self) -> Catalog:
        return Catalog.build([])

    def _encode(self, value: Catalog) -> dict[str, Any]:
        return catalog_to_record(value)

    def _decode(self, record: Mapping[str, Any]) -> Catalog:
        return catalog_from_record(record)


class SqliteNetworkRepository(_DocumentRepository[Network]):
    """:class:`~omscore.ports.network.NetworkRepository` over one unit of work's session.

    ``load()`` returns the empty network when none was stored; ``store()`` replaces it.

    Args:
        session: the unit of work's session.
    """

    __slots__ = ()

    _kind = "network"
    _type = Network

    def _empty(self) -> Network:
        return Network.build([])

    def _encode(self, value: Network) -> dict[str, Any]:
        return network_to_record(value)

    def _decode(self, record: Mapping[str, Any]) -> Network:
        return network_from_record(record)
