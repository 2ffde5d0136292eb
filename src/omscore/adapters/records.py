"""Adapter-neutral records: the model converted to and from JSON-ready data, exactly.

Storage adapters keep aggregates and configuration values as JSON documents beside a few indexed columns.
This module is the one place that knows the document shape, so every adapter (SQLite, PostgreSQL, a host's
own) reads and writes the same format. The round trip is exact: ``order_from_record(order_to_record(o))``
has every field of ``o`` — enums, :class:`~omscore.domain.money.Money`, timezone-aware datetimes (with their
``zoneinfo`` zone when they have one), dates, :class:`~omscore.domain.address.GeoPoint` floats and frozensets.
Recorded domain events are not part of an aggregate's record; they travel through the outbox
(:func:`event_to_record`, :func:`event_from_record`).

Every top-level record carries ``"format"``: the version of its shape. Readers accept :data:`RECORD_FORMAT`
and older formats they know how to upgrade, and refuse newer ones with
:class:`~omscore.domain.errors.SchemaVersionError`.
"""

from __future__ import annotations

import contextlib
import enum
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from omscore.domain.address import Address, GeoPoint, Recipient
from omscore.domain.catalog import Catalog, Kit, KitComponent, Listing, Sku
from omscore.domain.errors import PersistenceError, SchemaVersionError
from omscore.domain.events import DomainEvent
from omscore.domain.identity import (
    CarrierId,
    Channel,
    ExternalOrderRef,
    LineId,
    LocationId,
    OrderId,
    ShipmentId,
    SkuCode,
)
from omscore.domain.money import Money
from omscore.domain.network import Carrier, Location, LocationKind, Network
from omscore.domain.order import Decision, Hold, HoldKind, Order, OrderLine, OrderStatus, PaymentMode
from omscore.domain.shipment import Shipment, ShipmentLine, ShipmentStatus

__all__ = [
    "RECORD_FORMAT",
    "Record",
    "catalog_from_record",
    "catalog_to_record",
    "event_from_record",
    "event_to_record",
    "event_types",
    "network_from_record",
    "network_to_record",
    "order_from_record",
    "order_to_record",
    "shipment_from_record",
    "shipment_to_record",
]

#: The version of the record shapes this module writes (and the newest it reads).
RECORD_FORMAT = 1

Record = dict[str, Any]
"""A JSON-ready mapping: only dicts, lists, str, int, float, bool and None inside."""

_T = TypeVar("_T")
_E = TypeVar("_E", bound=enum.Enum)


# --- small values ----------------------------------------------------------------------------------------


def _money(value: Money) -> Record:
    return {"minor": value.minor, "currency": value.currency}


def _money_from(data: Mapping[str, Any]) -> Money:
    return Money(data["minor"], data["currency"])


def _optional(value: _T | None, encode: Callable[[_T], Any]) -> Any:
    return None if value is None else encode(value)


def _channel(value: Channel) -> Record:
    return {"platform": value.platform, "shop": value.shop}


def _channel_from(data: Mapping[str, Any]) -> Channel:
    return Channel(data["platform"], data["shop"])


def _ref(value: ExternalOrderRef) -> Record:
    return {"platform": value.channel.platform, "shop": value.channel.shop, "external_id": value.external_id}


def _ref_from(data: Mapping[str, Any]) -> ExternalOrderRef:
    return ExternalOrderRef(Channel(data["platform"], data["shop"]), data["external_id"])


def _geo(value: GeoPoint) -> Record:
    return {"lat": value.lat, "lon": value.lon}


def _geo_from(data: Mapping[str, Any]) -> GeoPoint:
    return GeoPoint(data["lat"], data["lon"])


def _datetime(value: datetime) -> Record:
    """ISO 8601 text with its offset, plus ``fold`` and, for a :class:`ZoneInfo`, the zone's name.

    With the zone and fold the exact wall time comes back, even a wall time that a clock change made ambiguous
    or skipped; without them (a fixed offset) the offset in the text is the whole story.
    """
    zone = value.tzinfo.key if isinstance(value.tzinfo, ZoneInfo) else None
    return {"at": value.isoformat(), "zone": zone, "fold": value.fold}


def _datetime_from(data: Mapping[str, Any]) -> datetime:
    value = datetime.fromisoformat(data["at"])
    zone = data["zone"]
    if zone is not None:
        # When the zone is unknown on this machine the instant and offset in the text are still exact.
        with contextlib.suppress(ZoneInfoNotFoundError):
            value = value.replace(tzinfo=ZoneInfo(zone))
    return value.replace(fold=data.get("fold", 0))


