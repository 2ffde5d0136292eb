"""The canonical platform-order payload: strict validation in, :class:`PlatformOrder` out, and back.

Platform adapters turn each platform's own order format into this JSON shape (documented in
``docs/formats.md``); :func:`parse_platform_order` validates it and builds the domain value, and
:func:`dump_platform_order` writes a domain value back in the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Final, Literal

from pydantic import BaseModel, Field, ValidationError

from omscore.boundary._fields import (
    STRICT,
    Code,
    Currency,
    ExternalId,
    GeoPayload,
    IsoDate,
    IsoDatetime,
    Memo,
    Minor,
    Name,
    Phone,
    Postcode,
    Quantity,
    RegionName,
    Street,
)
from omscore.boundary.errors import FieldProblem, payload_error, problems_of, size_problem
from omscore.domain.address import Address, GeoPoint, Recipient
from omscore.domain.identity import Channel, ExternalOrderRef, LocationId
from omscore.domain.money import Money
from omscore.domain.order import PaymentMode
from omscore.domain.platform_order import PlatformLine, PlatformOrder, PlatformStatus

#: Raw payloads (``str`` or ``bytes``) larger than this many bytes of UTF-8 are refused before parsing.
MAX_PAYLOAD_BYTES: Final = 256 * 1024
#: Most lines one platform order may have.
MAX_LINES: Final = 500
#: Bounds of ``priority``.
MIN_PRIORITY: Final = -1_000
MAX_PRIORITY: Final = 1_000


class AddressPayload(BaseModel):
    """A structured postal address. Blank parts are accepted here; review holds orders that lack them."""

    model_config = STRICT

    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country code, e.g. CN.")
    province: RegionName = Field(description="Province or state, as in the platform's region tree.")
    city: RegionName = Field(description="City.")
    district: RegionName = Field(default="", description="District or county.")
    street: Street = Field(description="The rest of the address: street, building, room.")
    postcode: Postcode = Field(default="", description="Postal code.")
    geo: GeoPayload | None = Field(default=None, description="Location of the address, when the platform has it.")


class RecipientPayload(BaseModel):
    """Who receives the parcel."""

    model_config = STRICT

    name: Name = Field(description="Recipient's name.")
    phone: Phone = Field(description="Recipient's phone number, in any spelling.")
    address: AddressPayload


class LinePayload(BaseModel):
    """One line of the platform order."""

    model_config = STRICT

    line_id: ExternalId = Field(description="The platform's id of the line, unique within the order.")
    listing_id: ExternalId = Field(description="The platform's id of the listing (item or item variant) ordered.")
    quantity: Quantity = Field(description="Units ordered.")
    amount: Minor = Field(description="What the buyer paid for the line after discounts, in minor units.")
    unit_price: Minor | None = Field(default=None, description="List price per unit, in minor units.")
    discount: Minor | None = Field(default=None, description="Discount on the whole line, in minor units.")
    is_gift: bool = Field(default=False, description="Free item sent with the order.")
    presale_ship_date: IsoDate | None = Field(
        default=None, description="For a presale (预售) line: the earliest date it can ship."
    )


class PlatformOrderPayload(BaseModel):
    """One revision of an order as a platform adapter delivers it."""

    model_config = STRICT

    platform: Code = Field(description="Platform code, e.g. tmall, jd, douyin, shopify.")
    shop: Code = Field(description="The merchant's shop on that platform.")
    external_id: ExternalId = Field(description="The platform's order id; intake is idempotent on it.")
    revision: int = Field(
        ge=0, le=2**63 - 1, description="The platform's modification counter or timestamp; higher is newer."
    )
    status: Literal["open", "cancelled"] = Field(description="open: to fulfil; cancelled: cancelled on the platform.")
    placed_at: IsoDatetime = Field(description="When the buyer placed the order, with a UTC offset.")
    buyer_id: ExternalId = Field(description="The platform's id of the buyer.")
    recipient: RecipientPayload
    currency: Currency = Field(description="ISO 4217 code of every amount in the order.")
    shipping_fee: Minor = Field(description="Shipping fee paid by the buyer, in minor units.")
    payment: Literal["prepaid", "cod"] = Field(default="prepaid", description="prepaid, or cash on delivery.")
    buyer_memo: Memo = Field(default="", description="The buyer's note to the merchant.")
    seller_memo: Memo = Field(default="", description="The merchant's own note on the platform.")
    priority: int = Field(
        default=0, ge=MIN_PRIORITY, le=MAX_PRIORITY, description="Higher is fulfilled earlier; 0 is normal."
    )
    pickup_location: Code | None = Field(
        default=None, description="Store the buyer collects from (门店自提); null for delivery."
    )
    lines: list[LinePayload] = Field(min_length=1, max_length=MAX_LINES, description="The order lines.")


def parse_platform_order(data: Mapping[str, object] | str | bytes) -> PlatformOrder:
    """Validate a platform-order payload strictly and build the domain value.

    Args:
        data: the payload as JSON text (``str`` or UTF-8 ``bytes``) or as a mapping such as ``json.loads``
            returns. Date-times and dates are ISO-8601 strings in both forms.

    Returns:
        The validated :class:`~omscore.domain.platform_order.PlatformOrder`.

    Raises:
        InvalidDocument: (an :class:`~omscore.domain.errors.InvalidInput`) naming the first offending field by
            its dotted path and listing every problem in ``errors``. It is also an
            :class:`~omscore.domain.errors.InvalidMoney` when the first problem is a currency or an amount, an
            :class:`~omscore.domain.errors.InvalidQuantity` for a quantity and an
            :class:`~omscore.domain.errors.InvalidAddress` for a part of the address. Raw input above
            :data:`MAX_PAYLOAD_BYTES` is refused with field ``$`` before it is parsed.
    """
    try:
        if isinstance(data, str | bytes):
            if oversize := size_problem(data, MAX_PAYLOAD_BYTES):
                raise payload_error([oversize])
            payload = PlatformOrderPayload.model_validate_json(data)
        else:
            payload = PlatformOrderPayload.model_validate(data if isinstance(data, dict) else _as_dict(data))
    except ValidationError as error:
        raise payload_error(problems_of(error)) from error
    problems = _cross_check(payload)
    if problems:
        raise payload_error(problems)
    return _to_domain(payload)


def dump_platform_order(order: PlatformOrder) -> dict[str, Any]:
    """Write a platform order in the payload shape :func:`parse_platform_order` reads.

    Every field is written, optional ones as ``null`` or their default; amounts are minor units of the order's
    currency and date-times ISO-8601 strings, so ``parse_platform_order(dump_platform_order(o)) == o``.

    Args:
        order: the platform order to write.

    Returns:
        A dict of JSON types, ready for ``json.dumps``.
    """
    address = order.recipient.address
    return {
        "platform": order.ref.channel.platform,
        "shop": order.ref.channel.shop,
        "external_id": order.ref.external_id,
        "revision": order.revision,
        "status": order.status.value,
        "placed_at": order.placed_at.isoformat(),
        "buyer_id": order.buyer_id,
        "recipient": {
            "name": order.recipient.name,
            "phone": order.recipient.phone,
            "address": {
                "country": address.country,
                "province": address.province,
                "city": address.city,
                "district": address.district,
                "street": address.street,
                "postcode": address.postcode,
                "geo": None if address.geo is None else {"lat": address.geo.lat, "lon": address.geo.lon},
            },
        },
        "currency": order.currency,
        "shipping_fee": order.shipping_fee.minor,
        "payment": order.payment.value,
        "buyer_memo": order.buyer_memo,
        "seller_memo": order.seller_memo,
        "priority": order.priority,
        "pickup_location": order.pickup_location,
        "lines": [
            {
                "line_id": line.line_id,
                "listing_id": line.listing_id,
                "quantity": line.quantity,
                "amount": line.amount.minor,
                "unit_price": None if line.unit_price is None else line.unit_price.minor,
                "discount": None if line.discount is None else line.discount.minor,
                "is_gift": line.is_gift,
                "presale_ship_date": _iso_or_none(line.presale_ship_date),
            }
            for line in order.lines
        ],
    }


def _iso_or_none(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _as_dict(data: object) -> object:
    # Strict validation takes dicts only; any other Mapping is copied, anything else is left to be refused.
    return dict(data) if isinstance(data, Mapping) else data


def _cross_check(payload: PlatformOrderPayload) -> list[FieldProblem]:
    """Rules that span fields: unique line ids, and line arithmetic when price and discount are given."""
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for index, line in enumerate(payload.lines):
        if line.line_id in seen:
            problems.append(FieldProblem(f"lines.{index}.line_id", line.line_id, "duplicate line id", "duplicate"))
        seen.add(line.line_id)
        if line.unit_price is not None and line.discount is not None:
            expected = line.unit_price * line.quantity - line.discount
            if expected != line.amount:
                reason = (
                    f"amount must equal unit_price × quantity − discount = "
                    f"{line.unit_price} × {line.quantity} − {line.discount} = {expected}"
                )
                problems.append(FieldProblem(f"lines.{index}.amount", line.amount, reason, "amount_mismatch"))
    return problems


def _to_domain(payload: PlatformOrderPayload) -> PlatformOrder:
    currency = payload.currency
    address = payload.recipient.address
    geo = address.geo
    return PlatformOrder(
        ref=ExternalOrderRef(Channel(payload.platform, payload.shop), payload.external_id),
        revision=payload.revision,
        status=PlatformStatus(payload.status),
        placed_at=payload.placed_at,
        buyer_id=payload.buyer_id,
        recipient=Recipient(
            name=payload.recipient.name,
            phone=payload.recipient.phone,
            address=Address(
                country=address.country,
                province=address.province,
                city=address.city,
                district=address.district,
                street=address.street,
                postcode=address.postcode,
                geo=None if geo is None else GeoPoint(geo.lat, geo.lon),
            ),
        ),
        lines=tuple(
            PlatformLine(
                line_id=line.line_id,
                listing_id=line.listing_id,
                quantity=line.quantity,
                amount=Money(line.amount, currency),
                unit_price=None if line.unit_price is None else Money(line.unit_price, currency),
                discount=None if line.discount is None else Money(line.discount, currency),
                is_gift=line.is_gift,
                presale_ship_date=line.presale_ship_date,
            )
            for line in payload.lines
        ),
        currency=currency,
        shipping_fee=Money(payload.shipping_fee, currency),
        payment=PaymentMode(payload.payment),
        buyer_memo=payload.buyer_memo,
        seller_memo=payload.seller_memo,
        priority=payload.priority,
        pickup_location=None if payload.pickup_location is None else LocationId(payload.pickup_location),
    )
