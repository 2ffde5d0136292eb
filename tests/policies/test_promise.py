"""The delivery promise: cut-off, processing days, shipping and delivery calendars, transit by region."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from omscore.domain import (
    Address,
    Carrier,
    CarrierId,
    Channel,
    ExternalOrderRef,
    InvalidConfiguration,
    InvalidInput,
    LineId,
    Location,
    LocationId,
    Money,
    Network,
    Order,
    OrderId,
    OrderLine,
    Recipient,
    Shipment,
    ShipmentId,
    ShipmentLine,
    SkuCode,
)
from omscore.policies.promise import (
    CarrierTransit,
    LocationSchedule,
    PromiseSettings,
    TransitTable,
    promise,
    promise_shipment,
    quantile_days,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
HZ = LocationId("WH-HZ")
SF = Carrier(CarrierId("SF"), sla_days=2)
ZHEJIANG = ("cn", "浙江省", "杭州市")
# China's National Day 2024: 1–7 October off; Sunday 29 September and Saturday 12 October are worked (调休).
GOLDEN_WEEK = frozenset(date(2024, 10, 1) + timedelta(days=i) for i in range(7))
MAKE_UP_DAYS = frozenset({date(2024, 9, 29), date(2024, 10, 12)})


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def dates(settings: PromiseSettings, ready_at: datetime, carrier: Carrier = SF, **kw: date) -> tuple[date, date]:
    result = promise(HZ, carrier, ZHEJIANG, ready_at, settings, **kw)
    return result.ship_by, result.deliver_by


MONDAY = date(2024, 5, 6)


# --- cut-off and processing -------------------------------------------------------------------------------


def test_an_order_ready_before_the_cut_off_ships_the_same_day() -> None:
    assert dates(PromiseSettings(), at(MONDAY, 15, 59)) == (MONDAY, MONDAY + timedelta(days=2))


def test_an_order_ready_at_or_after_the_cut_off_ships_the_next_shipping_day() -> None:
    tuesday = MONDAY + timedelta(days=1)

    assert dates(PromiseSettings(), at(MONDAY, 16, 0))[0] == tuesday
    assert dates(PromiseSettings(), at(MONDAY, 23, 59))[0] == tuesday


def test_processing_days_are_counted_in_shipping_days() -> None:
    friday = date(2024, 5, 10)
    schedule = LocationSchedule(processing_days=2, closed_weekdays={5, 6})

    ship_by, _ = dates(PromiseSettings(default_location=schedule), at(friday, 9))

    assert ship_by == date(2024, 5, 14)  # Friday counts, then Monday and Tuesday


def test_each_location_has_its_own_schedule() -> None:
    late_cutoff = LocationSchedule(cutoff=time(20, 0))
    settings = PromiseSettings(locations={HZ: late_cutoff})

    assert promise(HZ, SF, ZHEJIANG, at(MONDAY, 18), settings).ship_by == MONDAY
    assert promise(LocationId("WH-BJ"), SF, ZHEJIANG, at(MONDAY, 18), settings).ship_by == MONDAY + timedelta(days=1)


def test_the_cut_off_is_in_the_location_s_time_zone() -> None:
    before = datetime(2024, 5, 6, 7, 59, tzinfo=UTC)  # 15:59 in Shanghai
    after = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai
    berlin = PromiseSettings(default_location=LocationSchedule(timezone="Europe/Berlin"))

    assert dates(PromiseSettings(), before)[0] == MONDAY
    assert dates(PromiseSettings(), after)[0] == MONDAY + timedelta(days=1)
    assert dates(berlin, after)[0] == MONDAY  # 10:00 in Berlin


def test_the_ready_day_is_the_location_s_local_date() -> None:
    late_sunday_utc = datetime(2024, 5, 5, 20, 0, tzinfo=UTC)  # Monday 04:00 in Shanghai

    result = promise(HZ, SF, ZHEJIANG, late_sunday_utc, PromiseSettings())

    assert (result.ready_on, result.ship_by) == (MONDAY, MONDAY)


# --- calendars --------------------------------------------------------------------------------------------


def test_nothing_ships_or_arrives_on_a_holiday() -> None:
    settings = PromiseSettings(holidays=GOLDEN_WEEK)

    assert dates(settings, at(date(2024, 9, 30), 10)) == (date(2024, 9, 30), date(2024, 10, 9))
    assert dates(settings, at(date(2024, 10, 3), 10)) == (date(2024, 10, 8), date(2024, 10, 10))


def test_closed_weekdays_are_skipped_unless_a_make_up_working_day() -> None:
    weekends_off = LocationSchedule(closed_weekdays={5, 6})
    settings = PromiseSettings(default_location=weekends_off, holidays=GOLDEN_WEEK, working_days=MAKE_UP_DAYS)

    saturday = date(2024, 10, 12)
    sunday = date(2024, 9, 29)

    assert dates(settings, at(sunday, 10))[0] == sunday  # a Sunday, but worked
    assert dates(settings, at(saturday, 10))[0] == saturday
    assert dates(settings, at(date(2024, 10, 19), 10))[0] == date(2024, 10, 21)  # an ordinary Saturday


def test_a_location_s_closed_dates_stop_shipping_but_not_delivery() -> None:
    stock_take = LocationSchedule(closed_dates={MONDAY})

    assert dates(PromiseSettings(default_location=stock_take), at(MONDAY, 9)) == (date(2024, 5, 7), date(2024, 5, 9))


def test_a_carrier_s_closed_weekdays_stop_both_pickup_and_delivery() -> None:
    no_sundays = TransitTable([CarrierTransit("SF", closed_weekdays={6})])
    settings = PromiseSettings(transit=no_sundays)
    saturday = date(2024, 5, 11)

    assert dates(settings, at(saturday, 9)) == (saturday, date(2024, 5, 14))  # Sunday does not count
    assert dates(settings, at(date(2024, 5, 12), 9))[0] == date(2024, 5, 13)


# --- transit ----------------------------------------------------------------------------------------------


def test_transit_days_come_from_the_longest_matching_region_prefix() -> None:
    table = TransitTable([CarrierTransit("SF", {"CN": 3, "CN/浙江省": 1, "CN/浙江省/宁波市": 2}, default_days=5)])
    settings = PromiseSettings(transit=table)

    def transit(region: tuple[str, ...]) -> int:
        return promise(HZ, SF, region, at(MONDAY, 9), settings).transit_days

    assert transit(ZHEJIANG) == 1
    assert transit(("cn", "浙江省", "宁波市", "海曙区")) == 2
    assert transit(("cn", "广东省")) == 3
    assert transit(("us", "ca")) == 5
    assert promise(HZ, Carrier(CarrierId("ZTO"), sla_days=4), ZHEJIANG, at(MONDAY, 9), settings).transit_days == 4


def test_region_codes_fold_like_addresses() -> None:
    table = TransitTable([CarrierTransit("SF", {"ＣＮ / 浙江省": 1})])

    assert promise(HZ, SF, ZHEJIANG, at(MONDAY, 9), PromiseSettings(transit=table)).transit_days == 1


def test_zero_transit_days_delivers_the_day_it_ships() -> None:
    same_day = TransitTable([CarrierTransit("SF", default_days=0, closed_weekdays={0})])
    saturday = date(2024, 5, 11)

    assert dates(PromiseSettings(transit=same_day), at(saturday, 9)) == (saturday, saturday)


def test_a_presale_date_holds_the_ship_date_back() -> None:
    settings = PromiseSettings(holidays={date(2024, 5, 20)})

    assert dates(settings, at(MONDAY, 9), not_before=date(2024, 5, 20)) == (date(2024, 5, 21), date(2024, 5, 23))
    assert dates(settings, at(MONDAY, 9), not_before=date(2024, 5, 1))[0] == MONDAY


# --- explanation and per-shipment entry -------------------------------------------------------------------


def test_the_explanation_says_how_the_dates_were_reached() -> None:
    settings = PromiseSettings(
        default_location=LocationSchedule(processing_days=1),
        holidays=GOLDEN_WEEK,
        transit=TransitTable([CarrierTransit("SF", {"CN/浙江省": 1})]),
    )

    result = promise(HZ, SF, ZHEJIANG, at(date(2024, 9, 30), 17, 30), settings)

    assert result.explanation.summary == "ship by 2024-10-09, deliver by 2024-10-10"
    assert result.explanation.steps == (
        "ready 2024-09-30 17:30 Asia/Shanghai, at or after the 16:00 cut-off: counts from 2024-10-08",
        "WH-HZ processes orders in 1 shipping day(s): 2024-10-09",
        "no shipping on 2024-10-01..2024-10-07 (holiday)",
        "SF takes 1 delivery day(s) to cn/浙江省/杭州市 (its rule for CN/浙江省)",
    )
    assert result.days_to_delivery == 10
    assert result.explanation.as_dict()["policy"] == "promise"


def test_the_explanation_steps_match_the_dates() -> None:
    settings = PromiseSettings(default_location=LocationSchedule(processing_days=1), holidays=GOLDEN_WEEK)

    result = promise(HZ, SF, ZHEJIANG, at(date(2024, 9, 30), 17, 30), settings)

    assert result.ship_by == date(2024, 10, 9)
    assert result.deliver_by == date(2024, 10, 11)


def _shipment_world() -> tuple[Order, Shipment, Network]:
    ref = ExternalOrderRef(Channel("tmall", "flagship"), "E1")
    order = Order.receive(
        id=OrderId("O1"),
        ref=ref,
        revision=1,
        placed_at=at(MONDAY, 9),
        buyer_id="b",
        recipient=Recipient("Li", "13800138000", Address("CN", "浙江省", "杭州市", "西湖区", "文三路 1 号")),
        lines=[
            OrderLine(LineId("1"), SkuCode("TEA"), 1, Money(100, "CNY"), ref),
            OrderLine(LineId("2"), SkuCode("CUP"), 1, Money(100, "CNY"), ref, presale_ship_date=date(2024, 5, 15)),
        ],
        currency="CNY",
        shipping_fee=Money(0, "CNY"),
    )
    shipment = Shipment.plan(
        id=ShipmentId("S1"),
        order_id=order.id,
        location=HZ,
        lines=[ShipmentLine(LineId(n), SkuCode(s), 1, Money(100, "CNY"), ref) for n, s in (("1", "TEA"), ("2", "CUP"))],
        shipping_fee=Money(0, "CNY"),
        carrier=CarrierId("SF"),
    )
    return order, shipment, Network.build([Location(HZ)], [SF])


def test_a_shipment_is_promised_from_its_location_with_its_carrier_after_its_latest_presale_date() -> None:
    order, shipment, network = _shipment_world()
    table = TransitTable([CarrierTransit("SF", {"CN/浙江省": 1})])

    result = promise_shipment(order, shipment, network, at(MONDAY, 9), PromiseSettings(transit=table))

    assert (result.ship_by, result.deliver_by) == (date(2024, 5, 15), date(2024, 5, 16))


def test_a_shipment_without_a_known_carrier_cannot_be_promised() -> None:
    order, shipment, network = _shipment_world()
    shipment.assign_carrier(None, "")

    with pytest.raises(InvalidInput, match=r"shipment\.carrier"):
        promise_shipment(order, shipment, network, at(MONDAY, 9), PromiseSettings())
    shipment.assign_carrier(CarrierId("EMS"), "")
    with pytest.raises(InvalidInput, match="not a carrier of the network"):
        promise_shipment(order, shipment, network, at(MONDAY, 9), PromiseSettings())


# --- bad input --------------------------------------------------------------------------------------------


def test_a_ready_time_without_a_zone_is_refused() -> None:
    with pytest.raises(InvalidInput, match="ready_at"):
        promise(HZ, SF, ZHEJIANG, datetime(2024, 5, 6, 9), PromiseSettings())


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: LocationSchedule(closed_weekdays={7}), "closed_weekdays"),
        (lambda: LocationSchedule(closed_weekdays=set(range(7))), "closed_weekdays"),
        (lambda: LocationSchedule(processing_days=-1), "processing_days"),
        (lambda: LocationSchedule(timezone="Mars/Olympus"), "timezone"),
        (lambda: LocationSchedule(cutoff=time(16, tzinfo=UTC)), "cutoff"),
        (lambda: CarrierTransit("SF", {"CN": -1}), "by_region.CN"),
        (lambda: CarrierTransit("SF", {"CN/浙江": 1, "cn / 浙江": 2}), "by_region.cn / 浙江"),
        (lambda: CarrierTransit("SF", default_days=-2), "default_days"),
        (lambda: TransitTable([CarrierTransit("SF"), CarrierTransit("SF")]), "transit.1.carrier"),
        (lambda: PromiseSettings(holidays={MONDAY}, working_days={MONDAY}), "working_days"),
    ],
)
def test_an_inconsistent_calendar_is_refused_naming_the_field(build: Callable[[], object], field: str) -> None:
    with pytest.raises(InvalidConfiguration) as caught:
        build()
    assert caught.value.field == field


def test_a_location_and_carrier_with_no_common_open_weekday_are_refused() -> None:
    weekdays_only = LocationSchedule(closed_weekdays={5, 6})
    weekends_only = TransitTable([CarrierTransit("SF", closed_weekdays={0, 1, 2, 3, 4})])

    with pytest.raises(InvalidConfiguration, match="no common open day"):
        promise(HZ, SF, ZHEJIANG, at(MONDAY, 9), PromiseSettings(default_location=weekdays_only, transit=weekends_only))


# --- calibration ------------------------------------------------------------------------------------------


def test_quantile_days_is_the_fewest_days_that_cover_the_target_share_of_deliveries() -> None:
    history = [1] * 50 + [2] * 40 + [3] * 8 + [6] * 2

    assert quantile_days(history, 0.5) == 1
    assert quantile_days(history, 0.9) == 2
    assert quantile_days(history, 0.95) == 3
    assert quantile_days(history, 0.99) == 6
    assert quantile_days(history, 1.0) == 6


@pytest.mark.parametrize(("samples", "q"), [([], 0.9), ([-1, 2], 0.9), ([1], 0.0), ([1], 1.5)])
def test_quantile_days_refuses_bad_input(samples: list[int], q: float) -> None:
    with pytest.raises(InvalidInput):
        quantile_days(samples, q)
