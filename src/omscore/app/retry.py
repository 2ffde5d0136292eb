"""Running a use case in a fresh unit of work, again when a concurrent writer got there first."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from omscore.domain.errors import ConcurrencyConflict, DuplicateKey, TransientError
from omscore.ports.unit_of_work import UnitOfWork

T = TypeVar("T")


def in_unit_of_work(ctx_uow: Callable[[], UnitOfWork], work: Callable[[UnitOfWork], T], attempts: int = 10) -> T:
    """Run ``work`` in a new unit of work and commit; on a concurrency conflict, a duplicate key (a concurrent
    intake of the same order) or a transient fault, run it
    again from the start in a fresh unit of work (up to ``attempts`` times, after a random pause that grows
    exponentially up to 200 ms, so that workers that collided do not collide again in step).

    ``work`` must read everything it decides on through the unit of work it is given, so a retry decides on
    fresh data. It may return without committing changes by raising nothing and changing nothing.

    Raises:
        ConcurrencyConflict, TransientError: still failing after the last attempt.
    """
    for attempt in range(1, attempts + 1):
        try:
            with ctx_uow() as uow:
                result = work(uow)
                uow.commit()
                return result
        except (ConcurrencyConflict, DuplicateKey, TransientError):
            if attempt == attempts:
                raise
            time.sleep(random.uniform(0, min(0.2, 0.002 * 2**attempt)))
    raise AssertionError("unreachable")  # pragma: no cover
