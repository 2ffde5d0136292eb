"""parse_platform_order / dump_platform_order, read as the specification of the platform-order payload."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from omscore.boundary import InvalidDocument, dump_platform_order, parse_platform_order
from omscore.boundary.payload import MAX_PAYLOAD_BYTES
from omscore.domain.address import Address, GeoPoint, Recipient
from omscore.domain.errors import InvalidAddress, InvalidInput, InvalidMoney, InvalidQuantity, OmsError
from omscore.domain.identity import Channel, ExternalOrderRef, LocationId
from omscore.domain.money import Money
from omscore.domain.order import PaymentMode
from omscore.domain.platform_order import PlatformLine, PlatformOrder, PlatformStatus

from .builders import order_payload, order_payloads


def refusal(data: Any) -> InvalidDocument:
    """The error parsing ``data`` raises; every refusal is an :class:`InvalidDocument` (an ``InvalidInput``)."""
    with pytest.raises(InvalidDocument) as caught:
        parse_platform_order(data)
    return caught.value


# --- what a valid payload becomes ----------------------------------------------------------------------------


def test_a_valid_payload_becomes_a_platform_order() -> None:
    order = parse_platform_order(order_payload())

    cny = "CNY"
    assert order.ref == ExternalOrderRef(Channel("tmall", "flagship"), "3958200007919")
    assert order.revision == 1
    assert order.status is PlatformStatus.OPEN
    assert order.placed_at == datetime(2026, 11, 11, 0, 3, tzinfo=timezone(timedelta(hours=8)))
    assert order.buyer_id == "tb_lin_8808"
    assert order.recipient == Recipient(
        "林晓雨",
        "+86 138-0013-8000",
        Address("CN", "Zhejiang", "Hangzhou", "Xihu", "文三路 100 号 2 幢 301 室", "310013"),
    )
    assert order.currency == cny
    assert order.shipping_fee == Money(800, cny)
    assert order.lines[0] == PlatformLine(
        "1", "6021001", 2, Money(24600, cny), unit_price=Money(12800, cny), discount=Money(1000, cny)
    )
    assert order.lines[2].is_gift


def test_omitted_optional_fields_take_their_documented_defaults() -> None:
    order = parse_platform_order(order_payload())

    assert order.payment is PaymentMode.PREPAID
    assert (order.buyer_memo, order.seller_memo, order.priority, order.pickup_location) == ("", "", 0, None)
    assert order.recipient.address.geo is None
    line = order.lines[1]
    assert (line.unit_price, line.discount, line.is_gift, line.presale_ship_date) == (None, None, False, None)


def test_optional_fields_are_read_when_given() -> None:
    payload = order_payload(
        payment="cod", buyer_memo="请发顺丰", seller_memo="VIP", priority=10, pickup_location="STORE-SH"
    )
    payload["recipient"]["address"]["geo"] = {"lat": 30.27, "lon": 120}
    payload["lines"][1]["presale_ship_date"] = "2026-12-05"

    order = parse_platform_order(payload)

    assert order.payment is PaymentMode.COD
    assert (order.buyer_memo, order.seller_memo, order.priority) == ("请发顺丰", "VIP", 10)
    assert order.pickup_location == LocationId("STORE-SH")
    assert order.recipient.address.geo == GeoPoint(30.27, 120.0)
    assert order.lines[1].presale_ship_date == date(2026, 12, 5)


def test_json_text_bytes_and_a_mapping_give_the_same_order() -> None:
    payload = order_payload()
    text = json.dumps(payload, ensure_ascii=False)

    from_mapping = parse_platform_order(payload)

    assert parse_platform_order(text) == from_mapping
    assert parse_platform_order(text.encode()) == from_mapping
    assert parse_platform_order(MappingProxyType(payload)) == from_mapping


@pytest.mark.parametrize("placed_at", ["2026-11-10T16:03:00Z", "2026-11-10T16:03:00+00:00", "2026-11-11T00:03+08:00"])
def test_placed_at_is_any_iso_8601_datetime_with_an_offset(placed_at: str) -> None:
    expected = datetime(2026, 11, 10, 16, 3, tzinfo=UTC)

    assert parse_platform_order(order_payload(placed_at=placed_at)).placed_at == expected
    assert parse_platform_order(json.dumps(order_payload(placed_at=placed_at))).placed_at == expected


def test_a_mapping_may_hold_an_aware_datetime_object() -> None:
    placed_at = datetime(2026, 11, 11, 0, 3, tzinfo=timezone(timedelta(hours=8)))

    assert parse_platform_order(order_payload(placed_at=placed_at)).placed_at == placed_at


def test_a_cancelled_order_is_read_as_cancelled() -> None:
    assert parse_platform_order(order_payload(status="cancelled")).status is PlatformStatus.CANCELLED


# --- what is refused, and how the refusal names the field ----------------------------------------------------


def test_a_missing_field_is_named_by_its_path() -> None:
    payload = order_payload()
    del payload["buyer_id"]

    error = refusal(payload)

    assert type(error) is InvalidDocument
    assert (error.field, error.value) == ("buyer_id", None)
    assert error.code == "missing"


def test_a_missing_address_part_is_an_address_error() -> None:
    payload = order_payload()
    del payload["recipient"]["address"]["city"]

    error = refusal(payload)

    assert isinstance(error, InvalidAddress)
    assert error.field == "recipient.address.city"


def test_a_missing_quantity_is_a_quantity_error() -> None:
    payload = order_payload()
    del payload["lines"][0]["quantity"]

    error = refusal(payload)

    assert isinstance(error, InvalidQuantity)
    assert error.field == "lines.0.quantity"


@pytest.mark.parametrize("quantity", [-1, 0, 1_000_001])
def test_a_quantity_out_of_range_is_refused(quantity: int) -> None:
    payload = order_payload()
    payload["lines"][1]["quantity"] = quantity

    error = refusal(payload)

    assert isinstance(error, InvalidQuantity)
    assert (error.field, error.value) == ("lines.1.quantity", quantity)


@pytest.mark.parametrize("quantity", ["2", 2.0, True, None])
def test_a_quantity_must_be_a_json_integer(quantity: object) -> None:
    payload = order_payload()
    payload["lines"][1]["quantity"] = quantity

    error = refusal(payload)

    assert isinstance(error, InvalidQuantity)
    assert (error.field, error.value) == ("lines.1.quantity", quantity)


def test_strictness_holds_for_json_text_too() -> None:
    payload = order_payload()
    payload["lines"][0]["quantity"] = "2"

    error = refusal(json.dumps(payload))

    assert (error.field, error.value) == ("lines.0.quantity", "2")


@pytest.mark.parametrize("currency", ["XXX", "cny", "RMB", ""])
def test_an_unknown_currency_is_a_money_error(currency: str) -> None:
    error = refusal(order_payload(currency=currency))

    assert isinstance(error, InvalidMoney)
    assert (error.field, error.value) == ("currency", currency)


@pytest.mark.parametrize(("field", "value"), [("amount", -1), ("unit_price", -100), ("discount", 10**15 + 1)])
def test_line_amounts_are_non_negative_bounded_minor_units(field: str, value: int) -> None:
    payload = order_payload()
    payload["lines"][0][field] = value

    error = refusal(payload)

    assert isinstance(error, InvalidMoney)
    assert (error.field, error.value) == (f"lines.0.{field}", value)


def test_an_amount_in_major_units_is_refused() -> None:
    error = refusal(order_payload(shipping_fee=8.5))

    assert isinstance(error, InvalidMoney)
    assert (error.field, error.value) == ("shipping_fee", 8.5)


def test_a_line_amount_must_equal_price_times_quantity_less_discount() -> None:
    payload = order_payload()
    payload["lines"][0]["amount"] = 24500  # 12800 × 2 − 1000 = 24600

    error = refusal(payload)

    assert isinstance(error, InvalidMoney)
    assert (error.field, error.value) == ("lines.0.amount", 24500)
    assert "24600" in error.reason


def test_the_line_arithmetic_is_checked_only_when_price_and_discount_are_both_given() -> None:
    payload = order_payload()
    payload["lines"][0]["amount"] = 1
    del payload["lines"][0]["discount"]

    assert parse_platform_order(payload).lines[0].amount.minor == 1


def test_a_ten_megabyte_memo_is_refused_and_not_kept_in_the_error() -> None:
    memo = "长" * 10_000_000

    error = refusal(order_payload(buyer_memo=memo))

    assert error.field == "buyer_memo"
    assert isinstance(error.value, str)
    assert len(error.value) < 200
    assert len(str(error)) < 400


def test_a_memo_of_a_thousand_characters_is_accepted() -> None:
    assert len(parse_platform_order(order_payload(seller_memo="x" * 1_000)).seller_memo) == 1_000


@pytest.mark.parametrize("size", [MAX_PAYLOAD_BYTES + 1, 10 * 1024 * 1024])
def test_raw_input_above_the_size_limit_is_refused_before_parsing(size: int) -> None:
    garbage = b"{" * size  # not JSON either: the size check comes first

    error = refusal(garbage)

    assert error.field == "$"
    assert isinstance(error, InvalidDocument)
    assert error.code == "too_large"


def test_the_size_limit_counts_utf8_bytes_of_text_input() -> None:
    payload = order_payload(buyer_memo="")
    room = MAX_PAYLOAD_BYTES - len(json.dumps(payload, ensure_ascii=False).encode())
    too_big = json.dumps(order_payload(buyer_memo="长" * (room // 3 + 1)), ensure_ascii=False)

    assert len(too_big) < MAX_PAYLOAD_BYTES
    assert refusal(too_big).code == "too_large"


def test_an_unknown_field_is_refused_by_name() -> None:
    error = refusal(order_payload(coupon_code="SAVE10"))

    assert (error.field, error.value) == ("coupon_code", "SAVE10")
    assert error.code == "extra_forbidden"


def test_an_unknown_nested_field_is_refused_by_its_path() -> None:
    payload = order_payload()
    payload["lines"][2]["sku"] = "TEA"

    assert refusal(payload).field == "lines.2.sku"


@pytest.mark.parametrize(
    "placed_at", ["2026-11-11T00:03:00", "2026-11-11", datetime(2026, 11, 11, 0, 3)], ids=["text", "date", "object"]
)
def test_a_naive_datetime_is_refused(placed_at: object) -> None:
    error = refusal(order_payload(placed_at=placed_at))

    assert error.field == "placed_at"
    assert error.code == "timezone_aware"


def test_a_naive_datetime_is_refused_in_json_text() -> None:
    assert refusal(json.dumps(order_payload(placed_at="2026-11-11T00:03:00"))).field == "placed_at"


@pytest.mark.parametrize("placed_at", [1_762_790_580, "11/11/2026 00:03 +08:00", "yesterday"])
def test_placed_at_must_be_an_iso_8601_string(placed_at: object) -> None:
    assert refusal(order_payload(placed_at=placed_at)).field == "placed_at"
    assert refusal(json.dumps(order_payload(placed_at=placed_at))).field == "placed_at"


@pytest.mark.parametrize("day", ["2026-12-05T00:00:00", "05/12/2026", 20261205])
def test_a_presale_ship_date_must_be_an_iso_date(day: object) -> None:
    payload = order_payload()
    payload["lines"][0]["presale_ship_date"] = day

    assert refusal(payload).field == "lines.0.presale_ship_date"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "paid"),
        ("payment", "credit"),
        ("revision", -1),
        ("revision", 2**63),
        ("priority", 1_001),
        ("external_id", " 3958200007919"),
        ("external_id", ""),
        ("external_id", "3958200007919\n"),
        ("platform", "t" * 65),
        ("pickup_location", "STORE\nSH"),
        ("lines", []),
    ],
)
def test_out_of_range_values_are_refused(field: str, value: object) -> None:
    error = refusal(order_payload(**{field: value}))

    assert error.field == field


def test_more_than_500_lines_are_refused() -> None:
    lines = [{"line_id": str(i), "listing_id": "L", "quantity": 1, "amount": 0} for i in range(501)]

    error = refusal(order_payload(lines=lines))

    assert (error.field, error.value) == ("lines", "<array of 501 items>")


def test_line_ids_must_be_unique() -> None:
    payload = order_payload()
    payload["lines"][2]["line_id"] = "1"

    error = refusal(payload)

    assert (error.field, error.value) == ("lines.2.line_id", "1")


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("address", "country"), "China"),
        (("address", "country"), "cn"),
        (("address", "street"), "路" * 501),
        (("address", "postcode"), "3" * 21),
        (("name",), "名" * 201),
        (("phone",), 13800138000),
    ],
)
def test_recipient_fields_are_typed_and_bounded(path: tuple[str, ...], value: object) -> None:
    payload = order_payload()
    target = payload["recipient"]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value

    error = refusal(payload)

    assert error.field == ".".join(("recipient", *path))


@pytest.mark.parametrize("geo", [{"lat": 91, "lon": 0}, {"lat": 0}, {"lat": "30.2", "lon": "120.1"}])
def test_a_geo_point_is_checked(geo: object) -> None:
    payload = order_payload()
    payload["recipient"]["address"]["geo"] = geo

    error = refusal(payload)

    assert isinstance(error, InvalidAddress)
    assert error.field.startswith("recipient.address.geo.")


@pytest.mark.parametrize(
    ("data", "code"), [("{not json", "json_invalid"), ("[]", "model_type"), (b"\xff", "json_invalid")]
)
def test_text_that_is_not_a_json_object_is_refused_as_a_whole(data: str | bytes, code: str) -> None:
    error = refusal(data)

    assert error.field == "$"
    assert error.code == code


def test_a_python_object_that_is_not_a_mapping_is_refused_as_a_whole() -> None:
    error = refusal([order_payload()])

    assert error.field == "$"


def test_every_problem_is_listed_with_the_first_one_as_field_and_value() -> None:
    payload = order_payload(currency="XXX", buyer_memo="x" * 1_001, surprise=True)
    payload["lines"][0]["quantity"] = -1

    error = refusal(payload)

    assert isinstance(error, InvalidDocument)
    assert [(p.field, p.code) for p in error.errors] == [
        ("currency", "currency"),
        ("buyer_memo", "string_too_long"),
        ("lines.0.quantity", "greater_than_equal"),
        ("surprise", "extra_forbidden"),
    ]
    assert (error.field, error.value, error.reason) == ("currency", "XXX", error.errors[0].reason)
    assert isinstance(error, InvalidMoney)


def test_a_validation_error_is_chained_to_the_pydantic_error() -> None:
    error = refusal(order_payload(status="paid"))

    assert isinstance(error.__cause__, ValidationError)


def test_refusals_are_invalid_input_omscore_errors_and_value_errors() -> None:
    with pytest.raises(InvalidInput):
        parse_platform_order(order_payload(currency="XXX"))
    with pytest.raises(ValueError, match="currency"):
        parse_platform_order(order_payload(currency="XXX"))
    with pytest.raises(OmsError):
        parse_platform_order(order_payload(currency="XXX"))


# --- the way back --------------------------------------------------------------------------------------------


def test_dump_writes_every_field_in_the_payload_shape() -> None:
    dumped = dump_platform_order(parse_platform_order(order_payload()))

    assert dumped["placed_at"] == "2026-11-11T00:03:00+08:00"
    assert dumped["lines"][1] == {
        "line_id": "2",
        "listing_id": "6021003",
        "quantity": 1,
        "amount": 3900,
        "unit_price": None,
        "discount": None,
        "is_gift": False,
        "presale_ship_date": None,
    }
    assert dumped["recipient"]["address"]["geo"] is None
    assert (dumped["payment"], dumped["buyer_memo"], dumped["priority"], dumped["pickup_location"]) == (
        "prepaid",
        "",
        0,
        None,
    )


@given(order_payloads())
def test_dump_after_parse_gives_back_the_canonical_payload(payload: dict[str, Any]) -> None:
    assert dump_platform_order(parse_platform_order(payload)) == payload


@given(order_payloads())
def test_parse_after_dump_is_the_identity(payload: dict[str, Any]) -> None:
    order = parse_platform_order(payload)

    assert parse_platform_order(dump_platform_order(order)) == order
    assert parse_platform_order(json.dumps(dump_platform_order(order))) == order


def test_dump_of_a_hand_built_order_parses_back_to_it() -> None:
    cny = "CNY"
    order = PlatformOrder(
        ref=ExternalOrderRef(Channel("jd", "self-run"), "281700104729"),
        revision=7,
        status=PlatformStatus.OPEN,
        placed_at=datetime(2026, 11, 11, 3, 5, tzinfo=timezone(timedelta(hours=8))),
        buyer_id="jd_hezhi",
        recipient=Recipient("何志", "13588889999", Address("CN", "Hubei", "Wuhan", "Wuchang", "中北路 108 号")),
        lines=(PlatformLine("1", "100012345601", 2, Money(25600, cny), presale_ship_date=date(2026, 12, 1)),),
        currency=cny,
        shipping_fee=Money(0, cny),
        payment=PaymentMode.COD,
    )

    assert parse_platform_order(dump_platform_order(order)) == order


# --- properties over many payloads ---------------------------------------------------------------------------

REQUIRED = [
    "platform",
    "shop",
    "external_id",
    "revision",
    "status",
    "placed_at",
    "buyer_id",
    "recipient",
    "recipient.name",
    "recipient.phone",
    "recipient.address",
    "recipient.address.country",
    "recipient.address.province",
    "recipient.address.city",
    "recipient.address.street",
    "currency",
    "shipping_fee",
    "lines",
    "lines.0.line_id",
    "lines.0.listing_id",
    "lines.0.quantity",
    "lines.0.amount",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


@given(order_payloads(), st.sampled_from(REQUIRED))
def test_removing_any_required_field_is_refused_naming_exactly_that_field(payload: dict[str, Any], path: str) -> None:
    *parents, name = path.split(".")
    target: Any = payload
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    del target[name]

    error = refusal(payload)

    assert [(p.field, p.code) for p in error.errors] == [(path, "missing")]


@given(order_payloads(), st.sampled_from(REQUIRED[:-4]), json_values)
def test_any_value_either_parses_or_is_refused_as_invalid_input(
    payload: dict[str, Any], field: str, value: Any
) -> None:
    *parents, name = field.split(".")
    target: Any = payload
    for key in parents:
        target = target[key]
    target[name] = value

    refused: str | None = None
    try:
        parse_platform_order(payload)
    except InvalidDocument as error:
        refused = error.field

    assert refused is None or refused == field or refused.startswith(f"{field}.")
