"""Clocks and sequential ids."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest

from omscore.adapters.system import ManualClock, SequentialIds, SystemClock
from omscore.domain.errors import InvalidInput
from omscore.ports.clock import Clock
from omscore.ports.ids import IdGenerator

START = datetime(2024, 11, 11, 8, 0, tzinfo=timezone(timedelta(hours=8)))


def test_the_system_clock_tells_utc_time_that_never_goes_back() -> None:
    clock: Clock = SystemClock()

    readings = [clock.now() for _ in range(1000)]

    assert all(reading.tzinfo is UTC for reading in readings)
    assert readings == sorted(readings)
    assert abs(readings[-1] - datetime.now(UTC)) < timedelta(seconds=5)


def test_a_manual_clock_reports_its_start_in_utc_and_moves_when_told() -> None:
    clock = ManualClock(START)

    start = clock.now()
    later = clock.advance(timedelta(minutes=90))
    jumped = clock.set(datetime(2024, 11, 12, tzinfo=UTC))

    assert start == START
    assert start.tzinfo is UTC
    assert later == START + timedelta(minutes=90)
    assert jumped == datetime(2024, 11, 12, tzinfo=UTC)
    assert clock.now() == jumped


def test_a_manual_clock_refuses_to_go_back_or_to_be_naive() -> None:
    clock = ManualClock(START)

    with pytest.raises(InvalidInput) as backwards:
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(InvalidInput) as earlier:
        clock.set(START - timedelta(seconds=1))
    with pytest.raises(InvalidInput) as naive:
        ManualClock(datetime(2024, 1, 1))

    assert (backwards.value.field, earlier.value.field, naive.value.field) == ("delta", "moment", "start")
    assert clock.now() == START


def test_sequential_ids_count_per_prefix_and_sort_in_the_order_made() -> None:
    ids: IdGenerator = SequentialIds()

    made = [ids.next_id("O"), ids.next_id("S"), ids.next_id("O")]

    assert made == ["O00000001", "S00000001", "O00000002"]
    assert SequentialIds(start=41, width=3).next_id("X") == "X041"


def test_sequential_ids_are_unique_across_threads() -> None:
    ids = SequentialIds()
    made: list[str] = []
    lock = threading.Lock()

    def make() -> None:
        mine = [ids.next_id("O") for _ in range(500)]
        with lock:
            made.extend(mine)

    threads = [threading.Thread(target=make) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(made) == [f"O{number:08d}" for number in range(1, 2001)]


def test_sequential_ids_refuse_to_outgrow_their_width() -> None:
    ids = SequentialIds(start=99, width=2)
    ids.next_id("O")

    with pytest.raises(InvalidInput):
        ids.next_id("O")


@pytest.mark.parametrize(("start", "width"), [(-1, 8), (1, 0)])
def test_sequential_ids_refuse_a_bad_start_or_width(start: int, width: int) -> None:
    with pytest.raises(InvalidInput):
        SequentialIds(start=start, width=width)
