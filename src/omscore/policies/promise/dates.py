"""时效承诺: the ship-by and deliver-by dates promised for a shipment.

A shipment's dates follow from four facts, each a setting:

1. the shipping location's **cut-off time** and **processing days**, in its own time zone (default
   ``Asia/Shanghai``): an order ready before the cut-off on a shipping day counts that day, otherwise the next
   shipping day, and then waits ``processing_days`` more shipping days;
2. the **shipping days**: a day the location works and the carrier collects — not a holiday, not one of the
   location's closed dates, and not a closed weekday of either, unless the calendar names it a make-up working
   day (调休);
3. the carrier's **transit days** to the recipient's region: the longest matching region prefix of its table,
   else its default, else the carrier's ``sla_days``;
4. the **delivery days**: transit counts only days the carrier delivers (not a holiday, not a closed weekday
   unless a make-up working day).

So ``ship_by`` is always a shipping day on or after the day the order was ready (in the location's time
zone), and ``deliver_by`` is a delivery day on or after ``ship_by``. :func:`promise` is pure: the time the
order became ready comes in as an argument.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Final

import attrs

from omscore.domain.errors import InvalidConfiguration, InvalidInput
from omscore.domain.identity import LocationId
from omscore.domain.network import Carrier, Network
from omscore.domain.order import Order
from omscore.domain.shipment import Shipment
from omscore.policies.explain import Explanation
from omscore.policies.promise.settings import (
    WEEKDAY_NAMES,
    PromiseSettings,
)

#: Days are searched this far ahead before a calendar is declared to have no open day.
SEARCH_LIMIT_DAYS: Final = 3_660


@attrs.frozen
class Promise:
    """The dates promised for one shipment.

    Attributes:
        ship_by: the day the parcel leaves the location (a shipping day).
        deliver_by: the day it reaches the recipient (a delivery day, never before ``ship_by``).
        ready_on: the local date the order was ready at the location.
        transit_days: the carrier's transit days used.
        explanation: how the dates were reached.
    """

    ship_by: date
    deliver_by: date
    ready_on: date
    transit_days: int
    explanation: Explanation

    @property
    def days_to_delivery(self) -> int:
        """Calendar days from the ready date to the delivery date."""
        return (self.deliver_by - self.ready_on).days


@attrs.frozen
class _Calendar:
    """Open days for shipping and for delivery, with the reason a day is closed."""

    holidays: frozenset[date]
    working_days: frozenset[date]
    location_closed: frozenset[int]
    location_dates: frozenset[date]
    carrier_closed: frozenset[int]

    def ship_closed(self, day: date) -> str | None:
        if day in self.holidays:
            return "holiday"
        if day in self.location_dates:
            return "location closed"
        if day in self.working_days:
            return None
        weekday = day.weekday()
        if weekday in self.location_closed:
            return f"location closed on {WEEKDAY_NAMES[weekday]}"
        if weekday in self.carrier_closed:
            return f"carrier closed on {WEEKDAY_NAMES[weekday]}"
        return None

    def delivery_open(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day in self.working_days or day.weekday() not in self.carrier_closed

    def next_ship_day(self, day: date, skipped: list[tuple[date, str]], inclusive: bool = False) -> date:
        candidate = day if inclusive else day + timedelta(days=1)
        for _ in range(SEARCH_LIMIT_DAYS):
            reason = self.ship_closed(candidate)
            if reason is None:
                return candidate
            skipped.append((candidate, reason))
            candidate += timedelta(days=1)
        raise InvalidConfiguration("promise", day.isoformat(), "no shipping day in the calendar's next ten years")

    def deliver(self, ship_by: date, days: int) -> date:
        candidate = ship_by
        remaining = days
        for _ in range(SEARCH_LIMIT_DAYS):
            if remaining == 0 and self.delivery_open(candidate):
                return candidate
            candidate += timedelta(days=1)
            if remaining and self.delivery_open(candidate):
                remaining -= 1
                if remaining == 0:
                    return candidate
        raise InvalidConfiguration("promise", ship_by.isoformat(), "no delivery day in the calendar's next ten years")


def promise(
    location: LocationId,
    carrier: Carrier,
    region: Sequence[str],
    ready_at: datetime,
    settings: PromiseSettings,
    *,
    not_before: date | None = None,
) -> Promise:
    """Promise a ship-by and a deliver-by date for a parcel.

    Args:
        location: the location that ships it.
        carrier: the carrier that takes it.
        region: the recipient's region path, as :meth:`omscore.domain.address.Address.region_path` returns.
        ready_at: when the order became ready to ship (paid, reviewed or released — the caller decides);
            timezone-aware.
        settings: schedules, transit times and the holiday calendar.
        not_before: the earliest date it may ship (a presale line's ship date).

    Returns:
        The :class:`Promise` with its explanation.

    Raises:
        InvalidInput: ``ready_at`` has no time zone.
        InvalidConfiguration: the location and the carrier have no shipping day in common.
    """
    if ready_at.tzinfo is None or ready_at.utcoffset() is None:
        raise InvalidInput("ready_at", ready_at.isoformat(), "needs a time zone")
    schedule = settings.schedule(location)
    carrier_closed = settings.transit.closed_weekdays(carrier.id)
    if len(schedule.closed_weekdays | carrier_closed) == 7 and not settings.working_days:
        raise InvalidConfiguration(
            f"promise.{location}.{carrier.id}", sorted(schedule.closed_weekdays | carrier_closed), "no common open day"
        )
    calendar = _Calendar(
        settings.holidays, settings.working_days, schedule.closed_weekdays, schedule.closed_dates, carrier_closed
    )
    local = ready_at.astimezone(schedule.zone)
    ready_on = local.date()
    steps: list[str] = []
    skipped: list[tuple[date, str]] = []
    stamp = f"{ready_on.isoformat()} {local.strftime('%H:%M')} {schedule.timezone}"
    closed = calendar.ship_closed(ready_on)
    if closed is None and local.time() < schedule.cutoff:
        day = ready_on
        steps.append(f"ready {stamp}, before the {schedule.cutoff.strftime('%H:%M')} cut-off: counts from that day")
    else:
        why = closed if closed is not None else f"at or after the {schedule.cutoff.strftime('%H:%M')} cut-off"
        day = calendar.next_ship_day(ready_on, skipped)
        steps.append(f"ready {stamp}, {why}: counts from {day.isoformat()}")
    for _ in range(schedule.processing_days):
        day = calendar.next_ship_day(day, skipped)
    if schedule.processing_days:
        steps.append(f"{location} processes orders in {schedule.processing_days} shipping day(s): {day.isoformat()}")
    if not_before is not None and day < not_before:
        day = calendar.next_ship_day(not_before, skipped, inclusive=True)
        steps.append(f"not before {not_before.isoformat()} (presale): {day.isoformat()}")
    if skipped:
        steps.append("no shipping on " + _runs(skipped))
    transit = settings.transit.days(carrier, region)
    deliver_by = calendar.deliver(day, transit.days)
    where = "/".join(region) or "anywhere"
    steps.append(f"{carrier.id} takes {transit.days} delivery day(s) to {where} ({transit.source})")
    late = (deliver_by - day).days - transit.days
    if late:
        steps.append(f"{late} day(s) without delivery on the way")
    summary = f"ship by {day.isoformat()}, deliver by {deliver_by.isoformat()}"
    return Promise(day, deliver_by, ready_on, transit.days, Explanation("promise", summary, tuple(steps)))


def _runs(days: Sequence[tuple[date, str]]) -> str:
    """``2024-10-01..2024-10-07 (holiday), 2024-10-13 (location closed on Sun)``: consecutive days with one
    reason as a range."""
    runs: list[tuple[date, date, str]] = []
    for day, reason in sorted(set(days)):
        if runs and runs[-1][2] == reason and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day, reason)
        else:
            runs.append((day, day, reason))
    return ", ".join(
        f"{first.isoformat()}{'' if first == last else '..' + last.isoformat()} ({reason})"
        for first, last, reason in runs
    )


def promise_shipment(
    order: Order, shipment: Shipment, network: Network, ready_at: datetime, settings: PromiseSettings
) -> Promise:
    """Promise dates for a planned shipment: its location, its carrier, the order's recipient, and the latest
    presale date among its lines.

    Raises:
        InvalidInput: the shipment has no carrier, its carrier is not in ``network``, or ``ready_at`` is naive.
    """
    if shipment.carrier is None:
        raise InvalidInput("shipment.carrier", None, f"shipment {shipment.id} has no carrier to promise for")
    carrier = network.carriers.get(shipment.carrier)
    if carrier is None:
        raise InvalidInput("shipment.carrier", shipment.carrier, "not a carrier of the network")
    presale = [d for d in (order.line(line.line_id).presale_ship_date for line in shipment.lines) if d is not None]
    return promise(
        shipment.location,
        carrier,
        order.recipient.address.region_path(),
        ready_at,
        settings,
        not_before=max(presale) if presale else None,
    )


def quantile_days(samples: Iterable[int], quantile: float = 0.95) -> int:
    """The fewest whole days within which at least ``quantile`` of observed transit times fall.

    Use it to set :attr:`CarrierTransit.by_region` from delivery history so that a promise is kept at the
    target rate.

    Raises:
        InvalidInput: no samples, a negative sample, or a quantile outside (0, 1].
    """
    ordered = sorted(samples)
    if not ordered:
        raise InvalidInput("samples", [], "needs at least one observed transit time")
    if ordered[0] < 0:
        raise InvalidInput("samples", ordered[0], "transit times are not negative")
    if not 0 < quantile <= 1:
        raise InvalidInput("quantile", quantile, "must be in (0, 1]")
    rank = max(1, math.ceil(quantile * len(ordered) - 1e-9))
    return ordered[rank - 1]
