"""The promise rules of the configuration file (时效承诺): when each location hands parcels to carriers, how long
each carrier takes, holidays and make-up working days, with their cross-checks and their conversion into the
promise settings and the transit table."""

from __future__ import annotations

import zoneinfo
from datetime import time
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from omscore.boundary._fields import STRICT, Code, IsoDate, Region
from omscore.boundary.config.checks import Known, region_parts
from omscore.boundary.config.conversion import built_at, converted
from omscore.boundary.config.fields import MAX_NETWORK_ENTRIES, MAX_RULE_ENTRIES, domain_default
from omscore.boundary.errors import FieldProblem
from omscore.domain.identity import CarrierId, LocationId
from omscore.policies.promise import CarrierTransit, LocationSchedule, PromiseSettings, TransitTable

_Weekdays = Annotated[list[Annotated[int, Field(ge=0, le=6)]], Field(max_length=7)]
_Dates = Annotated[list[IsoDate], Field(max_length=10_000)]
_Cutoff = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
_Timezone = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^\S+$")]


class ScheduleConfig(BaseModel):
    """When a location hands parcels to carriers."""

    model_config = STRICT

    processing_days: int = Field(
        default=domain_default(LocationSchedule, "processing_days"),
        ge=0,
        le=365,
        description="Shipping days between the day an order counts from and the day it ships.",
    )
    cutoff: _Cutoff = Field(
        default=domain_default(LocationSchedule, "cutoff").strftime("%H:%M"),
        description="Local time HH:MM; an order ready at or after it counts from the next shipping day.",
    )
    timezone: _Timezone = Field(
        default=domain_default(LocationSchedule, "timezone"), description="IANA time zone of the location."
    )
    closed_weekdays: _Weekdays = Field(
        default_factory=list, description="Weekdays it does not ship, 0 = Monday … 6 = Sunday."
    )
    closed_dates: _Dates = Field(default_factory=list, description="Dates it does not ship besides the holidays.")


class LocationScheduleConfig(ScheduleConfig):
    """The schedule of one location; omitted fields are taken from default_location."""

    location: Code = Field(description="A location id declared in locations.")


class RegionDays(BaseModel):
    """Transit days of a carrier to one region."""

    model_config = STRICT

    region: Region = Field(description="A region code, e.g. CN/Zhejiang.")
    days: int = Field(ge=0, le=365, description="Delivery days to it and its sub-regions.")


class TransitConfig(BaseModel):
    """How long one carrier takes, by destination region."""

    model_config = STRICT

    carrier: Code = Field(description="A carrier id declared in carriers.")
    by_region: list[RegionDays] = Field(
        default_factory=list, max_length=MAX_RULE_ENTRIES, description="Days by region; the most specific wins."
    )
    default_days: int | None = Field(
        default=None, ge=0, le=365, description="Days to other regions; null: the carrier's sla_days."
    )
    closed_weekdays: _Weekdays = Field(
        default_factory=list, description="Weekdays it neither collects nor delivers, 0 = Monday … 6 = Sunday."
    )


class PromiseConfig(BaseModel):
    """时效承诺: what delivery promises depend on."""

    model_config = STRICT

    default_location: ScheduleConfig = Field(
        default_factory=ScheduleConfig, description="The schedule of a location not listed in locations."
    )
    locations: list[LocationScheduleConfig] = Field(
        default_factory=list, max_length=MAX_NETWORK_ENTRIES, description="Schedules by location, each once."
    )
    transit: list[TransitConfig] = Field(
        default_factory=list, max_length=MAX_NETWORK_ENTRIES, description="Transit times by carrier, each once."
    )
    holidays: _Dates = Field(default_factory=list, description="Dates with no pickup and no delivery anywhere.")
    working_days: _Dates = Field(
        default_factory=list, description="Make-up working days (调休): open even on a closed weekday."
    )


