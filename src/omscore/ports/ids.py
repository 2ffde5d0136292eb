"""Identifier generation, as a port: tests and replays need reproducible ids."""

from __future__ import annotations

from typing import Protocol


class IdGenerator(Protocol):
    def next_id(self, prefix: str) -> str:
        """A new id beginning with ``prefix`` (``'O'`` for orders, ``'S'`` for shipments), unique for the
        store it is used with. Ids sort in the order they were made."""
        ...
