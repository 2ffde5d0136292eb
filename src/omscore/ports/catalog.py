"""Storage of the merchant's catalog."""

from __future__ import annotations

from typing import Protocol

from omscore.domain.catalog import Catalog


class CatalogRepository(Protocol):
    """The catalog as one validated, immutable value (SKUs, kits, listings)."""

    def load(self) -> Catalog:
        """The stored catalog; an empty one when none was stored."""
        ...

    def store(self, catalog: Catalog) -> None:
        """Replace the stored catalog."""
        ...
