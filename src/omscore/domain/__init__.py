"""The model: value objects, aggregates, domain events and errors. Pure: no I/O, no clock, no pydantic."""

from omscore.domain.address import (
    Address,
    GeoPoint,
    Recipient,
    normalise_phone,
    normalise_text,
    region_matches,
)
from omscore.domain.catalog import Catalog, Kit, KitComponent, Listing, Sku
from omscore.domain.decisions import Decision
from omscore.domain.errors import (
    ChangeRefused,
    ConcurrencyConflict,
    DuplicateKey,
    IllegalTransition,
    InvalidAddress,
    InvalidConfiguration,
    InvalidInput,
    InvalidMoney,
    InvalidQuantity,
    InvariantViolation,
    LockTimeout,
    NotFound,
    OmsError,
    PersistenceError,
    SchemaVersionError,
    TenantViolation,
    TransientError,
    UnitOfWorkClosed,
)
from omscore.domain.gifts import GiftClaim
from omscore.domain.holds import Hold, HoldEnd, HoldKind
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
from omscore.domain.inbound import ExpectedReceipt, InboundKind
from omscore.domain.inventory import (
    Reservation,
    ReservationLine,
    ReserveOutcome,
    Shortage,
    StockKey,
    StockLevel,
)
from omscore.domain.money import Money, allocate
from omscore.domain.network import Carrier, Location, LocationKind, Network
from omscore.domain.order import Order, PaymentMode
from omscore.domain.order_line import OrderLine
from omscore.domain.order_status import OrderStatus
from omscore.domain.platform_order import PlatformLine, PlatformOrder, PlatformStatus
from omscore.domain.shipment import Shipment, ShipmentLine, ShipmentStatus

__all__ = [
    "Address",
    "Carrier",
    "CarrierId",
    "Catalog",
    "ChangeRefused",
    "Channel",
    "ConcurrencyConflict",
    "Decision",
    "DuplicateKey",
    "ExpectedReceipt",
    "ExternalOrderRef",
    "GeoPoint",
    "GiftClaim",
    "Hold",
    "HoldEnd",
    "HoldKind",
    "IllegalTransition",
    "InboundKind",
    "InvalidAddress",
    "InvalidConfiguration",
    "InvalidInput",
    "InvalidMoney",
    "InvalidQuantity",
    "InvariantViolation",
    "Kit",
    "KitComponent",
    "LineId",
    "Listing",
    "Location",
    "LocationId",
    "LocationKind",
    "LockTimeout",
    "Money",
    "Network",
    "NotFound",
    "OmsError",
    "Order",
    "OrderId",
    "OrderLine",
    "OrderStatus",
    "PaymentMode",
    "PersistenceError",
    "PlatformLine",
    "PlatformOrder",
    "PlatformStatus",
    "Recipient",
    "Reservation",
    "ReservationLine",
    "ReserveOutcome",
    "SchemaVersionError",
    "Shipment",
    "ShipmentId",
    "ShipmentLine",
    "ShipmentStatus",
    "Shortage",
    "Sku",
    "SkuCode",
    "StockKey",
    "StockLevel",
    "TenantViolation",
    "TransientError",
    "UnitOfWorkClosed",
    "allocate",
    "normalise_phone",
    "normalise_text",
    "region_matches",
]
