"""Storage of the fulfilment network."""

from __future__ import annotations

from typing import Protocol

from omscore.domain.network import Network


class NetworkRepository(Protocol):
    """Locations and carriers as one validated, immutable value."""

    def load(self) -> Network:
        """The stored network; an empty one when none was stored."""
        ...

    def store(self, network: Network) -> None:
        """Replace the stored network."""
        ...
