"""Before-images for the memory tables whose values are replaced, never changed in place: remember the value a
key had before its first change in a unit of work, and put every remembered value back on rollback."""

from __future__ import annotations

from typing import TypeVar

_K = TypeVar("_K")
_V = TypeVar("_V")


def remember(before: dict[_K, _V | None], table: dict[_K, _V], key: _K) -> None:
    """Record what ``table`` holds at ``key`` (``None`` for nothing), unless recorded since the last commit."""
    if key not in before:
        before[key] = table.get(key)


def put_back(before: dict[_K, _V | None], table: dict[_K, _V]) -> None:
    """Restore every recorded key of ``table`` (dropping those that held nothing) and forget the records."""
    for key, value in before.items():
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
    before.clear()