def _date_from(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _enum(kind: type[_E], value: Any) -> _E:
    return kind(value)


# --- order ---------------------------------------------------------------------------------------------------


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
    return record


def _hold_from(data: Mapping[str, Any]) -> Hold:
    seen = tuple((LocationId(loc), SkuCode(sku), int(n)) for loc, sku, n in data.get("seen", ()))
    return Hold(_enum(HoldKind, data["kind"]), data["detail"], seen)


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
        shipment_ids=tuple(ShipmentId(i) for i in data["shipment_ids"]),
        decisions=tuple(Decision(d["policy"], d["summary"], tuple(d["steps"])) for d in data.get("decisions", ())),
        version=data["version"],
    )


# --- shipment ----------------------------------------------------------------------------------------------


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


# --- catalog -------------------------------------------------------------------------------------------------


def catalog_to_record(catalog: Catalog) -> Record:
    """The catalog as JSON-ready data: SKUs, kits and listings in the catalog's own order.

    Args:
        catalog: the catalog to convert.

    Returns:
        A dict that :func:`catalog_from_record` turns back into an equal catalog.
    """
    return {
        "format": RECORD_FORMAT,
        "skus": [
            {
                "code": sku.code,
                "name": sku.name,
                "weight_g": sku.weight_g,
                "volume_cm3": sku.volume_cm3,
                "tags": sorted(sku.tags),
                "reference_price_minor": sku.reference_price_minor,
            }
            for sku in catalog.skus.values()
        ],
        "kits": [
            {
                "code": kit.code,
                "components": [{"sku": c.sku, "quantity": c.quantity} for c in kit.components],
                "splittable": kit.splittable,
            }
            for kit in catalog.kits.values()
        ],
        "listings": [
            {"channel": _channel(lst.channel), "listing_id": lst.listing_id, "sku": lst.sku, "kit": lst.kit}
            for lst in catalog.listings.values()
        ],
    }


def catalog_from_record(data: Mapping[str, Any]) -> Catalog:
    """Rebuild a catalog from :func:`catalog_to_record` data.

    The catalog is rebuilt as stored, without the cross-checks of :meth:`Catalog.build` (it was checked
    when it was built); the look-up maps are keyed as :meth:`Catalog.build` keys them.

    Args:
        data: the record.

    Returns:
        The catalog.

    Raises:
        SchemaVersionError: the record was written in a newer format.
        PersistenceError: the record is damaged.
    """
    return _read("catalog", data, _catalog_from)


def _components_from(data: list[Mapping[str, Any]]) -> tuple[KitComponent, ...]:
    return tuple(KitComponent(SkuCode(c["sku"]), c["quantity"]) for c in data)


def _catalog_from(data: Mapping[str, Any]) -> Catalog:
    skus = [
        Sku(
            code=SkuCode(s["code"]),
            name=s["name"],
            weight_g=s["weight_g"],
            volume_cm3=s["volume_cm3"],
            tags=frozenset(s["tags"]),
            reference_price_minor=s["reference_price_minor"],
        )
        for s in data["skus"]
    ]
    kits = [
        Kit(code=k["code"], components=_components_from(k["components"]), splittable=k["splittable"])
        for k in data["kits"]
    ]
    listings = [
        Listing(
            channel=_channel_from(lst["channel"]),
            listing_id=lst["listing_id"],
            sku=None if lst["sku"] is None else SkuCode(lst["sku"]),
            kit=lst["kit"],
        )
        for lst in data["listings"]
    ]
    return Catalog(
        skus={sku.code: sku for sku in skus},
        kits={kit.code: kit for kit in kits},
        listings={(lst.channel, lst.listing_id): lst for lst in listings},
    )


# --- network -------------------------------------------------------------------------------------------------


def _location(value: Location) -> Record:
    return {
        "id": value.id,
        "name": value.name,
        "kind": value.kind.value,
        "geo": _optional(value.geo, _geo),
        "regions": list(value.regions),
        "capabilities": sorted(value.capabilities),
        "priority": value.priority,
        "daily_capacity": value.daily_capacity,
        "cost_per_shipment_minor": value.cost_per_shipment_minor,
        "cost_per_unit_minor": value.cost_per_unit_minor,
    }


def _location_from(data: Mapping[str, Any]) -> Location:
    return Location(
        id=LocationId(data["id"]),
        name=data["name"],
        kind=_enum(LocationKind, data["kind"]),
        geo=_optional(data["geo"], _geo_from),
        regions=tuple(data["regions"]),
        capabilities=frozenset(data["capabilities"]),
        priority=data["priority"],
        daily_capacity=data["daily_capacity"],
        cost_per_shipment_minor=data["cost_per_shipment_minor"],
        cost_per_unit_minor=data["cost_per_unit_minor"],
    )


