"""The record format: the version number every top-level record carries, and the check a reader makes first.

A reader accepts :data:`RECORD_FORMAT` and older formats, refuses newer ones with
:class:`~omscore.domain.errors.SchemaVersionError`, and reports a damaged record as a
:class:`~omscore.domain.errors.PersistenceError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from omscore.domain.errors import PersistenceError, SchemaVersionError

#: The version of the record shapes omscore writes (and the newest it reads).
RECORD_FORMAT = 1

Record = dict[str, Any]
"""A JSON-ready mapping: only dicts, lists, str, int, float, bool and None inside."""

_T = TypeVar("_T")


def _read(entity: str, data: Mapping[str, Any], build: Callable[[Mapping[str, Any]], _T]) -> _T:
    """Check a record's format, then build the value; damage found on the way becomes a persistence error."""
    try:
        found = data["format"]
    except (KeyError, TypeError) as error:
        raise PersistenceError(f"damaged {entity} record: it has no format") from error
    if type(found) is not int:
        raise PersistenceError(f"damaged {entity} record: format {found!r}")
    if found > RECORD_FORMAT:
        raise SchemaVersionError(found, RECORD_FORMAT)
    try:
        return build(data)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise PersistenceError(f"damaged {entity} record: {type(error).__name__}: {error}") from error
