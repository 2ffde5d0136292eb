"""Quick end-to-end checks of the adapter's round trips."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from omscore.adapters.postgres import PostgresUnitOfWork
from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.inventory import ReservationLine

pytestmark = pytest.mark.postgres

L1, A = LocationId("L1"), SkuCode("A")


def test_a_reservation_round_trips(uow_factory: Callable[[], PostgresUnitOfWork]) -> None:
    with uow_factory() as uow:
        uow.inventory.receive(L1, A, 5)
        outcome = uow.inventory.reserve("k", [ReservationLine(L1, A, 2, "s1")])
        uow.commit()

    with uow_factory() as uow:
        level = uow.inventory.level(L1, A)

    assert outcome.ok
    assert (level.on_hand, level.reserved) == (5, 2)
