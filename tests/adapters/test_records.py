"""Specification of the adapter-neutral records: every field survives the trip through JSON, exactly."""

from __future__ import annotations

import json
import typing
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from omscore.adapters.records import (
    RECORD_FORMAT,
    catalog_from_record,
    catalog_to_record,
    event_from_record,
    event_to_record,
    event_types,
    network_from_record,
    network_to_record,
    order_from_record,
    order_to_record,
    shipment_from_record,
    shipment_to_record,
)
from omscore.domain import events as ev
from omscore.domain.address import Address, GeoPoint, Recipient
from omscore.domain.catalog import Catalog, Kit, Listing, Sku
from omscore.domain.errors import PersistenceError, SchemaVersionError
from omscore.domain.network import Carrier, Location
from omscore.domain.order import Order
from omscore.domain.order_line import OrderLine
from omscore.domain.shipment import Shipment, ShipmentLine
from omscore.testing.samples import (
    rich_catalog,
    rich_network,
    rich_order,
    rich_shipment,
    sample_order,
    sample_shipment,
    state_of,
)


def _through_json(record: dict[str, Any]) -> dict[str, Any]:
    """What a store gives back: the record serialised as JSON text and parsed again."""
    text = json.dumps(record)
    loaded: dict[str, Any] = json.loads(text)
    return loaded


# --- aggregates -------------------------------------------------------------------------------------------


def test_a_rich_order_comes_back_with_every_field() -> None:
    order = rich_order()
    order.version = 7

    loaded = order_from_record(_through_json(order_to_record(order)))

    assert state_of(loaded) == state_of(order)
    assert loaded.placed_at.utcoffset() == order.placed_at.utcoffset()
    assert loaded.events == []


def test_a_plain_order_comes_back_unchanged() -> None:
    order = sample_order(skus=("A", "B"), merge_key="k", currency="KWD")

    assert state_of(order_from_record(_through_json(order_to_record(order)))) == state_of(order)


def test_order_records_leave_out_the_recorded_events() -> None:
    order = sample_order()
    assert order.events

    record = order_to_record(order)

    assert "events" not in record
    assert record["format"] == RECORD_FORMAT


def test_a_rich_shipment_comes_back_with_every_field() -> None:
    shipment = rich_shipment()
    shipment.version = 3

    loaded = shipment_from_record(_through_json(shipment_to_record(shipment)))

    assert state_of(loaded) == state_of(shipment)
    assert isinstance(loaded.written_back, frozenset)


def test_equal_shipments_give_equal_records_whatever_the_set_order() -> None:
    first = rich_shipment()
    second = rich_shipment()
    second.written_back = frozenset(reversed(list(first.written_back | set(rich_order().refs))))
    first.written_back = frozenset(rich_order().refs)

    assert shipment_to_record(first) == shipment_to_record(second)


def test_a_planned_shipment_comes_back_unchanged() -> None:
    shipment = sample_shipment()

    assert state_of(shipment_from_record(_through_json(shipment_to_record(shipment)))) == state_of(shipment)


def test_an_order_record_written_before_lines_kept_their_gross_still_loads() -> None:
    record = _through_json(order_to_record(rich_order()))
    for line in record["lines"]:
        del line["gross"]

    loaded = order_from_record(record)

    assert [line.gross for line in loaded.lines] == [None, None]
    assert loaded.gross_total == rich_order().gross_total
    assert loaded.discount_total == rich_order().discount_total


def test_a_shipment_record_written_before_gross_discount_and_promised_dates_still_loads() -> None:
    record = _through_json(shipment_to_record(rich_shipment()))
    for key in ("ship_by", "deliver_by"):
        del record[key]
    for line in record["lines"]:
        del line["gross"], line["discount"]

    loaded = shipment_from_record(record)

    assert (loaded.ship_by, loaded.deliver_by) == (None, None)
    assert all(line.gross is None and line.discount is None for line in loaded.lines)
    assert loaded.gross_total == loaded.paid_total == rich_shipment().paid_total


# --- configuration values ------------------------------------------------------------------------------


def test_a_rich_catalog_comes_back_equal_with_its_lookups() -> None:
    catalog = rich_catalog()

    loaded = catalog_from_record(_through_json(catalog_to_record(catalog)))

    assert loaded == catalog
    assert list(loaded.skus) == list(catalog.skus)
    assert loaded.listing(*next(iter(catalog.listings))) == next(iter(catalog.listings.values()))


def test_an_empty_catalog_comes_back_empty() -> None:
    assert catalog_from_record(_through_json(catalog_to_record(Catalog.build([])))) == Catalog.build([])


def test_a_rich_network_comes_back_equal() -> None:
    network = rich_network()

    loaded = network_from_record(_through_json(network_to_record(network)))

    assert loaded == network
    assert list(loaded.locations) == list(network.locations)


# --- values that are easy to get wrong -----------------------------------------------------------------------

_ZONES = st.sampled_from(["Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC"])
_FIXED = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
_MOMENTS = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1)).flatmap(
    lambda naive: st.one_of(
        _ZONES.map(lambda zone: naive.replace(tzinfo=ZoneInfo(zone))),
        _FIXED.map(lambda offset: naive.replace(tzinfo=offset)),
        st.just(naive.replace(tzinfo=UTC)),
    )
)
_CLOCK_CHANGES = st.sampled_from(
    [
        datetime(2024, 11, 3, 1, 30, tzinfo=ZoneInfo("America/New_York")),  # ambiguous: the hour repeats
        datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York")),
        datetime(2024, 3, 10, 2, 30, tzinfo=ZoneInfo("America/New_York")),  # imaginary: the hour is skipped
        datetime(2024, 10, 27, 1, 15, fold=1, tzinfo=ZoneInfo("Europe/London")),
    ]
)
_FLOATS = st.floats(allow_nan=False, allow_infinity=False)
_TEXT = st.text(st.characters(codec=None), max_size=20)


