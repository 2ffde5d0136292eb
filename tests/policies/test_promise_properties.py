"""Properties of the delivery promise over generated calendars, schedules and ready times."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from omscore.domain import Carrier, CarrierId, LocationId
from omscore.policies.promise import CarrierTransit, LocationSchedule, Promise, PromiseSettings, TransitTable, promise

HZ = LocationId("WH-HZ")
FIRST = date(2024, 1, 1)
WINDOW = [FIRST + timedelta(days=i) for i in range(120)]
REGIONS = (("cn", "浙江省", "杭州市"), ("cn", "广东省", "深圳市"), ("cn", "新疆维吾尔自治区"))


@attrs.frozen
class Case:
    settings: PromiseSettings
    carrier: Carrier
    region: tuple[str, ...]
    ready_at: datetime
    not_before: date | None

    def run(self, ready_at: datetime | None = None) -> Promise:
        when = ready_at or self.ready_at
        return promise(HZ, self.carrier, self.region, when, self.settings, not_before=self.not_before)

    @property
    def schedule(self) -> LocationSchedule:
        return self.settings.schedule(HZ)

    @property
    def carrier_closed(self) -> frozenset[int]:
        return self.settings.transit.closed_weekdays(self.carrier.id)

    def ships_on(self, day: date) -> bool:
        s = self.settings
        if day in s.holidays or day in self.schedule.closed_dates:
            return False
        closed = self.schedule.closed_weekdays | self.carrier_closed
        return day in s.working_days or day.weekday() not in closed

    def delivers_on(self, day: date) -> bool:
        s = self.settings
        return day not in s.holidays and (day in s.working_days or day.weekday() not in self.carrier_closed)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    location_closed = draw(st.frozensets(st.integers(0, 6), max_size=3))
    carrier_closed = draw(st.frozensets(st.integers(0, 6).filter(lambda d: d not in location_closed), max_size=2))
    holidays = draw(st.frozensets(st.sampled_from(WINDOW), max_size=25))
    working = draw(st.frozensets(st.sampled_from(WINDOW), max_size=6)) - holidays
    schedule = LocationSchedule(
        processing_days=draw(st.integers(0, 3)),
        cutoff=time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30]))),
        timezone=draw(st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "America/Los_Angeles"])),
        closed_weekdays=location_closed,
        closed_dates=draw(st.frozensets(st.sampled_from(WINDOW), max_size=4)),
    )
    transit = CarrierTransit(
        "SF",
        by_region=draw(st.dictionaries(st.sampled_from(["CN", "CN/浙江省", "CN/广东省/深圳市"]), st.integers(0, 6))),
        default_days=draw(st.none() | st.integers(0, 6)),
        closed_weekdays=carrier_closed,
    )
    settings_ = PromiseSettings(
        default_location=schedule, transit=TransitTable([transit]), holidays=holidays, working_days=working
    )
    zones = st.sampled_from([UTC, timezone(timedelta(hours=8))])
    ready_at = draw(st.datetimes(datetime(2024, 1, 1), datetime(2024, 4, 1), timezones=zones))
    not_before = draw(st.none() | st.sampled_from(WINDOW))
    carrier = Carrier(CarrierId("SF"), sla_days=draw(st.integers(0, 5)))
    return Case(settings_, carrier, draw(st.sampled_from(REGIONS)), ready_at, not_before)


@settings(max_examples=100, deadline=None)
@given(cases())
def test_promised_dates_are_open_days_in_order(case: Case) -> None:
    result = case.run()
    ready_on = case.ready_at.astimezone(case.schedule.zone).date()

    assert result.ready_on == ready_on
    assert case.ships_on(result.ship_by)
    assert case.delivers_on(result.deliver_by)
    assert ready_on <= result.ship_by <= result.deliver_by
    assert case.not_before is None or result.ship_by >= case.not_before


@settings(max_examples=100, deadline=None)
@given(cases())
def test_the_ship_date_is_the_earliest_that_leaves_the_processing_days(case: Case) -> None:
    case = attrs.evolve(case, not_before=None)
    result = case.run()
    local = case.ready_at.astimezone(case.schedule.zone)
    days = [result.ready_on + timedelta(days=i) for i in range((result.ship_by - result.ready_on).days)]
    missed_cutoff = case.ships_on(result.ready_on) and local.time() >= case.schedule.cutoff

    assert sum(case.ships_on(d) for d in days) == case.schedule.processing_days + missed_cutoff


@settings(max_examples=100, deadline=None)
@given(cases())
def test_delivery_takes_exactly_the_transit_days_on_delivery_days(case: Case) -> None:
    result = case.run()
    after_ship = [result.ship_by + timedelta(days=i) for i in range(1, (result.deliver_by - result.ship_by).days + 1)]

    if result.transit_days:
        assert sum(case.delivers_on(d) for d in after_ship) == result.transit_days
    else:
        assert not any(case.delivers_on(d) for d in [result.ship_by, *after_ship][:-1])


@settings(max_examples=100, deadline=None)
@given(cases(), st.timedeltas(timedelta(0), timedelta(days=5)))
def test_a_later_ready_time_never_promises_earlier(case: Case, later: timedelta) -> None:
    first = case.run()
    second = case.run(case.ready_at + later)

    assert second.ship_by >= first.ship_by
    assert second.deliver_by >= first.deliver_by
