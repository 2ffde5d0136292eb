"""Expected receipts: checked when they are made, a bad field named; an update may not move or shrink one."""

from __future__ import annotations

import datetime
from typing import Any

import attrs
import pytest

from omscore.domain import ExpectedReceipt, InboundKind, InvalidInput, InvalidQuantity, LocationId, SkuCode
from omscore.domain.inbound import check_update

DAY = datetime.date(2024, 11, 11)


def _receipt(**changes: Any) -> ExpectedReceipt:
    fields: dict[str, Any] = {
        "id": "ASN-1",
        "location": "WH-1",
        "sku": "TEA",
        "quantity": 12,
        "expected_on": DAY,
    }
    fields.update(changes)
    return ExpectedReceipt(**fields)


def test_a_receipt_keeps_its_fields_and_is_an_asn_unless_told() -> None:
    receipt = ExpectedReceipt("PO-7", LocationId("WH-1"), SkuCode("TEA"), 12, DAY, InboundKind.PO)

    assert attrs.astuple(receipt) == ("PO-7", "WH-1", "TEA", 12, DAY, InboundKind.PO)
    assert _receipt().kind is InboundKind.ASN


def test_the_kind_may_be_given_by_its_value() -> None:
    assert _receipt(kind="po").kind is InboundKind.PO


@pytest.mark.parametrize("field", ["id", "location", "sku"])
@pytest.mark.parametrize("value", ["", "  ", None, 7])
def test_a_blank_or_non_text_id_is_refused_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        _receipt(**{field: value})

    assert refused.value.field == field
    assert not isinstance(refused.value, InvalidQuantity)


@pytest.mark.parametrize("value", [0, -3, True, 2.0, "5"])
def test_the_quantity_must_be_a_positive_integer(value: object) -> None:
    with pytest.raises(InvalidQuantity) as refused:
        _receipt(quantity=value)

    assert refused.value.field == "quantity"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("expected_on", datetime.datetime(2024, 11, 11, 9, 0)),
        ("expected_on", "2024-11-11"),
        ("kind", "dropship"),
        ("kind", None),
    ],
)
def test_a_date_that_is_not_a_date_or_an_unknown_kind_is_refused(field: str, value: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        _receipt(**{field: value})

    assert refused.value.field == field


def test_an_update_keeps_the_location_and_sku_and_covers_what_is_promised() -> None:
    check_update(_receipt(quantity=4, expected_on=DAY + datetime.timedelta(days=2)), "WH-1", "TEA", promised=4)

    refusals = [
        (_receipt(location="STORE-1"), 0, "location", InvalidInput),
        (_receipt(sku="CUP"), 0, "sku", InvalidInput),
        (_receipt(quantity=3), 4, "quantity", InvalidQuantity),
    ]
    for receipt, promised, field, error in refusals:
        with pytest.raises(error) as refused:
            check_update(receipt, "WH-1", "TEA", promised)
        assert refused.value.field == field