@given(placed_at=_MOMENTS | _CLOCK_CHANGES)
def test_placement_times_keep_wall_time_fold_offset_and_zone(placed_at: datetime) -> None:
    order = sample_order(placed_at=placed_at)

    loaded = order_from_record(_through_json(order_to_record(order))).placed_at

    assert loaded == placed_at
    assert (loaded.replace(tzinfo=None), loaded.fold) == (placed_at.replace(tzinfo=None), placed_at.fold)
    assert loaded.utcoffset() == placed_at.utcoffset()
    if isinstance(placed_at.tzinfo, ZoneInfo):
        assert loaded.tzinfo == placed_at.tzinfo


@given(lat=_FLOATS, lon=_FLOATS, name=_TEXT, street=_TEXT)
def test_geo_points_and_any_text_come_back_bit_for_bit(lat: float, lon: float, name: str, street: str) -> None:
    order = sample_order()
    # Set directly: the record must keep any text, even text the model's fingerprint cannot encode.
    order.recipient = Recipient(name, "1", Address("CN", "Zhejiang", "Hangzhou", "", street, "", GeoPoint(lat, lon)))

    loaded = order_from_record(_through_json(order_to_record(order)))

    assert loaded.recipient == order.recipient
    assert loaded.recipient.address.geo is not None
    assert str(loaded.recipient.address.geo.lat) == str(lat)


@given(presale=st.dates(min_value=date(1, 1, 1)))
def test_presale_dates_come_back(presale: date) -> None:
    order = rich_order()
    order.lines = (attrs.evolve(order.lines[0], presale_ship_date=presale), *order.lines[1:])

    assert order_from_record(_through_json(order_to_record(order))).lines[0].presale_ship_date == presale


# --- completeness: a field added to the model must be added to the records ---------------------------------


@pytest.mark.parametrize(
    ("kind", "record"),
    [
        (Order, order_to_record(rich_order())),
        (OrderLine, order_to_record(rich_order())["lines"][0]),
        (Recipient, order_to_record(rich_order())["recipient"]),
        (Address, order_to_record(rich_order())["recipient"]["address"]),
        (Shipment, shipment_to_record(rich_shipment())),
        (ShipmentLine, shipment_to_record(rich_shipment())["lines"][0]),
        (Sku, catalog_to_record(rich_catalog())["skus"][0]),
        (Kit, catalog_to_record(rich_catalog())["kits"][0]),
        (Listing, catalog_to_record(rich_catalog())["listings"][0]),
        (Location, network_to_record(rich_network())["locations"][0]),
        (Carrier, network_to_record(rich_network())["carriers"][0]),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else "",
)
def test_every_field_of_the_model_has_a_place_in_its_record(kind: type, record: dict[str, Any]) -> None:
    fields = {field.name for field in attrs.fields(kind)} - {"events"}

    assert fields <= set(record), sorted(fields - set(record))


# --- events ---------------------------------------------------------------------------------------------------


def _example(kind: type[ev.DomainEvent]) -> ev.DomainEvent:
    values: dict[type, Any] = {str: "x-1", int: 3, bool: True}
    arguments = {}
    for name, hint in typing.get_type_hints(kind).items():
        if name == "name":
            continue
        arguments[name] = ("a", "b") if typing.get_origin(hint) is tuple else values[hint]
    return kind(**arguments)


@pytest.mark.parametrize("name", sorted(event_types()))
def test_every_event_type_comes_back_equal_from_its_outbox_form(name: str) -> None:
    event = _example(event_types()[name])

    record = _through_json(event_to_record(event))

    assert record["name"] == name
    assert event_from_record(record["name"], record["payload"]) == event


def test_event_types_include_every_event_of_the_model() -> None:
    assert event_types()["order.merged"] is ev.OrderMerged
    assert len(event_types()) >= 20


def test_an_unknown_event_name_or_a_bad_payload_is_a_persistence_error() -> None:
    with pytest.raises(PersistenceError):
        event_from_record("order.teleported", {})
    with pytest.raises(PersistenceError):
        event_from_record("order.released", {"order": "O1"})


# --- damaged or newer records ------------------------------------------------------------------------------


def test_a_record_from_a_newer_format_is_refused() -> None:
    record = order_to_record(sample_order())
    record["format"] = RECORD_FORMAT + 1

    with pytest.raises(SchemaVersionError) as refused:
        order_from_record(record)

    assert (refused.value.found, refused.value.supported) == (RECORD_FORMAT + 1, RECORD_FORMAT)


@pytest.mark.parametrize(
    "damage",
    [
        lambda record: record.pop("format"),
        lambda record: record.pop("lines"),
        lambda record: record.update(status="teleported"),
        lambda record: record["lines"][0].update(quantity=0),
        lambda record: record.update(placed_at="yesterday"),
    ],
    ids=["no format", "missing field", "unknown status", "invalid quantity", "malformed time"],
)
def test_a_damaged_order_record_is_a_persistence_error(damage: Any) -> None:
    record = order_to_record(sample_order())
    damage(record)

    with pytest.raises(PersistenceError):
        order_from_record(record)


def test_damaged_configuration_records_are_persistence_errors() -> None:
    with pytest.raises(PersistenceError):
        catalog_from_record({"format": 1, "skus": [{"code": "A"}], "kits": [], "listings": []})
    with pytest.raises(PersistenceError):
        network_from_record({"format": 1})
    with pytest.raises(PersistenceError):
        shipment_from_record({"format": 1, "id": "S1"})
