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
import types
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Final

import attrs

from omscore.domain.address import normalise_text
from omscore.domain.errors import InvalidConfiguration, InvalidInput
from omscore.domain.identity import CarrierId, LocationId
from omscore.domain.network import Carrier, Network
from omscore.domain.order import Order
from omscore.domain.shipment import Shipment
from omscore.policies.explain import Explanation

#: Days are searched this far ahead before a calendar is declared to have no open day.
SEARCH_LIMIT_DAYS: Final = 3_660
WEEKDAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DEFAULT_TIMEZONE: Final = "Asia/Shanghai"


def _weekdays(values: Iterable[int]) -> frozenset[int]:
    days = frozenset(values)
    bad = sorted(d for d in days if type(d) is not int or not 0 <= d <= 6)
    if bad:
        raise InvalidConfiguration("closed_weekdays", bad, "weekdays are 0 (Monday) to 6 (Sunday)")
    if len(days) == 7:
        raise InvalidConfiguration("closed_weekdays", sorted(days), "closing every weekday leaves no open day")
    return days


def _dates(values: Iterable[date]) -> frozenset[date]:
    return frozenset(values)


def _non_negative(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and (type(value) is not int or value < 0):
        raise InvalidConfiguration(attribute.name, value, "must be a whole number of days, not negative")


def _region_days(values: Mapping[str, int]) -> Mapping[str, int]:
    table = dict(values)
    for region, days in table.items():
        if type(days) is not int or days < 0:
            raise InvalidConfiguration(f"by_region.{region}", days, "must be a whole number of days, not negative")
        if not _region_parts(region):
            raise InvalidConfiguration("by_region", region, "a region code must not be blank")
    return types.MappingProxyType(table)


def _region_parts(region: str) -> tuple[str, ...]:
    return tuple(normalise_text(p) for p in region.split("/") if p.strip())


@attrs.frozen
class LocationSchedule:
    """When a location hands parcels to carriers.

    Attributes:
        processing_days: shipping days between the day an order counts from and the day it ships (0 = the same
            day when ready before the cut-off).
        cutoff: local time of day; an order ready at or after it counts from the next shipping day.
        timezone: the location's IANA time zone (``Asia/Shanghai`` by default).
        closed_weekdays: weekdays it does not ship, 0 = Monday … 6 = Sunday (e.g. ``{5, 6}`` for weekends).
        closed_dates: dates it does not ship besides the shared holidays (stock-take, a local closure).
    """

    processing_days: int = attrs.field(default=0, validator=_non_negative)
    cutoff: time = time(16, 0)
    timezone: str = DEFAULT_TIMEZONE
    closed_weekdays: frozenset[int] = attrs.field(default=frozenset(), converter=_weekdays)
    closed_dates: frozenset[date] = attrs.field(default=frozenset(), converter=_dates)
    _zone: zoneinfo.ZoneInfo = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        if self.cutoff.tzinfo is not None:
            raise InvalidConfiguration("cutoff", str(self.cutoff), "give the cut-off as a local time without zone")
        try:
            zone = zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as e:
            raise InvalidConfiguration("timezone", self.timezone, "unknown IANA time zone") from e
        object.__setattr__(self, "_zone", zone)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return self._zone


@attrs.frozen
class CarrierTransit:
    """How long a carrier takes, by destination region, and the weekdays it neither collects nor delivers.

    Attributes:
        carrier: the carrier these times are for.
        by_region: transit days by region prefix (``'CN/浙江省': 1``); the longest matching prefix wins.
        default_days: days to a region the table does not match; ``None`` = the carrier's ``sla_days``.
        closed_weekdays: weekdays it neither collects nor delivers, 0 = Monday … 6 = Sunday.
    """

    carrier: CarrierId = attrs.field(converter=CarrierId)
    by_region: Mapping[str, int] = attrs.field(factory=dict, converter=_region_days)
    default_days: int | None = attrs.field(default=None, validator=_non_negative)
    closed_weekdays: frozenset[int] = attrs.field(default=frozenset(), converter=_weekdays)
    _prefixes: tuple[tuple[tuple[str, ...], str, int], ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        entries = sorted(
            ((_region_parts(region), region, days) for region, days in self.by_region.items()),
            key=lambda e: (-len(e[0]), e[0], e[1]),
        )
        seen: dict[tuple[str, ...], str] = {}
        for parts, region, _ in entries:
            if parts in seen:
                raise InvalidConfiguration(f"by_region.{region}", region, f"the same region as {seen[parts]!r}")
            seen[parts] = region
        object.__setattr__(self, "_prefixes", tuple(entries))

    def rule_for(self, path: Sequence[str]) -> tuple[str, int] | None:
        """The most specific region rule covering ``path`` (normalised parts) as (region, days), or ``None``."""
        for parts, region, days in self._prefixes:
            if len(parts) <= len(path) and tuple(path[: len(parts)]) == parts:
                return region, days
        return None


@attrs.frozen
class TransitDays:
    """Transit days of a carrier to a region, and which setting gave them (for explanations)."""

    days: int
    source: str


def _transit_entries(values: Iterable[CarrierTransit]) -> tuple[CarrierTransit, ...]:
    entries = tuple(values)
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if entry.carrier in seen:
            raise InvalidConfiguration(f"transit.{index}.carrier", entry.carrier, "a second entry for the carrier")
        seen.add(entry.carrier)
    return entries


@attrs.frozen
class TransitTable:
    """Transit times of every carrier; a carrier without an entry takes its ``sla_days`` everywhere.

    The carrier selector (ranking by SLA) and :func:`promise` read the same table.
    """

    carriers: tuple[CarrierTransit, ...] = attrs.field(default=(), converter=_transit_entries)
    _index: Mapping[CarrierId, CarrierTransit] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", {entry.carrier: entry for entry in self.carriers})

    def entry(self, carrier: CarrierId) -> CarrierTransit | None:
        return self._index.get(carrier)

    def days(self, carrier: Carrier, path: Sequence[str]) -> TransitDays:
        """Transit days of ``carrier`` to the region ``path`` (an :meth:`Address.region_path`)."""
        entry = self._index.get(carrier.id)
        if entry is not None:
            rule = entry.rule_for(path)
            if rule is not None:
                return TransitDays(rule[1], f"its rule for {rule[0]}")
            if entry.default_days is not None:
                return TransitDays(entry.default_days, "its default transit time")
        return TransitDays(carrier.sla_days, "its usual SLA")

    def closed_weekdays(self, carrier: CarrierId) -> frozenset[int]:
        entry = self._index.get(carrier)
        return entry.closed_weekdays if entry is not None else frozenset()


def _schedules(values: Mapping[LocationId, LocationSchedule]) -> Mapping[LocationId, LocationSchedule]:
    return types.MappingProxyType({LocationId(k): v for k, v in values.items()})


@attrs.frozen
class PromiseSettings:
    """Everything a delivery promise depends on.

    Attributes:
        default_location: the schedule of a location not listed in ``locations``.
        locations: schedules by location id.
        transit: the carriers' transit times (share it with the carrier selector's settings).
        holidays: dates with no pickup and no delivery anywhere (public holidays).
        working_days: make-up working days (调休): open even on a closed weekday (never on a holiday or a
            location's closed date).
    """

    default_location: LocationSchedule = attrs.field(factory=LocationSchedule)
    locations: Mapping[LocationId, LocationSchedule] = attrs.field(factory=dict, converter=_schedules)
    transit: TransitTable = attrs.field(factory=TransitTable)
    holidays: frozenset[date] = attrs.field(default=frozenset(), converter=_dates)
    working_days: frozenset[date] = attrs.field(default=frozenset(), converter=_dates)

    def __attrs_post_init__(self) -> None:
        both = sorted(self.holidays & self.working_days)
        if both:
            raise InvalidConfiguration("working_days", [d.isoformat() for d in both], "also listed as holidays")

    def schedule(self, location: LocationId) -> LocationSchedule:
        return self.locations.get(location, self.default_location)


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
