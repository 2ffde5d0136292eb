"""时效承诺 settings: each location's schedule, each carrier's transit days, and the calendar."""

from __future__ import annotations

import types
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time
from typing import Any, Final

import attrs

from omscore.domain.address import normalise_text
from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import CarrierId, LocationId
from omscore.domain.network import Carrier

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
