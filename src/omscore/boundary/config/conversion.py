"""How the sections hand document values to the domain: lists passed to converting attrs fields, and domain
refusals renamed after their place in the document."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from omscore.domain.errors import InvalidConfiguration


def converted(values: Iterable[object]) -> Any:
    """Pass ``values`` to an attrs field whose converter (``tuple``, ``frozenset``) builds the stored value.

    mypy types the ``__init__`` parameter of such a field as ``Iterable[_T_co]`` with an unbound type variable,
    which no argument satisfies.
    """
    return values


_Built = TypeVar("_Built")


def built_at(path: str, build: Callable[[], _Built]) -> _Built:
    """``build()``, with the field of a domain refusal prefixed by ``path`` (its place in the document)."""
    try:
        return build()
    except InvalidConfiguration as error:
        raise InvalidConfiguration(f"{path}.{error.field}", error.value, error.reason) from error