def _carrier(value: Carrier) -> Record:
    return {
        "id": value.id,
        "name": value.name,
        "regions": list(value.regions),
        "excluded_regions": list(value.excluded_regions),
        "max_weight_g": value.max_weight_g,
        "supports_cod": value.supports_cod,
        "base_cost_minor": value.base_cost_minor,
        "per_kg_minor": value.per_kg_minor,
        "sla_days": value.sla_days,
        "priority": value.priority,
        "locations": list(value.locations),
    }


def _carrier_from(data: Mapping[str, Any]) -> Carrier:
    return Carrier(
        id=CarrierId(data["id"]),
        name=data["name"],
        regions=tuple(data["regions"]),
        excluded_regions=tuple(data["excluded_regions"]),
        max_weight_g=data["max_weight_g"],
        supports_cod=data["supports_cod"],
        base_cost_minor=data["base_cost_minor"],
        per_kg_minor=data["per_kg_minor"],
        sla_days=data["sla_days"],
        priority=data["priority"],
        locations=tuple(data["locations"]),
    )


def network_to_record(network: Network) -> Record:
    """The network as JSON-ready data: locations and carriers in the network's own order.

    Args:
        network: the network to convert.

    Returns:
        A dict that :func:`network_from_record` turns back into an equal network.
    """
    return {
        "format": RECORD_FORMAT,
        "locations": [_location(loc) for loc in network.locations.values()],
        "carriers": [_carrier(car) for car in network.carriers.values()],
    }


def network_from_record(data: Mapping[str, Any]) -> Network:
    """Rebuild a network from :func:`network_to_record` data.

    Args:
        data: the record.

    Returns:
        The network, keyed by location and carrier id.

    Raises:
        SchemaVersionError: the record was written in a newer format.
        PersistenceError: the record is damaged.
    """
    return _read("network", data, _network_from)


def _network_from(data: Mapping[str, Any]) -> Network:
    locations = [_location_from(loc) for loc in data["locations"]]
    carriers = [_carrier_from(car) for car in data["carriers"]]
    return Network(
        locations={loc.id: loc for loc in locations},
        carriers={car.id: car for car in carriers},
    )


# --- events --------------------------------------------------------------------------------------------------


def event_types() -> dict[str, type[DomainEvent]]:
    """Every concrete domain event class by its stored ``name``.

    Returns:
        A fresh mapping, found by walking the subclasses of :class:`DomainEvent` (so events added to the
        model are known without registration).
    """
    found: dict[str, type[DomainEvent]] = {}
    pending: list[type[DomainEvent]] = list(DomainEvent.__subclasses__())
    while pending:
        kind = pending.pop()
        found.setdefault(kind.name, kind)
        pending.extend(kind.__subclasses__())
    return found


def event_to_record(event: DomainEvent) -> Record:
    """An event as ``{"name": …, "payload": …}``, the form the outbox stores.

    Args:
        event: the domain event.

    Returns:
        Its stable type name and its fields as JSON-ready data.
    """
    return {"name": event.name, "payload": event.payload()}


def event_from_record(name: str, payload: Mapping[str, Any]) -> DomainEvent:
    """Rebuild a domain event from its stored name and payload (tuples come back as tuples).

    Args:
        name: the event's type name (``DomainEvent.name``).
        payload: its fields, as :meth:`DomainEvent.payload` gave them.

    Returns:
        An event equal to the one stored.

    Raises:
        PersistenceError: the name is unknown or the payload does not fit the event's fields.
    """
    kind = event_types().get(name)
    if kind is None:
        raise PersistenceError(f"unknown event type {name!r}")
    try:
        hints = typing.get_type_hints(kind)
        fields = {
            key: tuple(value) if typing.get_origin(hints.get(key)) is tuple else value for key, value in payload.items()
        }
        return kind(**fields)
    except (TypeError, ValueError, NameError) as error:
        raise PersistenceError(f"damaged {name!r} event payload: {error}") from error


# --- shared ---------------------------------------------------------------------------------------------------


def _read(entity: str, data: Mapping[str, Any], build: Callable[[Mapping[str, Any]], _T]) -> _T:
    """Check a record's format, then build the value; damage found on the way becomes a persistence error."""
    try:
        found = data["format"]
    except (KeyError, TypeError) as error:
        raise PersistenceError(f"damaged {entity} record: it has no format") from error
    if type(found) is not int:
        raise PersistenceError(f"damaged {entity} record: format {found!r}")
    if found > RECORD_FORMAT:
        raise SchemaVersionError(found, RECORD_FORMAT)
    try:
        return build(data)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise PersistenceError(f"damaged {entity} record: {type(error).__name__}: {error}") from error
