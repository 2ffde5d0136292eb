"""The former home of the routing strategy engine, kept so that code written against it still imports.

Everything here now lives in :mod:`omscore.policies.routing`; importing a name from this module gives the same
object and a :class:`DeprecationWarning` naming its new home.
"""

from __future__ import annotations

import warnings
from typing import Any

from omscore.policies import routing as _routing

__all__: list[str] = []


def __getattr__(name: str) -> Any:
    if name.startswith("__") or name not in _routing.__all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warnings.warn(
        f"omscore.policies.sourcing.{name} moved to omscore.policies.routing.{name}",
        DeprecationWarning,
        stacklevel=2,
    )
    return getattr(_routing, name)
