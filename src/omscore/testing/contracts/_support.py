"""Helpers the contract suites share: run an action in a unit of work that commits, reads, or fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from hypothesis import HealthCheck, settings

from omscore.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

_T = TypeVar("_T")


#: The settings of the suites' tests against a model: each example uses ids of its own, so sharing the
#: function-scoped store is safe, and each adapter's subclass runs the same test function (another executor),
#: which is what a suite is for.
MODEL_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.differing_executors, HealthCheck.too_slow],
)


class Boom(Exception):
    """The failure the suites raise inside a unit of work."""


def committed(uow_factory: UnitOfWorkFactory, action: Callable[[UnitOfWork], _T]) -> _T:
    """Run ``action`` in a new unit of work and commit it; return what ``action`` returned."""
    with uow_factory() as uow:
        result = action(uow)
        uow.commit()
        return result


def read(uow_factory: UnitOfWorkFactory, action: Callable[[UnitOfWork], _T]) -> _T:
    """Run ``action`` in a new unit of work that is left without commit; return what it returned."""
    with uow_factory() as uow:
        return action(uow)


def raise_inside(uow_factory: UnitOfWorkFactory, action: Callable[[UnitOfWork], object]) -> None:
    """Run ``action`` in a new unit of work, then raise :class:`Boom` before leaving it.

    Raises:
        Boom: always.
    """
    with uow_factory() as uow:
        action(uow)
        raise Boom
