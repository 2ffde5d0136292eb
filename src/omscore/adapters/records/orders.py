"""Order records: an order with its lines, recipient, holds and decisions, as JSON-ready data and back.

The order's recorded events are not part of its record; they travel through the outbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from omscore.adapters.records.format import RECORD_FORMAT, Record, _read
from omscore.adapters.records.values import (
    _channel,
    _channel_from,
    _date_from,
    _datetime,
    _datetime_from,
    _enum,
    _geo,
    _geo_from,
    _money,
    _money_from,
    _optional,
    _ref,
    _ref_from,
)
from omscore.domain.address import Address, Recipient
from omscore.domain.decisions import Decision
from omscore.domain.holds import Hold, HoldKind
from omscore.domain.identity import LineId, LocationId, OrderId, ShipmentId, SkuCode
from omscore.domain.order import Order, PaymentMode
from omscore.domain.order_line import OrderLine
from omscore.domain.order_status import OrderStatus


def _order_line(line: OrderLine) -> Record:
    return {
        "id": line.id,
        "sku": line.sku,
        "quantity": line.quantity,
        "amount": _money(line.amount),
        "origin": _ref(line.origin),
        "unit_price": _optional(line.unit_price, _money),
        "discount": _optional(line.discount, _money),
        "listing_id": line.listing_id,
        "origin_line_id": line.origin_line_id,
        "kit": line.kit,
        "kit_instance": line.kit_instance,
        "is_gift": line.is_gift,
        "presale_ship_date": _optional(line.presale_ship_date, date.isoformat),
        "gross": _optional(line.gross, _money),
        "gift_rule": line.gift_rule,
    }


def _order_line_from(data: Mapping[str, Any]) -> OrderLine:
    return OrderLine(
        id=LineId(data["id"]),
        sku=SkuCode(data["sku"]),
        quantity=data["quantity"],
        amount=_money_from(data["amount"]),
        origin=_ref_from(data["origin"]),
        unit_price=_optional(data["unit_price"], _money_from),
        discount=_optional(data["discount"], _money_from),
        listing_id=data["listing_id"],
        origin_line_id=data["origin_line_id"],
        kit=data["kit"],
        kit_instance=data["kit_instance"],
        is_gift=data["is_gift"],
        presale_ship_date=_date_from(data["presale_ship_date"]),
        gross=_optional(data.get("gross"), _money_from),
        gift_rule=data.get("gift_rule"),
    )


def _address(value: Address) -> Record:
    return {
        "country": value.country,
        "province": value.province,
        "city": value.city,
        "district": value.district,
        "street": value.street,
        "postcode": value.postcode,
        "geo": _optional(value.geo, _geo),
    }


def _address_from(data: Mapping[str, Any]) -> Address:
    return Address(
        country=data["country"],
        province=data["province"],
        city=data["city"],
        district=data["district"],
        street=data["street"],
        postcode=data["postcode"],
        geo=_optional(data["geo"], _geo_from),
    )


def _recipient(value: Recipient) -> Record:
    return {"name": value.name, "phone": value.phone, "address": _address(value.address)}


def _recipient_from(data: Mapping[str, Any]) -> Recipient:
    return Recipient(data["name"], data["phone"], _address_from(data["address"]))


def _hold(hold: Hold) -> Record:
    record: Record = {"kind": hold.kind.value, "detail": hold.detail}
    if hold.seen:
        record["seen"] = [[location, sku, available] for location, sku, available in hold.seen]
    if hold.until is not None:
        record["until"] = _datetime(hold.until)
    return record


def _hold_from(data: Mapping[str, Any]) -> Hold:
    seen = tuple((LocationId(loc), SkuCode(sku), int(n)) for loc, sku, n in data.get("seen", ()))
    until = data.get("until")
    return Hold(_enum(HoldKind, data["kind"]), data["detail"], seen, None if until is None else _datetime_from(until))


def order_to_record(order: Order) -> Record:
    """The order's state as JSON-ready data (its recorded events are not included).

    Args:
        order: the order to convert.

    Returns:
        A dict that :func:`order_from_record` turns back into an equal order.
    """
    return {
        "format": RECORD_FORMAT,
        "id": order.id,
        "channel": _channel(order.channel),
        "refs": [_ref(ref) for ref in order.refs],
        "revision": order.revision,
        "placed_at": _datetime(order.placed_at),
        "buyer_id": order.buyer_id,
        "recipient": _recipient(order.recipient),
        "lines": [_order_line(line) for line in order.lines],
        "currency": order.currency,
        "shipping_fee": _money(order.shipping_fee),
        "payment": order.payment.value,
        "buyer_memo": order.buyer_memo,
        "seller_memo": order.seller_memo,
        "priority": order.priority,
        "pickup_location": order.pickup_location,
        "status": order.status.value,
        "holds": [_hold(hold) for hold in order.holds],
        "merged_into": order.merged_into,
        "merged_from": list(order.merged_from),
        "merge_key": order.merge_key,
        "backorder_of": order.backorder_of,
        "backorders": list(order.backorders),
        "shipment_ids": list(order.shipment_ids),
        "decisions": [{"policy": d.policy, "summary": d.summary, "steps": list(d.steps)} for d in order.decisions],
        "version": order.version,
    }


def order_from_record(data: Mapping[str, Any]) -> Order:
    """Rebuild an order from :func:`order_to_record` data; it has no recorded events.

    Args:
        data: the record (for example parsed from stored JSON).

    Returns:
        The order.

    Raises:
        SchemaVersionError: the record was written in a newer format.
        PersistenceError: the record is damaged (a field is missing or malformed).
    """
    return _read("order", data, _order_from)


def _order_from(data: Mapping[str, Any]) -> Order:
    pickup = data["pickup_location"]
    merged_into = data["merged_into"]
    return Order(
        id=OrderId(data["id"]),
        channel=_channel_from(data["channel"]),
        refs=tuple(_ref_from(ref) for ref in data["refs"]),
        revision=data["revision"],
        placed_at=_datetime_from(data["placed_at"]),
        buyer_id=data["buyer_id"],
        recipient=_recipient_from(data["recipient"]),
        lines=tuple(_order_line_from(line) for line in data["lines"]),
        currency=data["currency"],
        shipping_fee=_money_from(data["shipping_fee"]),
        payment=_enum(PaymentMode, data["payment"]),
        buyer_memo=data["buyer_memo"],
        seller_memo=data["seller_memo"],
        priority=data["priority"],
        pickup_location=None if pickup is None else LocationId(pickup),
        status=_enum(OrderStatus, data["status"]),
        holds=tuple(_hold_from(h) for h in data["holds"]),
        merged_into=None if merged_into is None else OrderId(merged_into),
        merged_from=tuple(OrderId(i) for i in data["merged_from"]),
        merge_key=data["merge_key"],
        backorder_of=_optional(data.get("backorder_of"), OrderId),
        backorders=tuple(OrderId(i) for i in data.get("backorders", ())),
        shipment_ids=tuple(ShipmentId(i) for i in data["shipment_ids"]),
        decisions=tuple(Decision(d["policy"], d["summary"], tuple(d["steps"])) for d in data.get("decisions", ())),
        version=data["version"],
    )
