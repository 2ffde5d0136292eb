"""Gift claims: an order's claim on a gift activity is checked when it is made, and a bad field is named."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from omscore.domain import GiftClaim, InvalidInput, InvalidQuantity


def _claim(**changes: Any) -> GiftClaim:
    fields: dict[str, Any] = {
        "activity": "DOUBLE11-CUP",
        "order_key": "O1",
        "buyer": "tb-buyer-1",
        "units": 1,
        "quota": 100,
        "per_buyer": 1,
    }
    fields.update(changes)
    return GiftClaim(**fields)


def test_a_claim_keeps_its_activity_order_buyer_units_and_limits() -> None:
    claim = GiftClaim("DOUBLE11-CUP", "O1", "tb-buyer-1", 2, 100, 1)

    assert attrs.astuple(claim) == ("DOUBLE11-CUP", "O1", "tb-buyer-1", 2, 100, 1)


def test_no_limit_is_none_and_a_limit_of_zero_is_allowed() -> None:
    assert _claim(quota=None, per_buyer=None).quota is None
    assert _claim(quota=0, per_buyer=0).per_buyer == 0


@pytest.mark.parametrize("field", ["activity", "order_key", "buyer"])
@pytest.mark.parametrize("value", ["", "   ", None, 7])
def test_a_blank_or_non_text_id_is_refused_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        _claim(**{field: value})

    assert refused.value.field == field
    assert not isinstance(refused.value, InvalidQuantity)


@pytest.mark.parametrize(("field", "value"), [("units", 0), ("units", -1), ("units", True), ("units", 1.0)])
def test_units_must_be_a_positive_integer(field: str, value: object) -> None:
    with pytest.raises(InvalidQuantity) as refused:
        _claim(**{field: value})

    assert (refused.value.field, refused.value.value) == (field, value)


@pytest.mark.parametrize("field", ["quota", "per_buyer"])
@pytest.mark.parametrize("value", [-1, 2.5, "100", False])
def test_a_limit_must_be_a_non_negative_integer_or_none(field: str, value: object) -> None:
    with pytest.raises(InvalidQuantity) as refused:
        _claim(**{field: value})

    assert refused.value.field == field


def test_a_claim_is_a_frozen_value() -> None:
    claim = _claim()

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        claim.units = 2  # type: ignore[misc]
    assert attrs.evolve(claim, units=2) == _claim(units=2)
    assert claim == _claim()
