"""Valid documents to start tests from, and Hypothesis strategies that build them."""

from __future__ import annotations

import copy
import string
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from omscore.domain.money import CURRENCY_EXPONENTS

_ORDER: dict[str, Any] = {
    "platform": "tmall",
    "shop": "flagship",
    "external_id": "3958200007919",
    "revision": 1,
    "status": "open",
    "placed_at": "2026-11-11T00:03:00+08:00",
    "buyer_id": "tb_lin_8808",
    "recipient": {
        "name": "林晓雨",
        "phone": "+86 138-0013-8000",
        "address": {
            "country": "CN",
            "province": "Zhejiang",
            "city": "Hangzhou",
            "district": "Xihu",
            "street": "文三路 100 号 2 幢 301 室",
            "postcode": "310013",
        },
    },
    "currency": "CNY",
    "shipping_fee": 800,
    "payment": "prepaid",
    "lines": [
        {
            "line_id": "1",
            "listing_id": "6021001",
            "quantity": 2,
            "amount": 24600,
            "unit_price": 12800,
            "discount": 1000,
        },
        {"line_id": "2", "listing_id": "6021003", "quantity": 1, "amount": 3900},
        {"line_id": "3", "listing_id": "6021999", "quantity": 1, "amount": 0, "is_gift": True},
    ],
}

_CONFIG: dict[str, Any] = {
    "shops": [
        {"platform": "tmall", "shop": "flagship", "name": "Flagship"},
        {"platform": "jd", "shop": "self-run", "review": {"cod_limit_minor": 100000}},
    ],
    "skus": [
        {"code": "TEA", "name": "Green tea", "weight_g": 300, "volume_cm3": 1200, "reference_price_minor": 12800},
        {"code": "CUP", "name": "Cup", "weight_g": 180, "tags": ["fragile"], "reference_price_minor": 3900},
    ],
    "kits": [{"code": "SET", "components": [{"sku": "TEA", "quantity": 1}, {"sku": "CUP", "quantity": 2}]}],
    "listings": [
        {"platform": "tmall", "shop": "flagship", "listing_id": "6021001", "sku": "TEA"},
        {"platform": "tmall", "shop": "flagship", "listing_id": "6021900", "kit": "SET"},
        {"platform": "jd", "shop": "self-run", "listing_id": "100012345601", "sku": "CUP"},
    ],
    "locations": [
        {"id": "WH-HZ", "kind": "warehouse", "regions": ["CN"], "geo": {"lat": 30.27, "lon": 120.16}},
        {"id": "SUP", "kind": "supplier"},
    ],
    "carriers": [{"id": "ZTO", "excluded_regions": ["CN/Xinjiang"], "locations": ["WH-HZ"]}],
    "stock": [{"location": "WH-HZ", "sku": "TEA", "on_hand": 40, "safety": 2}],
}


def order_payload(**overrides: Any) -> dict[str, Any]:
    """A valid platform-order payload (a fresh deep copy), with top-level fields replaced by ``overrides``."""
    payload = copy.deepcopy(_ORDER)
    payload.update(overrides)
    return payload


def config_document(**overrides: Any) -> dict[str, Any]:
    """A small valid configuration document (a fresh deep copy), with sections replaced by ``overrides``."""
    document = copy.deepcopy(_CONFIG)
    document.update(overrides)
    return document


# --- Hypothesis strategies of valid payloads, in the canonical shape dump_platform_order writes ----------------

_ID_CHARS = string.ascii_letters + string.digits + "-_#.:/"
identifiers = st.text(_ID_CHARS, min_size=1, max_size=24)
free_text = st.text(max_size=60)
minor_units = st.integers(min_value=0, max_value=10**9)

_offsets = st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5, minutes=-30))])
aware_datetimes = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=_offsets)


@st.composite
def lines(draw: st.DrawFn, line_id: str) -> dict[str, Any]:
    quantity = draw(st.integers(min_value=1, max_value=1_000))
    priced = draw(st.booleans())
    unit_price = draw(st.integers(min_value=0, max_value=10**6)) if priced else None
    discount = draw(st.integers(min_value=0, max_value=unit_price * quantity)) if unit_price is not None else None
    amount = unit_price * quantity - discount if unit_price is not None and discount is not None else draw(minor_units)
    presale = draw(st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
    return {
        "line_id": line_id,
        "listing_id": draw(identifiers),
        "quantity": quantity,
        "amount": amount,
        "unit_price": unit_price,
        "discount": discount,
        "is_gift": draw(st.booleans()),
        "presale_ship_date": None if presale is None else presale.isoformat(),
    }


@st.composite
def order_payloads(draw: st.DrawFn) -> dict[str, Any]:
    """Valid payloads with every field present, as :func:`dump_platform_order` writes them."""
    line_ids = draw(st.lists(identifiers, min_size=1, max_size=6, unique=True))
    geo = draw(
        st.none()
        | st.fixed_dictionaries(
            {
                "lat": st.floats(min_value=-90, max_value=90, allow_nan=False),
                "lon": st.floats(min_value=-180, max_value=180, allow_nan=False),
            }
        )
    )
    return {
        "platform": draw(identifiers),
        "shop": draw(identifiers),
        "external_id": draw(identifiers),
        "revision": draw(st.integers(min_value=0, max_value=2**63 - 1)),
        "status": draw(st.sampled_from(["open", "cancelled"])),
        "placed_at": draw(aware_datetimes).isoformat(),
        "buyer_id": draw(identifiers),
        "recipient": {
            "name": draw(free_text),
            "phone": draw(st.text(string.digits + "+- ", max_size=20)),
            "address": {
                "country": draw(st.text(string.ascii_uppercase, min_size=2, max_size=2)),
                "province": draw(free_text),
                "city": draw(free_text),
                "district": draw(free_text),
                "street": draw(free_text),
                "postcode": draw(st.text(string.digits, max_size=10)),
                "geo": geo,
            },
        },
        "currency": draw(st.sampled_from(sorted(CURRENCY_EXPONENTS))),
        "shipping_fee": draw(minor_units),
        "payment": draw(st.sampled_from(["prepaid", "cod"])),
        "buyer_memo": draw(free_text),
        "seller_memo": draw(free_text),
        "priority": draw(st.integers(min_value=-1_000, max_value=1_000)),
        "pickup_location": draw(st.none() | identifiers),
        "lines": [draw(lines(line_id)) for line_id in line_ids],
    }