def check_promise(section: PromiseConfig, known: Known) -> list[FieldProblem]:
    """Declared locations once each, carriers once each, valid time zones and weekdays, no date both a holiday
    and a working day."""
    at = "rules.promise"
    problems = _check_schedule(f"{at}.default_location", section.default_location)
    seen: set[str] = set()
    for i, schedule in enumerate(section.locations):
        here = f"{at}.locations.{i}"
        if schedule.location not in known.locations:
            problems.append(
                FieldProblem(f"{here}.location", schedule.location, "unknown location", "unknown_reference")
            )
        elif schedule.location in seen:
            problems.append(FieldProblem(f"{here}.location", schedule.location, "duplicate location", "duplicate"))
        seen.add(schedule.location)
        problems += _check_schedule(here, schedule)
    seen = set()
    for i, transit in enumerate(section.transit):
        here = f"{at}.transit.{i}"
        if transit.carrier in seen:
            problems.append(FieldProblem(f"{here}.carrier", transit.carrier, "duplicate carrier", "duplicate"))
        seen.add(transit.carrier)
        if len(set(transit.closed_weekdays)) == 7:
            problems.append(
                FieldProblem(f"{here}.closed_weekdays", transit.closed_weekdays, "no open day", "no_open_day")
            )
        regions: set[tuple[str, ...]] = set()
        for j, entry in enumerate(transit.by_region):
            parts = region_parts(entry.region)
            if not parts or parts in regions:
                problems.append(
                    FieldProblem(f"{here}.by_region.{j}.region", entry.region, "duplicate region", "duplicate")
                )
            regions.add(parts)
    both = set(section.holidays) & set(section.working_days)
    for j, day in enumerate(section.working_days):
        if day in both:
            problems.append(FieldProblem(f"{at}.working_days.{j}", day.isoformat(), "also a holiday", "holiday"))
    return problems


def _check_schedule(path: str, schedule: ScheduleConfig) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if "timezone" in schedule.model_fields_set or path.endswith("default_location"):
        try:
            zoneinfo.ZoneInfo(schedule.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problems.append(FieldProblem(f"{path}.timezone", schedule.timezone, "unknown IANA time zone", "timezone"))
    if len(set(schedule.closed_weekdays)) == 7:
        problems.append(FieldProblem(f"{path}.closed_weekdays", schedule.closed_weekdays, "no open day", "no_open_day"))
    return problems


def to_transit_table(section: PromiseConfig) -> TransitTable:
    """The transit table the carrier selector and the promise share."""
    return TransitTable(
        tuple(
            built_at(
                f"transit.{i}",
                lambda t=t: CarrierTransit(  # type: ignore[misc]
                    CarrierId(t.carrier),
                    by_region={r.region: r.days for r in t.by_region},
                    default_days=t.default_days,
                    closed_weekdays=converted(t.closed_weekdays),
                ),
            )
            for i, t in enumerate(section.transit)
        )
    )


def _schedule(config: ScheduleConfig) -> LocationSchedule:
    return LocationSchedule(
        processing_days=config.processing_days,
        cutoff=time.fromisoformat(config.cutoff),
        timezone=config.timezone,
        closed_weekdays=converted(config.closed_weekdays),
        closed_dates=converted(config.closed_dates),
    )


def to_promise_settings(section: PromiseConfig, transit: TransitTable) -> PromiseSettings:
    at = "rules.promise"
    default = section.default_location
    locations = {
        LocationId(entry.location): built_at(
            f"{at}.locations.{i}",
            lambda entry=entry: _schedule(  # type: ignore[misc]
                default.model_copy(update={n: getattr(entry, n) for n in entry.model_fields_set if n != "location"})
            ),
        )
        for i, entry in enumerate(section.locations)
    }
    return built_at(
        at,
        lambda: PromiseSettings(
            default_location=built_at("default_location", lambda: _schedule(default)),
            locations=locations,
            transit=transit,
            holidays=converted(section.holidays),
            working_days=converted(section.working_days),
        ),
    )
