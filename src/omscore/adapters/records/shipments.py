"""Shipment records: a shipment with its lines, carrier, write-backs and dates, as JSON-ready data and back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from omscore.adapters.records.format import RECORD_FORMAT, Record, _read
from omscore.adapters.records.values import _date_from, _enum, _money, _money_from, _optional, _ref, _ref_from
from omscore.domain.identity import CarrierId, LineId, LocationId, OrderId, ShipmentId, SkuCode
from omscore.domain.shipment import Shipment, ShipmentLine, ShipmentStatus


def _shipment_line(line: ShipmentLine) -> Record:
    return {
        "line_id": line.line_id,
        "sku": line.sku,
        "quantity": line.quantity,
        "amount": _money(line.amount),
        "origin": _ref(line.origin),
        "gross": _optional(line.gross, _money),
        "discount": _optional(line.discount, _money),
    }


def _shipment_line_from(data: Mapping[str, Any]) -> ShipmentLine:
    return ShipmentLine(
        line_id=LineId(data["line_id"]),
        sku=SkuCode(data["sku"]),
        quantity=data["quantity"],
        amount=_money_from(data["amount"]),
        origin=_ref_from(data["origin"]),
        gross=_optional(data.get("gross"), _money_from),
        discount=_optional(data.get("discount"), _money_from),
    )


def shipment_to_record(shipment: Shipment) -> Record:
    """The shipment's state as JSON-ready data (its recorded events are not included).

    Args:
        shipment: the shipment to convert.

    Returns:
        A dict that :func:`shipment_from_record` turns back into an equal shipment. ``written_back`` is
        stored sorted, so equal shipments give equal records.
    """
    return {
        "format": RECORD_FORMAT,
        "id": shipment.id,
        "order_id": shipment.order_id,
        "location": shipment.location,
        "lines": [_shipment_line(line) for line in shipment.lines],
        "shipping_fee": _money(shipment.shipping_fee),
        "carrier": shipment.carrier,
        "carrier_reason": shipment.carrier_reason,
        "tracking_number": shipment.tracking_number,
        "status": shipment.status.value,
        "written_back": [_ref(ref) for ref in sorted(shipment.written_back)],
        "superseded": shipment.superseded,
        "ship_after": None if shipment.ship_after is None else shipment.ship_after.isoformat(),
        "ship_by": _optional(shipment.ship_by, date.isoformat),
        "deliver_by": _optional(shipment.deliver_by, date.isoformat),
        "version": shipment.version,
    }


def shipment_from_record(data: Mapping[str, Any]) -> Shipment:
    """Rebuild a shipment from :func:`shipment_to_record` data; it has no recorded events.

    Args:
        data: the record.

    Returns:
        The shipment.

    Raises:
        SchemaVersionError: the record was written in a newer format.
        PersistenceError: the record is damaged.
    """
    return _read("shipment", data, _shipment_from)


def _shipment_from(data: Mapping[str, Any]) -> Shipment:
    carrier = data["carrier"]
    return Shipment(
        id=ShipmentId(data["id"]),
        order_id=OrderId(data["order_id"]),
        location=LocationId(data["location"]),
        lines=tuple(_shipment_line_from(line) for line in data["lines"]),
        shipping_fee=_money_from(data["shipping_fee"]),
        carrier=None if carrier is None else CarrierId(carrier),
        carrier_reason=data["carrier_reason"],
        tracking_number=data["tracking_number"],
        status=_enum(ShipmentStatus, data["status"]),
        written_back=frozenset(_ref_from(ref) for ref in data["written_back"]),
        superseded=bool(data.get("superseded", False)),
        ship_after=_date_from(data.get("ship_after")),
        ship_by=_date_from(data.get("ship_by")),
        deliver_by=_date_from(data.get("deliver_by")),
        version=data["version"],
    )
