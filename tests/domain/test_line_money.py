"""A line's money: gross, discount and amount agree, and totals add them up."""

from __future__ import annotations

from datetime import date

import pytest

from omscore.domain import Channel, ExternalOrderRef, InvalidInput, InvalidMoney, LineId, Money, OrderLine, SkuCode
from omscore.domain.order_line import gross_of
from omscore.domain.platform_order import PlatformLine
from omscore.domain.shipment import ShipmentLine
from omscore.testing.samples import sample_shipment

REF = ExternalOrderRef(Channel("tmall", "flagship"), "E1")


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


def line(
    amount: int, *, unit_price: Money | None = None, discount: Money | None = None, gross: Money | None = None
) -> OrderLine:
    return OrderLine(
        LineId("1"), SkuCode("TEA"), 2, cny(amount), REF, unit_price=unit_price, discount=discount, gross=gross
    )


def test_a_recorded_gross_is_the_line_gross_even_when_it_does_not_divide_into_a_unit_price() -> None:
    kept = line(2_667, gross=cny(3_001), discount=cny(334))

    assert (kept.gross_amount, kept.discount_amount, kept.unit_price) == (cny(3_001), cny(334), None)
    assert kept.balanced


def test_a_gross_that_disagrees_with_discount_and_amount_is_refused() -> None:
    with pytest.raises(InvalidMoney) as raised:
        line(2_000, gross=cny(3_000), discount=cny(500))

    assert raised.value.field == "gross"


def test_a_gross_in_another_currency_is_refused() -> None:
    with pytest.raises(InvalidMoney):
        line(2_000, gross=Money(2_000, "USD"))


@pytest.mark.parametrize(
    ("unit_price", "discount", "gross", "cut"),
    [
        (cny(1_500), cny(1_000), 3_000, 1_000),
        (cny(1_500), None, 3_000, 1_000),
        (None, cny(1_000), 3_000, 1_000),
        (None, None, 2_000, 0),
    ],
)
def test_a_line_recorded_without_gross_derives_it_from_what_it_knows(
    unit_price: Money | None, discount: Money | None, gross: int, cut: int
) -> None:
    derived = line(2_000, unit_price=unit_price, discount=discount)

    assert (derived.gross_amount, derived.discount_amount) == (cny(gross), cny(cut))
    assert derived.balanced
    assert gross_of(cny(2_000), 2, unit_price, discount) == cny(gross)


def test_a_line_whose_unit_price_and_discount_disagree_with_its_amount_is_not_balanced() -> None:
    assert not line(2_000, unit_price=cny(1_500), discount=cny(500)).balanced


def test_a_platform_line_completes_its_discount_from_its_unit_price() -> None:
    platform = PlatformLine("1", "L-TEA", 3, cny(2_700), unit_price=cny(1_000))

    assert (platform.gross_amount, platform.discount_amount) == (cny(3_000), cny(300))


def test_a_shipment_line_keeps_gross_minus_discount_equal_to_its_amount() -> None:
    with pytest.raises(InvalidMoney):
        ShipmentLine(LineId("1"), SkuCode("TEA"), 1, cny(900), REF, gross=cny(1_000), discount=cny(50))
    part = ShipmentLine(LineId("1"), SkuCode("TEA"), 1, cny(900), REF, gross=cny(1_000), discount=cny(100))

    assert (part.gross_amount, part.discount_amount) == (cny(1_000), cny(100))


def test_a_shipment_line_recorded_without_gross_counts_its_amount_as_gross() -> None:
    part = ShipmentLine(LineId("1"), SkuCode("TEA"), 1, cny(900), REF)

    assert (part.gross_amount, part.discount_amount) == (cny(900), cny(0))


def test_a_shipment_keeps_the_dates_promised_for_it() -> None:
    shipment = sample_shipment()
    assert (shipment.ship_by, shipment.deliver_by) == (None, None)

    shipment.record_promise(date(2026, 11, 12), date(2026, 11, 14))

    assert (shipment.ship_by, shipment.deliver_by) == (date(2026, 11, 12), date(2026, 11, 14))


def test_a_promise_that_delivers_before_it_ships_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        sample_shipment().record_promise(date(2026, 11, 14), date(2026, 11, 12))

    assert raised.value.field == "deliver_by"
